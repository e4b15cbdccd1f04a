"""Printing for the desk: documents → this desk's printer's bytes → a saved job → sent off the
UI thread, with the outcome recorded. Used by the CLI and the Textual app. This desk's printers
(``DeskPrinters``: the config, the bytes) are ``tui.work.desk_printers``, named here too."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from models.campaign import Campaign
from models.db import session_scope
from models.dossier import Dossier
from models.errors import InvalidInput
from models.i18n import _
from models.payment import Payment
from models.permissions import Actor
from models.printjob import PrintJob
from models.services.documents import (
    dossier_by_id,
    find_dossier,
    find_notice,
    find_payment,
    job_by_id,
    payment_by_id,
    receipt_job_id,
    visit_by_id,
)
from models.services.printing import (
    JobRef,
    begin_reprint,
    claim,
    finish,
    queue_job,
    queue_unrendered,
    store_payload,
)
from printers.config import PrinterConfig
from printers.document import Document, Layout, layout
from printers.errors import PrinterError
from printers.escpos import render_escpos
from printers.labels import acceptance_slip, envelope_label, materials_slip
from printers.notices import correction_notice
from printers.preview import render_text
from printers.receipts import receipt, refund_slip, void_slip
from tui.work.desk_printers import DeskPrinters as DeskPrinters  # named here too (the callers')
from tui.work.desk_printers import profile_for
from tui.work.desk_printers import render_bytes as render_bytes
from tui.work.records import (
    DOSSIER_KINDS,
    RECEIPT_KINDS,
    dossier_data,
    latest_notice,
    notice_data,
    receipt_data,
    receipt_job,
    record_document,
    refund_data,
    void_data,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session


def queue_document(
    session: Session,
    actor: Actor,
    printers: DeskPrinters,
    doc: Document,
    role: str,
    *,
    campaign_id: int | None = None,
    payment_id: int | None = None,
    dossier_id: int | None = None,
) -> PrintJob:
    """Render and save the job in the caller's transaction (the payment's or acceptance's)."""
    return queue_job(
        session,
        actor,
        document=doc.kind,
        payload=printers.render(doc, role),
        printer=role,
        campaign_id=campaign_id,
        payment_id=payment_id,
        dossier_id=dossier_id,
    )


def send_job(engine: Engine, printers: DeskPrinters, job_id: int) -> PrintJob:
    """Claim, send and record one job. Blocking: call it from a worker thread. Never raises
    for printer trouble: the job comes back ``failed`` with the reason."""
    with session_scope(engine) as session:
        job = claim(session, job_id)
        if not job.payload:  # saved unrendered with its payment (the desk stopped before rendering)
            _render_stored(session, printers, job)
        payload, role = job.payload, job.printer
    error: str | None = None
    warning: str | None = None  # printed, but: paper near end …
    try:
        warning = printers.factory(printers.config(role)).send(payload)
    except PrinterError as exc:
        error = exc.message
    with session_scope(engine) as session:
        job = finish(session, job_id, error=error)
        if warning and not error:  # no column of its own: the sent job's note (jobs list)
            import logging

            logging.getLogger(__name__).warning("print job %s: %s", job_id, warning)
            job.error = warning
            session.add(job)
        return job


def _payment_document(session: Session, job: PrintJob) -> Document:
    """The receipt or void slip of an unrendered job, from its payment row."""

    p = payment_by_id(session, job.payment_id)  # an unrendered job always belongs to a payment
    if job.document == "refund":
        return refund_slip(refund_data(session, p))
    if job.document == "void":
        return void_slip(void_data(session, payment_by_id(session, p.original_id)))
    return receipt(receipt_data(session, p))


def _render_stored(session: Session, printers: DeskPrinters, job: PrintJob) -> Layout:
    """Render an unrendered job's bytes from its payment and store them; returns the layout
    (the screen's preview is drawn from the same one)."""
    cfg = printers.config(job.printer)
    laid = layout(_payment_document(session, job), cfg.paper)
    store_payload(session, job, render_escpos(laid, profile_for(cfg)))
    return laid


def render_receipt_job(engine: Engine, printers: DeskPrinters, job_id: int) -> str:
    """After the payment's commit: render its receipt job's bytes (once) and return the text
    preview for the screen. Runs in the desk's worker, outside the receipt number's lock."""

    with session_scope(engine) as session:
        row, data = receipt_job(session, job_id)
        if data is not None:
            doc = receipt(data)
        else:  # a void slip
            doc = _payment_document(session, job_by_id(session, job_id))
        cfg = printers.config(row.printer)
        laid = layout(doc, cfg.paper)
        if not row.payload_sha256:
            store_payload(
                session,
                JobRef(
                    row.id,
                    row.document,
                    row.printer,
                    row.copy_no,
                    row.campaign_id,
                    row.job_desk,
                    row.requested_by_id,
                ),
                render_escpos(laid, profile_for(cfg)),
            )
        return render_text(laid)


def _copy(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    kind: str,
    *,
    receipt_code: str | None = None,
    dossier_code: str | None = None,
    notice_code: str | None = None,
    preview: str = "",
) -> tuple[Document, dict[str, int | None], int]:
    """Another copy of a real record's document: permission checked and audited
    (``begin_reprint``), numbered (``重印 n``) and marked. A notice is found by its own number
    or by its dossier's (the latest). Returns the document, the job's links and n."""

    links: dict[str, int | None]
    if kind in RECEIPT_KINDS:
        if not receipt_code:
            raise InvalidInput(
                _("“{kind}”需要收据号：--receipt 收据号").format(kind=kind),
                code="print.need_receipt",
            )
        p = find_payment(session, campaign, receipt_code)
        links = {"campaign_id": p.campaign_id, "payment_id": p.id}
        n = begin_reprint(session, actor, document=kind, preview=preview, **links)
        doc = record_document(session, campaign, kind, receipt_code=receipt_code, reprint=n)
    elif kind == "notice" and (notice_code or dossier_code):
        visit = (
            find_notice(session, campaign, notice_code)
            if notice_code
            else latest_notice(session, find_dossier(session, campaign, dossier_code or ""))
        )
        links = {"campaign_id": visit.campaign_id, "dossier_id": visit.dossier_id}
        n = begin_reprint(session, actor, document=kind, preview=preview, **links)
        doc = record_document(session, campaign, kind, notice_code=visit.notice_code, reprint=n)
    elif kind in DOSSIER_KINDS and kind != "notice":
        if not dossier_code:
            raise InvalidInput(
                _("“{kind}”需要受理编号：--dossier 受理编号").format(kind=kind),
                code="print.need_dossier",
            )
        d = find_dossier(session, campaign, dossier_code)
        links = {"campaign_id": d.campaign_id, "dossier_id": d.id}
        n = begin_reprint(session, actor, document=kind, preview=preview, **links)
        doc = record_document(session, campaign, kind, dossier_code=dossier_code, reprint=n)
    else:
        raise InvalidInput(_("“{kind}”不能重印").format(kind=kind), code="print.not_reprintable")
    return doc, links, n


def reprint(
    session: Session,
    actor: Actor,
    printers: DeskPrinters,
    campaign: Campaign,
    kind: str,
    number: str,
) -> PrintJob:
    """Queue another copy of a printed document of ``campaign`` (``重印 n``), in the caller's
    transaction; the caller sends it with ``send_job`` once committed. ``number`` is the
    receipt's for a receipt, void or refund slip, the notice's for a notice, else the
    dossier's."""

    numbers = (
        {"receipt_code": number}
        if kind in RECEIPT_KINDS
        else {"notice_code": number}
        if kind == "notice"
        else {"dossier_code": number}
    )
    doc, links, n = _copy(session, actor, campaign, kind, **numbers)
    role = "label" if kind == "label" else "receipt"  # the slips and notices are receipts
    return queue_job(
        session,
        actor,
        document=doc.kind,
        payload=printers.render(doc, role),
        printer=role,
        copy_no=n,
        **links,
    )


PREVIEW = "preview"  # the printer name of a copy made to the screen or a file


def preview_copy(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    kind: str,
    cfg: PrinterConfig,
    fmt: str,
    *,
    receipt_code: str | None = None,
    dossier_code: str | None = None,
    notice_code: str | None = None,
) -> tuple[Document, PrintJob]:
    """A copy of a real record for the screen or a file (``desk print preview --receipt …``):
    the same rules as a reprint — a cashier or lead for money papers, a clerk or lead for a
    dossier's, audited, numbered 重印 n and marked — and recorded as a print job to
    ``preview`` (already made: status sent) with the ESC/POS bytes of the copy, so every copy
    that left the desk is a row and the next one takes the next number."""

    doc, links, n = _copy(
        session,
        actor,
        campaign,
        kind,
        receipt_code=receipt_code,
        dossier_code=dossier_code,
        notice_code=notice_code,
        preview=fmt,
    )
    job = queue_job(
        session,
        actor,
        document=doc.kind,
        payload=render_bytes(doc, cfg),
        printer=PREVIEW,
        copy_no=n,
        **links,
    )
    assert job.id is not None
    return doc, finish(session, job.id, error=None)


@dataclass
class Queued:
    """Jobs saved in an outcome's transaction, with the text preview the screen shows."""

    job_ids: list[int]
    previews: dict[str, str]  # document kind → plain-text preview at its printer's width


def _queue_all(
    session: Session,
    actor: Actor,
    printers: DeskPrinters,
    docs: list[tuple[Document, str]],
    *,
    campaign_id: int,
    dossier_id: int | None,
) -> Queued:

    out = Queued([], {})
    for doc, role in docs:
        job = queue_document(
            session, actor, printers, doc, role, campaign_id=campaign_id, dossier_id=dossier_id
        )
        assert job.id is not None
        out.job_ids.append(job.id)
        out.previews[doc.kind] = render_text(layout(doc, printers.config(role).paper))
    return out


def queue_acceptance(
    session: Session, actor: Actor, printers: DeskPrinters, dossier: Dossier
) -> Queued:
    """The envelope label (label printer), the material-list slip and the acceptance slip
    (receipt printer), saved in the acceptance's transaction."""

    data = dossier_data(session, dossier)
    return _queue_all(
        session,
        actor,
        printers,
        [
            (envelope_label(data), "label"),
            (materials_slip(data), "receipt"),
            (acceptance_slip(data), "receipt"),
        ],
        campaign_id=dossier.campaign_id,
        dossier_id=dossier.id,
    )


def queue_notice(session: Session, actor: Actor, printers: DeskPrinters, visit_id: int) -> Queued:
    """The numbered correction notice (一次性告知单) of a return, on the receipt printer."""

    visit = visit_by_id(session, visit_id)
    dossier = dossier_by_id(session, visit.dossier_id)
    return _queue_all(
        session,
        actor,
        printers,
        [(correction_notice(notice_data(session, visit)), "receipt")],
        campaign_id=dossier.campaign_id,
        dossier_id=dossier.id,
    )


def receipt_job_of(session: Session, payment: Payment) -> int | None:
    """The original (not a reprint) job of a payment's receipt or slip, if it was saved."""
    return receipt_job_id(session, payment.id)


def queue_receipt(session: Session, actor: Actor, printers: DeskPrinters, payment: Payment) -> int:
    """The payment's receipt (缴费凭证), a void's or a refund's slip, on the receipt printer: the
    job is saved in the payment's transaction (a receipt job never exists without its payment,
    and a payment never without its job), its bytes are rendered after the commit
    (``render_receipt_job``). Returns the job's id."""
    profile_for(printers.config("receipt"))  # no receipt printer, or its font gone: said before
    # the money is taken
    document = {"payment": "receipt", "void": "void", "refund": "refund"}[payment.kind]
    return queue_unrendered(
        session,
        actor,
        document=document,
        printer="receipt",
        campaign_id=payment.campaign_id,
        payment_id=payment.id or 0,
    )
