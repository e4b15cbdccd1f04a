"""The day close's automatic backup as the desk reports it, for ``desk tally close`` and the day
screen alike: the file written, the failure as a warning (the day stays closed), or on
PostgreSQL that backups are the server's. Runs wherever the caller is (the screen: its worker
thread); imports neither Textual nor Typer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from models.config import DeskConfig
from models.errors import DomainError
from models.i18n import _
from models.permissions import Actor

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

PG_AUTO_NOTE = _("数据库为 PostgreSQL：备份由数据库服务器负责（pg_dump），受理台不做自动备份")


@dataclass(frozen=True, slots=True)
class CloseBackup:
    ok: bool  # False also when only the second copy failed (shown as a warning)
    path: Path | None  # None: failed, or PostgreSQL
    text: str  # the line(s) to show
    copy: Path | None = None  # the verified second copy (backup_copy_dir)
    copy_warning: str = ""  # the second copy failed: the local backup stands

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "path": str(self.path) if self.path else None,
            **({} if self.ok or self.copy_warning else {"error": self.text}),
            **({"copy": str(self.copy)} if self.copy else {}),
            **({"copy_warning": self.copy_warning} if self.copy_warning else {}),
        }


def backup_after_close(
    engine: Engine,
    config: DeskConfig,
    actor: Actor,
    *,
    campaign_code: str,
    campaign_id: int | None,
    day: dt.date,
) -> CloseBackup:
    """Call after the confirmation has committed."""
    from models.backup import day_close_backup

    try:
        path = day_close_backup(
            engine,
            backup_dir=config.backup_dir,
            keep=config.backup_keep,
            actor=actor,
            campaign_code=campaign_code,
            campaign_id=campaign_id,
            day=day,
        )
    except DomainError as exc:
        return CloseBackup(
            False,
            None,
            _(
                "警告：日结已确认并锁定，但自动备份失败：{message}；请检查备份文件夹（配置项 backup_dir）后用 desk backup 手工备份"
            ).format(message=exc.message),
        )
    if path is None:
        return CloseBackup(True, None, PG_AUTO_NOTE)
    text = _("已自动备份数据库：{path}").format(path=path)
    if not config.backup_copy_dir:
        return CloseBackup(True, path, text)
    from models.backup.copy import copy_backup

    try:
        copy = copy_backup(path, Path(config.backup_copy_dir).expanduser(), config.backup_keep)
    except DomainError as exc:
        warning = _(
            "警告：第二份备份未完成：{message}；本机备份 {path} 完好，日结不受影响；请检查 U 盘或网络文件夹（配置项 backup_copy_dir）"
        ).format(message=exc.message, path=path)
        return CloseBackup(False, path, f"{text}\n{warning}", copy_warning=warning)
    shown = _("已复制到第二个位置并核对无误：{copy}").format(copy=copy)
    return CloseBackup(True, path, f"{text}\n{shown}", copy=copy)
