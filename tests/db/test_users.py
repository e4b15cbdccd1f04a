import datetime as dt

import pytest
from sqlmodel import Session, select

from models.audit import AuditEvent
from models.errors import AccountLocked, AuthenticationFailed, Conflict, InvalidInput
from models.permissions import SYSTEM
from models.services.users import LOCKOUT, MAX_FAILURES, add_user, authenticate
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
    for i in range(MAX_FAILURES - 1):
        with pytest.raises(AuthenticationFailed) as exc:
            authenticate(session, "wang", "wrong", now=t0)
        assert f"再错 {MAX_FAILURES - 1 - i} 次" in exc.value.message
    with pytest.raises(AccountLocked):
        authenticate(session, "wang", "wrong", now=t0)
    # the right password does not help while locked
    with pytest.raises(AccountLocked) as exc2:
        authenticate(session, "wang", "secret-pw", now=t0 + LOCKOUT - dt.timedelta(seconds=1))
    assert "分钟后再试" in exc2.value.message
    actor = authenticate(session, "wang", "secret-pw", now=t0 + LOCKOUT)
    assert actor.username == "wang"
    session.commit()
    actions = [e.action for e in session.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions.count("login.failed") == MAX_FAILURES - 1
    assert "login.locked" in actions and actions[-1] == "login.ok"


def test_failures_are_kept_even_though_the_call_raises(engine) -> None:  # type: ignore[no-untyped-def]
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
