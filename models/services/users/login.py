"""Logging in: the credentials checked with a lockout after repeated failures."""

from __future__ import annotations

import datetime as dt

from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from models import audit
from models.errors import (
    AccountLocked,
)
from models.i18n import _
from models.login_tag import name_tag
from models.permissions import Actor
from models.services.users import hashing
from models.services.users.rules import (
    LOCKOUT,
    MAX_FAILURES,
    _failed,
    _is_active,
)
from models.types import utcnow
from models.users import User
from models.vocab import Role


def _check_credentials(
    session: Session, username: str, password: str, *, desk: str, now: dt.datetime, purpose: str
) -> User:
    """The user whose password this is. A failure is recorded and committed even though this
    raises; after ``MAX_FAILURES`` the account is locked for ``LOCKOUT``. A name that is no
    user is kept only as a keyed tag and its length."""
    name = username.strip()
    user = session.exec(select(User).where(User.username == name)).first()
    extra: dict[str, object] = {} if purpose == "login" else {"for": purpose}
    if user is None or not _is_active(user):
        _verify(hashing._DUMMY_HASH, password)
        if user is None:
            audit.record(
                session,
                actor_id=None,
                actor_name="",
                action="login.failed",
                entity="user",
                entity_id="",
                desk=desk,
                detail={"reason": "unknown_user", **name_tag(name), **extra},
            )
        else:
            audit.record(
                session,
                actor_id=user.id,
                actor_name=user.username,
                action="login.failed",
                entity="user",
                entity_id=user.id,
                desk=desk,
                detail={"reason": "disabled", **extra},
            )
        session.commit()
        raise _failed()
    if user.locked_until is not None and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() + 59) // 60)
        raise AccountLocked(
            _("密码错误次数过多，账户已锁定，请 {minutes} 分钟后再试").format(minutes=minutes)
        )
    if not _verify(user.password_hash, password):
        user.failed_attempts += 1
        detail: dict[str, object] = {"failures": user.failed_attempts, **extra}
        locked = user.failed_attempts >= MAX_FAILURES
        if locked:
            user.locked_until = now + LOCKOUT
            user.failed_attempts = 0
            detail["locked_until"] = user.locked_until.isoformat()
        session.add(user)
        audit.record(
            session,
            actor_id=user.id,
            actor_name=user.username,
            action="login.locked" if locked else "login.failed",
            entity="user",
            entity_id=user.id,
            desk=desk,
            detail=detail,
        )
        session.commit()
        if locked:
            raise AccountLocked(
                _("密码连续错误 {MAX_FAILURES} 次，账户已锁定 {minutes} 分钟").format(
                    MAX_FAILURES=MAX_FAILURES, minutes=int(LOCKOUT.total_seconds() // 60)
                )
            )
        raise _failed()
    if user.failed_attempts:
        user.failed_attempts = 0
        session.add(user)
    if hashing._hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hashing._hasher.hash(password)
        session.add(user)
    return user


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    desk: str = "",
    now: dt.datetime | None = None,
) -> Actor:
    """Check a password: the actor, with ``must_change_password`` when the password was reset.
    Failures are counted and committed even though this raises: after ``MAX_FAILURES`` the
    account is locked for ``LOCKOUT``. A disabled account cannot log in."""
    now = now or utcnow()
    user = _check_credentials(session, username, password, desk=desk, now=now, purpose="login")
    user.locked_until = None
    user.last_login_at = now
    session.add(user)
    audit.record(
        session,
        actor_id=user.id,
        actor_name=user.username,
        action="login.ok",
        entity="user",
        entity_id=user.id,
        desk=desk,
        detail={"must_change_password": True} if user.must_change_password else None,
    )
    assert user.id is not None
    return Actor(
        user_id=user.id,
        username=user.username,
        role=Role(user.role),
        desk=desk,
        must_change_password=user.must_change_password,
    )


def _verify(password_hash: str, password: str) -> bool:
    try:
        return hashing._hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
