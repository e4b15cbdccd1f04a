"""Backups of the embedded SQLite database, restores into a fresh one, and the automatic backup
at each day close. PostgreSQL is backed up by the server's tools: here only the commands.

How a backup is written (``backup_sqlite``)
    SQLite's online backup API (``sqlite3.Connection.backup``) copies the database in one step
    from a read snapshot: in WAL mode other desks keep writing meanwhile and the copy holds the
    database as it was when the step began, never half of a transaction. The copy goes to a
    temporary file beside the target, is switched to a plain (rollback-journal) file so that it
    is one self-contained file, checked by reopening it and running ``PRAGMA integrity_check``,
    synced, and only then renamed to the target: a failed backup leaves no half file. The file
    is readable by its owner only (it holds every applicant's personal data).

How a backup is restored (``restore_sqlite``)
    Only into a fresh database: the target must not exist or must hold no rows (a new file, or
    a migrated schema nobody has used). The backup is checked first (a SQLite file, integrity
    ok, a schema version this program knows), then copied with the same backup API.

The automatic backup (``auto_backup``) runs after the lead's confirmation of a day close has
committed, in its own steps: a failure there never undoes the close. The audit row of a backup
is written after the file, in its own small transaction, so the backup does not hold it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import shlex
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError

from models.errors import DomainError
from models.files import private_dir
from models.i18n import _
from models.permissions import SYSTEM, Action, Actor, require

SQLITE_MAGIC = b"SQLite format 3\x00"
MAIN_TABLES = ("payment", "dossier", "audit_event")  # the figures a backup's summary shows
AUTO_PREFIX = "desk-"
AUTO_SUFFIX = ".sqlite3"
_AUTO_NAME = re.compile(r"^desk-(\d{8}-\d{6})-.*\.sqlite3$")
_UNSAFE = re.compile(r"[^\w.-]+")  # \w keeps Chinese; path separators and spaces go
_SIDE_FILES = ("", "-journal", "-wal", "-shm")


class BackupFailed(DomainError):
    code = "backup.failed"


class BadBackup(DomainError):
    code = "backup.invalid"


class RestoreRefused(DomainError):
    code = "backup.restore_refused"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A database file as written or restored: its size, digest, schema version and rows."""

    path: Path
    bytes: int
    sha256: str
    revision: str | None
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def count(self, table: str) -> int:
        return self.counts.get(table, 0)


@dataclass(frozen=True, slots=True)
class PgCommands:
    """The server's tools for a PostgreSQL database (no password: PGPASSWORD or ~/.pgpass)."""

    database: str
    dump: str  # pg_dump -Fc …
    create: str  # createdb … (a fresh database to restore into)
    restore: str  # pg_restore …


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


# --- backup ------------------------------------------------------------------------------------


def backup_sqlite(engine: Engine, target: Path, *, force: bool = False) -> Snapshot:
    """Copy the engine's SQLite database to ``target`` (see the module's docstring)."""
    started = time.perf_counter()
    if engine.dialect.name != "sqlite":
        raise BackupFailed(_("PostgreSQL 数据库请用 pg_dump 备份"), code="backup.postgresql")
    target = Path(target)
    if target.is_dir():
        raise BackupFailed(
            _("{target} 是一个文件夹：请给出备份文件的名称").format(target=target),
            code="backup.is_dir",
        )
    if target.exists() and not force:
        raise BackupFailed(
            _("备份文件 {target} 已存在：请换一个文件名，或确认后加 --force 覆盖").format(
                target=target
            ),
            code="backup.exists",
        )
    source = sqlite_file(engine.url.render_as_string(hide_password=False))
    if source is not None and source.resolve() == target.resolve():
        raise BackupFailed(_("备份文件不能是数据库本身"), code="backup.same_file")
    try:
        private_dir(target.parent)  # the folders it makes 0700; the file is 0600 (mkstemp)
        with _temporary_beside(target) as tmp:
            raw = engine.raw_connection()
            try:
                dest = sqlite3.connect(tmp)
                try:
                    _copy(raw.driver_connection, dest)  # type: ignore[arg-type]
                    # one self-contained file: the copy carries the source's WAL flag
                    dest.execute("PRAGMA journal_mode=DELETE")
                finally:
                    dest.close()
            finally:
                raw.close()
            revision, counts = _settle(tmp)
            _fsync(tmp)
            if target.exists() and not force:  # written meanwhile by someone else
                raise BackupFailed(
                    _("备份文件 {target} 已存在").format(target=target), code="backup.exists"
                )
            os.replace(tmp, target)
        _fsync_dir(target.parent)
        size, digest = target.stat().st_size, _sha256(target)
    except sqlite3.Error as exc:
        raise BackupFailed(_("备份失败：{exc}").format(exc=exc), code="backup.sqlite") from exc
    except OSError as exc:
        raise BackupFailed(
            _("备份失败：无法写入 {target}（{reason}）").format(
                target=target, reason=exc.strerror or exc
            ),
            code="backup.io",
        ) from exc
    return Snapshot(
        path=target,
        bytes=size,
        sha256=digest,
        revision=revision,
        counts=counts,
        seconds=time.perf_counter() - started,
    )


def record_backup(
    engine: Engine,
    snap: Snapshot,
    *,
    actor: Actor,
    campaign_id: int | None = None,
    action: str = "backup.write",
    automatic: bool = False,
) -> None:
    """The backup's audit row, in its own transaction after the file is written (so the file
    does not hold it)."""
    from models import audit
    from models.db import session_scope

    with session_scope(engine) as session:
        audit.record(
            session,
            actor_id=actor.user_id,
            actor_name=actor.username,
            action=action,
            entity="backup",
            entity_id=snap.path.name[:60],
            campaign_id=campaign_id,
            desk=actor.desk,
            detail={
                "file": snap.path.name,
                "bytes": snap.bytes,
                "sha256": snap.sha256,
                "revision": snap.revision,
                "automatic": automatic,
                "rows": {t: snap.count(t) for t in MAIN_TABLES},
            },
        )


def backup(engine: Engine, actor: Actor, target: Path, *, force: bool = False) -> Snapshot:
    """``desk backup``: a lead's or an admin's copy of the database (it holds every applicant's
    personal data, so it is a permission and an audited export)."""
    require(actor, Action.backup)
    snap = backup_sqlite(engine, target, force=force)
    record_backup(engine, snap, actor=actor)
    return snap


# --- the automatic backup at each day close ----------------------------------------------------


def backup_directory(configured: str = "") -> Path:
    """``backup_dir`` from the configuration, else ``backups/`` in the data directory."""
    from models.config import data_dir

    return Path(configured).expanduser() if configured else data_dir() / "backups"


def auto_name(label: str, now: dt.datetime | None = None) -> str:
    """``desk-20210927-183005-bz-vocational-2021-20210927.sqlite3`` (local time of the desk)."""
    now = now or dt.datetime.now()
    safe = _UNSAFE.sub("_", label).strip("._") or "desk"
    return f"{AUTO_PREFIX}{now:%Y%m%d-%H%M%S}-{safe}{AUTO_SUFFIX}"


def _free(path: Path) -> Path:
    """``path``, or ``…-2.sqlite3`` and on when two closes share a second."""
    n = 1
    candidate = path
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name.removesuffix(AUTO_SUFFIX)}-{n}{AUTO_SUFFIX}")
    return candidate


def automatic_backups(directory: Path) -> list[Path]:
    """The automatic backups in ``directory``, oldest first (by the time in the name, then the
    file's time)."""
    found = []
    for p in directory.glob(f"{AUTO_PREFIX}*{AUTO_SUFFIX}"):
        m = _AUTO_NAME.match(p.name)
        if m and p.is_file():
            found.append((m.group(1), p.stat().st_mtime_ns, p.name, p))
    return [p for *_, p in sorted(found)]


def prune(directory: Path, keep: int, *, spare: Path | None = None) -> list[Path]:
    """Delete all but the newest ``keep`` automatic backups (``keep`` <= 0 keeps all) and never
    ``spare`` (the one just written, should the clock have gone back); other files in the
    directory are never touched. Returns the deleted files."""
    if keep <= 0:
        return []
    old = [p for p in automatic_backups(directory)[:-keep] if p != spare]
    for p in old:
        p.unlink()
    return old


def auto_backup(
    engine: Engine,
    directory: Path,
    keep: int,
    label: str,
    *,
    actor: Actor = SYSTEM,
    campaign_id: int | None = None,
    now: dt.datetime | None = None,
) -> Path | None:
    """After a day close: a backup in ``directory`` named by time and ``label``, its audit row,
    and the older ones beyond ``keep`` deleted. None on PostgreSQL (the server's pg_dump backs
    it up). Raises BackupFailed with the reason; the close is committed before and stays."""
    if engine.dialect.name != "sqlite":
        return None
    try:
        private_dir(directory)
    except OSError as exc:
        raise BackupFailed(
            _("无法创建备份文件夹 {directory}（{reason}）").format(
                directory=directory, reason=exc.strerror or exc
            ),
            code="backup.io",
        ) from exc
    snap = backup_sqlite(engine, _free(directory / auto_name(label, now)))
    try:
        record_backup(engine, snap, actor=actor, campaign_id=campaign_id, automatic=True)
    except (DomainError, SQLAlchemyError) as exc:  # the database busy or gone since the close
        reason = exc.message if isinstance(exc, DomainError) else str(exc).splitlines()[0]
        raise BackupFailed(
            _("备份已写入 {path}，但未能写入审计记录：{reason}").format(
                path=snap.path, reason=reason
            ),
            code="backup.audit",
        ) from exc
    try:
        prune(directory, keep, spare=snap.path)
    except OSError as exc:
        raise BackupFailed(
            _("备份已写入 {path}，但未能删除较早的自动备份（{reason}）").format(
                path=snap.path, reason=exc.strerror or exc
            ),
            code="backup.prune",
        ) from exc
    return snap.path


def day_close_backup(
    engine: Engine,
    *,
    backup_dir: str,
    keep: int,
    actor: Actor,
    campaign_code: str,
    campaign_id: int | None,
    day: dt.date,
) -> Path | None:
    """The automatic backup after the lead confirmed the close of ``day`` (the configuration's
    ``backup_dir`` and ``backup_keep``)."""
    return auto_backup(
        engine,
        backup_directory(backup_dir),
        keep,
        f"{campaign_code}-{day:%Y%m%d}",
        actor=actor,
        campaign_id=campaign_id,
    )


# --- restore -----------------------------------------------------------------------------------


def known_revisions() -> list[str]:
    """Every schema version this program's migrations know, newest first."""
    from alembic.script import ScriptDirectory

    from models import migrate

    return [
        r.revision for r in ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()
    ]


def check_backup(path: Path) -> Snapshot:
    """A file fit to restore: a SQLite database, sound, with a schema version this program
    knows. Raises BadBackup saying what is wrong."""
    path = Path(path)
    if not path.is_file():
        raise BadBackup(_("找不到备份文件 {path}").format(path=path), code="backup.missing")
    with path.open("rb") as f:
        magic = f.read(len(SQLITE_MAGIC))
    if magic != SQLITE_MAGIC:
        raise BadBackup(
            _("{path} 不是 SQLite 数据库文件（PostgreSQL 的备份请用 pg_restore 恢复）").format(
                path=path
            ),
            code="backup.not_sqlite",
        )
    try:
        conn = _open_readonly(path)
        try:
            problems = _integrity(conn)
            if problems:
                raise BadBackup(
                    _("备份文件 {path} 已损坏（完整性检查：{problems}），请换一份备份").format(
                        path=path, problems="；".join(problems[:3])
                    ),
                    code="backup.corrupt",
                )
            revision, counts = _contents(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise BadBackup(
            _("无法读取备份文件 {path}：{exc}").format(path=path, exc=exc), code="backup.unreadable"
        ) from exc
    if revision is None:
        raise BadBackup(
            _("{path} 不是受理台的数据库（没有数据库结构版本）").format(path=path),
            code="backup.foreign",
        )
    known = known_revisions()
    if revision not in known:
        raise BadBackup(
            _(
                "备份的数据库结构版本 {revision} 本程序不认识（本程序最新为 {known}）：请用备份时所用的或更新的程序恢复"
            ).format(revision=revision, known=known[0]),
            code="backup.unknown_revision",
        )
    return Snapshot(
        path=path, bytes=path.stat().st_size, sha256=_sha256(path), revision=revision, counts=counts
    )


def occupied(path: Path) -> str | None:
    """Why ``path`` is not a fresh database to restore into: None when it does not exist, is an
    empty file, has no tables, or has the schema and not one row."""
    if not path.exists():
        return None
    if path.is_dir():
        return _("{path} 是一个文件夹").format(path=path)
    if path.stat().st_size == 0 and not Path(f"{path}-wal").exists():
        return None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            _tables, counts = _contents(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return _("{path} 不是空的 SQLite 数据库").format(path=path)
    full = {t: n for t, n in counts.items() if n}
    if not full:
        return None
    users = counts.get("desk_user", 0)
    if users:
        return _("{path} 已有数据（用户 {users} 个，共 {rows} 行）").format(
            path=path, users=users, rows=sum(full.values())
        )
    return _("{path} 已有数据（共 {rows} 行）").format(path=path, rows=sum(full.values()))


@dataclass(frozen=True, slots=True)
class Restored:
    source: Snapshot  # the backup as checked
    target: Snapshot  # the database now (with the restore's own audit row when audited)
    audited: bool  # False when the backup's schema is older: upgrade it before use
    seconds: float


def restore_sqlite(source: Path, target: Path) -> Restored:
    """Restore the backup ``source`` into the fresh database ``target`` (see the module's
    docstring); on the newest schema the restored database gets an audit row saying so."""
    from models import migrate
    from models.db import make_engine, sqlite_url

    started = time.perf_counter()
    source, target = Path(source), Path(target)
    checked = check_backup(source)
    if target.exists() and source.resolve() == target.resolve():
        raise RestoreRefused(_("备份文件与恢复目标是同一个文件"), code="backup.same_file")
    reason = occupied(target)
    if reason is not None:
        raise RestoreRefused(
            _(
                "不能恢复到 {target}：{reason}。只能恢复到新的空数据库：请先关闭使用该数据库的受理台，把它（连同同名的 -wal、-shm 文件）改名或移到别处保存，例如改名为 {name}.old，再重新执行；或用 --to 指定一个新文件"
            ).format(target=target, reason=reason, name=target.name),
            code="backup.target_in_use",
        )
    try:
        private_dir(target.parent)
        src = _open_readonly(source)
        try:
            if target.exists():  # an empty database: the backup API writes it in one transaction
                dest = sqlite3.connect(target)
                try:
                    _copy(src, dest)
                finally:
                    dest.close()
                _settle(target)
            else:
                with _temporary_beside(target) as tmp:
                    dest = sqlite3.connect(tmp)
                    try:
                        _copy(src, dest)
                        dest.execute("PRAGMA journal_mode=DELETE")
                    finally:
                        dest.close()
                    _settle(tmp)
                    _fsync(tmp)
                    if target.exists():
                        raise RestoreRefused(
                            _("{target} 在恢复期间被别人创建：请重新执行").format(target=target),
                            code="backup.target_in_use",
                        )
                    os.replace(tmp, target)
                _fsync_dir(target.parent)
        finally:
            src.close()
    except sqlite3.Error as exc:
        raise BackupFailed(_("恢复失败：{exc}").format(exc=exc), code="backup.sqlite") from exc
    except OSError as exc:
        raise BackupFailed(
            _("恢复失败：无法写入 {target}（{reason}）").format(
                target=target, reason=exc.strerror or exc
            ),
            code="backup.io",
        ) from exc
    audited = checked.revision == migrate.head_revision()
    if audited:
        engine = make_engine(sqlite_url(target))
        try:
            record_restore(engine, checked)
        finally:
            engine.dispose()
    now = describe(target)
    return Restored(
        source=checked, target=now, audited=audited, seconds=time.perf_counter() - started
    )


def record_restore(engine: Engine, source: Snapshot) -> None:
    """The restored database says where it came from: one audit row (the system's), sealed into
    its chain like any other. Only on the newest schema (an older one is upgraded first)."""
    from models import audit
    from models.db import session_scope

    with session_scope(engine) as session:
        audit.record(
            session,
            actor_id=None,
            actor_name=SYSTEM.username,
            action="backup.restore",
            entity="backup",
            entity_id=source.path.name[:60],
            detail={
                "file": source.path.name,
                "bytes": source.bytes,
                "sha256": source.sha256,
                "revision": source.revision,
                "rows": {t: source.count(t) for t in MAIN_TABLES},
            },
        )
