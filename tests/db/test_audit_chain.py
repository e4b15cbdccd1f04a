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
from models.permissions import Actor
from models.services.audit_verify import VerifyReport, verify
from models.vocab import Role
from tests.factories import office_with_money
from tests.support import drop_audit_guard

LEAD = Actor(user_id=None, username="auditor", role=Role.lead)


def _verify(engine: Engine) -> VerifyReport:
    with session_scope(engine, readonly=True) as s:
        return verify(s, LEAD)


def _raw(engine: Engine, *statements: str) -> None:
    with engine.begin() as conn:
        for sql in statements:
            conn.execute(text(sql))


def _drop_payment_guard(engine: Engine) -> str:
    return (
        "DROP TRIGGER payment_no_update"
        if is_sqlite(engine)
        else "ALTER TABLE payment DISABLE TRIGGER payment_immutable"
    )


def _lanes(engine: Engine) -> dict[int, list[AuditEvent]]:
    """The events, lane by lane, each lane in its order."""
    with session_scope(engine, readonly=True) as s:
        events = s.exec(
            select(AuditEvent).order_by(col(AuditEvent.chain_lane), col(AuditEvent.chain_seq))
        ).all()
    return {lane: list(group) for lane, group in itertools.groupby(events, lambda e: e.chain_lane)}


def _office_lane(engine: Engine) -> list[AuditEvent]:
    """The lane the office's events went to (they were written in one transaction)."""
    lanes = _lanes(engine)
    first = min((e for events in lanes.values() for e in events), key=lambda e: e.id or 0)
    return lanes[first.chain_lane]


def test_a_working_day_verifies(engine: Engine) -> None:
    office_with_money(engine)
    report = _verify(engine)
    assert report.ok, report.lines()
    assert report.payments == 5  # the office's, two taken, a refund and a void
    lanes = _lanes(engine)
    for events in lanes.values():
        assert [e.chain_seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].prev_hash == audit.GENESIS
        assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    assert report.chain.events + 1 == sum(len(events) for events in lanes.values())  # + its own
    assert report.lines()[0] == f"审计链完整：{report.chain.events} 条记录，逐条哈希相连，无断链"
    # the check itself was recorded, with its outcome
    last = max((e for events in lanes.values() for e in events), key=lambda e: e.id or 0)
    assert last.action == "audit.verify" and last.detail["ok"] is True


def test_a_hand_edited_payment_is_caught(engine: Engine) -> None:
    office_with_money(engine)
    _raw(
        engine,
        _drop_payment_guard(engine),
        "UPDATE payment SET amount_fen = 3800 WHERE receipt_code = 'ZJ21F00002'",
    )
    report = _verify(engine)
    assert not report.ok
    assert report.chain.first_break is None  # the audit events themselves are untouched
    [problem] = report.problems
    assert problem.receipt_code == "ZJ21F00002"
    assert "写入后被改动：审计记录的金额为 380.00 元，现为 38.00 元" in problem.describe()


def test_a_payment_deleted_or_inserted_by_hand_is_caught(engine: Engine) -> None:
    office_with_money(engine)
    stmts = [
        "DROP TRIGGER payment_no_delete"
        if is_sqlite(engine)
        else "ALTER TABLE payment DISABLE TRIGGER payment_immutable",
        "DELETE FROM print_job WHERE payment_id IN "
        "(SELECT id FROM payment WHERE receipt_code = 'ZJ21F00003')",
        "DELETE FROM payment WHERE original_id IN "
        "(SELECT id FROM payment WHERE receipt_code = 'ZJ21F00003')",
        "DELETE FROM payment WHERE receipt_code = 'ZJ21F00003'",
    ]
    if is_sqlite(engine):
        stmts.insert(1, "DROP TRIGGER payment_no_update")
    _raw(engine, *stmts)
    with session_scope(engine) as s:
        o_id = (
            s.connection()
            .execute(
                text(
                    "SELECT campaign_id, dossier_id, cashier_id FROM payment "
                    "WHERE receipt_code = 'ZJ21F00002'"
                )
            )
            .one()
        )
    _raw(
        engine,
        "INSERT INTO payment (id, campaign_id, receipt_no, receipt_code, kind, dossier_id, "
        "amount_fen, track, level, method, reference, fiscal_receipt_no, reason, note, "
        "cashier_id, desk, business_date, attempt, created_at) VALUES "
        f"(999, {o_id[0]}, 99, 'ZJ21F00099', 'refund', {o_id[1]}, 38000, '', '', 'cash', '', '', "
        f"'', '', {o_id[2]}, '1号窗口', '2021-09-27', 0, '2021-09-27 04:00:00')",
    )
    problems = {p.receipt_code: p.problem for p in _verify(engine).problems}
    assert "手工插入" in problems["ZJ21F00099"]
    assert any("被删除" in p for code, p in problems.items() if code == "?")


def test_the_database_refuses_to_change_or_delete_a_sealed_event(engine: Engine) -> None:
    office_with_money(engine)
    second = _office_lane(engine)[1].id
    for sql in (
        f"UPDATE audit_event SET actor_name = 'x' WHERE id = {second}",
        f"DELETE FROM audit_event WHERE id = {second}",
    ):
        with pytest.raises(DBAPIError, match="never edited or deleted"):
            _raw(engine, sql)


def test_an_edited_event_is_named_as_the_first_broken_link(engine: Engine) -> None:
    office_with_money(engine)
    with session_scope(engine, readonly=True) as s:
        target = s.exec(select(AuditEvent).where(AuditEvent.action == "payment.refund")).one()
    _raw(
        engine,
        *drop_audit_guard(engine),
        f"UPDATE audit_event SET actor_name = 'someone' WHERE id = {target.id}",
    )
    brk = _verify(engine).chain.first_break
    assert brk is not None and brk.seq == target.chain_seq and brk.event_id == target.id
    assert "写入后被改动" in brk.describe() and "payment.refund" in brk.describe()


def test_a_rehashed_edit_breaks_the_next_link_and_a_deleted_event_leaves_a_gap(
    engine: Engine,
) -> None:
    office_with_money(engine)
    events = _office_lane(engine)
    third = events[2]
    forged = audit.event_hash(
        third.prev_hash or "",
        third.chain_seq or 0,
        {
            **{
                k: getattr(third, k)
                for k in (
                    "at",
                    "actor_id",
                    "action",
                    "entity",
                    "entity_id",
                    "campaign_id",
                    "desk",
                    "detail",
                )
            },
            "actor_name": "forger",
        },
    )
    _raw(
        engine,
        *drop_audit_guard(engine),
        f"UPDATE audit_event SET actor_name = 'forger', hash = '{forged}' WHERE id = {third.id}",
    )
    brk = _verify(engine).chain.first_break
    assert brk is not None and brk.seq == 4 and "与前一条的链接不符" in brk.problem

    _raw(engine, f"DELETE FROM audit_event WHERE id IN ({third.id}, {events[3].id})")
    brk = _verify(engine).chain.first_break
    assert brk is not None and brk.seq == 5 and "缺少第 3–4 条" in brk.problem


def test_an_event_inserted_by_hand_is_not_in_the_chain(engine: Engine) -> None:
    office_with_money(engine)
    _raw(
        engine,
        "INSERT INTO audit_event (at, actor_name, action, entity, entity_id, desk, "
        "detail) VALUES ('2021-09-27 05:00:00', 'ghost', 'payment.take', 'payment', 'X', '', '{}')",
    )
    report = _verify(engine)
    assert report.chain.unsealed == 1
    assert report.chain.first_break is not None and "手工插入" in report.chain.first_break.problem


def test_a_rolled_back_transaction_leaves_nothing_to_seal(engine: Engine) -> None:
    office_with_money(engine)
    with Session(engine) as s:
        audit.record(s, actor_id=None, actor_name="x", action="test.rolled_back", entity="x")
        s.rollback()
        audit.record(s, actor_id=None, actor_name="x", action="test.kept", entity="x")
        s.commit()
    report = _verify(engine)
    assert report.ok, report.lines()


def test_desks_writing_at_once_keep_one_chain(engine: Engine) -> None:
    """Four desks commit events at the same time: every event gets its own place, no forks."""
    office_with_money(engine)
    errors: list[BaseException] = []

    def desk(n: int) -> None:
        try:
            for i in range(15):
                with session_scope(engine) as s:
                    for j in range(3):
                        audit.record(
                            s,
                            actor_id=None,
                            actor_name=f"desk{n}",
                            action="test.write",
                            entity="x",
                            entity_id=f"{i}.{j}",
                        )
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


def test_migration_chains_the_events_and_seals_the_payments_made_before_it(engine: Engine) -> None:
    office_with_money(engine)
    migrate.downgrade(engine, "0006")  # back to before the chain: events unsealed, no seals
    with engine.connect() as conn:
        assert "chain_seq" not in {c["name"] for c in inspect(conn).get_columns("audit_event")}
    migrate.upgrade(engine)
    report = _verify(engine)
    assert report.ok, report.lines()
    assert report.payments == 5
    with session_scope(engine, readonly=True) as s:
        sealed = s.exec(
            select(AuditEvent).where(
                AuditEvent.action == "payment.sealed", AuditEvent.actor_name == "migration 0007"
            )
        ).all()
    assert len(sealed) == 5


def test_two_desks_writing_at_once_write_to_lanes_of_their_own(engine: Engine) -> None:
    """PostgreSQL: two transactions open at once each write to their connection's lane, neither
    waits for the other, and both lanes verify (SQLite: the second desk waits for the first)."""
    if is_sqlite(engine):
        pytest.skip("SQLite has one writer at a time: one lane")
    office_with_money(engine)
    with Session(engine) as first, Session(engine) as second:
        audit.record(first, actor_id=None, actor_name="desk1", action="test.first", entity="x")
        audit.record(second, actor_id=None, actor_name="desk2", action="test.second", entity="x")
        audit.record(first, actor_id=None, actor_name="desk1", action="test.first", entity="y")
        second.commit()
        first.commit()
    with session_scope(engine, readonly=True) as s:
        lane_of = {
            e.action: e.chain_lane
            for e in s.exec(select(AuditEvent).where(col(AuditEvent.action).like("test.%"))).all()
        }
    assert lane_of["test.first"] != lane_of["test.second"]
    report = _verify(engine)
    assert report.ok, report.lines()
    assert report.chain.lanes >= 2
    # an event edited in a lane other than 0 is named with its lane
    action, lane = next((a, n) for a, n in lane_of.items() if n != 0)
    _raw(
        engine,
        *drop_audit_guard(engine),
        f"UPDATE audit_event SET actor_name = 'someone' WHERE action = '{action}'",
    )
    brk = _verify(engine).chain.first_break
    assert brk is not None and brk.lane == lane and f"第 {lane} 道第 " in brk.describe()


def test_an_event_in_a_savepoint_rolled_back_leaves_no_gap(engine: Engine) -> None:
    office_with_money(engine)
    with session_scope(engine) as s:
        audit.record(s, actor_id=None, actor_name="x", action="test.before", entity="x")
        savepoint = s.begin_nested()
        audit.record(s, actor_id=None, actor_name="x", action="test.undone", entity="x")
        savepoint.rollback()
        audit.record(s, actor_id=None, actor_name="x", action="test.after", entity="x")
    report = _verify(engine)
    assert report.ok, report.lines()
    with session_scope(engine, readonly=True) as s:
        actions = {e.action for e in s.exec(select(AuditEvent)).all()}
    assert {"test.before", "test.after"} <= actions and "test.undone" not in actions


def test_the_server_hashes_an_event_as_verify_does(engine: Engine) -> None:
    """The hash PostgreSQL computes in the INSERT (SQLite: Python) is event_hash of the values
    read back: hostile text, a rare character, nested JSON, a null."""
    with session_scope(engine) as s:
        audit.record(
            s,
            actor_id=None,
            actor_name="阿依古丽·买买提 䶮",
            action="test.hash",
            entity="x",
            entity_id=12345,
            desk="1号窗口\u202e",
            detail={"名": "[/]\u0000", "n": [1, 2.5, None, {"b": True}], "10": "x", "9": "y"},
        )
    with session_scope(engine, readonly=True) as s:
        e = s.exec(select(AuditEvent).where(AuditEvent.action == "test.hash")).one()
    assert e.hash == audit.event_hash(e.prev_hash or "", e.chain_seq or 0, audit.content_of(e))


def test_downgrading_makes_the_lanes_one_chain_again(engine: Engine) -> None:
    office_with_money(engine)
    if not is_sqlite(engine):  # events in two lanes
        with Session(engine) as first, Session(engine) as second:
            audit.record(first, actor_id=None, actor_name="desk1", action="test.a", entity="x")
            audit.record(second, actor_id=None, actor_name="desk2", action="test.b", entity="x")
            first.commit()
            second.commit()
    migrate.downgrade(engine, "0007")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, chain_seq, prev_hash, hash FROM audit_event ORDER BY id")
        ).all()
    assert [r.chain_seq for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    migrate.upgrade(engine)
    report = _verify(engine)
    assert report.ok, report.lines()
