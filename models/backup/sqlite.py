"""The SQLite file underneath a backup: opening it read-only, its integrity and contents, copying, syncing and replacing files safely, and describing a copy."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shlex
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import make_url

from models.backup.records import _SIDE_FILES, BackupFailed, PgCommands, Snapshot
from models.i18n import _

# --- where the database is ---------------------------------------------------------------------


def is_sqlite_url(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL; None for an in-memory database or another backend."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or u.database in (None, "", ":memory:"):
        return None
    return Path(u.database or "")


def pg_commands(url: str, file: Path | str) -> PgCommands:
    """``pg_dump -Fc`` to ``file`` and the matching ``pg_restore``, from the URL's host, port,
    database and user. The password is never part of the commands."""
    u = make_url(url)
    host = u.host or str(u.query.get("host") or "") or "localhost"
    args = ["-h", host, "-p", str(u.port or 5432)]
    if u.username:
        args += ["-U", u.username]
    db = u.database or "desk"
    name = str(file)
    q = shlex.join
    return PgCommands(
        database=db,
        dump=q(["pg_dump", "-Fc", *args, "-d", db, "-f", name]),
        create=q(["createdb", *args, db]),
        restore=q(["pg_restore", *args, "-d", db, "--no-owner", "--exit-on-error", name]),
    )


# --- reading a database file -------------------------------------------------------------------


def _open_readonly(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _integrity(conn: sqlite3.Connection) -> list[str]:
    """``PRAGMA integrity_check``: the problems found, [] when the file is sound."""
    rows = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
    return [] if rows == ["ok"] else rows


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' "
            "ESCAPE '\\' ORDER BY name"
        )
    ]


def _contents(conn: sqlite3.Connection) -> tuple[str | None, dict[str, int]]:
    """(schema version, rows per table) of an open database; alembic's own table not counted."""
    tables = _tables(conn)
    revision = None
    if "alembic_version" in tables:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        revision = str(row[0]) if row else None
    counts = {
        t: int(conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0])
        for t in tables
        if t != "alembic_version"
    }
    return revision, counts


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _fsync(path: Path) -> None:
    # Windows flushes a file only through a handle that may write to it
    fd = os.open(path, os.O_RDWR if os.name == "nt" else os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    if os.name == "nt":  # directories cannot be opened there; NTFS journals the rename
        return
    with contextlib.suppress(OSError):
        _fsync(path)


def _remove(path: Path) -> None:
    for suffix in _SIDE_FILES:
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


@contextlib.contextmanager
def _temporary_beside(target: Path) -> Iterator[Path]:
    """A temporary file in the target's directory (so the rename is atomic), removed unless it
    was renamed."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
    finally:
        _remove(tmp)


def _copy(source: sqlite3.Connection, dest: sqlite3.Connection) -> None:
    """The backup API in one step (``pages=-1``): one read snapshot of the source."""
    source.backup(dest, pages=-1)


def _settle(path: Path) -> tuple[str | None, dict[str, int]]:
    """Reopen a copy, check it and read what it holds; raises BackupFailed when it is unsound."""
    conn = _open_readonly(path)
    try:
        problems = _integrity(conn)
        if problems:
            raise BackupFailed(
                _("备份副本未通过完整性检查：{problems}").format(problems="；".join(problems[:3])),
                code="backup.integrity",
            )
        return _contents(conn)
    finally:
        conn.close()


def describe(path: Path) -> Snapshot:
    """Size, digest, version and rows of a database file (read-only)."""
    conn = _open_readonly(path)
    try:
        revision, counts = _contents(conn)
    finally:
        conn.close()
    return Snapshot(
        path=path, bytes=path.stat().st_size, sha256=_sha256(path), revision=revision, counts=counts
    )
