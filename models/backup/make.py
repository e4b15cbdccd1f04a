"""Making a backup: a consistent copy of the SQLite database from a read snapshot, and its audit row."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from sqlalchemy.engine import Engine

from models.backup.pg import pg_dump_backup
from models.backup.records import MAIN_TABLES, BackupFailed, Snapshot
from models.backup.sqlite import (
    _copy,
    _fsync,
    _fsync_dir,
    _settle,
    _sha256,
    _temporary_beside,
    sqlite_file,
)
from models.files import private_dir
from models.i18n import _
from models.permissions import Action, Actor, require

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
    if engine.dialect.name == "postgresql":  # the server's own pg_dump, run by the desk
        snap = pg_dump_backup(engine, target, force=force)
    else:
        snap = backup_sqlite(engine, target, force=force)
    record_backup(engine, snap, actor=actor)
    return snap
