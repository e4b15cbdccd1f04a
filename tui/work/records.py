"""The desk's documents from real records: a payment → its receipt or void slip; a dossier →
its envelope label, material-list slip, acceptance slip or latest correction notice.

Used for printing at the counter, for reprints (``重印 n``) and by ``desk print preview
--receipt NO | --dossier NO``. Reads only; never imports Textual.

The data of each kind lives by the papers: ``money_papers`` (receipt, void and refund slips, the
Z report), ``dossier_papers`` (label, slips, notice, handover slip), ``office`` (the parts every
paper shares); they are named here too, where the printing and the screens have always asked."""

from __future__ import annotations

from typing import TYPE_CHECKING

from models.campaign import Campaign
from models.errors import InvalidInput
from models.i18n import _, on_paper
from models.services.documents import find_dossier, find_notice, find_payment
from printers.document import Document, marked
from printers.labels import acceptance_slip, envelope_label, materials_slip
from printers.notices import correction_notice
from printers.receipts import receipt, refund_slip, void_slip
from tui.work.dossier_papers import dossier_data, handover_slip_data, latest_notice, notice_data
from tui.work.money_papers import receipt_data, receipt_job, refund_data, tally_data, void_data
from tui.work.office import applicant_of, office_of

if TYPE_CHECKING:
    from sqlmodel import Session


__all__ = [
    "DOSSIER_KINDS",
    "RECEIPT_KINDS",
    "applicant_of",
    "dossier_data",
    "find_dossier",
    "find_notice",
    "find_payment",
    "handover_slip_data",
    "latest_notice",
    "notice_data",
    "office_of",
    "receipt_data",
    "receipt_job",
    "record_document",
    "refund_data",
    "tally_data",
    "void_data",
]

RECEIPT_KINDS = ("receipt", "void", "refund")
DOSSIER_KINDS = ("label", "materials", "acceptance", "notice")


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
