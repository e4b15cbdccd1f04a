"""The audit chain: each event carries the hash of the one before; ``verify`` names the first
broken link, and a payment edited in the database no longer matches the event that made it."""

from __future__ import annotations

import itertools
import threading

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from models import audit, migrate
from models.audit import AuditEvent
from models.db import is_sqlite, session_scope
from models.money import Money
from models.permissions import Actor
from models.services.audit_verify import VerifyReport, verify
from models.services.payments import refund_payment, take_payment, void_payment
from models.vocab import PaymentMethod, Role
from tests.factories import AT, accepted, office

LEAD = Actor(user_id=None, username="auditor", role=Role.lead)


def _office_with_money(engine: Engine) -> None:
    with session_scope(engine) as s:
        o = office(s)
        cashier, lead = o.actor(Role.cashier), o.actor(Role.lead)
        d2 = accepted(s, o, n=2)
        d3 = accepted(s, o, n=3, level="初级")
        take_payment(s, cashier, o.campaign, d2.id or 0, method=PaymentMethod.cash, now=AT)
        p3 = take_payment(s, cashier, o.campaign, d3.id or 0, method=PaymentMethod.qr,
                          reference="4200001234202109270001", now=AT)
        refund_payment(s, lead, o.campaign, "ZJ21F00001", amount=Money.yuan(80), reason="overpaid",
                       note="按初级收取", now=AT)
        void_payment(s, lead, o.campaign, p3.receipt_code, reason="wrong_dossier", note="收错档案", now=AT)


def _verify(engine: Engine) -> VerifyReport:
    with session_scope(engine, readonly=True) as s:
        return verify(s, LEAD)


def _raw(engine: Engine, *statements: str) -> None:
    with engine.begin() as conn:
        for sql in statements:
            conn.execute(text(sql))


def _drop_payment_guard(engine: Engine) -> str:
    return ("DROP TRIGGER payment_no_update" if is_sqlite(engine)
            else "ALTER TABLE payment DISABLE TRIGGER payment_immutable")


def _drop_audit_guard(engine: Engine) -> tuple[str, ...]:
    if is_sqlite(engine):
        return ("DROP TRIGGER audit_event_sealed", "DROP TRIGGER audit_event_no_delete")
    return ("ALTER TABLE audit_event DISABLE TRIGGER audit_event_sealed",)


def test_a_working_day_verifies(engine: Engine) -> None:
    _office_with_money(engine)
    report = _verify(engine)
    assert report.ok, report.lines()
    assert report.payments == 5  # the office's, two taken, a refund and a void
    with session_scope(engine, readonly=True) as s:
        events = s.exec(select(AuditEvent).order_by(col(AuditEvent.chain_seq))).all()
    seqs = [e.chain_seq for e in events]
    assert seqs == list(range(1, len(events) + 1))
    assert events[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert report.lines()[0] == f"审计链完整：{report.chain.events} 条记录，逐条哈希相连，无断链"
    # the check itself was recorded, with its outcome
    assert events[-1].action == "audit.verify" and events[-1].detail["ok"] is True


def test_a_hand_edited_payment_is_caught(engine: Engine) -> None:
    _office_with_money(engine)
    _raw(engine, _drop_payment_guard(engine),
         "UPDATE payment SET amount_fen = 3800 WHERE receipt_code = 'ZJ21F00002'")
    report = _verify(engine)
    assert not report.ok
    assert report.chain.first_break is None  # the audit events themselves are untouched
    [problem] = report.problems
    assert problem.receipt_code == "ZJ21F00002"
    assert "写入后被改动：审计记录的金额为 380.00 元，现为 38.00 元" in problem.describe()


def test_a_payment_deleted_or_inserted_by_hand_is_caught(engine: Engine) -> None:
    _office_with_money(engine)
    stmts = ["DROP TRIGGER payment_no_delete" if is_sqlite(engine) else
             "ALTER TABLE payment DISABLE TRIGGER payment_immutable",
             "DELETE FROM print_job WHERE payment_id IN "
             "(SELECT id FROM payment WHERE receipt_code = 'ZJ21F00003')",
             "DELETE FROM payment WHERE original_id IN "
             "(SELECT id FROM payment WHERE receipt_code = 'ZJ21F00003')",
             "DELETE FROM payment WHERE receipt_code = 'ZJ21F00003'"]
    if is_sqlite(engine):
        stmts.insert(1, "DROP TRIGGER payment_no_update")
    _raw(engine, *stmts)
    with session_scope(engine) as s:
        o_id = s.exec(text("SELECT campaign_id, dossier_id, cashier_id FROM payment "  # type: ignore[call-overload]
                           "WHERE receipt_code = 'ZJ21F00002'")).one()
    _raw(engine, "INSERT INTO payment (id, campaign_id, receipt_no, receipt_code, kind, dossier_id, "
         "amount_fen, track, level, method, reference, fiscal_receipt_no, reason, note, "
         "cashier_id, desk, business_date, attempt, created_at) VALUES "
         f"(999, {o_id[0]}, 99, 'ZJ21F00099', 'refund', {o_id[1]}, 38000, '', '', 'cash', '', '', "
         f"'', '', {o_id[2]}, '1号窗口', '2021-09-27', 0, '2021-09-27 04:00:00')")
    problems = {p.receipt_code: p.problem for p in _verify(engine).problems}
    assert "手工插入" in problems["ZJ21F00099"]
    assert any("被删除" in p for code, p in problems.items() if code == "?")


def test_the_database_refuses_to_change_or_delete_a_sealed_event(engine: Engine) -> None:
    _office_with_money(engine)
    for sql in ("UPDATE audit_event SET actor_name = 'x' WHERE chain_seq = 2",
                "DELETE FROM audit_event WHERE chain_seq = 2"):
        with pytest.raises(DBAPIError, match="never edited or deleted"):
            _raw(engine, sql)


def test_an_edited_event_is_named_as_the_first_broken_link(engine: Engine) -> None:
    _office_with_money(engine)
    with session_scope(engine, readonly=True) as s:
        target = s.exec(select(AuditEvent).where(AuditEvent.action == "payment.refund")).one()
    _raw(engine, *_drop_audit_guard(engine),
         f"UPDATE audit_event SET actor_name = 'someone' WHERE id = {target.id}")
    brk = _verify(engine).chain.first_break
    assert brk is not None and brk.seq == target.chain_seq and brk.event_id == target.id
    assert "写入后被改动" in brk.describe() and "payment.refund" in brk.describe()


def test_a_rehashed_edit_breaks_the_next_link_and_a_deleted_event_leaves_a_gap(
        engine: Engine) -> None:
    _office_with_money(engine)
    with session_scope(engine, readonly=True) as s:
        events = s.exec(select(AuditEvent).order_by(col(AuditEvent.chain_seq))).all()
    third = events[2]
    forged = audit.event_hash(third.prev_hash or "", third.chain_seq or 0,
                              {**{k: getattr(third, k) for k in
                                  ("at", "actor_id", "action", "entity", "entity_id",
                                   "campaign_id", "desk", "detail")}, "actor_name": "forger"})
    _raw(engine, *_drop_audit_guard(engine),
         f"UPDATE audit_event SET actor_name = 'forger', hash = '{forged}' WHERE id = {third.id}")
    brk = _verify(engine).chain.first_break
    assert brk is not None and brk.seq == 4 and "与前一条的链接不符" in brk.problem

    _raw(engine, f"DELETE FROM audit_event WHERE id IN ({third.id}, {events[3].id})")
    brk = _verify(engine).chain.first_break
    assert brk is not None and brk.seq == 5 and "缺少第 3–4 条" in brk.problem


def test_an_event_inserted_by_hand_is_not_in_the_chain(engine: Engine) -> None:
    _office_with_money(engine)
    _raw(engine, "INSERT INTO audit_event (at, actor_name, action, entity, entity_id, desk, "
         "detail) VALUES ('2021-09-27 05:00:00', 'ghost', 'payment.take', 'payment', 'X', '', '{}')")
    report = _verify(engine)
    assert report.chain.unsealed == 1
    assert report.chain.first_break is not None and "手工插入" in report.chain.first_break.problem


def test_a_rolled_back_transaction_leaves_nothing_to_seal(engine: Engine) -> None:
    _office_with_money(engine)
    with Session(engine) as s:
        audit.record(s, actor_id=None, actor_name="x", action="test.rolled_back", entity="x")
        s.rollback()
        audit.record(s, actor_id=None, actor_name="x", action="test.kept", entity="x")
        s.commit()
    report = _verify(engine)
    assert report.ok, report.lines()


def test_desks_writing_at_once_keep_one_chain(engine: Engine) -> None:
    """Four desks commit events at the same time: every event gets its own place, no forks."""
    _office_with_money(engine)
    errors: list[BaseException] = []

    def desk(n: int) -> None:
        try:
            for i in range(15):
                with session_scope(engine) as s:
                    for j in range(3):
                        audit.record(s, actor_id=None, actor_name=f"desk{n}", action="test.write",
                                     entity="x", entity_id=f"{i}.{j}")
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=desk, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    report = _verify(engine)
    assert report.ok, report.lines()
    with session_scope(engine, readonly=True) as s:
        n = len(s.exec(select(AuditEvent).where(AuditEvent.action == "test.write")).all())
    assert n == 4 * 15 * 3


def test_migration_chains_the_events_and_seals_the_payments_made_before_it(
        engine: Engine) -> None:
    _office_with_money(engine)
    migrate.downgrade(engine, "0006")  # back to before the chain: events unsealed, no seals
    with engine.connect() as conn:
        assert "chain_seq" not in {c["name"] for c in inspect(conn).get_columns("audit_event")}
    migrate.upgrade(engine)
    report = _verify(engine)
    assert report.ok, report.lines()
    assert report.payments == 5
    with session_scope(engine, readonly=True) as s:
        sealed = s.exec(select(AuditEvent).where(AuditEvent.action == "payment.sealed",
                                                 AuditEvent.actor_name == "migration 0007")).all()
    assert len(sealed) == 5
