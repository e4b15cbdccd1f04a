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
    backup_copy_dir = "E:/desk-backups"                   # a second copy (USB or network folder)
    db_lock_timeout = 3              # PostgreSQL, seconds: waiting for a row another desk holds
    db_statement_timeout = 30        # … one statement at most
    db_connect_timeout = 5           # … for the server to answer a new connection
    db_idle_transaction_timeout = 60 # … before the server cuts off a desk frozen mid-transaction

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
from models.text import clean_desk_name
from models.timeouts import DbTimeouts

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
    backup_copy_dir: str = ""  # a second, verified copy of each (USB, network); "" is none
    printers: dict[str, Any] = field(default_factory=dict)  # [printers.receipt], [printers.label]
    db_lock_timeout: int = 3
    db_statement_timeout: int = 30
    db_connect_timeout: int = 5
    db_idle_transaction_timeout: int = 60
    path: Path | None = None

    @property
    def database_is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def timeouts(self) -> DbTimeouts:
        return DbTimeouts(
            lock=self.db_lock_timeout,
            statement=self.db_statement_timeout,
            connect=self.db_connect_timeout,
            idle_in_transaction=self.db_idle_transaction_timeout,
        )


_TYPES: dict[str, type] = {
    "database_url": str,
    "campaign": str,
    "desk": str,
    "language": str,
    "idle_lock_minutes": int,
    "backup_keep": int,
    "backup_dir": str,
    "backup_copy_dir": str,
    "printers": dict,
    "db_lock_timeout": int,
    "db_statement_timeout": int,
    "db_connect_timeout": int,
    "db_idle_transaction_timeout": int,
}
_SECONDS = {
    "db_lock_timeout": (1, 600),
    "db_statement_timeout": (1, 3600),
    "db_connect_timeout": (1, 120),
    "db_idle_transaction_timeout": (5, 86400),
}


def desk_name(text: str, path: Path | None = None) -> str:
    """A desk's name as it is kept: NFKC (full-width letters and digits as plain ones), no
    invisible or control characters (a zero-width space made "D1\u200b" another desk than
    "D1"), one space between words, none at the ends. An empty result is refused."""
    name = clean_desk_name(text)
    if not name:
        raise InvalidInput(
            _("配置文件 {path} 中的窗口名称“desk”不能为空（也不能只有空格或不可见字符）").format(
                path=path or config_path()
            ),
            code="config.bad_desk",
        )
    if len(name) > 40:
        raise InvalidInput(
            _("配置文件 {path} 中的窗口名称“desk”最多 40 个字符").format(
                path=path or config_path()
            ),
            code="config.bad_desk",
        )
    return name


def load_config(path: Path | None = None) -> DeskConfig:
    path = path or config_path()
    values: dict[str, Any] = {}
    if path.exists():
        try:
            values = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise InvalidInput(
                _("配置文件 {path} 格式错误：{exc}").format(path=path, exc=exc),
                code="config.invalid",
            ) from exc
        except UnicodeDecodeError as exc:
            raise InvalidInput(
                _("配置文件 {path} 不是 UTF-8 编码：请用记事本另存为 UTF-8").format(path=path),
                code="config.encoding",
            ) from exc
    known = {f.name for f in fields(DeskConfig)} - {"path"}
    for key, value in values.items():
        if key not in known:
            raise InvalidInput(
                _("配置文件 {path} 中有未知的键“{key}”；可用的键：{known}").format(
                    path=path, key=key, known="、".join(sorted(known))
                ),
                code="config.unknown_key",
            )
        if not isinstance(value, _TYPES[key]) or isinstance(value, bool):
            raise InvalidInput(
                _("配置文件 {path} 中“{key}”的值类型不对").format(path=path, key=key),
                code="config.bad_value",
            )
        low, high = _SECONDS.get(key, (0, 0))
        if key in _SECONDS and isinstance(value, int) and not low <= value <= high:
            raise InvalidInput(
                _("配置文件 {path} 中“{key}”应为 {low}–{high} 秒").format(
                    path=path, key=key, low=low, high=high
                ),
                code="config.bad_value",
            )
    if "desk" in values:
        values["desk"] = desk_name(values["desk"], path)
    cfg = DeskConfig(**values, path=path)
    env_url = os.environ.get("DESK_DATABASE_URL")
    if env_url:
        cfg.database_url = env_url
    return cfg
