"""The desk's configuration file (TOML) and environment overrides.

Location: ``DESK_CONFIG`` if set, else ``config.toml`` in the user config directory
(platformdirs: ``~/.config/committee-desk/`` on Linux, ``%LOCALAPPDATA%\\committee-desk\\`` on
Windows). Every key is optional.

    database_url = "postgresql://desk@10.0.0.5/desk"   # default: SQLite in the data directory
    campaign = "bz-vocational-2021"                      # the campaign this desk works on
    desk = "1号窗口"                                       # printed on receipts, kept in audit
    language = "zh_CN"                                    # or "en"
    idle_lock_minutes = 10
    backup_keep = 30                                      # day-close backups kept (0: all)
    backup_dir = "D:/desk-backups"                        # default: backups/ in the data directory

    [printers.receipt]                                   # see printers/config.py
    connection = "network"
    host = "192.168.1.50"

``DESK_DATABASE_URL`` overrides ``database_url``; ``DESK_DATA_DIR`` moves the data directory.
"""

from __future__ import annotations

import os
import socket
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import platformdirs

from models.errors import InvalidInput
from models.i18n import _

APP_NAME = "committee-desk"


def data_dir() -> Path:
    override = os.environ.get("DESK_DATA_DIR")
    if override:
        return Path(override)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_path() -> Path:
    override = os.environ.get("DESK_CONFIG")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'desk.sqlite3'}"


@dataclass(slots=True)
class DeskConfig:
    database_url: str = field(default_factory=default_database_url)
    campaign: str = ""
    desk: str = field(default_factory=socket.gethostname)
    language: str = "zh_CN"
    idle_lock_minutes: int = 10
    backup_keep: int = 30  # the automatic backups (one per day close) kept; 0 keeps all
    backup_dir: str = ""  # where they go; "" is backups/ in the data directory
    printers: dict[str, Any] = field(default_factory=dict)  # [printers.receipt], [printers.label]
    path: Path | None = None

    @property
    def database_is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


_TYPES: dict[str, type] = {
    "database_url": str,
    "campaign": str,
    "desk": str,
    "language": str,
    "idle_lock_minutes": int,
    "backup_keep": int,
    "backup_dir": str,
    "printers": dict,
}


def load_config(path: Path | None = None) -> DeskConfig:
    path = path or config_path()
    values: dict[str, Any] = {}
    if path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInput(_("配置文件 {path} 格式错误：{exc}").format(path=path, exc=exc), code="config.invalid") from exc
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                _("配置文件 {path} 不是 UTF-8 编码：请用记事本另存为 UTF-8").format(path=path), code="config.encoding"
            ) from exc
    known = {f.name for f in fields(DeskConfig)} - {"path"}
    for key, value in values.items():
        if key not in known:
            raise InvalidInput(
                _("配置文件 {path} 中有未知的键“{key}”；可用的键：{value}").format(path=path, key=key, value='、'.join(sorted(known))),
                code="config.unknown_key",
            )
        if not isinstance(value, _TYPES[key]) or isinstance(value, bool):
            raise InvalidInput(
                _("配置文件 {path} 中“{key}”的值类型不对").format(path=path, key=key), code="config.bad_value"
            )
    cfg = DeskConfig(**values, path=path)
    env_url = os.environ.get("DESK_DATABASE_URL")
    if env_url:
        cfg.database_url = env_url
    return cfg
