"""The fee desk's rules on SQLite and PostgreSQL: the fee of every track and level of every
preset; one payment per dossier with gapless receipt numbers, also with four desks at once;
idempotent confirmation; voids and refunds that never touch the original; a process killed
between number allocation and commit leaves neither a half-payment nor a gap."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import threading
import tomllib
from pathlib import Path
from typing import TypedDict

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from models.audit import AuditEvent
from models.campaign import Campaign, NumberSequence
from models.db import session_scope
from models.dossier import Dossier
from models.errors import DomainError, FeeUnknown, InvalidInput
from models.money import Money
from models.payment import Payment
from models.permissions import SYSTEM, Actor
from models.rules import fee_payment
from models.services.campaigns import load_campaign, read_preset, set_fee
from models.services.payments import (
    PaymentRefused,
    cashier_queue,
    fee_card,
    find_dossier,
    parse_method,
    refund_payment,
    take_payment,
    void_payment,
)
from models.services.users import add_user
from models.tally import DayClose
from models.vocab import NumberKind, PaymentMethod, Role
from tests.factories import (
    AT,
    Office,
    accepted,
    add_cashier,
    applicant,
    direct_dossiers,
    office,
)

ROOT = Path(__file__).resolve().parents[2]
PRESETS = sorted((ROOT / "models" / "presets").glob("*.toml"))


# -- fees ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("preset", PRESETS, ids=lambda p: p.stem)
def test_the_fee_of_every_track_and_level_in_every_preset(session: Session, preset: Path) -> None:
    spec = tomllib.loads(preset.read_text(encoding="utf-8"))
    filename, body = read_preset(preset.stem.split("-")[0])
    c = load_campaign(session, SYSTEM, body, filename=filename)
    cashier = add_cashier(session)
    lead_user = add_user(session, SYSTEM, username="lead", role=Role.lead, password="secret-pw")
    lead = Actor(user_id=lead_user.id, username="lead", role=Role.lead)
    when = dt.datetime(2021, 9, 27, 4, tzinfo=dt.UTC)
    # each notice's own way to pay (001 三（二）4: by bank only, with the transfer's serial)
    method = fee_payment(c).methods[0]
    for i, fee in enumerate(spec["fees"]):
        [did] = direct_dossiers(
            session, c, 1, track=fee["track"], level=fee["level"], start=100 + i
        )
        if fee.get("unknown"):
            with pytest.raises(FeeUnknown) as exc:
                take_payment(session, cashier, c, did, method="cash", now=when)
            assert "请负责人先设定收费标准" in exc.value.message
            assert fee_card(session, cashier, c, session.get_one(Dossier, did)).fee is None
            set_fee(
                session,
                lead,
                c.id or 0,
                fee["track"],
                fee["level"],
                Money.yuan(300),
                reason="州人社局补充通知",
            )
            expected = 300
        else:
            expected = fee["yuan"]
        reference = "" if method == PaymentMethod.cash else f"BK{2023100100 + i}"
        p = take_payment(session, cashier, c, did, method=method, reference=reference, now=when)
        assert p.amount_fen == expected * 100, (preset.stem, fee)
    session.commit()


def test_the_notices_figures(session: Session) -> None:
    """The amounts the notices print: 000 380/220/100, 001 400/300/200."""
    from models.services.campaigns import fee_for

    want = {
        "000": {
            ("评审", "中级"): 380,
            ("评审", "初级"): 220,
            ("初次确定", "初级"): 100,
            ("初次确定", "中级"): 380,
            ("授予", "中级"): 380,
        },
        "001": {("评审", "高级"): 400, ("评审", "中级"): 300, ("评审", "初级"): 200},
    }
    for code, fees in want.items():
        filename, body = read_preset(code)
        c = load_campaign(session, SYSTEM, body, filename=filename)
        got = {k: fee_for(session, c.id or 0, *k).amount for k in fees}
        assert got == {k: Money.yuan(v) for k, v in fees.items()}


# -- taking a payment ---------------------------------------------------------------------------


def test_cash_payment_numbered_audited_and_out_of_the_queue(session: Session) -> None:
    o = office(session)
    d = accepted(session, o)
    cashier = o.actor(Role.cashier)
    assert [q.dossier_code for q in cashier_queue(session, o.actor(Role.cashier), o.campaign)] == [
        d.dossier_code
    ]
    p = take_payment(
        session,
        cashier,
        o.campaign,
        d.id or 0,
        method="现金",
        tendered=Money.yuan(400),
        fiscal_receipt_no="６５０１０２２１０００１２４",
        now=AT,
    )
    session.commit()
    assert (p.receipt_no, p.receipt_code, p.amount_fen) == (2, "ZJ21F00002", 38000)
    assert p.tendered_fen == 40000 and p.fiscal_receipt_no == "65010221000124"
    assert p.business_date == dt.date(2021, 9, 27) and p.desk == "1号窗口"
    assert cashier_queue(session, o.actor(Role.cashier), o.campaign) == []
    ev = session.exec(select(AuditEvent).where(AuditEvent.action == "payment.take")).one()
    assert ev.entity_id == "ZJ21F00002" and ev.detail["amount_fen"] == 38000
    assert find_dossier(session, o.actor(Role.cashier), o.campaign, d.dossier_code or "").id == d.id


class PaymentExtras(TypedDict, total=False):
    """The optional details of a payment, as a test gives them."""

    reference: str
    tendered: Money
    fiscal_receipt_no: str


@pytest.mark.parametrize(
    ("method", "kwargs", "code"),
    [
        ("cheque", {}, "payment.bad_method"),
        ("transfer", {}, "payment.reference_required"),
        ("qr", {"reference": "含 空格 的!号"}, "payment.bad_reference"),
        ("cash", {"reference": "123456"}, "payment.reference_not_needed"),
        ("cash", {"tendered": Money.yuan(300)}, "payment.short_tendered"),
        (
            "card",
            {"reference": "POS123456", "tendered": Money.yuan(400)},
            "payment.tendered_not_cash",
        ),
        ("cash", {"fiscal_receipt_no": "票据？"}, "payment.bad_fiscal_no"),
    ],
)
def test_bad_input_gets_a_chinese_message(
    session: Session, method: str, kwargs: PaymentExtras, code: str
) -> None:
    o = office(session)
    d = accepted(session, o)
    with pytest.raises(DomainError) as exc:
        take_payment(
            session, o.actor(Role.cashier), o.campaign, d.id or 0, method=method, now=AT, **kwargs
        )
    assert exc.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in exc.value.message)


def test_methods_by_name_number_or_chinese() -> None:
    assert parse_method("2") is PaymentMethod.transfer
    assert parse_method("扫码") is PaymentMethod.qr
    assert parse_method(" POS ") is PaymentMethod.card
    with pytest.raises(InvalidInput):
        parse_method("支票")


def test_a_reference_is_used_once(session: Session) -> None:
    o = office(session)
    a, b = accepted(session, o, n=1), accepted(session, o, n=2)
    cashier = o.actor(Role.cashier)
    take_payment(
        session,
        cashier,
        o.campaign,
        a.id or 0,
        method="transfer",
        reference="20210927-0001",
        now=AT,
    )
    with pytest.raises(PaymentRefused) as exc:
        take_payment(
            session,
            cashier,
            o.campaign,
            b.id or 0,
            method="transfer",
            reference="20210927-0001",
            now=AT,
        )
    assert exc.value.code == "payment.reference_used"
    # it was the wrong dossier: the lead voids it and the same transfer is recorded on the right one
    first = session.exec(select(Payment).where(Payment.dossier_id == a.id)).one()
    void_payment(
        session,
        o.actor(Role.lead),
        o.campaign,
        first.receipt_code,
        reason="wrong_dossier",
        note="流水记错档案",
        now=AT,
    )
    right = take_payment(
        session,
        cashier,
        o.campaign,
        b.id or 0,
        method="transfer",
        reference="20210927-0001",
        now=AT,
    )
    assert right.reference == "20210927-0001"


def test_returned_or_unknown_dossiers_cannot_be_paid(session: Session) -> None:
    o = office(session)
    with pytest.raises(PaymentRefused) as exc:
        take_payment(
            session, o.actor(Role.cashier), o.campaign, o.returned.id or 0, method="cash", now=AT
        )
    assert exc.value.code == "payment.not_accepted" and "退回补正" in exc.value.message
    with pytest.raises(DomainError) as nf:
        find_dossier(session, o.actor(Role.cashier), o.campaign, "ZJ21S09999")
    assert nf.value.code == "payment.no_such_dossier"
    returned = find_dossier(
        session, o.actor(Role.cashier), o.campaign, "11010519491231002x"
    )  # by ID, lower-case x
    assert (
        returned.id == o.returned.id
        and not fee_card(session, o.actor(Role.cashier), o.campaign, returned).payable
    )
    rec = applicant(session, o.campaign, n=7)  # on the list, paper never accepted
    with pytest.raises(DomainError) as na:
        find_dossier(session, o.actor(Role.cashier), o.campaign, rec.id_number)
    assert na.value.code == "payment.not_accepted" and "受理窗口" in na.value.message


def test_idempotent_confirmation(session: Session) -> None:
    """A double Enter or a retry after a crash sends the same key: one payment."""
    o = office(session)
    d, other = accepted(session, o, n=1), accepted(session, o, n=2)
    cashier = o.actor(Role.cashier)
    first = take_payment(
        session, cashier, o.campaign, d.id or 0, method="cash", idempotency_key="desk1-7f3a", now=AT
    )
    session.commit()
    again = take_payment(
        session, cashier, o.campaign, d.id or 0, method="cash", idempotency_key="desk1-7f3a", now=AT
    )
    session.commit()
    assert again.id == first.id
    assert (
        session.exec(
            select(func.count()).select_from(Payment).where(Payment.dossier_id == d.id)
        ).one()
        == 1
    )
    with pytest.raises(PaymentRefused) as paid:  # another confirmation: already paid
        take_payment(
            session,
            cashier,
            o.campaign,
            d.id or 0,
            method="cash",
            idempotency_key="desk2-0001",
            now=AT,
        )
    assert paid.value.code == "payment.already_paid" and first.receipt_code in paid.value.message
    with pytest.raises(PaymentRefused) as reused:
        take_payment(
            session,
            cashier,
            o.campaign,
            other.id or 0,
            method="cash",
            idempotency_key="desk1-7f3a",
            now=AT,
        )
    assert reused.value.code == "payment.key_reused"


def test_a_closed_or_closing_day_takes_no_payment(session: Session) -> None:
    o = office(session)
    d = accepted(session, o)
    cashier = o.actor(Role.cashier)
    day = dt.date(2021, 9, 27)
    session.add(
        DayClose(
            campaign_id=o.campaign.id or 0,
            business_date=day,
            desk="1号窗口",
            status="closing",
            begun_by_id=o.lead.id or 0,
        )
    )
    session.flush()
    with pytest.raises(PaymentRefused) as closing:
        take_payment(session, cashier, o.campaign, d.id or 0, method="cash", now=AT)
    assert closing.value.code == "day.closing"
    # another desk still takes money that day
    other = take_payment(
        session, o.actor(Role.cashier, desk="2号窗口"), o.campaign, d.id or 0, method="cash", now=AT
    )
    session.add(
        DayClose(
            campaign_id=o.campaign.id or 0,
            business_date=day,
            desk="",
            status="closed",
            begun_by_id=o.lead.id or 0,
        )
    )
    session.flush()
    with pytest.raises(PaymentRefused) as closed:
        void_payment(
            session,
            o.actor(Role.lead),
            o.campaign,
            other.receipt_code,
            reason="wrong_method",
            note="应为扫码",
            now=AT,
        )
    assert closed.value.code == "day.closed"
    # the correction goes into the next open day, pointing at the original
    v = void_payment(
        session,
        o.actor(Role.lead),
        o.campaign,
        other.receipt_code,
        reason="wrong_method",
        note="应为扫码",
        now=AT + dt.timedelta(days=1),
    )
    assert v.business_date == day + dt.timedelta(days=1) and v.original_id == other.id


# -- voids, refunds, the original untouched -----------------------------------------------------


def test_void_then_pay_again_and_the_original_untouched(session: Session) -> None:
    o = office(session)
    lead = o.actor(Role.lead)
    before = session.exec(select(Payment).where(Payment.id == o.payment.id)).one().model_dump()
    with pytest.raises(InvalidInput):
        void_payment(session, lead, o.campaign, "ZJ21F00001", reason="no-such", note="x", now=AT)
    with pytest.raises(InvalidInput) as no_note:
        void_payment(
            session, lead, o.campaign, "ZJ21F00001", reason="wrong_method", note=" ", now=AT
        )
    assert no_note.value.code == "payment.note_required"
    v = void_payment(
        session,
        lead,
        o.campaign,
        "ZJ21F00001",
        reason="wrong_method",
        note="应为扫码，已重新收费",
        now=AT,
    )
    session.commit()
    assert (v.kind, v.original_id, v.receipt_no, v.amount_fen) == ("void", o.payment.id, 2, 38000)
    with pytest.raises(PaymentRefused) as twice:
        void_payment(
            session, lead, o.campaign, "ZJ21F00001", reason="duplicate", note="再作废", now=AT
        )
    assert twice.value.code == "payment.already_void"
    with pytest.raises(InvalidInput):  # a void slip is not a receipt
        void_payment(session, lead, o.campaign, v.receipt_code, reason="other", note="x", now=AT)
    assert [q.dossier_code for q in cashier_queue(session, o.actor(Role.cashier), o.campaign)] == [
        "ZJ21S00001"
    ]
    again = take_payment(
        session,
        o.actor(Role.cashier),
        o.campaign,
        o.dossier.id or 0,
        method="qr",
        reference="4200001234202109271234",
        now=AT,
    )
    session.commit()
    assert (again.receipt_no, again.attempt) == (3, 1)
    session.expire_all()
    assert (
        session.exec(select(Payment).where(Payment.id == o.payment.id)).one().model_dump() == before
    )
    card = fee_card(session, o.actor(Role.cashier), o.campaign, o.dossier)
    assert card.paid is not None and card.paid.id == again.id
    assert [p.kind for p in card.history] == ["payment", "void", "payment"]


def test_refunds_never_exceed_what_was_paid(session: Session) -> None:
    o = office(session)
    lead = o.actor(Role.lead)
    r1 = refund_payment(
        session,
        lead,
        o.campaign,
        "ZJ21F00001",
        amount=Money.yuan(200),
        reason="overpaid",
        note="多收 200 元",
        now=AT,
    )
    assert (r1.kind, r1.original_id, r1.method) == ("refund", o.payment.id, "cash")
    with pytest.raises(InvalidInput) as too_much:
        refund_payment(
            session,
            lead,
            o.campaign,
            "ZJ21F00001",
            amount=Money.yuan(181),
            reason="withdrawn",
            note="撤回",
            now=AT,
        )
    assert too_much.value.code == "payment.refund_too_much" and "180.00" in too_much.value.message
    refund_payment(
        session,
        lead,
        o.campaign,
        "ZJ21F00001",
        amount=Money.yuan(180),
        reason="withdrawn",
        note="撤回",
        now=AT,
    )
    with pytest.raises(InvalidInput):
        refund_payment(
            session,
            lead,
            o.campaign,
            "ZJ21F00001",
            amount=Money(1),
            reason="withdrawn",
            note="撤回",
            now=AT,
        )
    with pytest.raises(PaymentRefused) as void_after:
        void_payment(session, lead, o.campaign, "ZJ21F00001", reason="other", note="x", now=AT)
    assert void_after.value.code == "payment.refunded"
    session.commit()
    card = fee_card(session, o.actor(Role.cashier), o.campaign, o.dossier)
    # refunded in full: the payment no longer pays for the dossier, which can be paid again
    assert card.paid is None and card.payable
    assert [(p.kind, p.amount_fen) for p in card.history] == [
        ("payment", 38000),
        ("refund", 20000),
        ("refund", 18000),
    ]


def test_the_database_refuses_to_edit_or_delete_a_payment(engine: Engine) -> None:
    with session_scope(engine) as s:
        office(s)
    for sql in ("UPDATE payment SET amount_fen = 1", "DELETE FROM payment"):
        with pytest.raises(Exception, match="never edited or deleted"), engine.begin() as conn:
            conn.execute(text(sql))
    with session_scope(engine, readonly=True) as s:
        assert s.exec(select(Payment.amount_fen)).all() == [38000]


# -- four desks at once -------------------------------------------------------------------------


def test_four_desks_at_once_gapless_and_never_twice(engine: Engine) -> None:
    """Every dossier is tried by two of the four desks, each desk in its own order: each dossier
    is paid exactly once and the receipt numbers are exactly 1..N. PostgreSQL: 1 000 dossiers;
    SQLite: 200."""
    n = 1000 if engine.dialect.name == "postgresql" else 200
    with session_scope(engine) as s:
        o = office(s)
        ids = direct_dossiers(s, o.campaign, n)
        desks = [add_cashier(s, f"cashier{i}", f"{i}号窗口") for i in range(1, 5)]
        code = o.campaign.code
    outcomes: dict[str, list[str]] = {"paid": [], "refused": [], "other": []}
    lock = threading.Lock()

    pairs = {did: random.Random(did).sample(range(4), 2) for did in ids}

    def desk(actor: Actor, seed: int) -> None:
        order = [did for did in ids if seed in pairs[did]]
        random.Random(seed).shuffle(order)
        for did in order:
            try:
                with session_scope(engine) as s:
                    c = s.exec(select(Campaign).where(Campaign.code == code)).one()
                    p = take_payment(
                        s,
                        actor,
                        c,
                        did,
                        method="cash",
                        now=AT,
                        idempotency_key=f"{actor.desk}-{did}",
                    )
                    got = p.receipt_code
                with lock:
                    outcomes["paid"].append(got)
            except PaymentRefused as exc:
                with lock:
                    outcomes["refused" if exc.code == "payment.already_paid" else "other"].append(
                        exc.code
                    )
            except Exception as exc:
                with lock:
                    outcomes["other"].append(repr(exc))

    threads = [threading.Thread(target=desk, args=(a, i)) for i, a in enumerate(desks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes["other"] == []
    assert len(outcomes["paid"]) == n and len(outcomes["refused"]) == n
    with session_scope(engine, readonly=True) as s:
        rows = s.exec(
            select(Payment).where(Payment.kind == "payment").order_by(col(Payment.receipt_no))
        ).all()
        assert [p.receipt_no for p in rows] == list(range(1, n + 2))  # the office's No. 1 too
        assert len({p.dossier_id for p in rows}) == n + 1
        assert len({p.desk for p in rows}) >= 2  # the desks really worked side by side
        seq = s.exec(
            select(NumberSequence).where(NumberSequence.kind == NumberKind.receipt.value)
        ).one()
        assert seq.next_value == n + 2


# -- a process killed mid-payment ---------------------------------------------------------------

KILLED = """
import os, signal, sys
sys.path.insert(0, {root!r})
from sqlmodel import select
from models.campaign import Campaign
from models.db import make_engine
from models.permissions import Actor
from models.services.payments import take_payment
from models.vocab import Role
from tests.factories import AT
engine = make_engine({url!r})
from sqlmodel import Session
with Session(engine) as s:
    c = s.exec(select(Campaign)).one()
    p = take_payment(s, Actor(user_id={user}, username="cashier", role=Role.cashier, desk="1号窗口"),
                     c, {dossier}, method="cash", now=AT)
    print(p.receipt_no, flush=True)  # the number is allocated and the row written, not committed
    os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_process_killed_before_commit_leaves_no_half_payment_and_no_gap(engine: Engine) -> None:
    with session_scope(engine) as s:
        o: Office = office(s)
        d = accepted(s, o)
        user, dossier = o.cashier.id, d.id
    script = KILLED.format(
        root=str(ROOT),
        url=engine.url.render_as_string(hide_password=False),
        user=user,
        dossier=dossier,
    )
    proc = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert proc.stdout.strip() == "2"  # it had taken number 2
    with session_scope(engine) as s:
        assert s.exec(select(Payment).where(Payment.dossier_id == dossier)).all() == []
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "payment.take")).all() == []
        c = s.exec(select(Campaign)).one()
        p = take_payment(s, o.actor(Role.cashier), c, dossier or 0, method="cash", now=AT)
        assert p.receipt_no == 2  # the number came back: no gap
