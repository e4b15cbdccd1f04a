"""The day's tally and its close, on SQLite and PostgreSQL: the figures against a hand-computed
day; the gap check that says when it finds none; a blind count, a difference that needs a note,
the lock (the service and the database both refuse money dated into a closed day), corrections
on the next day pointing at the original; the campaign's days; the Z report's workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import insert, text, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, col, select

from models.audit import AuditEvent
from models.db import session_scope
from models.errors import DomainError, InvalidInput, PermissionDenied
from models.money import Money
from models.payment import Payment
from models.services.payments import PaymentRefused, refund_payment, take_payment, void_payment
from models.services.tally import (
    Count,
    DayView,
    begin_close,
    campaign_days,
    cancel_close,
    confirm_close,
    day_view,
    day_view_xlsx,
    parse_count,
    record_count,
)
from models.tally import DayClose
from models.vocab import Role
from tests.factories import AT, Office, accepted, office

DAY = dt.date(2021, 9, 27)  # AT is 11:32 that day in Asia/Shanghai
LATER = AT + dt.timedelta(hours=2)


def _the_day(session: Session) -> tuple[Office, dict[str, Payment]]:
    """The hand-computed day.

    ZJ21F00001  payment 380 cash  评审·中级   1号窗口 cashier (the factory's)
    ZJ21F00002  payment 220 cash  评审·初级   1号窗口 cashier
    ZJ21F00003  payment 100 card  初次确定·初级 2号窗口 lead
    ZJ21F00004  payment 380 qr    评审·中级   2号窗口 lead
    ZJ21F00005  void of 00002 (220 cash)       1号窗口 lead
    ZJ21F00006  refund 80 of 00004, in cash    2号窗口 lead
    Visits: the factory's accepted (1号) and returned (2号); three more accepted at 1号窗口.
    """
    o = office(session)
    d2 = accepted(session, o, n=2, level="初级")
    d3 = accepted(session, o, n=3, track="初次确定", level="初级")
    d4 = accepted(session, o, n=4)
    cashier, lead1 = o.actor(Role.cashier), o.actor(Role.lead)
    lead2 = o.actor(Role.lead, desk="2号窗口")
    p2 = take_payment(session, cashier, o.campaign, d2.id or 0, method="cash", now=AT)
    p3 = take_payment(
        session, lead2, o.campaign, d3.id or 0, method="card", reference="POS0001", now=AT
    )
    p4 = take_payment(
        session, lead2, o.campaign, d4.id or 0, method="qr", reference="WX20210927001", now=AT
    )
    v = void_payment(
        session,
        lead1,
        o.campaign,
        p2.receipt_code,
        reason="wrong_dossier",
        note="收错人",
        now=LATER,
    )
    r = refund_payment(
        session,
        lead2,
        o.campaign,
        p4.receipt_code,
        amount=Money.yuan(80),
        reason="overpaid",
        note="多收",
        method="cash",
        now=LATER,
    )
    session.flush()
    return o, {"p2": p2, "p3": p3, "p4": p4, "void": v, "refund": r}


def _fen(view: DayView, attr: str) -> dict[str, tuple[int, int, int, int, int]]:
    return {
        ln.label: (ln.count, ln.paid_fen, ln.voided_fen, ln.refunded_fen, ln.net_fen)
        for ln in getattr(view, attr)
    }


def test_the_day_against_hand_computed_figures(session: Session) -> None:
    o, _ = _the_day(session)
    v = day_view(session, o.actor(Role.lead), o.campaign, DAY)
    assert (v.visits, v.accepted, v.returned) == (5, 4, 1)
    assert (
        v.total.count,
        v.total.paid_fen,
        v.total.voided_fen,
        v.total.refunded_fen,
        v.total.net_fen,
    ) == (4, 108000, 22000, 8000, 78000)
    assert _fen(v, "by_method") == {
        "现金": (2, 60000, 22000, 8000, 30000),
        "POS刷卡": (1, 10000, 0, 0, 10000),
        "扫码支付": (1, 38000, 0, 0, 38000),
    }
    assert v.expected() == {"cash": 30000, "transfer": 0, "card": 10000, "qr": 38000}
    assert _fen(v, "by_fee") == {
        "评审·初级": (1, 22000, 22000, 0, 0),
        "评审·中级": (2, 76000, 0, 8000, 68000),
        "初次确定·初级": (1, 10000, 0, 0, 10000),
    }
    assert [ln.label for ln in v.by_fee] == ["评审·初级", "评审·中级", "初次确定·初级"]
    assert _fen(v, "by_desk") == {
        "1号窗口": (2, 60000, 22000, 0, 38000),
        "2号窗口": (2, 48000, 0, 8000, 40000),
    }
    # a void or refund comes off the figures of whoever took the payment (小李 took 00002)
    assert _fen(v, "by_cashier") == {
        "收费员小李": (2, 60000, 22000, 0, 38000),
        "负责人刘强": (2, 48000, 0, 8000, 40000),
    }
    assert v.receipts.range_text == "ZJ21F00001–ZJ21F00006（6 张）"
    assert v.receipts.ok and v.receipts.gap_text == "已检查，收据号连续，无断号"
    assert [(c.code, c.kind, c.original_code, c.fen) for c in v.corrections] == [
        ("ZJ21F00005", "void", "ZJ21F00002", 22000),
        ("ZJ21F00006", "refund", "ZJ21F00004", 8000),
    ]

    desk1 = day_view(session, o.actor(Role.lead), o.campaign, DAY, desk="1号窗口")
    assert (desk1.visits, desk1.accepted, desk1.returned) == (4, 4, 0)
    assert desk1.expected() == {"cash": 38000, "transfer": 0, "card": 0, "qr": 0}
    assert desk1.receipts.count == 3 and desk1.receipts.ok  # the check is office-wide
    desk2 = day_view(session, o.actor(Role.lead), o.campaign, DAY, desk="2号窗口")
    assert desk2.expected() == {"cash": -8000, "transfer": 0, "card": 10000, "qr": 38000}
    # another day is empty
    empty = day_view(session, o.actor(Role.lead), o.campaign, DAY - dt.timedelta(days=1))
    assert empty.total.count == 0 and empty.receipts.gap_text == "今日无收据"


def test_only_a_lead_sees_the_day(session: Session) -> None:
    o, _ = _the_day(session)
    for role in (Role.clerk, Role.cashier):
        with pytest.raises(PermissionDenied):
            day_view(session, o.actor(role), o.campaign, DAY)


def test_the_gap_check_finds_a_missing_number(session: Session) -> None:
    o, _ = _the_day(session)
    p = session.exec(select(Payment).where(Payment.receipt_code == "ZJ21F00001")).one()
    # a row numbered 8 with no 7 (the service never does this: the check must see it)
    session.add(
        Payment(
            campaign_id=p.campaign_id,
            receipt_no=8,
            receipt_code="ZJ21F00008",
            kind="payment",
            dossier_id=p.dossier_id,
            amount_fen=1,
            method="cash",
            cashier_id=p.cashier_id,
            desk="1号窗口",
            business_date=DAY,
            attempt=9,
            created_at=AT,
        )
    )
    session.flush()
    v = day_view(session, o.actor(Role.lead), o.campaign, DAY)
    assert v.receipts.missing == (7,)
    assert not v.receipts.ok and "缺号 ZJ21F00007" in v.receipts.gap_text


def _count(cash_fen: int, **others: str) -> Count:
    """Pieces for ``cash_fen`` (hundreds, then one of each smaller note as needed)."""
    pieces: dict[int, int] = {}
    left = cash_fen
    for d in (10000, 5000, 2000, 1000, 500, 100, 50, 10):
        pieces[d], left = divmod(left, d)
    assert left == 0
    return parse_count(pieces, others)


def test_a_void_comes_off_the_cashier_and_desk_that_took_the_money(session: Session) -> None:
    """The lead voids 小李's transfer from the office: 小李's and 1号窗口's figures lose it; the
    lead, who holds no money, has no figures; who voided is shown with the correction."""
    o = office(session)
    d2 = accepted(session, o, n=2)
    cashier = o.actor(Role.cashier)
    lead = o.actor(Role.lead, desk="办公室")
    p = take_payment(
        session,
        cashier,
        o.campaign,
        d2.id or 0,
        method="transfer",
        reference="BOC20210927001",
        now=AT,
    )
    void_payment(
        session, lead, o.campaign, p.receipt_code, reason="wrong_method", note="实为现金", now=LATER
    )
    v = day_view(session, lead, o.campaign, DAY)
    assert _fen(v, "by_cashier") == {"收费员小李": (2, 76000, 38000, 0, 38000)}
    assert _fen(v, "by_desk") == {"1号窗口": (2, 76000, 38000, 0, 38000)}
    assert [(c.code, c.who, c.charged_to, c.charged_desk, c.desk) for c in v.corrections] == [
        ("ZJ21F00003", "负责人刘强", "收费员小李", "1号窗口", "办公室")
    ]
    desk1 = day_view(session, lead, o.campaign, DAY, desk="1号窗口")
    assert desk1.expected() == {"cash": 38000, "transfer": 0, "card": 0, "qr": 0}
    assert [c.code for c in desk1.corrections] == ["ZJ21F00003"]
    office_desk = day_view(session, lead, o.campaign, DAY, desk="办公室")
    assert office_desk.expected() == {"cash": 0, "transfer": 0, "card": 0, "qr": 0}
    assert office_desk.corrections == ()
    # the blind count of 1号窗口 compares against what it holds
    begin_close(session, cashier, o.campaign, DAY, desk="1号窗口", now=LATER)
    result = record_count(
        session, cashier, o.campaign, DAY, desk="1号窗口", count=_count(38000), now=LATER
    )
    assert result.differences == {}


def test_a_void_from_another_desk_cannot_change_a_desk_that_is_closing(session: Session) -> None:
    o = office(session)
    cashier = o.actor(Role.cashier)
    lead = o.actor(Role.lead, desk="办公室")
    begin_close(session, cashier, o.campaign, DAY, desk="1号窗口", now=LATER)
    with pytest.raises(PaymentRefused) as closing:
        void_payment(
            session,
            lead,
            o.campaign,
            "ZJ21F00001",
            reason="wrong_method",
            note="应为扫码",
            now=LATER,
        )
    assert closing.value.code == "day.closing"
    with pytest.raises(PaymentRefused):
        refund_payment(
            session,
            lead,
            o.campaign,
            "ZJ21F00001",
            amount=Money.yuan(10),
            reason="overpaid",
            note="多收",
            now=LATER,
        )


def test_the_database_refuses_a_void_dated_into_the_closed_day_of_the_payments_desk(
    engine: Engine,
) -> None:
    """Past the service: a void row written at another desk into the day 1号窗口 closed."""
    with session_scope(engine) as s:
        o = office(s)
        s.add(
            DayClose(
                campaign_id=o.campaign.id or 0,
                business_date=DAY,
                desk="1号窗口",
                status="closed",
                begun_by_id=o.lead.id or 0,
            )
        )
    row = {
        "campaign_id": o.campaign.id,
        "receipt_no": 9,
        "receipt_code": "ZJ21F00009",
        "kind": "void",
        "dossier_id": o.dossier.id,
        "original_id": o.payment.id,
        "amount_fen": 38000,
        "method": "cash",
        "cashier_id": o.lead.id,
        "desk": "办公室",
        "business_date": DAY,
        "attempt": 0,
        "reference": "",
        "fiscal_receipt_no": "",
        "reason": "other",
        "note": "x",
        "track": "评审",
        "level": "中级",
        "created_at": LATER,
    }
    with pytest.raises((IntegrityError, DBAPIError)), session_scope(engine) as s:
        s.connection().execute(insert(Payment), row)


def test_desk_close_blind_count_lock_and_next_day_correction(session: Session) -> None:
    o, _ = _the_day(session)
    cashier, lead = o.actor(Role.cashier), o.actor(Role.lead)
    begin_close(session, cashier, o.campaign, DAY, desk="1号窗口", now=LATER)
    d5 = accepted(session, o, n=5)
    with pytest.raises(PaymentRefused) as closing:
        take_payment(session, cashier, o.campaign, d5.id or 0, method="cash", now=LATER)
    assert closing.value.code == "day.closing"
    # the count is blind: it is recorded first, then compared
    result = record_count(
        session, cashier, o.campaign, DAY, desk="1号窗口", count=_count(38000), now=LATER
    )
    assert result.differences == {} and result.expected["cash"] == 38000
    with pytest.raises(PermissionDenied):
        confirm_close(session, cashier, o.campaign, DAY, desk="1号窗口", now=LATER)
    closed = confirm_close(session, lead, o.campaign, DAY, desk="1号窗口", now=LATER)
    assert closed.status == "closed" and closed.expected["totals"]["net_fen"] == 38000
    # locked: no payment, void or refund dated into it at this desk; the other desk goes on
    with pytest.raises(PaymentRefused) as locked:
        take_payment(session, cashier, o.campaign, d5.id or 0, method="cash", now=LATER)
    assert locked.value.code == "day.closed"
    with pytest.raises(PaymentRefused):
        void_payment(
            session, lead, o.campaign, "ZJ21F00001", reason="wrong_method", note="x", now=LATER
        )
    with pytest.raises(PaymentRefused):
        refund_payment(
            session,
            lead,
            o.campaign,
            "ZJ21F00001",
            amount=Money.yuan(10),
            reason="overpaid",
            note="x",
            now=LATER,
        )
    take_payment(
        session,
        o.actor(Role.cashier, desk="2号窗口"),
        o.campaign,
        d5.id or 0,
        method="cash",
        now=LATER,
    )
    # the correction goes into the next open day and names the original and its day
    nxt = AT + dt.timedelta(days=1)
    v = void_payment(
        session, lead, o.campaign, "ZJ21F00001", reason="wrong_method", note="应为扫码", now=nxt
    )
    assert v.business_date == DAY + dt.timedelta(days=1)
    view = day_view(session, lead, o.campaign, DAY + dt.timedelta(days=1))
    assert [(c.original_code, c.original_date) for c in view.corrections] == [("ZJ21F00001", DAY)]
    assert view.expected()["cash"] == -38000
    # a closed day cannot be cancelled
    with pytest.raises(DomainError) as cancel:
        cancel_close(session, lead, o.campaign, DAY, desk="1号窗口", reason="重来")
    assert cancel.value.code == "day.closed"
    actions = list(
        session.exec(
            select(AuditEvent.action)
            .where(AuditEvent.entity == "day_close")
            .order_by(col(AuditEvent.id))
        )
    )
    assert actions == ["day.begin", "day.count", "day.close"]


def test_a_difference_without_a_note_is_refused(session: Session) -> None:
    o, _ = _the_day(session)
    lead = o.actor(Role.lead)
    begin_close(session, lead, o.campaign, DAY, desk="", now=LATER)
    # 10 yuan short in cash, the POS slip agrees, the QR list shows 380
    result = record_count(
        session,
        lead,
        o.campaign,
        DAY,
        desk="",
        count=_count(29000, card="100", qr="380"),
        now=LATER,
    )
    assert result.differences == {"cash": -1000} and result.difference_fen == -1000
    with pytest.raises(InvalidInput) as refused:
        confirm_close(session, lead, o.campaign, DAY, desk="", now=LATER)
    assert refused.value.code == "day.note_required" and "现金少 10.00 元" in refused.value.message
    row = confirm_close(
        session, lead, o.campaign, DAY, desk="", note="找零多找 10 元，已由收费员赔付", now=LATER
    )
    assert row.status == "closed" and row.difference_fen == -1000
    assert row.counted["cash"]["10000"] == 2 and row.counted["methods"]["card"] == 10000
    # office-wide: every desk is locked
    d5 = accepted(session, o, n=5)
    for desk in ("1号窗口", "2号窗口", "3号窗口"):
        with pytest.raises(PaymentRefused):
            take_payment(
                session,
                o.actor(Role.cashier, desk=desk),
                o.campaign,
                d5.id or 0,
                method="cash",
                now=LATER,
            )


def test_who_may_begin_and_what_a_count_accepts(session: Session) -> None:
    o, _ = _the_day(session)
    cashier = o.actor(Role.cashier)
    with pytest.raises(DomainError) as office_wide:
        begin_close(session, cashier, o.campaign, DAY, desk="", now=LATER)
    assert office_wide.value.code == "day.office_needs_lead"
    with pytest.raises(DomainError) as other:
        begin_close(session, cashier, o.campaign, DAY, desk="2号窗口", now=LATER)
    assert other.value.code == "day.other_desk"
    with pytest.raises(PermissionDenied):
        begin_close(session, o.actor(Role.clerk), o.campaign, DAY, desk="1号窗口", now=LATER)
    with pytest.raises(InvalidInput) as future:
        begin_close(
            session, cashier, o.campaign, DAY + dt.timedelta(days=2), desk="1号窗口", now=LATER
        )
    assert future.value.code == "day.future"
    with pytest.raises(DomainError) as not_begun:
        record_count(session, cashier, o.campaign, DAY, desk="1号窗口", count=_count(0), now=LATER)
    assert not_begun.value.code == "day.not_begun"
    for bad in ({10000: "三"}, {10000: "-1"}, {10000: "1.5"}, {10000: 100001}, {3: 1}):
        with pytest.raises(InvalidInput):
            parse_count(bad)
    with pytest.raises(InvalidInput):
        parse_count({}, {"card": "12.345"})
    assert parse_count({10000: "３", 50: " 1 "}).cash_fen == 30050  # full-width digits


def test_cancel_a_close_that_is_not_confirmed(session: Session) -> None:
    o, _ = _the_day(session)
    cashier, lead = o.actor(Role.cashier), o.actor(Role.lead)
    begin_close(session, cashier, o.campaign, DAY, desk="1号窗口", now=LATER)
    with pytest.raises(InvalidInput):
        cancel_close(session, lead, o.campaign, DAY, desk="1号窗口", reason=" ")
    cancel_close(session, lead, o.campaign, DAY, desk="1号窗口", reason="还有申请人要缴费")
    d5 = accepted(session, o, n=5)
    take_payment(session, cashier, o.campaign, d5.id or 0, method="cash", now=LATER)


def test_a_count_overtaken_by_new_rows_must_be_redone(session: Session) -> None:
    o, _ = _the_day(session)
    lead = o.actor(Role.lead)
    begin_close(session, lead, o.campaign, DAY, desk="", now=LATER)
    record_count(
        session,
        lead,
        o.campaign,
        DAY,
        desk="",
        count=_count(30000, card="100", qr="380"),
        now=LATER,
    )
    p = session.exec(select(Payment).where(Payment.receipt_code == "ZJ21F00001")).one()
    session.add(
        Payment(
            campaign_id=p.campaign_id,
            receipt_no=7,
            receipt_code="ZJ21F00007",
            kind="payment",
            dossier_id=p.dossier_id,
            amount_fen=100,
            method="cash",
            cashier_id=p.cashier_id,
            desk="1号窗口",
            business_date=DAY,
            attempt=5,
            created_at=LATER,
        )
    )
    session.flush()
    with pytest.raises(DomainError) as changed:
        confirm_close(session, lead, o.campaign, DAY, desk="", now=LATER)
    assert changed.value.code == "day.changed"


def test_the_database_refuses_money_in_a_closed_day_and_edits_of_the_close(engine: Engine) -> None:
    with session_scope(engine) as s:
        o, _ = _the_day(s)
        lead = o.actor(Role.lead)
        begin_close(s, lead, o.campaign, DAY, desk="", now=LATER)
        record_count(
            s, lead, o.campaign, DAY, desk="", count=_count(30000, card="100", qr="380"), now=LATER
        )
        confirm_close(s, lead, o.campaign, DAY, desk="", now=LATER)
        p = s.exec(select(Payment).where(Payment.receipt_code == "ZJ21F00001")).one()
        values = {
            "campaign_id": p.campaign_id,
            "dossier_id": p.dossier_id,
            "cashier_id": p.cashier_id,
        }
    insert = text(
        "INSERT INTO payment (campaign_id, receipt_no, receipt_code, kind, dossier_id, amount_fen,"
        " method, reference, fiscal_receipt_no, reason, note, cashier_id, desk, business_date,"
        " attempt, created_at, track, level) VALUES (:campaign_id, 99, 'ZJ21F00099', 'payment',"
        " :dossier_id, 100, 'cash', '', '', '', '', :cashier_id, :desk, :day, 7, :at, '', '')"
    )
    for desk in ("1号窗口", "9号窗口"):  # any desk: the office-wide close locks them all
        with pytest.raises((IntegrityError, DBAPIError)), engine.begin() as conn:
            conn.execute(insert, {**values, "desk": desk, "day": DAY, "at": LATER})
    with engine.begin() as conn:  # the next day is open
        conn.execute(
            insert,
            {
                **values,
                "desk": "1号窗口",
                "day": DAY + dt.timedelta(days=1),
                "at": LATER + dt.timedelta(days=1),
            },
        )
    for stmt in (update(DayClose).values(note="改过"), text("DELETE FROM day_close")):
        with pytest.raises((IntegrityError, DBAPIError)), engine.begin() as conn:
            conn.execute(stmt)


def test_the_campaign_days_read_a_closed_day_from_its_close(session: Session) -> None:
    o, _ = _the_day(session)
    lead = o.actor(Role.lead)
    take_payment(
        session,
        lead,
        o.campaign,
        accepted(session, o, n=5).id or 0,
        method="cash",
        now=AT + dt.timedelta(days=2),
    )
    begin_close(session, lead, o.campaign, DAY, desk="", now=LATER)
    record_count(
        session,
        lead,
        o.campaign,
        DAY,
        desk="",
        count=_count(30000, card="100", qr="380"),
        now=LATER,
    )
    confirm_close(session, lead, o.campaign, DAY, desk="", now=LATER)
    days = campaign_days(session, lead, o.campaign, DAY + dt.timedelta(days=2))
    assert [(d.day, d.closed, d.payments, d.net_fen, d.accepted) for d in days] == [
        (DAY, True, 4, 78000, 5),
        (DAY + dt.timedelta(days=1), False, 0, 0, 0),
        (DAY + dt.timedelta(days=2), False, 1, 38000, 0),
    ]


def test_the_z_report_workbook_reads_back(session: Session, tmp_path: Path) -> None:
    import openpyxl

    o, _ = _the_day(session)
    lead = o.actor(Role.lead)
    begin_close(session, lead, o.campaign, DAY, desk="", now=LATER)
    record_count(
        session,
        lead,
        o.campaign,
        DAY,
        desk="",
        count=_count(29000, card="100", qr="380"),
        note="少 10 元，已赔付",
        now=LATER,
    )
    confirm_close(session, lead, o.campaign, DAY, desk="", now=LATER)
    view = day_view(session, lead, o.campaign, DAY)
    path = day_view_xlsx(tmp_path / "z.xlsx", view)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == [
        "概况",
        "按缴费方式",
        "按申报类型与级别",
        "按收费员",
        "按窗口",
        "作废与退费",
        "现金清点",
    ]
    summary = {r[0]: r[1] for r in wb["概况"].iter_rows(min_row=2, values_only=True)}
    assert summary["净额（元）"] == 780 and summary["作废冲减（元）"] == 220
    assert summary["断号检查"] == "已检查，收据号连续，无断号"
    assert summary["日结状态"] == "已日结（锁定）" and summary["差额说明"] == "少 10 元，已赔付"
    methods = {r[0]: r[1:] for r in wb["按缴费方式"].iter_rows(min_row=2, values_only=True)}
    assert methods["现金"] == (2, 600, 220, 80, 300)
    corrections = list(wb["作废与退费"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[3]) for r in corrections] == [
        ("ZJ21F00005", "ZJ21F00002", "2021-09-27"),
        ("ZJ21F00006", "ZJ21F00004", "2021-09-27"),
    ]
    # the reason in words, not its code; who voided and whose money it was
    assert [(r[6], r[8], r[10], r[11]) for r in corrections] == [
        ("收错档案（收错人）", "负责人刘强", "收费员小李", "1号窗口"),
        ("多收", "负责人刘强", "负责人刘强", "2号窗口"),
    ]
    counted = {r[0]: r[1:] for r in wb["现金清点"].iter_rows(min_row=2, values_only=True)}
    assert counted["现金 100 元"] == (2, 200) and counted["现金 50 元"] == (1, 50)
