"""The accounts' rules: lockout and password limits, user names and roles checked, and an account fetched."""

from __future__ import annotations

import datetime as dt
import re

from sqlmodel import Session, select

from models.errors import (
    AuthenticationFailed,
    InvalidInput,
    NotFound,
)
from models.i18n import _
from models.users import User
from models.vocab import Role

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 6
NEEDS_APPROVAL = "user.needs_approval"  # the code of the refusal a lead's approval answers
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,30}$")


def _failed() -> AuthenticationFailed:
    """The one message of a failed login: an unknown user, a disabled one and a wrong password
    all read the same, so the message tells nobody which accounts exist."""
    return AuthenticationFailed(_("用户名或密码不正确"))


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise InvalidInput(
            _(
                "未知的角色“{role}”：可选 clerk（受理员）、cashier（收费员）、lead（负责人）、admin（管理员）"
            ).format(role=role),
            code="user.bad_role",
        ) from None


def _check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            _("密码至少 {MIN_PASSWORD_LENGTH} 位").format(MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH),
            code="user.weak_password",
        )


def _is_active(user: User) -> bool:
    return user.active and user.disabled_at is None


def _get(session: Session, username: str) -> User:
    """The account changed, locked for the change (after ``_lock_office``)."""
    user = session.exec(
        select(User).where(User.username == username.strip()).with_for_update()
    ).first()
    if user is None:
        raise NotFound(
            _("没有用户“{username}”").format(username=username.strip()), code="user.not_found"
        )
    return user
