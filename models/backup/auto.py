"""Automatic backups: where they go, how they are named, kept and pruned, and the backup at a day's close."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from models.backup.make import backup_sqlite, record_backup
from models.backup.records import _AUTO_NAME, _UNSAFE, AUTO_PREFIX, AUTO_SUFFIX, BackupFailed
from models.errors import DomainError
from models.files import private_dir
from models.i18n import _
from models.permissions import SYSTEM, Actor

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
