"""A lead's approval of giving someone a lead's powers, and keeping the office one active lead; the audit of an account change."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models import audit
from models.errors import (
    Conflict,
    PermissionDenied,
)
from models.i18n import _
from models.permissions import Action, Actor
from models.services.users.login import _check_credentials
from models.services.users.records import Approval
from models.services.users.rules import NEEDS_APPROVAL, _is_active
from models.types import utcnow
from models.users import User
from models.vocab import Role


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
