"""The data of the money papers from real records: a payment's receipt (and a copy's, which says
what became of the payment since), a void slip, a refund slip, a receipt job's row, and a day's
Z report. Reads only (``models.services.documents``); never imports Textual."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from models.campaign import Campaign
from models.errors import InvalidInput
from models.i18n import _, on_paper
from models.money import Money
from models.payment import Payment
from models.services.documents import (
    dossier_by_id,
    dossier_parts,
    payment_by_id,
    receipt_job_row,
    receipt_row,
    refunded_through,
    since,
    void_of,
)
from models.services.payments import REFUND_REASONS, VOID_REASONS
from models.services.tally import DayView, Line, counted_cash
from models.services.users import shown_name
from models.types import utcnow
from models.vocab import DayStatus, PaymentKind, PaymentMethod, denomination_label
from printers.data import ReceiptData, RefundData, TallyData, TallyLine, VoidData
from tui.work.office import applicant_of, office_of

if TYPE_CHECKING:
    from sqlmodel import Session


@on_paper
def _receipt_of(row: Any, reprint: int = 0, status: str = "") -> ReceiptData:
    return ReceiptData(
        office=office_of(row),
        receipt_code=row.receipt_code,
        dossier_code=row.dossier_code or "",
        issued_at=row.created_at,
        applicant=applicant_of(row, row),
        amount=Money(row.amount_fen),
        method=PaymentMethod(row.method).label,
        reference=row.reference,
        fiscal_receipt_no=row.fiscal_receipt_no,
        tendered=Money(row.tendered_fen) if row.tendered_fen is not None else None,
        cashier=row.display_name or row.username,
        desk=row.desk,
        reprint=reprint,
        status=status,
    )


@on_paper
def receipt_data(session: Session, payment: Payment, *, reprint: int = 0) -> ReceiptData:
    """A payment's receipt. A copy (``reprint`` n > 0) says what became of the payment since:
    作废 (voided), 已全额退费 or 已退费 x 元 (refunded)."""
    if payment.kind != PaymentKind.payment.value:
        raise InvalidInput(
            _("{receipt_code} 不是缴费记录，没有缴费凭证").format(
                receipt_code=payment.receipt_code
            ),
            code="print.not_a_payment",
        )
    status = ""
    if reprint:
        void_id, refunded = since(session, payment.id)
        if void_id is not None:
            status = "作废"
        elif refunded >= payment.amount_fen:
            status = "已全额退费"
        elif refunded:
            status = f"已退费 {Money(refunded).figures()} 元"
    return _receipt_of(receipt_row(session, payment.id), reprint, status)


def receipt_job(session: Session, job_id: int) -> tuple[Any, ReceiptData | None]:
    """A receipt job's row (locked) and its receipt's data (None for a void or refund slip's
    job)."""
    row = receipt_job_row(session, job_id)
    return row, _receipt_of(row) if row.document == "receipt" else None


@on_paper
def void_data(session: Session, original: Payment) -> VoidData:
    """The void slip of a voided payment (the void row points at ``original``)."""
    void = void_of(session, original)
    if void is None:
        raise InvalidInput(
            _("收据 {receipt_code} 未作废").format(receipt_code=original.receipt_code),
            code="print.not_voided",
        )
    dossier = dossier_by_id(session, original.dossier_id)
    c, rec = dossier_parts(session, dossier)
    return VoidData(
        office=office_of(c),
        receipt_code=original.receipt_code,
        dossier_code=dossier.dossier_code or "",
        voided_at=void.created_at,
        applicant=applicant_of(rec, dossier),
        amount=Money(original.amount_fen),
        reason=VOID_REASONS.get(void.reason, void.reason),
        note=void.note,
        lead=shown_name(session, void.cashier_id),
        desk=void.desk,
        void_code=void.receipt_code,
    )


@on_paper
def refund_data(session: Session, refund: Payment) -> RefundData:
    """The refund slip of one refund row (it points at the receipt refunded)."""
    if refund.kind != PaymentKind.refund.value:
        raise InvalidInput(
            _("{receipt_code} 不是退费记录").format(receipt_code=refund.receipt_code),
            code="print.not_a_refund",
        )
    original = payment_by_id(session, refund.original_id)
    dossier = dossier_by_id(session, refund.dossier_id)
    c, rec = dossier_parts(session, dossier)
    refunded = refunded_through(session, original, refund)
    return RefundData(
        office=office_of(c),
        refund_code=refund.receipt_code,
        receipt_code=original.receipt_code,
        dossier_code=dossier.dossier_code or "",
        refunded_at=refund.created_at,
        applicant=applicant_of(rec, dossier),
        paid=Money(original.amount_fen),
        amount=Money(refund.amount_fen),
        left=Money(original.amount_fen - refunded),
        method=PaymentMethod(refund.method).label,
        reference=refund.reference,
        reason=REFUND_REASONS.get(refund.reason, refund.reason),
        note=refund.note,
        lead=shown_name(session, refund.cashier_id),
        desk=refund.desk,
    )


@on_paper
def tally_data(
    session: Session, campaign: Campaign, view: DayView, *, printed_at: dt.datetime | None = None
) -> TallyData:
    """The Z report of a day view, with its close's count when there is one."""
    close = view.close_of()
    counted = close.counted if close is not None and close.counted else None
    expected = view.expected()

    def lines(xs: tuple[Line, ...]) -> tuple[TallyLine, ...]:
        return tuple(TallyLine(x.label, x.count, Money(x.net_fen)) for x in xs)

    voids = tuple(
        TallyLine(
            f"{PaymentKind(c.kind).label}←{c.original_code}"
            + ("" if c.original_date == view.day else f"（{c.original_date:%m-%d}）"),
            1,
            Money(c.fen),
        )
        for c in view.corrections
    )
    lead = shown_name(session, close.closed_by_id) if close is not None else ""
    return TallyData(
        office=office_of(campaign),
        business_date=view.day,
        desk=view.desk,
        printed_at=printed_at or utcnow(),
        visits=view.visits,
        dossiers_accepted=view.accepted,
        dossiers_returned=view.returned,
        by_method=lines(view.by_method),
        by_fee=lines(view.by_fee),
        by_cashier=lines(view.by_cashier),
        voids=voids,
        receipt_range=view.receipts.range_text,
        gaps=view.receipts.gap_text,
        cash_expected=Money(expected[PaymentMethod.cash.value]),
        cash_counted=Money(int(counted["methods"]["cash"])) if counted else None,
        pieces=tuple((denomination_label(d), n) for d, n in counted_cash(close).items() if n)
        if counted and close is not None
        else (),
        checks=tuple(
            (m.label, Money(expected[m.value]), Money(int(counted["methods"][m.value])))
            for m in PaymentMethod
            if m != PaymentMethod.cash
        )
        if counted
        else (),
        note=close.note if close is not None else "",
        lead=lead,
        closed=close is not None and close.status == DayStatus.closed.value,
        close_code=view.close_code,
    )
