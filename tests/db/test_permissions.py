"""The role × service-action matrix: every action, every role, the real service, both databases.

A new Action without a case here fails ``test_every_action_has_a_case``."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models.audit import AuditEvent
from models.campaign import Campaign
from models.errors import PermissionDenied
from models.money import Money
from models.online import OnlineRecord
from models.permissions import POLICY, SYSTEM, Action, Actor
from models.services.audit_verify import verify
from models.services.bank import confirm_line, import_statement, proposals
from models.services.campaigns import load_campaign, new_from_preset, read_preset, set_fee
from models.services.intake import (
    ItemCheck,
    accept,
    extend_window,
    record_refusal,
    return_dossier,
)
from models.services.online_import import import_online
from models.services.payments import refund_payment, take_payment, void_payment
from models.services.printing import claim, finish, queue_job, request_retry
from models.services.reconcile import reconcile
from models.services.users import (
    add_user,
    change_own_password,
    disable_user,
    enable_user,
    list_users,
    reset_password,
    set_role,
)
from models.vocab import Role
from printers.config import parse_printers
from tests.factories import AT, accepted, all_complete, applicant, office
from tui.work.printing import DeskPrinters, reprint

PRINTERS = DeskPrinters(parse_printers({}))


def _campaign(session: Session) -> int:
    filename, text = read_preset("003")
    c = load_campaign(session, SYSTEM, text, filename=filename)
    assert c.id is not None
    return c.id


def _campaign_code(session: Session) -> str:
    _campaign(session)
    return "bohu-2024"


def _retry(session: Session, actor: Actor) -> object:
    o = office(session)
    job = queue_job(
        session,
        SYSTEM,
        document="receipt",
        payload=b"x",
        printer="receipt",
        payment_id=o.payment.id,
    )
    assert job.id is not None
    claim(session, job.id)
    finish(session, job.id, error="打印机缺纸")
    return request_retry(session, actor, job.id)


def _reprint(kind: str, number: str) -> Callable[[Session, Actor], object]:
    def case(session: Session, actor: Actor) -> object:
        office(session)
        campaign = session.exec(select(Campaign)).first()
        assert campaign is not None
        return reprint(session, actor, PRINTERS, campaign, kind, number)

    return case


def _intake(outcome: str) -> Callable[[Session, Actor], object]:
    def case(session: Session, actor: Actor) -> object:
        o = office(session)
        rec = applicant(session, o.campaign)
        checks = all_complete(session, o.campaign, rec)
        if outcome == "return":
            checks["diploma"] = ItemCheck.missing()
            return return_dossier(session, actor, o.campaign, rec.id or 0, checks=checks, now=AT)
        return accept(session, actor, o.campaign, rec.id or 0, checks=checks, now=AT)

    return case


def _refuse(session: Session, actor: Actor) -> object:
    o = office(session)
    record_refusal(session, actor, o.campaign, reason="not_listed", scanned="652827198503019999")
    return None


def _extend(session: Session, actor: Actor) -> object:
    o = office(session)
    return extend_window(
        session,
        actor,
        o.campaign,
        reason="单位统一报送，路上耽误",
        until=AT + dt.timedelta(days=20),
        now=AT + dt.timedelta(days=15),
    )


def _pay(session: Session, actor: Actor) -> object:
    o = office(session)
    d = accepted(session, o)
    return take_payment(session, actor, o.campaign, d.id or 0, method="cash", now=AT)


def _pay_another_way(session: Session, actor: Actor) -> object:
    """Cash where the notice says by bank only (001 三（二）4), with the lead's reason."""
    o = office(session)
    d = accepted(session, o)
    o.campaign.rules = {
        **o.campaign.rules,
        "fee_payment": {
            "methods": ["transfer"],
            "clause": "三（二）4",
            "text": "以银行缴费支付的方式",
        },
    }
    session.add(o.campaign)
    session.flush()
    return take_payment(
        session,
        actor,
        o.campaign,
        d.id or 0,
        method="cash",
        now=AT,
        override_reason="申请人银行卡冻结",
    )


def _void(session: Session, actor: Actor) -> object:
    o = office(session)
    return void_payment(
        session, actor, o.campaign, "ZJ21F00001", reason="wrong_method", note="应为扫码", now=AT
    )


def _refund(session: Session, actor: Actor) -> object:
    o = office(session)
    return refund_payment(
        session,
        actor,
        o.campaign,
        "ZJ21F00001",
        amount=Money.yuan(380),
        reason="withdrawn",
        note="本人书面申请撤回",
        now=AT,
    )


def _bank_match(session: Session, actor: Actor) -> object:
    """A lead imports a statement with one transfer; the actor confirms its line."""
    o = office(session)
    d = accepted(session, o)
    rec = session.get(OnlineRecord, d.online_record_id)
    assert rec is not None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "流水.csv"
        path.write_bytes(
            (
                "交易日期,贷方金额,对方户名,附言,流水号\n"
                f"2021-09-27,380.00,{rec.name},{rec.id_number} 评审费,TX0001\n"
            ).encode("gb18030")
        )
        import_statement(session, o.actor(Role.lead), o.campaign, path)
    [line] = proposals(session, o.actor(Role.lead), o.campaign)
    return confirm_line(session, actor, o.campaign, line.line_id, d.id or 0, now=AT)


def _handover(session: Session, actor: Actor) -> object:
    """The office's paid dossier ZJ21S00001 handed to the committee."""
    from models.services.handover import hand_over

    o = office(session)
    return hand_over(session, actor, o.campaign, receiver="评审委员会秘书", now=AT)


def _target(session: Session, *, disabled: bool = False) -> str:
    """A clerk's account for the admin to manage (made by the system's setup)."""
    add_user(session, SYSTEM, username="target", role=Role.clerk, password="secret-pw")
    if disabled:
        disable_user(session, SYSTEM, "target")
    return "target"


SQLITE_ONLY = object()  # the permission was checked; the action itself is SQLite's


def _backup(session: Session, actor: Actor) -> object:
    """A copy of the SQLite file (its audit row in a transaction of its own, after the copy)."""
    from models.backup import backup
    from models.permissions import require

    session.commit()  # the copy's own transaction must not wait on the test's
    engine = session.get_bind()
    if engine.dialect.name != "sqlite":  # on PostgreSQL `desk backup` explains pg_dump
        require(actor, Action.backup)
        return SQLITE_ONLY
    assert isinstance(engine, Engine)
    return backup(engine, actor, Path(tempfile.mkdtemp()) / "backup.sqlite3")


def _full_id_roster(session: Session, actor: Actor) -> object:
    """The committee's copy of the roster, with full ID numbers (audited)."""
    from models.services.handover import roster

    return roster(session, actor, office(session).campaign, full_ids=True)


def _summary(session: Session, actor: Actor) -> object:
    """The campaign summary of the office (counts only; each reading audited)."""
    from models.services.summary import campaign_summary

    return campaign_summary(session, actor, office(session).campaign)


def _day(step: str) -> Callable[[Session, Actor], object]:
    """The close of 1号窗口 on the factory's day, up to ``step``, which ``actor`` performs."""
    from dataclasses import replace

    from models.services.tally import (
        begin_close,
        cancel_close,
        confirm_close,
        parse_count,
        record_count,
    )

    def case(session: Session, actor: Actor) -> object:
        o = office(session)
        day, later, desk = AT.date(), AT + dt.timedelta(hours=1), "1号窗口"
        me = replace(actor, desk=desk)
        count = parse_count({10000: 3, 5000: 1, 2000: 1, 1000: 1})  # the 380 taken
        if step == "begin":
            return begin_close(session, me, o.campaign, day, desk=desk, now=later)
        begin_close(session, o.actor(Role.lead), o.campaign, day, desk=desk, now=later)
        if step == "count":
            return record_count(session, me, o.campaign, day, desk=desk, count=count, now=later)
        if step == "cancel":
            cancel_close(session, me, o.campaign, day, desk=desk, reason="重新清点", now=later)
            return None
        record_count(
            session, o.actor(Role.lead), o.campaign, day, desk=desk, count=count, now=later
        )
        return confirm_close(session, me, o.campaign, day, desk=desk, now=later)

    return case


CASES: dict[Action, Callable[[Session, Actor], object]] = {
    Action.user_add: lambda s, a: add_user(
        s, a, username="newclerk", role=Role.clerk, password="secret-pw"
    ),
    Action.user_list: lambda s, a: list_users(s, a),
    Action.user_disable: lambda s, a: disable_user(s, a, _target(s)),
    Action.user_enable: lambda s, a: enable_user(s, a, _target(s, disabled=True)),
    Action.user_reset: lambda s, a: reset_password(s, a, _target(s), password="temp-123"),
    Action.user_set_role: lambda s, a: set_role(s, a, _target(s), Role.cashier),
    Action.password_change: lambda s, a: change_own_password(
        s, a, current="secret-pw", new="new-secret-pw"
    ),
    Action.campaign_load: lambda s, a: load_campaign(s, a, read_preset("000")[1], filename="000"),
    Action.campaign_new: lambda s, a: new_from_preset(s, a, "bz-2025", "000", prefix="BZ25"),
    Action.fee_set: lambda s, a: set_fee(
        s, a, _campaign(s), "初次确定", "初级", Money.yuan(100), reason="文件"
    ),
    Action.print_retry: _retry,
    Action.receipt_reprint: _reprint("receipt", "ZJ21F00001"),
    Action.dossier_reprint: _reprint("notice", "ZJ21B00001"),
    Action.online_import: lambda s, a: import_online(
        s,
        a,
        _campaign_code(s),
        Path(__file__).resolve().parents[1] / "data" / "online_approved_bz_vocational_2021.xlsx",
    ),
    Action.reconcile: lambda s, a: reconcile(s, a, _campaign_code(s)),
    Action.intake_accept: _intake("accept"),
    Action.intake_return: _intake("return"),
    Action.intake_refuse: _refuse,
    Action.window_extend: _extend,
    Action.payment_take: _pay,
    Action.payment_method_override: _pay_another_way,
    Action.payment_void: _void,
    Action.payment_refund: _refund,
    Action.bank_match: _bank_match,
    Action.tally_view: _summary,
    Action.handover: _handover,
    Action.day_begin: _day("begin"),
    Action.day_count: _day("count"),
    Action.day_close: _day("close"),
    Action.day_cancel: _day("cancel"),
    Action.audit_verify: lambda s, a: verify(s, a),
    Action.export_full_id: _full_id_roster,
    Action.backup: _backup,
}


NOT_AUDITED = {Action.user_list}  # a reading of the staff list: names and roles, nothing else


def test_every_action_has_a_case() -> None:
    assert set(CASES) == set(Action)
    assert set(POLICY) == set(Action)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", list(Action))
def test_matrix(session: Session, action: Action, role: Role) -> None:
    user = add_user(session, SYSTEM, username=f"u-{role.value}", role=role, password="secret-pw")
    session.commit()
    actor = Actor(user_id=user.id, username=user.username, role=role)
    before = len(session.exec(select(AuditEvent)).all())
    if role in POLICY[action]:
        if CASES[action](session, actor) is SQLITE_ONLY or action in NOT_AUDITED:
            return
        session.commit()
        mine = session.exec(
            select(AuditEvent).where(
                AuditEvent.actor_id == user.id, AuditEvent.action == action.value
            )
        ).all()
        assert len(mine) == 1, f"{role} {action}: one audit row in the same transaction"
    else:
        with pytest.raises(PermissionDenied) as exc:
            CASES[action](session, actor)
        assert role.label in exc.value.message
        session.rollback()
        assert len(session.exec(select(AuditEvent)).all()) == before


def test_expected_policy_for_the_office() -> None:
    """The office's rules in words: only a lead sets fees; clerks and cashiers change no setup."""
    assert POLICY[Action.fee_set] == {Role.lead}
    for action in (Action.user_add, Action.campaign_load, Action.campaign_new):
        assert Role.clerk not in POLICY[action] and Role.cashier not in POLICY[action]


def test_accounts_are_the_admins_and_the_admin_touches_no_money() -> None:
    """Separation of duties (issue 20, docs/adr/0005-accounts.md): only the admin manages
    accounts; the admin takes, voids and refunds no money, matches no bank line and closes no
    day. Everyone may change their own password."""
    for action in (
        Action.user_add,
        Action.user_list,
        Action.user_disable,
        Action.user_enable,
        Action.user_reset,
        Action.user_set_role,
    ):
        assert POLICY[action] == {Role.admin}, action
    for action in (
        Action.payment_take,
        Action.payment_void,
        Action.payment_refund,
        Action.bank_match,
        Action.day_begin,
        Action.day_count,
        Action.day_close,
        Action.day_cancel,
    ):
        assert Role.admin not in POLICY[action], action
    assert POLICY[Action.password_change] == set(Role)
