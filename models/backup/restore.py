"""Restoring a backup: checking the file and its revision, refusing while desks are in use, replacing the database, and its audit row."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from sqlalchemy.engine import Engine

from models.backup.records import (
    BOOKKEEPING,
    MAIN_TABLES,
    SQLITE_MAGIC,
    BackupFailed,
    BadBackup,
    Restored,
    RestoreRefused,
    Snapshot,
)
from models.backup.sqlite import (
    _contents,
    _copy,
    _fsync,
    _fsync_dir,
    _integrity,
    _open_readonly,
    _settle,
    _sha256,
    _temporary_beside,
    describe,
)
from models.files import private_dir
from models.i18n import _
from models.permissions import SYSTEM

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
    full = {t: n for t, n in counts.items() if n and t not in BOOKKEEPING}
    if not full:
        return None
    users = counts.get("desk_user", 0)
    if users:
        return _("{path} 已有数据（用户 {users} 个，共 {rows} 行）").format(
            path=path, users=users, rows=sum(full.values())
        )
    return _("{path} 已有数据（共 {rows} 行）").format(path=path, rows=sum(full.values()))


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
