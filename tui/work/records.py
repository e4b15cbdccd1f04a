"""The desk's documents from real records: a payment → its receipt or void slip; a dossier →
its envelope label, material-list slip, acceptance slip or latest correction notice.

Used for printing at the counter, for reprints (``重印 n``) and by ``desk print preview
--receipt NO | --dossier NO``. Reads only; never imports Textual."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol

from models.campaign import Campaign, ChecklistItem
from models.dossier import Dossier, DossierVisit, ItemVerdict
from models.errors import DomainError, InvalidInput
from models.i18n import _, on_paper
from models.idcard import mask_id
from models.money import Money
from models.payment import Payment
from models.services.campaigns import fee_for, window_status
from models.services.documents import (
    checklist_of,
    dossier_by_id,
    dossier_parts,
    find_dossier,
    find_notice,
    find_payment,
    payment_by_id,
    receipt_job_row,
    receipt_row,
    refunded_through,
    since,
    verdicts_of,
    visits_of,
    void_of,
)
from models.services.tally import DayView, Line, counted_cash
from models.services.users import shown_name
from models.types import utcnow
from models.vocab import (
    DayStatus,
    DossierStatus,
    ItemKind,
    PaymentKind,
    PaymentMethod,
    denomination_label,
)
from printers.data import (
    Applicant,
    Deficiency,
    DossierData,
    MaterialLine,
    NoticeData,
    Office,
    ReceiptData,
    RefundData,
    TallyData,
    TallyLine,
    VoidData,
)
from printers.document import Document, marked
from printers.labels import acceptance_slip, envelope_label, materials_slip
from printers.notices import correction_notice
from printers.receipts import receipt, refund_slip, void_slip

if TYPE_CHECKING:
    from sqlmodel import Session

RECEIPT_KINDS = ("receipt", "void", "refund")
DOSSIER_KINDS = ("label", "materials", "acceptance", "notice")


class _OfficeLike(Protocol):
    @property
    def committee(self) -> str: ...
    @property
    def place(self) -> str: ...
    @property
    def contacts(self) -> list[dict[str, Any]]: ...
    @property
    def timezone(self) -> str: ...


class _PersonLike(Protocol):
    name: str
    id_number: str
    unit: str
    series: str
    specialty: str


class _LevelLike(Protocol):
    track: str
    level: str


def office_of(c: _OfficeLike) -> Office:
    contacts = "；".join(f"{x.get('name', '')} {x.get('phone', '')}".strip() for x in c.contacts)
    return Office(committee=c.committee, place=c.place, contacts=contacts, timezone=c.timezone)


def applicant_of(rec: _PersonLike, dossier: _LevelLike) -> Applicant:
    return Applicant(
        name=rec.name,
        id_masked=mask_id(rec.id_number),
        unit=rec.unit,
        series=rec.series,
        specialty=rec.specialty,
        track=dossier.track,
        level=dossier.level,
    )


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
    from models.services.payments import VOID_REASONS

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
    from models.services.payments import REFUND_REASONS

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


def _remark(item: ChecklistItem, v: ItemVerdict) -> str:
    parts = []
    if v.original_checked:
        parts.append("原件已核对退还")
    if v.stamped_endorsed:
        parts.append("已盖章签署")
    if item.handwritten and v.handwritten_ok:
        parts.append("手写已核")
    if item.kind == ItemKind.original_kept.value:
        parts.append("原件")
    return "，".join(parts)


@on_paper
def dossier_data(session: Session, dossier: Dossier) -> DossierData:
    if dossier.status == DossierStatus.returned.value or dossier.dossier_code is None:
        raise InvalidInput(_("该档案尚未受理，没有档案袋标签和受理回执"), code="print.not_accepted")
    c, rec = dossier_parts(session, dossier)
    visits = visits_of(session, dossier, DossierStatus.accepted)
    visit = visits[0] if visits else None
    materials: list[MaterialLine] = []
    returned: list[str] = []
    if visit is not None:
        items = checklist_of(session, c.id)
        verdicts = verdicts_of(session, visit.id)
        for v in sorted(
            verdicts, key=lambda v: items[v.item_key].position if v.item_key in items else 0
        ):
            item = items.get(v.item_key)
            if item is None or not v.present:
                continue
            materials.append(MaterialLine(item.name, v.copies, _remark(item, v)))
            if v.original_checked:
                returned.append(item.name)
    try:
        fee: Money | None = fee_for(session, c.id or 0, dossier.track, dossier.level).amount
    except DomainError:
        fee = None
    accepted_at = dossier.accepted_at or (visit.at if visit else dossier.created_at)
    return DossierData(
        office=office_of(c),
        dossier_code=dossier.dossier_code,
        accepted_at=accepted_at,
        applicant=applicant_of(rec, dossier),
        clerk=shown_name(session, dossier.accepted_by_id),
        materials=tuple(materials),
        originals_returned=tuple(returned),
        fee=fee,
        pay_at=f"{c.place}收费窗口",
        desk=visit.desk if visit else "",
    )


def latest_notice(session: Session, dossier: Dossier) -> DossierVisit:
    visits = visits_of(session, dossier, DossierStatus.returned)
    if not visits or not visits[0].notice_code:
        raise InvalidInput(_("该档案没有一次性告知单（未曾退回补正）"), code="print.no_notice")
    return visits[0]


@on_paper
def notice_data(session: Session, visit: DossierVisit) -> NoticeData:
    dossier = dossier_by_id(session, visit.dossier_id)
    c, rec = dossier_parts(session, dossier)
    win = window_status(session, c, series=rec.series or None, at=visit.at, level=rec.level)
    # the window's end as the notice states it: a day (2021-10-10) or a time (2024-10-31 18:00);
    # nothing the notice does not say (no "下班前")
    deadline = "纸质材料报送截止前"
    if win.window is not None:
        end = win.window.ends_at.astimezone(c.zone)
        if end.time() == dt.time(0):
            deadline = f"{(end - dt.timedelta(days=1)):%Y-%m-%d}（{win.window.label}截止）"
        else:
            deadline = f"{end:%Y-%m-%d %H:%M}（{win.window.label}截止）"
    return NoticeData(
        office=office_of(c),
        notice_code=visit.notice_code or "",
        issued_at=visit.at,
        applicant=applicant_of(rec, dossier),
        deficiencies=tuple(
            Deficiency(str(x.get("item", "")), str(x.get("problem", "")))
            for x in visit.deficiencies
        ),
        deadline=deadline,
        clerk=shown_name(session, visit.clerk_id),
        desk=visit.desk,
    )


@on_paper
def record_document(
    session: Session,
    campaign: Campaign,
    kind: str,
    *,
    receipt_code: str | None = None,
    dossier_code: str | None = None,
    notice_code: str | None = None,
    reprint: int = 0,
) -> Document:
    """The document of ``kind`` for a real receipt, dossier or notice number of ``campaign``.
    ``reprint`` n > 0 marks it as a copy (重印 n)."""
    doc = _record_document(
        session,
        campaign,
        kind,
        receipt_code=receipt_code,
        dossier_code=dossier_code,
        notice_code=notice_code,
        reprint=reprint,
    )
    if reprint and kind != "receipt":  # the receipt prints its own 重印 n
        doc = marked(doc, f"重印 {reprint}")
    return doc


def _record_document(
    session: Session,
    campaign: Campaign,
    kind: str,
    *,
    receipt_code: str | None,
    dossier_code: str | None,
    notice_code: str | None,
    reprint: int,
) -> Document:
    if kind in RECEIPT_KINDS:
        if not receipt_code:
            raise InvalidInput(
                _("“{kind}”需要收据号：--receipt 收据号").format(kind=kind),
                code="print.need_receipt",
            )
        p = find_payment(session, campaign, receipt_code)
        if kind == "refund":  # by the refund's own number
            return refund_slip(refund_data(session, p))
        return (
            receipt(receipt_data(session, p, reprint=reprint))
            if kind == "receipt"
            else void_slip(void_data(session, p))
        )
    if kind == "notice" and notice_code:
        return correction_notice(notice_data(session, find_notice(session, campaign, notice_code)))
    if kind in DOSSIER_KINDS:
        if not dossier_code:
            raise InvalidInput(
                _("“{kind}”需要受理编号：--dossier 受理编号").format(kind=kind),
                code="print.need_dossier",
            )
        d = find_dossier(session, campaign, dossier_code)
        if kind == "notice":
            return correction_notice(notice_data(session, latest_notice(session, d)))
        data = dossier_data(session, d)
        return {
            "label": envelope_label,
            "materials": materials_slip,
            "acceptance": acceptance_slip,
        }[kind](data)
    raise InvalidInput(
        _(
            "“{kind}”不能按记录打印（可按记录打印：receipt void label materials acceptance notice）"
        ).format(kind=kind),
        code="print.bad_kind",
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
