"""The rows behind the office's printed documents: a receipt's one row, what became of a payment
since (voided, refunded), a void or refund row, a dossier's campaign, record, visits, checklist
and verdicts, a print job's, and the lookups by a typed or scanned number.

``tui.work.records`` turns them into the printers' data (``printers.data``); this module only
reads. The print services that drive it (``begin_reprint``, ``queue_job``, ``queue_unrendered``)
check the actor's permission first; a reading that stands alone (the handover slip's names)
takes the actor and checks it here."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import bindparam, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models.campaign import Campaign, ChecklistItem
from models.dossier import Dossier, DossierVisit, ItemVerdict
from models.errors import NotFound, PermissionDenied
from models.i18n import _
from models.online import OnlineRecord
from models.payment import Payment
from models.permissions import POLICY, Action, Actor
from models.printjob import PrintJob
from models.users import User
from models.vocab import DossierStatus, PaymentKind


def _find(
    session: Session, campaign: Campaign, column: Any, number: str, missing: str, code: str
) -> Any:
    """The row of ``campaign`` whose number is ``number`` (typed or scanned: spaces and case do
    not matter); ``missing`` (a message with ``{number}`` and ``{campaign}``) when there is none.
    Numbers are unique within a campaign only: two campaigns from one preset may share the
    prefixes, so a number is never looked up without its campaign."""
    cls = column.class_
    row = session.exec(
        select(cls).where(cls.campaign_id == campaign.id, column == number.strip().upper())
    ).first()
    if row is None:
        raise NotFound(missing.format(number=number.strip(), campaign=campaign.code), code=code)
    return row


def find_payment(session: Session, campaign: Campaign, receipt_code: str) -> Payment:
    return cast(
        Payment,
        _find(
            session,
            campaign,
            Payment.receipt_code,
            receipt_code,
            _("评审批次 {campaign} 中没有收据号为“{number}”的缴费记录"),
            "payment.not_found",
        ),
    )


def find_dossier(session: Session, campaign: Campaign, dossier_code: str) -> Dossier:
    return cast(
        Dossier,
        _find(
            session,
            campaign,
            Dossier.dossier_code,
            dossier_code,
            _("评审批次 {campaign} 中没有受理编号为“{number}”的档案"),
            "dossier.not_found",
        ),
    )


def find_notice(session: Session, campaign: Campaign, notice_code: str) -> DossierVisit:
    return cast(
        DossierVisit,
        _find(
            session,
            campaign,
            DossierVisit.notice_code,
            notice_code,
            _("评审批次 {campaign} 中没有编号为“{number}”的一次性告知单"),
            "notice.not_found",
        ),
    )


def payment_by_id(session: Session, payment_id: int | None) -> Payment:
    """A payment row the caller knows exists (a job's, a refund's original)."""
    p = session.get(Payment, payment_id)
    assert p is not None, "a foreign key"
    return p


def dossier_by_id(session: Session, dossier_id: int | None) -> Dossier:
    d = session.get(Dossier, dossier_id)
    assert d is not None, "a foreign key"
    return d


def visit_by_id(session: Session, visit_id: int) -> DossierVisit:
    v = session.get(DossierVisit, visit_id)
    assert v is not None, "a visit just recorded"
    return v


def job_by_id(session: Session, job_id: int) -> PrintJob:
    job = session.get(PrintJob, job_id)
    assert job is not None, "a job just read"
    return job


def dossier_parts(session: Session, dossier: Dossier) -> tuple[Campaign, OnlineRecord]:
    """A dossier's campaign and online record."""
    c = session.get(Campaign, dossier.campaign_id)
    rec = session.get(OnlineRecord, dossier.online_record_id)
    assert c is not None and rec is not None  # foreign keys
    return c, rec


_J, _P, _D = PrintJob.__table__, Payment.__table__, Dossier.__table__  # type: ignore[attr-defined]
_R, _C, _U = OnlineRecord.__table__, Campaign.__table__, User.__table__  # type: ignore[attr-defined]
# Everything a receipt shows, in one row of plain columns (no ORM objects): a receipt is
# rendered for every payment, right after it, and for every reprint.
_RECEIPT_COLUMNS = (
    _P.c.receipt_code,
    _P.c.created_at,
    _P.c.amount_fen,
    _P.c.method,
    _P.c.reference,
    _P.c.fiscal_receipt_no,
    _P.c.tendered_fen,
    _P.c.desk,
    _D.c.dossier_code,
    _D.c.track,
    _D.c.level,
    _R.c.name,
    _R.c.id_number,
    _R.c.unit,
    _R.c.series,
    _R.c.specialty,
    _C.c.committee,
    (_C.c.office + _C.c.room).label("place"),
    _C.c.contacts,
    _C.c.timezone,
    _U.c.display_name,
    _U.c.username,
)
_RECEIPT_FROM = (
    _P.join(_D, _D.c.id == _P.c.dossier_id)
    .join(_R, _R.c.id == _D.c.online_record_id)
    .join(_C, _C.c.id == _D.c.campaign_id)
    .join(_U, _U.c.id == _P.c.cashier_id)
)
_RECEIPT = (
    sa_select(*_RECEIPT_COLUMNS).select_from(_RECEIPT_FROM).where(_P.c.id == bindparam("payment"))
)
_CORRECTED = _P.alias("corrected")
# what became of a payment since: voided, and how much of it was refunded (a copy says so)
_SINCE = sa_select(
    sa_select(_CORRECTED.c.id)
    .where(
        _CORRECTED.c.original_id == bindparam("payment"),
        _CORRECTED.c.kind == PaymentKind.void.value,
    )
    .limit(1)
    .scalar_subquery()
    .label("void_id"),
    sa_select(func.coalesce(func.sum(_CORRECTED.c.amount_fen), 0))
    .where(
        _CORRECTED.c.original_id == bindparam("payment"),
        _CORRECTED.c.kind == PaymentKind.refund.value,
    )
    .scalar_subquery()
    .label("refunded"),
)
# a receipt job (locked: its bytes are stored once) with its receipt's row
_RECEIPT_JOB = (
    sa_select(
        _J.c.id,
        _J.c.document,
        _J.c.printer,
        _J.c.payload_sha256,
        _J.c.requested_by_id,
        _J.c.campaign_id,
        _J.c.copy_no,
        _J.c.desk.label("job_desk"),
        *_RECEIPT_COLUMNS,
    )
    .select_from(_J.join(_RECEIPT_FROM, _P.c.id == _J.c.payment_id))
    .where(_J.c.id == bindparam("job"))
    .with_for_update(of=_J)
)


def receipt_row(session: Session, payment_id: int | None) -> Any:
    """Everything a payment's receipt shows, in one row of plain columns."""
    return session.connection().execute(_RECEIPT, {"payment": payment_id}).one()


def since(session: Session, payment_id: int | None) -> tuple[int | None, int]:
    """What became of a payment since: its void's id (None when not voided) and the fen refunded."""
    row = session.connection().execute(_SINCE, {"payment": payment_id}).one()
    return row.void_id, int(row.refunded)


def receipt_job_row(session: Session, job_id: int) -> Any:
    """A receipt job's row, locked, with its receipt's columns (``job_desk``: the job's desk)."""
    row = session.connection().execute(_RECEIPT_JOB, {"job": job_id}).first()
    if row is None:
        raise NotFound(
            _("没有编号为 {job_id} 的缴费打印任务").format(job_id=job_id), code="print.not_found"
        )
    return row


def void_of(session: Session, original: Payment) -> Payment | None:
    """The void row of a voided payment, None when it stands."""
    return session.exec(
        select(Payment).where(
            Payment.original_id == original.id, Payment.kind == PaymentKind.void.value
        )
    ).first()


def refunded_through(session: Session, original: Payment, refund: Payment) -> int:
    """The fen of ``original`` refunded by ``refund`` and the refunds before it."""
    amounts = session.exec(
        select(Payment.amount_fen).where(
            Payment.original_id == original.id,
            Payment.kind == PaymentKind.refund.value,
            col(Payment.receipt_no) <= refund.receipt_no,
        )
    ).all()
    return sum(amounts)


def visits_of(session: Session, dossier: Dossier, outcome: DossierStatus) -> list[DossierVisit]:
    """A dossier's visits with ``outcome``, the latest first."""
    return list(
        session.exec(
            select(DossierVisit)
            .where(DossierVisit.dossier_id == dossier.id, DossierVisit.outcome == outcome.value)
            .order_by(col(DossierVisit.at).desc(), col(DossierVisit.id).desc())
        )
    )


def checklist_of(session: Session, campaign_id: int | None) -> dict[str, ChecklistItem]:
    """A campaign's checklist items by key."""
    return {
        i.key: i
        for i in session.exec(select(ChecklistItem).where(ChecklistItem.campaign_id == campaign_id))
    }


def verdicts_of(session: Session, visit_id: int | None) -> list[ItemVerdict]:
    """The verdicts on each checklist item of one visit."""
    return list(session.exec(select(ItemVerdict).where(ItemVerdict.visit_id == visit_id)).all())


def receipt_job_id(session: Session, payment_id: int | None) -> int | None:
    """The original (not a reprint) job of a payment's receipt or slip, if it was saved."""
    job_id = session.exec(
        select(PrintJob.id).where(PrintJob.payment_id == payment_id, PrintJob.copy_no == 0)
    ).first()
    return int(job_id) if job_id is not None else None


def has_print_job(session: Session, payment_id: int) -> bool:
    """Whether any job (the receipt's or a copy's) was saved for a payment."""
    return (
        session.exec(select(PrintJob.id).where(PrintJob.payment_id == payment_id)).first()
        is not None
    )


def handover_names(
    session: Session, actor: Actor, campaign: Campaign, dossier_codes: list[str]
) -> dict[str, str]:
    """The applicants' names of handed-over dossiers, by dossier number (the handover slip):
    for whoever may read the roster (a handover's or a tally's reader)."""
    if not (actor.can(Action.tally_view) or actor.can(Action.handover)):
        allowed = "、".join(
            r.label for r in sorted(POLICY[Action.tally_view] | POLICY[Action.handover])
        )
        raise PermissionDenied(
            _("{label}无权查看移交花名册（需要：{allowed}）").format(
                label=actor.role.label, allowed=allowed
            ),
            action=str(Action.tally_view),
            role=str(actor.role),
        )
    rows = session.exec(
        select(Dossier.dossier_code, OnlineRecord.name)
        .join(OnlineRecord, col(OnlineRecord.id) == Dossier.online_record_id)
        .where(Dossier.campaign_id == campaign.id, col(Dossier.dossier_code).in_(dossier_codes))
    ).all()
    return {code: name for code, name in rows if code is not None}
