"""What the command line and the 用户管理 screen both say about accounts (no Textual, no Typer)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from models.i18n import _
from models.services.users import UserRow

OFFICE_ZONE = ZoneInfo("Asia/Shanghai")  # Xinjiang offices keep Beijing time


def state(row: UserRow) -> str:
    """在用, 已停用, 已锁定 or 须改密码 (a reset password not yet changed)."""
    if not row.active:
        return _("已停用")
    if row.locked:
        return _("已锁定")
    if row.must_change_password:
        return _("须改密码")
    return _("在用")


def when(at: dt.datetime | None) -> str:
    """A time as the office reads it (Beijing time), or "" for never."""
    return at.astimezone(OFFICE_ZONE).strftime("%Y-%m-%d %H:%M") if at is not None else ""


def row_json(row: UserRow) -> dict[str, object]:
    return {
        "username": row.username,
        "display_name": row.display_name,
        "role": row.role.value,
        "active": row.active,
        "locked": row.locked,
        "must_change_password": row.must_change_password,
        "created_at": row.created_at.isoformat(),
        "last_login_at": row.last_login_at.isoformat() if row.last_login_at else None,
        "disabled_at": row.disabled_at.isoformat() if row.disabled_at else None,
    }
