"""Users: the accounts' lifecycle (add, disable, enable, reset a password, change a role, change
one's own password) and logging in with a lockout.

Rules (docs/adr/0005-accounts.md):

- Accounts are the admin's (``Action.user_*``); the admin takes, voids and refunds no money.
- Giving someone a lead's powers — adding a lead, making someone a lead, enabling a lead's
  account, resetting a lead's password — needs a lead's approval as well: the lead types their
  own user name and password (``Approval``), checked here like a login. The approver is an
  active lead, not the one acting and not the account changed. Without one: the system's first
  setup (``SYSTEM``: an empty database, the demo), the office's first lead (no active lead yet),
  and the reset of the office's only lead (nobody else could approve it).
- Nobody disables themselves; the last active admin and the last active lead stay (by disabling
  or by a change of role).
- A reset sets a temporary password: until the user chooses a new one, the login gives an
  ``Actor`` with ``must_change_password`` that ``require`` refuses for anything else.
- A failed login says the same whether the user exists, is disabled, or typed a wrong password
  (only a locked account says so), and keeps no unknown user name in clear (``login_tag``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, col, func, select

from models import audit
from models.errors import (
    AccountLocked,
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from models.i18n import _
from models.login_tag import name_tag
from models.permissions import Action, Actor, require
from models.types import utcnow
from models.users import User
from models.vocab import Role

MAX_FAILURES = 5
LOCKOUT = dt.timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 6
NEEDS_APPROVAL = "user.needs_approval"  # the code of the refusal a lead's approval answers
_USERNAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,30}$")

_hasher = PasswordHasher()
# Verified against when the username does not exist, so timing does not tell who exists. A
# constant made with the production parameters (a test holds them equal): hashing it at import
# cost every command and every start 0.25 s.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$FFbiDgJAFzkYeDSfHdqoZw$Wquq7kjEyfvL3ES5+j1pJF6BmwLO53zTqc45XvPcgi0"


@dataclass(frozen=True, slots=True)
class Approval:
    """A lead's user name and password, typed by that lead at the desk, approving a change that
    gives someone a lead's powers."""

    username: str
    password: str


@dataclass(frozen=True, slots=True)
class UserRow:
    """An account as the admin's list shows it."""

    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    locked: bool
    must_change_password: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None
    disabled_at: dt.datetime | None


def shown_name(session: Session, user_id: int | None) -> str:
    """The name printed and shown for a user (display name, else username; "" if none)."""
    user = session.get(User, user_id) if user_id is not None else None
    return (user.display_name or user.username) if user else ""


def count_users(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(User)).one())


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


def _lock_office(session: Session) -> None:
    """Lock the active admins and leads (PostgreSQL; SQLite's writers are one at a time), always
    first and in one order, before the account changed: two admins changing accounts at once
    queue here instead of deadlocking, and each sees the other's change."""
    session.exec(
        select(User.id)
        .where(
            col(User.role).in_([Role.admin.value, Role.lead.value]),
            col(User.active).is_(True),
            col(User.disabled_at).is_(None),
        )
        .order_by(col(User.id))
        .with_for_update()
    ).all()


def _active_ids(session: Session, role: Role) -> list[int]:
    """The active accounts of ``role``, locked (PostgreSQL) so that two admins cannot each
    remove one of the last two at the same moment."""
    rows = session.exec(
        select(User.id)
        .where(User.role == role.value, col(User.active).is_(True), col(User.disabled_at).is_(None))
        .order_by(col(User.id))
        .with_for_update()
    ).all()
    return [i for i in rows if i is not None]


def _keep_one(session: Session, user: User, role: Role) -> None:
    """Refuse to take the last active ``role`` (admin or lead) away from the office."""
    if user.role == role.value and _is_active(user) and _active_ids(session, role) == [user.id]:
        raise Conflict(
            _(
                "{username} 是最后一位在用的{role}：办公室须至少保留一位，请先添加或启用另一位{role}"
            ).format(username=user.username, role=role.label),
            code="user.last_of_role",
        )


def _approve(
    session: Session, actor: Actor, approval: Approval | None, *, what: str, target: User | None
) -> User | None:
    """The lead who approves a change that gives someone a lead's powers, checked like a login;
    None when no approval is needed (see the module's docstring)."""
    if actor.user_id is None:  # the system's first setup or the demo's seeding
        return None
    others = [i for i in _active_ids(session, Role.lead) if target is None or i != target.id]
    if not others:  # the office's first lead, or the only lead's reset: nobody could approve
        return None
    if approval is None:
        raise PermissionDenied(
            _("{what}须由另一位负责人核准（两人操作）：请一位负责人输入其用户名和密码").format(
                what=what
            ),
            code=NEEDS_APPROVAL,
        )
    approver = _check_credentials(
        session,
        approval.username,
        approval.password,
        desk=actor.desk,
        now=utcnow(),
        purpose="approval",
    )
    if approver.role != Role.lead.value:
        raise PermissionDenied(_("核准人须为在用的负责人"), code="user.approver_not_lead")
    if approver.id == actor.user_id or (target is not None and approver.id == target.id):
        raise PermissionDenied(
            _("核准人须是操作人和被操作账户以外的另一位负责人"), code="user.approver_same_person"
        )
    if approver.must_change_password:
        raise PermissionDenied(
            _("核准人 {username} 的密码已被重置：须先登录并设置新密码，才能核准").format(
                username=approver.username
            ),
            code="user.approver_must_change",
        )
    return approver


def _record(
    session: Session,
    actor: Actor,
    action: Action,
    user: User,
    detail: dict[str, object],
    approver: User | None = None,
) -> None:
    if approver is not None:
        detail = {**detail, "approver_id": approver.id, "approver": approver.username}
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=action.value,
        entity="user",
        entity_id=user.id,
        desk=actor.desk,
        detail={"username": user.username, **detail},
    )


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
        password_hash=(hasher or _hasher).hash(password),
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
    user.password_hash = _hasher.hash(password)
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
    user.password_hash = _hasher.hash(new)
    user.must_change_password = False
    user.password_changed_at = now
    session.add(user)
    _record(session, actor, Action.password_change, user, {"after_reset": was_reset})
    return Actor(user_id=actor.user_id, username=actor.username, role=actor.role, desk=actor.desk)


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
        _verify(_DUMMY_HASH, password)
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
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
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
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
