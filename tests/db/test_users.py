import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.audit import AuditEvent
from models.errors import (
    AccountLocked,
    AuthenticationFailed,
    Conflict,
    InvalidInput,
    PermissionDenied,
)
from models.permissions import SYSTEM, Action, Actor, require
from models.services.users import (
    LOCKOUT,
    MAX_FAILURES,
    Approval,
    add_user,
    authenticate,
    change_own_password,
    disable_user,
    enable_user,
    list_users,
    reset_password,
    set_role,
)
from models.users import User
from models.vocab import Role


def _add(session: Session, name: str = "wang", role: Role = Role.clerk) -> User:
    user = add_user(session, SYSTEM, username=name, role=role, password="secret-pw")
    session.commit()
    return user


def test_password_is_an_argon2_hash(session: Session) -> None:
    user = _add(session)
    assert user.password_hash.startswith("$argon2id$")
    assert "secret-pw" not in user.password_hash


def test_login_ok_returns_an_actor(session: Session) -> None:
    _add(session)
    actor = authenticate(session, "wang", "secret-pw", desk="1号窗口")
    session.commit()
    assert actor.role is Role.clerk and actor.desk == "1号窗口"


def test_five_failures_lock_for_five_minutes(session: Session) -> None:
    _add(session)
    t0 = dt.datetime(2024, 10, 24, 3, 0, tzinfo=dt.UTC)
    for _i in range(MAX_FAILURES - 1):
        with pytest.raises(AuthenticationFailed) as exc:
            authenticate(session, "wang", "wrong", now=t0)
        assert exc.value.message == "用户名或密码不正确"  # never how many are left (issue 20)
    with pytest.raises(AccountLocked):
        authenticate(session, "wang", "wrong", now=t0)
    # the right password does not help while locked
    with pytest.raises(AccountLocked) as exc2:
        authenticate(session, "wang", "secret-pw", now=t0 + LOCKOUT - dt.timedelta(seconds=1))
    assert "分钟后再试" in exc2.value.message
    actor = authenticate(session, "wang", "secret-pw", now=t0 + LOCKOUT)
    assert actor.username == "wang"
    session.commit()
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(col(AuditEvent.id)))]
    assert actions.count("login.failed") == MAX_FAILURES - 1
    assert "login.locked" in actions and actions[-1] == "login.ok"


def test_failures_are_kept_even_though_the_call_raises(engine: Engine) -> None:
    from models.db import session_scope

    with session_scope(engine) as s:
        add_user(s, SYSTEM, username="li", role=Role.cashier, password="secret-pw")
    with pytest.raises(AuthenticationFailed), session_scope(engine) as s:
        authenticate(s, "li", "nope")
    with session_scope(engine, readonly=True) as s:
        assert s.exec(select(User).where(User.username == "li")).one().failed_attempts == 1


def test_unknown_user_gets_the_same_message(session: Session) -> None:
    with pytest.raises(AuthenticationFailed) as exc:
        authenticate(session, "nobody", "x")
    assert exc.value.message == "用户名或密码不正确"


def test_bad_user_input(session: Session) -> None:
    with pytest.raises(InvalidInput):
        add_user(session, SYSTEM, username="a b", role=Role.clerk, password="secret-pw")
    with pytest.raises(InvalidInput):
        add_user(session, SYSTEM, username="wang", role=Role.clerk, password="123")
    with pytest.raises(InvalidInput):
        add_user(session, SYSTEM, username="wang", role="boss", password="secret-pw")
    _add(session)
    with pytest.raises(Conflict):
        add_user(session, SYSTEM, username="wang", role=Role.clerk, password="secret-pw")


def test_passwords_never_reach_the_audit_log(session: Session) -> None:
    _add(session)
    with pytest.raises(AuthenticationFailed):
        authenticate(session, "wang", "typo-secret")
    authenticate(session, "wang", "secret-pw")
    session.commit()
    for e in session.exec(select(AuditEvent)):
        assert "secret" not in repr(e.detail)


# --- issue 20, defect 8: a failed login keeps no unknown name in clear, and says the same thing
# whether the user exists or not --------------------------------------------------------------


def test_a_password_typed_as_the_user_name_is_not_kept(session: Session) -> None:
    _add(session)
    typed = "Mima-2024!wang"  # the password, typed into the user-name field
    with pytest.raises(AuthenticationFailed):
        authenticate(session, typed, "")
    with pytest.raises(AuthenticationFailed):
        authenticate(session, typed, "")
    session.commit()
    failed = session.exec(select(AuditEvent).where(AuditEvent.action == "login.failed")).all()
    assert len(failed) == 2
    for e in failed:
        assert typed not in e.actor_name and typed not in repr(e.detail)
        assert typed.lower() not in repr(e.detail).lower()
        assert e.detail["name_len"] == len(typed)
    # a keyed hash: the same name gives the same tag (repeated tries can be counted), and the
    # tag is not a plain hash of the name
    import hashlib

    tags = {e.detail["name_tag"] for e in failed}
    assert len(tags) == 1
    [tag] = tags
    assert tag not in hashlib.sha256(typed.encode()).hexdigest()


def test_the_login_key_is_private_and_outside_the_database(session: Session) -> None:
    import os
    import stat

    from models.config import data_dir

    with pytest.raises(AuthenticationFailed):
        authenticate(session, "nobody-here", "x")
    key = data_dir() / "login-name.key"
    assert key.is_file()
    if os.name == "posix":
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_bytes()) >= 32


def test_a_wrong_password_says_the_same_as_an_unknown_user(session: Session) -> None:
    _add(session)
    with pytest.raises(AuthenticationFailed) as unknown:
        authenticate(session, "nobody", "wrong-pw")
    with pytest.raises(AuthenticationFailed) as wrong:
        authenticate(session, "wang", "wrong-pw")
    assert wrong.value.message == unknown.value.message == "用户名或密码不正确"
    assert wrong.value.code == unknown.value.code


def test_a_login_never_fails_because_the_key_cannot_be_made(
    session: Session,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("x")
    monkeypatch.setenv("DESK_DATA_DIR", str(blocked / "data"))
    with pytest.raises(AuthenticationFailed):
        authenticate(session, "someone", "x")
    session.commit()
    [e] = session.exec(select(AuditEvent).where(AuditEvent.action == "login.failed")).all()
    assert e.detail["name_len"] == len("someone") and "name_tag" not in e.detail
    assert "someone" not in repr(e.detail) and e.actor_name == ""


# --- issue 20, defect 7: the accounts' lifecycle ------------------------------------------------


def _office_users(session: Session) -> dict[str, Actor]:
    """An admin, a lead, a cashier and a clerk (made by the system's first setup)."""
    actors = {}
    for name, role in (
        ("admin", Role.admin),
        ("lead", Role.lead),
        ("cashier", Role.cashier),
        ("clerk", Role.clerk),
    ):
        u = add_user(session, SYSTEM, username=name, role=role, password="secret-pw")
        assert u.id is not None
        actors[name] = Actor(user_id=u.id, username=name, role=role, desk="1号窗口")
    session.commit()
    return actors


def _user(session: Session, name: str) -> User:
    session.expire_all()
    return session.exec(select(User).where(User.username == name)).one()


def _events(session: Session, action: str) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))
        )
    )


def test_a_disabled_cashier_cannot_log_in_and_hears_what_a_wrong_password_hears(
    session: Session,
) -> None:
    a = _office_users(session)
    at = dt.datetime(2024, 10, 24, 3, 0, tzinfo=dt.UTC)
    disable_user(session, a["admin"], "cashier", now=at)
    session.commit()
    u = _user(session, "cashier")
    assert not u.active and u.disabled_at == at
    [e] = _events(session, "user.disable")
    assert e.actor_id == a["admin"].user_id and e.detail["username"] == "cashier"
    with pytest.raises(AuthenticationFailed) as disabled:
        authenticate(session, "cashier", "secret-pw")
    with pytest.raises(AuthenticationFailed) as wrong:
        authenticate(session, "clerk", "wrong-pw")
    assert disabled.value.message == wrong.value.message == "用户名或密码不正确"
    assert _events(session, "login.failed")[0].detail["reason"] == "disabled"
    # enabled again, the same password works
    enable_user(session, a["admin"], "cashier")
    session.commit()
    assert _user(session, "cashier").disabled_at is None
    assert authenticate(session, "cashier", "secret-pw").role is Role.cashier


def test_nobody_disables_themselves_nor_the_last_admin_or_lead(session: Session) -> None:
    a = _office_users(session)
    with pytest.raises(InvalidInput) as me:
        disable_user(session, a["admin"], "admin")
    assert me.value.code == "user.disable_self"
    with pytest.raises(Conflict) as last_lead:
        disable_user(session, a["admin"], "lead")
    assert (
        last_lead.value.code == "user.last_of_role"
        and "最后一位在用的负责人" in last_lead.value.message
    )
    with pytest.raises(Conflict):
        set_role(session, a["admin"], "lead", Role.clerk)
    with pytest.raises(Conflict) as last_admin:
        set_role(session, a["admin"], "admin", Role.clerk)
    assert "最后一位在用的管理员" in last_admin.value.message
    # a second admin: now the first may go (by another admin)
    other = add_user(session, a["admin"], username="admin2", role=Role.admin, password="secret-pw")
    session.commit()
    admin2 = Actor(user_id=other.id, username="admin2", role=Role.admin)
    disable_user(session, admin2, "admin")
    session.commit()
    with pytest.raises(Conflict):  # and admin2 is the last one now
        set_role(session, admin2, "admin2", Role.cashier)
    with pytest.raises(Conflict):
        disable_user(session, admin2, "admin")  # already disabled


def test_a_reset_forces_a_new_password_before_anything_else(session: Session) -> None:
    a = _office_users(session)
    reset_password(session, a["admin"], "cashier", password="temp-123")
    session.commit()
    assert _user(session, "cashier").must_change_password
    [e] = _events(session, "user.reset_password")
    assert e.actor_id == a["admin"].user_id and "temp-123" not in repr(e.detail)
    with pytest.raises(AuthenticationFailed):
        authenticate(session, "cashier", "secret-pw")  # the old password is gone
    actor = authenticate(session, "cashier", "temp-123")
    assert actor.must_change_password
    with pytest.raises(PermissionDenied) as first:
        require(actor, Action.payment_take)
    assert first.value.code == "auth.must_change_password"
    with pytest.raises(InvalidInput):
        change_own_password(session, actor, current="temp-123", new="temp-123")
    with pytest.raises(InvalidInput):
        change_own_password(session, actor, current="temp-123", new="abc")
    with pytest.raises(AuthenticationFailed):
        change_own_password(session, actor, current="not-it", new="my-own-pw")
    assert _user(session, "cashier").failed_attempts == 1  # counted as a failed login
    free = change_own_password(session, actor, current="temp-123", new="my-own-pw")
    session.commit()
    assert not free.must_change_password
    require(free, Action.payment_take)
    u = _user(session, "cashier")
    assert not u.must_change_password and u.password_changed_at is not None
    assert not authenticate(session, "cashier", "my-own-pw").must_change_password
    [changed] = _events(session, "user.password")
    assert changed.actor_id == u.id and changed.detail["after_reset"] is True


def test_a_new_lead_needs_a_lead_s_approval(session: Session) -> None:
    a = _office_users(session)
    with pytest.raises(PermissionDenied) as needs:
        add_user(session, a["admin"], username="lead2", role=Role.lead, password="secret-pw")
    assert needs.value.code == "user.needs_approval"
    session.rollback()
    with pytest.raises(AuthenticationFailed):  # the approver's password is checked, and counted
        add_user(
            session,
            a["admin"],
            username="lead2",
            role=Role.lead,
            password="secret-pw",
            approval=Approval("lead", "wrong-pw"),
        )
    assert _user(session, "lead").failed_attempts == 1
    with pytest.raises(PermissionDenied) as not_lead:
        add_user(
            session,
            a["admin"],
            username="lead2",
            role=Role.lead,
            password="secret-pw",
            approval=Approval("cashier", "secret-pw"),
        )
    assert not_lead.value.code == "user.approver_not_lead"
    session.rollback()
    user = add_user(
        session,
        a["admin"],
        username="lead2",
        role=Role.lead,
        password="secret-pw",
        approval=Approval("lead", "secret-pw"),
    )
    session.commit()
    [e] = [e for e in _events(session, "user.add") if e.detail["username"] == "lead2"]
    assert e.actor_id == a["admin"].user_id and e.detail["approver"] == "lead"
    assert e.detail["approver_id"] == a["lead"].user_id and user.role == "lead"
    # promoting a cashier, and enabling a disabled lead, need it too
    with pytest.raises(PermissionDenied):
        set_role(session, a["admin"], "cashier", Role.lead)
    session.rollback()
    set_role(session, a["admin"], "cashier", Role.lead, approval=Approval("lead2", "secret-pw"))
    session.commit()
    [promoted] = _events(session, "user.set_role")
    assert promoted.detail == {
        "username": "cashier",
        "from": "cashier",
        "to": "lead",
        "approver_id": user.id,
        "approver": "lead2",
    }
    disable_user(session, a["admin"], "lead2", approval=Approval("lead", "secret-pw"))
    session.commit()
    with pytest.raises(PermissionDenied):
        enable_user(session, a["admin"], "lead2")
    session.rollback()
    enable_user(session, a["admin"], "lead2", approval=Approval("lead", "secret-pw"))
    session.commit()


def test_a_lead_s_reset_needs_another_lead_but_the_only_lead_s_does_not(session: Session) -> None:
    a = _office_users(session)
    reset_password(session, a["admin"], "lead", password="temp-123")  # the office's only lead
    session.commit()
    change_own_password(
        session, authenticate(session, "lead", "temp-123"), current="temp-123", new="lead-own-pw"
    )
    session.commit()
    add_user(
        session,
        a["admin"],
        username="lead2",
        role=Role.lead,
        password="secret-pw",
        approval=Approval("lead", "lead-own-pw"),
    )
    session.commit()
    with pytest.raises(PermissionDenied) as needs:
        reset_password(session, a["admin"], "lead2", password="temp-456")
    assert needs.value.code == "user.needs_approval"
    session.rollback()
    with pytest.raises(PermissionDenied) as self_approved:  # not by the lead reset
        reset_password(
            session,
            a["admin"],
            "lead2",
            password="temp-456",
            approval=Approval("lead2", "secret-pw"),
        )
    assert self_approved.value.code == "user.approver_same_person"
    session.rollback()
    reset_password(
        session, a["admin"], "lead2", password="temp-456", approval=Approval("lead", "lead-own-pw")
    )
    session.commit()
    # a lead whose password was reset approves nothing until they chose a new one
    with pytest.raises(PermissionDenied) as temp:
        add_user(
            session,
            a["admin"],
            username="lead3",
            role=Role.lead,
            password="secret-pw",
            approval=Approval("lead2", "temp-456"),
        )
    assert temp.value.code == "user.approver_must_change"


def test_the_first_lead_and_the_system_s_setup_need_no_approval(session: Session) -> None:
    admin = add_user(session, SYSTEM, username="boss", role=Role.admin, password="secret-pw")
    session.commit()
    boss = Actor(user_id=admin.id, username="boss", role=Role.admin)
    add_user(session, boss, username="liu", role=Role.lead, password="secret-pw")  # no lead yet
    session.commit()
    with pytest.raises(PermissionDenied):  # now there is one
        add_user(session, boss, username="zhao", role=Role.lead, password="secret-pw")


def test_the_list_shows_each_account_s_state(session: Session) -> None:
    a = _office_users(session)
    disable_user(session, a["admin"], "clerk")
    reset_password(session, a["admin"], "cashier", password="temp-123")
    session.commit()
    rows = {r.username: r for r in list_users(session, a["admin"])}
    assert not rows["clerk"].active and rows["clerk"].disabled_at is not None
    assert rows["cashier"].must_change_password and rows["cashier"].active
    assert rows["lead"].role is Role.lead and not rows["lead"].locked
    with pytest.raises(PermissionDenied):
        list_users(session, a["lead"])


def test_two_admins_cannot_remove_the_last_two_leads_at_once(engine: Engine) -> None:
    """Each admin disables one of the office's two leads at the same moment (real connections,
    both databases): one is disabled, the other refused — never both, never a deadlock."""
    import threading

    from models.db import session_scope

    for trial in range(5):
        with session_scope(engine) as s:
            admins = [
                add_user(s, SYSTEM, username=f"a{trial}{i}", role=Role.admin, password="secret-pw")
                for i in (1, 2)
            ]
            for i in (1, 2):
                add_user(s, SYSTEM, username=f"l{trial}{i}", role=Role.lead, password="secret-pw")
            actors = [Actor(user_id=a.id, username=a.username, role=Role.admin) for a in admins]
        if trial:  # the earlier trials' leads: one of them stays, so disable the other first
            with session_scope(engine) as s:
                for name in [
                    u.username
                    for u in s.exec(
                        select(User).where(User.role == "lead", col(User.active).is_(True))
                    )
                ]:
                    if not name.startswith(f"l{trial}"):
                        disable_user(s, SYSTEM, name)
        barrier = threading.Barrier(2)
        outcome: list[str] = []

        def disable(
            actor: Actor,
            name: str,
            approver: str,
            barrier: threading.Barrier = barrier,
            outcome: list[str] = outcome,
        ) -> None:
            barrier.wait()
            try:
                with session_scope(engine) as s:
                    disable_user(s, actor, name, approval=Approval(approver, "secret-pw"))
                outcome.append("disabled")
            except Conflict as exc:
                outcome.append(exc.code)

        # each with the other lead's approval (removing a lead takes two people)
        threads = [
            threading.Thread(
                target=disable, args=(actors[i], f"l{trial}{i + 1}", f"l{trial}{2 - i}")
            )
            for i in (0, 1)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert sorted(outcome) == ["disabled", "user.last_of_role"], (trial, outcome)
        with session_scope(engine, readonly=True) as s:
            live = s.exec(select(User).where(User.role == "lead", col(User.active).is_(True))).all()
            assert len(live) == 1


def test_one_admin_cannot_make_a_lead_of_nobody_by_removing_the_other_lead(
    session: Session,
) -> None:
    """The admin demoted (or disabled) the second lead alone, then reset the "only" lead's
    password alone and logged in as the lead. Removing a lead takes another lead's approval."""
    a = _office_users(session)
    add_user(
        session,
        a["admin"],
        username="lead2",
        role=Role.lead,
        password="secret-pw",
        approval=Approval("lead", "secret-pw"),
    )
    session.commit()
    removals: tuple[Callable[[], object], ...] = (
        lambda: set_role(session, a["admin"], "lead2", Role.cashier),
        lambda: disable_user(session, a["admin"], "lead2"),
    )
    for remove in removals:
        with pytest.raises(PermissionDenied) as needs:
            remove()
        assert needs.value.code == "user.needs_approval"
        session.rollback()
    with pytest.raises(PermissionDenied):  # and not by the lead removed
        set_role(
            session, a["admin"], "lead2", Role.cashier, approval=Approval("lead2", "secret-pw")
        )
    session.rollback()
    set_role(session, a["admin"], "lead2", Role.cashier, approval=Approval("lead", "secret-pw"))
    session.commit()
    [e] = [e for e in _events(session, "user.set_role") if e.detail["username"] == "lead2"]
    assert e.detail["approver"] == "lead"
