"""The accounts' lifecycle: list, add, disable, enable, reset a password, change a role, change one's own password."""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from sqlmodel import Session, col, select

from models.errors import (
    Conflict,
    InvalidInput,
    NotFound,
)
from models.i18n import _
from models.permissions import Action, Actor, require
from models.services.users import hashing
from models.services.users.approval import _approve, _keep_one, _lock_office, _record
from models.services.users.login import _check_credentials
from models.services.users.records import Approval, UserRow
from models.services.users.rules import (
    _USERNAME,
    _check_new_password,
    _get,
    _is_active,
    _role,
)
from models.types import utcnow
from models.users import User
from models.vocab import Role


def list_users(session: Session, actor: Actor, *, now: dt.datetime | None = None) -> list[UserRow]:
    require(actor, Action.user_list)
    now = now or utcnow()
    rows = []
    for u in session.exec(select(User).order_by(col(User.id))):
        assert u.id is not None
        rows.append(
            UserRow(
                id=u.id,
                username=u.username,
                display_name=u.display_name,
                role=Role(u.role),
                active=_is_active(u),
                locked=u.locked_until is not None and u.locked_until > now,
                must_change_password=u.must_change_password,
                created_at=u.created_at,
                last_login_at=u.last_login_at,
                disabled_at=u.disabled_at,
            )
        )
    return rows


def add_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    role: Role | str,
    password: str,
    display_name: str = "",
    approval: Approval | None = None,
    hasher: PasswordHasher | None = None,
) -> User:
    """A new account. ``hasher``: the throw-away demo office's cheap one (its passwords are
    printed on its login screen); every other account gets the strong parameters, and a demo
    password is re-hashed with them at its first login."""
    require(actor, Action.user_add)
    role = _role(role)
    username = username.strip()
    if not _USERNAME.match(username):
        raise InvalidInput(
            _("用户名应为 2–30 个字母、数字、汉字或 _ . -，不含空格"), code="user.bad_name"
        )
    _check_new_password(password)
    if session.exec(select(User).where(User.username == username)).first() is not None:
        raise Conflict(_("用户名“{username}”已存在").format(username=username), code="user.exists")
    if role in (Role.admin, Role.lead):
        _lock_office(session)
    approver = (
        _approve(session, actor, approval, what=_("添加负责人"), target=None)
        if role is Role.lead
        else None
    )
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        role=role.value,
        password_hash=(hasher or hashing._hasher).hash(password),
        password_changed_at=utcnow(),
    )
    session.add(user)
    session.flush()
    _record(session, actor, Action.user_add, user, {"role": role.value}, approver)
    return user


def disable_user(
    session: Session,
    actor: Actor,
    username: str,
    *,
    approval: Approval | None = None,
    now: dt.datetime | None = None,
) -> User:
    """停用: the account can no longer log in anywhere; its history stays. A lead's needs
    another lead's approval: one admin alone must not be able to bring the office down to one
    lead (whose password the admin may reset alone)."""
    require(actor, Action.user_disable)
    _lock_office(session)
    user = _get(session, username)
    if user.id == actor.user_id:
        raise InvalidInput(_("不能停用自己的账户"), code="user.disable_self")
    if not _is_active(user):
        raise Conflict(
            _("用户 {username} 已停用").format(username=user.username), code="user.already_disabled"
        )
    _keep_one(session, user, Role.admin)
    _keep_one(session, user, Role.lead)
    approver = (
        _approve(session, actor, approval, what=_("停用负责人账户"), target=user)
        if user.role == Role.lead.value
        else None
    )
    user.active = False
    user.disabled_at = now or utcnow()
    session.add(user)
    _record(session, actor, Action.user_disable, user, {"role": user.role}, approver)
    return user


def enable_user(
    session: Session, actor: Actor, username: str, *, approval: Approval | None = None
) -> User:
    """启用 a disabled account again (a lead's needs a lead's approval); its lockout is cleared."""
    require(actor, Action.user_enable)
    _lock_office(session)
    user = _get(session, username)
    if _is_active(user):
        raise Conflict(
            _("用户 {username} 未停用").format(username=user.username), code="user.not_disabled"
        )
    approver = (
        _approve(session, actor, approval, what=_("启用负责人账户"), target=user)
        if user.role == Role.lead.value
        else None
    )
    user.active = True
    user.disabled_at = None
    user.failed_attempts = 0
    user.locked_until = None
    session.add(user)
    _record(session, actor, Action.user_enable, user, {"role": user.role}, approver)
    return user


def reset_password(
    session: Session,
    actor: Actor,
    username: str,
    *,
    password: str,
    approval: Approval | None = None,
) -> User:
    """A temporary password the admin gives the user; their next login must choose a new one.
    The lockout is cleared. A lead's reset needs another lead's approval."""
    require(actor, Action.user_reset)
    _check_new_password(password)
    _lock_office(session)
    user = _get(session, username)
    approver = (
        _approve(session, actor, approval, what=_("重置负责人的密码"), target=user)
        if user.role == Role.lead.value
        else None
    )
    user.password_hash = hashing._hasher.hash(password)
    user.must_change_password = True
    user.failed_attempts = 0
    user.locked_until = None
    session.add(user)
    _record(session, actor, Action.user_reset, user, {"role": user.role}, approver)
    return user


def set_role(
    session: Session,
    actor: Actor,
    username: str,
    role: Role | str,
    *,
    approval: Approval | None = None,
) -> User:
    """Change an account's role. Making someone a lead needs a lead's approval; the last active
    admin and lead keep theirs."""
    require(actor, Action.user_set_role)
    role = _role(role)
    _lock_office(session)
    user = _get(session, username)
    old = Role(user.role)
    if old is role:
        raise Conflict(
            _("用户 {username} 已是{role}").format(username=user.username, role=role.label),
            code="user.same_role",
        )
    for kept in (Role.admin, Role.lead):
        if old is kept:
            _keep_one(session, user, kept)
    approver = None
    if role is Role.lead:
        approver = _approve(session, actor, approval, what=_("任命负责人"), target=user)
    elif old is Role.lead:  # taking a lead's powers away takes two people too
        approver = _approve(session, actor, approval, what=_("撤销负责人"), target=user)
    user.role = role.value
    session.add(user)
    _record(
        session, actor, Action.user_set_role, user, {"from": old.value, "to": role.value}, approver
    )
    return user


def change_own_password(
    session: Session, actor: Actor, *, current: str, new: str, now: dt.datetime | None = None
) -> Actor:
    """The logged-in user chooses a new password (after a reset, before anything else). The
    current one is checked as a login is (failures count towards the lockout). Returns the actor
    free to work."""
    require(actor, Action.password_change)
    now = now or utcnow()
    _check_new_password(new)
    if actor.user_id is None:
        raise InvalidInput(_("系统账户没有密码"), code="user.system")
    user = session.get(User, actor.user_id)
    if user is None:
        raise NotFound(
            _("没有用户“{username}”").format(username=actor.username), code="user.not_found"
        )
    _check_credentials(
        session, user.username, current, desk=actor.desk, now=now, purpose="password"
    )
    if new == current:
        raise InvalidInput(_("新密码不能与原密码相同"), code="user.same_password")
    was_reset = user.must_change_password
    user.password_hash = hashing._hasher.hash(new)
    user.must_change_password = False
    user.password_changed_at = now
    session.add(user)
    _record(session, actor, Action.password_change, user, {"after_reset": was_reset})
    return Actor(user_id=actor.user_id, username=actor.username, role=actor.role, desk=actor.desk)
