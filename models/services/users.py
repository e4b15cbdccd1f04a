"""Users: add, authenticate with lockout."""

from __future__ import annotations

import datetime as dt
import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, func, select

from models import audit
from models.errors import AccountLocked, AuthenticationFailed, Conflict, InvalidInput
from models.i18n import _
from models.permissions import Action, Actor, require
from models.types import utcnow
from models.users import User
from models.vocab import Role

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 6
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,30}$")

_hasher = PasswordHasher()
# Verified against when the username does not exist, so timing does not tell who exists.
_DUMMY_HASH = _hasher.hash("committee-desk-dummy-password")


def shown_name(session: Session, user_id: int | None) -> str:
    """The name printed and shown for a user (display name, else username; "" if none)."""
    user = session.get(User, user_id) if user_id is not None else None
    return (user.display_name or user.username) if user else ""


def count_users(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(User)).one())


def add_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    role: Role | str,
    password: str,
    display_name: str = "",
) -> User:
    require(actor, Action.user_add)
    try:
        role = Role(role)
    except ValueError:
        raise InvalidInput(
            _("未知的角色“{role}”：可选 clerk（受理员）、cashier（收费员）、lead（负责人）、admin（管理员）").format(role=role),
            code="user.bad_role",
        ) from None
    username = username.strip()
    if not _USERNAME.match(username):
        raise InvalidInput(
            _("用户名应为 2–30 个字母、数字、汉字或 _ . -，不含空格"), code="user.bad_name"
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            _("密码至少 {MIN_PASSWORD_LENGTH} 位").format(MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH), code="user.weak_password"
        )
    if session.exec(select(User).where(User.username == username)).first() is not None:
        raise Conflict(_("用户名“{username}”已存在").format(username=username), code="user.exists")
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        role=role.value,
        password_hash=_hasher.hash(password),
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action="user.add",
        entity="user",
        entity_id=user.id,
        desk=actor.desk,
        detail={"username": username, "role": role.value},
    )
    return user


def authenticate(
    session: Session, username: str, password: str, *, desk: str = "", now: dt.datetime | None = None
) -> Actor:
    """Check a password. Failures are counted and committed even though this raises: after
    ``MAX_FAILURES`` the account is locked for ``LOCKOUT``."""
    now = now or utcnow()
    user = session.exec(select(User).where(User.username == username.strip())).first()
    if user is None or not user.active:
        _verify(_DUMMY_HASH, password)
        audit.record(
            session, actor_id=None, actor_name=username.strip()[:60], action="login.failed",
            entity="user", entity_id="", desk=desk, detail={"reason": "unknown_user"},
        )
        session.commit()
        raise AuthenticationFailed(_("用户名或密码不正确"))
    if user.locked_until is not None and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() + 59) // 60)
        raise AccountLocked(_("密码错误次数过多，账户已锁定，请 {minutes} 分钟后再试").format(minutes=minutes))
    if not _verify(user.password_hash, password):
        user.failed_attempts += 1
        detail: dict[str, object] = {"failures": user.failed_attempts}
        locked = user.failed_attempts >= MAX_FAILURES
        if locked:
            user.locked_until = now + LOCKOUT
            user.failed_attempts = 0
            detail["locked_until"] = user.locked_until.isoformat()
        session.add(user)
        audit.record(
            session, actor_id=user.id, actor_name=user.username,
            action="login.locked" if locked else "login.failed",
            entity="user", entity_id=user.id, desk=desk, detail=detail,
        )
        session.commit()
        if locked:
            raise AccountLocked(
                _("密码连续错误 {MAX_FAILURES} 次，账户已锁定 {value} 分钟").format(MAX_FAILURES=MAX_FAILURES, value=int(LOCKOUT.total_seconds() // 60))
            )
        left = MAX_FAILURES - user.failed_attempts
        raise AuthenticationFailed(_("用户名或密码不正确（再错 {left} 次将锁定账户）").format(left=left))
    user.failed_attempts = 0
    user.locked_until = None
    user.last_login_at = now
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    session.add(user)
    audit.record(
        session, actor_id=user.id, actor_name=user.username, action="login.ok",
        entity="user", entity_id=user.id, desk=desk,
    )
    assert user.id is not None
    return Actor(user_id=user.id, username=user.username, role=Role(user.role), desk=desk)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
