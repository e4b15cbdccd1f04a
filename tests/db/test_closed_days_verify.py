"""Issue 20 (4): ``desk audit verify`` checks every closed day against the figures sealed with
its close. An insider with the database owner's login who disables the triggers, moves the close
aside, refunds into the closed day through the service and puts the close back leaves a chain
that is whole: verify must still name the day, the receipt and the difference."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import col, select
from typer.testing import CliRunner

from models.db import is_sqlite, session_scope
from models.money import Money
from models.permissions import Actor
from models.services.audit_verify import verify
from models.services.payments import refund_payment, take_payment
from models.services.tally import begin_close, confirm_close, parse_count, record_count
from models.tally import DayClose
from models.vocab import Role
from tests.factories import AT, accepted, office
from tui.cli import app

DAY = dt.date(2021, 9, 27)
CLOSED = AT + dt.timedelta(hours=5)  # 16:32 that day
LEAD = Actor(user_id=None, username="auditor", role=Role.lead)


def _closed_day(engine: Engine) -> None:
    """1号窗口 takes 380 (the factory's) and 380 more in cash; the office closes the day."""
    with session_scope(engine) as s:
        o = office(s)
        d = accepted(s, o, n=2)
        take_payment(s, o.actor(Role.cashier), o.campaign, d.id or 0, method="cash", now=AT)
        lead = o.actor(Role.lead)
        begin_close(s, lead, o.campaign, DAY, desk="", now=CLOSED)
        record_count(
            s,
            lead,
            o.campaign,
            DAY,
            desk="",
            now=CLOSED,
            count=parse_count({10000: 7, 5000: 1, 1000: 1}),
        )
        confirm_close(s, lead, o.campaign, DAY, desk="", now=CLOSED)


def _guards(engine: Engine, on: bool) -> list[str]:
    """What an insider runs to switch the day close's and the payments' guards off (and on)."""
    if not is_sqlite(engine):
        verb = "ENABLE" if on else "DISABLE"
        return [
            f"ALTER TABLE day_close {verb} TRIGGER USER",
            f"ALTER TABLE payment {verb} TRIGGER USER",
        ]
    if not on:
        return ["DROP TRIGGER day_close_no_update", "DROP TRIGGER payment_day_closed"]
    return [
        "CREATE TRIGGER day_close_no_update BEFORE UPDATE ON day_close WHEN OLD.status = "
        "'closed' BEGIN SELECT RAISE(ABORT, 'a closed day is never edited or deleted'); END",
        "CREATE TRIGGER payment_day_closed BEFORE INSERT ON payment WHEN EXISTS (SELECT 1 "
        "FROM day_close d WHERE d.campaign_id = NEW.campaign_id AND d.business_date = "
        "NEW.business_date AND d.status = 'closed' AND (d.desk IN (NEW.desk, '') OR d.desk = "
        "(SELECT o.desk FROM payment o WHERE o.id = NEW.original_id))) BEGIN SELECT "
        "RAISE(ABORT, 'day closed: no payment, void or refund can be dated into a closed "
        "day'); END",
    ]


def _raw(engine: Engine, *statements: str) -> None:
    with engine.begin() as conn:
        for sql in statements:
            conn.execute(text(sql))


def _insider_refunds_into_the_closed_day(engine: Engine) -> str:
    _raw(
        engine,
        *_guards(engine, on=False),
        "UPDATE day_close SET business_date = '2000-01-01' WHERE business_date = '2021-09-27'",
    )
    try:
        with session_scope(engine) as s:
            from models.campaign import Campaign
            from models.users import User

            c = s.exec(select(Campaign)).one()
            u = s.exec(select(User).where(User.username == "lead")).one()
            lead = Actor(user_id=u.id, username="lead", role=Role.lead, desk="1号窗口")
            r = refund_payment(
                s,
                lead,
                c,
                "ZJ21F00001",
                amount=Money.yuan(380),
                reason="withdrawn",
                note="撤回",
                now=CLOSED + dt.timedelta(hours=1),
            )
            code = r.receipt_code
        _raw(
            engine,
            "UPDATE day_close SET business_date = '2021-09-27' WHERE business_date = '2000-01-01'",
        )
    finally:
        _raw(engine, *_guards(engine, on=True))
    return code


def test_a_closed_day_that_was_not_touched_verifies(engine: Engine) -> None:
    _closed_day(engine)
    with session_scope(engine, readonly=True) as s:
        report = verify(s, LEAD)
    assert report.ok, report.lines()
    assert report.closed_days == 1
    assert any("日结：1 个已锁定的营业日" in line for line in report.lines())


def test_money_refunded_into_a_closed_day_by_an_insider_is_found(engine: Engine) -> None:
    _closed_day(engine)
    code = _insider_refunds_into_the_closed_day(engine)
    with session_scope(engine, readonly=True) as s:
        report = verify(s, LEAD)
        assert report.chain.ok  # the chain alone is whole: the refund went through the service
        assert s.exec(select(DayClose.status)).all() == ["closed"]
    assert not report.ok
    shown = "\n".join(report.lines())
    assert "2021-09-27" in shown and code in shown, shown
    assert "现金" in shown and "-380.00" in shown, shown  # the difference, per method
    assert "日结之后" in shown, shown  # written after the close


def test_verify_on_the_command_line_exits_1_naming_the_day(engine: Engine, db_url: str) -> None:
    _closed_day(engine)
    code = _insider_refunds_into_the_closed_day(engine)
    r = CliRunner().invoke(
        app,
        ["audit", "verify", "--user", "lead", "--db", db_url],
        env={"DESK_PASSWORD": "secret-pw"},
    )
    assert r.exit_code == 1, r.output
    assert "2021-09-27" in r.output and code in r.output
    r = CliRunner().invoke(
        app,
        ["audit", "verify", "--json", "--user", "lead", "--db", db_url],
        env={"DESK_PASSWORD": "secret-pw"},
    )
    import json

    got = json.loads(r.output)
    assert r.exit_code == 1 and got["closed_days"] == 1
    assert {p["day"] for p in got["day_problems"]} == {"2021-09-27"}


def test_a_closes_figures_edited_in_its_row_are_found(engine: Engine) -> None:
    """The close's row is edited to match the rows after the fact: its audit event still holds
    the figures it was closed with."""
    _closed_day(engine)
    _raw(engine, *_guards(engine, on=False))
    try:
        with session_scope(engine) as s:
            row = s.exec(select(DayClose)).one()
            expected = dict(row.expected)
            expected["methods"] = {**expected["methods"], "cash": 1}
            row.expected = expected
            s.add(row)
    finally:
        _raw(engine, *_guards(engine, on=True))
    with session_scope(engine, readonly=True) as s:
        report = verify(s, LEAD)
    assert not report.ok
    assert "2021-09-27" in "\n".join(report.lines())


def test_a_close_made_before_voids_were_charged_to_the_payments_desk_still_verifies(
    engine: Engine,
) -> None:
    """Closes sealed by the desk before this version counted a void at the desk that made it
    (and another desk could void a closed desk's payment): verify reads them by that rule."""
    from models import audit
    from models.services.payments import void_payment
    from models.services.tally import _day_view, _expected_json

    with session_scope(engine) as s:
        o = office(s)  # ZJ21F00001: 380 cash at 1号窗口
        lead2 = o.actor(Role.lead, desk="2号窗口")
        void_payment(
            s,
            lead2,
            o.campaign,
            "ZJ21F00001",
            reason="wrong_method",
            note="应为扫码",
            now=AT + dt.timedelta(hours=1),
        )
        for desk in ("1号窗口", "2号窗口"):
            old = _day_view(s, o.campaign, DAY, desk, charge_to_original=False)
            sealed = {k: v for k, v in _expected_json(old).items() if k != "rule"}
            at = CLOSED + dt.timedelta(minutes=5 if desk == "2号窗口" else 0)
            s.add(
                DayClose(
                    campaign_id=o.campaign.id or 0,
                    business_date=DAY,
                    desk=desk,
                    status="closed",
                    expected=sealed,
                    begun_by_id=o.lead.id or 0,
                    closed_by_id=o.lead.id,
                    closed_at=at,
                )
            )
            s.flush()
            audit.record(
                s,
                actor_id=o.lead.id,
                actor_name="lead",
                action="day.close",
                entity="day_close",
                entity_id=f"{DAY.isoformat()} {desk}",
                campaign_id=o.campaign.id,
                desk=desk,
                at=at,
                detail={"day": DAY.isoformat(), "desk": desk, "expected": sealed},
            )
        # and, as the old desk allowed, 2号窗口 voids nothing more but 1号窗口's close is older
    with session_scope(engine, readonly=True) as s:
        report = verify(s, LEAD)
    assert report.ok, report.lines()
    assert report.closed_days == 2


def test_a_close_committed_while_verify_reads_is_no_false_alarm(engine: Engine) -> None:
    """PostgreSQL: another desk confirms a close between verify's reading of the close events and
    of the closes themselves. Verify reads one snapshot, so it sees neither or both."""
    if engine.dialect.name != "postgresql":
        import pytest

        pytest.skip("SQLite: a transaction is one snapshot")
    from sqlalchemy import event

    from models.campaign import Campaign

    _closed_day(engine)
    with session_scope(engine) as s:
        c = s.exec(select(Campaign)).one()
        from models.users import User

        u = s.exec(select(User).where(User.username == "lead")).one()
        lead = Actor(user_id=u.id, username="lead", role=Role.lead, desk="1号窗口")
    other_day = DAY + dt.timedelta(days=1)
    done: list[bool] = []

    def another_desk_closes(conn: object, cursor: object, statement: str, *args: object) -> None:
        if done or "FROM day_close" not in statement or "status" not in statement:
            return
        done.append(True)
        with session_scope(engine) as s2:
            at = CLOSED + dt.timedelta(days=1)
            begin_close(s2, lead, c, other_day, desk="", now=at)
            record_count(s2, lead, c, other_day, desk="", count=parse_count({}), now=at)
            confirm_close(s2, lead, c, other_day, desk="", now=at)

    with session_scope(engine, readonly=True, snapshot=True) as s:
        conn = s.connection()
        event.listen(conn, "before_cursor_execute", another_desk_closes)
        report = verify(s, LEAD)
    assert done, "the other desk's close ran between the reads"
    assert report.ok, report.lines()


def test_the_closes_code_on_paper_changes_when_an_insider_reseals_the_day(engine: Engine) -> None:
    """An insider with the database owner's login can recompute every hash after changing a day
    (the chain has no secret). The close's code — its audit event's hash, printed on the Z
    report filed that evening — is what the database cannot recompute: verify lists each
    close's code to be compared with the paper, and a resealed day's code differs."""
    from models import audit
    from models.audit import AuditEvent
    from models.services.tally import close_code, day_view
    from printers.tally import day_tally
    from tui.work.records import tally_data

    _closed_day(engine)
    with session_scope(engine, readonly=True) as s:
        from models.campaign import Campaign

        c = s.exec(select(Campaign)).one()
        code = close_code(s, c, DAY, "")
        assert len(code.replace(" ", "")) == 16
        view = day_view(s, LEAD, c, DAY)
        paper = day_tally(tally_data(s, c, view))
        printed = " ".join(
            getattr(b, "text", "") + str(getattr(b, "items", "")) for b in paper.blocks
        )
        assert code in printed
        report = verify(s, LEAD)
    assert [(d, desk, k) for d, desk, k in report.close_codes] == [(DAY, "", code)]
    # the insider's reseal: the close event's figures changed and every hash recomputed
    _raw(
        engine,
        *("DROP TRIGGER audit_event_sealed", "DROP TRIGGER audit_event_no_delete")
        if is_sqlite(engine)
        else ("ALTER TABLE audit_event DISABLE TRIGGER USER",),
    )
    try:
        with session_scope(engine) as s:
            e = s.exec(select(AuditEvent).where(AuditEvent.action == "day.close")).one()
            detail = dict(e.detail)
            detail["note"] = "改过"
            e.detail = detail
            s.add(e)
            s.flush()
            events = s.exec(
                select(AuditEvent)
                .where(AuditEvent.chain_lane == e.chain_lane)
                .order_by(col(AuditEvent.chain_seq))
            ).all()
            prev = audit.GENESIS
            for ev in events:
                ev.prev_hash = prev
                ev.hash = audit.event_hash(prev, ev.chain_seq or 0, audit.content_of(ev))
                prev = ev.hash
                s.add(ev)
    finally:
        if is_sqlite(engine):
            _raw(
                engine,
                "CREATE TRIGGER audit_event_sealed BEFORE UPDATE ON audit_event WHEN "
                "OLD.hash IS NOT NULL BEGIN SELECT RAISE(ABORT, 'sealed'); END",
                "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event BEGIN "
                "SELECT RAISE(ABORT, 'sealed'); END",
            )
        else:
            _raw(engine, "ALTER TABLE audit_event ENABLE TRIGGER USER")
    with session_scope(engine, readonly=True) as s:
        again = verify(s, LEAD)
    assert again.chain.ok  # the chain alone cannot tell
    assert again.close_codes[0][2] != code  # the paper can


def test_verify_lists_the_closes_codes_to_compare_with_the_paper(
    engine: Engine, db_url: str
) -> None:
    from models.services.tally import close_code

    _closed_day(engine)
    with session_scope(engine, readonly=True) as s:
        from models.campaign import Campaign

        code = close_code(s, s.exec(select(Campaign)).one(), DAY, "")
    r = CliRunner().invoke(
        app,
        ["audit", "verify", "--codes", "--user", "lead", "--db", db_url],
        env={"DESK_PASSWORD": "secret-pw"},
    )
    assert r.exit_code == 0, r.output
    assert f"2021-09-27  全办公室  {code}" in r.output
