"""Print jobs: saved before any byte leaves the desk, so no job is ever lost.

A job is created in the same transaction as the payment or acceptance it belongs to; sending
happens afterwards, off the UI thread, and its outcome is recorded in a transaction of its own.
A failed print never undoes what it documents: the job stays ``failed`` with the reason and
can be retried. A job left ``sending`` by a desk that died is marked failed on the next start.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from models import audit
from models.dossier import Dossier
from models.errors import Conflict, InvalidInput, NotFound
from models.i18n import _
from models.payment import Payment
from models.permissions import Action, Actor, require
from models.printjob import PrintJob
from models.services.payments import dead_reason
from models.types import utcnow
from models.vocab import PrintJobStatus

STALE_SENDING = dt.timedelta(minutes=2)


def queue_job(
    session: Session,
    actor: Actor,
    *,
    document: str,
    payload: bytes,
    printer: str,
    campaign_id: int | None = None,
    payment_id: int | None = None,
    dossier_id: int | None = None,
    copy_no: int = 0,
) -> PrintJob:
    """Save a job in the caller's transaction. Audited with its hash, not its content."""
    job = PrintJob(
        campaign_id=campaign_id,
        document=document,
        payment_id=payment_id,
        dossier_id=dossier_id,
        printer=printer,
        desk=actor.desk,
        copy_no=copy_no,
        status=PrintJobStatus.queued.value,
        payload=payload,
        payload_sha256=hashlib.sha256(payload).hexdigest(),
        requested_by_id=actor.user_id,
    )
    session.add(job)
    session.flush()
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action="print.queue",
        entity="print_job",
        entity_id=job.id,
        campaign_id=campaign_id,
        desk=actor.desk,
        detail={
            "document": document,
            "printer": printer,
            "bytes": len(payload),
            "sha256": job.payload_sha256,
            "copy_no": copy_no,
        },
    )
    return job


def queue_unrendered(
    session: Session,
    actor: Actor,
    *,
    document: str,
    printer: str,
    campaign_id: int,
    payment_id: int,
) -> int:
    """Save a receipt or void-slip job without its bytes, in the payment's transaction. The
    bytes are derived from the payment alone and rendered after the commit (``store_payload``,
    or at the latest when the job is sent), so rendering never holds the receipt number's lock.
    The payment's own audit event covers this transaction; the job's content is audited with
    its hash when it is rendered. Returns the job's id."""
    now = utcnow()
    job_id = int(
        session.connection()
        .execute(
            _INSERT_JOB,
            {
                "campaign_id": campaign_id,
                "document": document,
                "payment_id": payment_id,
                "dossier_id": None,
                "printer": printer,
                "desk": actor.desk,
                "copy_no": 0,
                "status": PrintJobStatus.queued.value,
                "attempts": 0,
                "error": "",
                "payload": b"",
                "payload_sha256": "",
                "last_attempt_at": None,
                "requested_by_id": actor.user_id,
                "created_at": now,
                "updated_at": now,
            },
        )
        .scalar_one()
    )
    return job_id


_INSERT_JOB = insert(PrintJob.__table__).returning(PrintJob.__table__.c.id)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class JobRef:
    """What ``store_payload`` needs of a job (a row read with its receipt, or the job itself)."""

    id: int | None
    document: str
    printer: str
    copy_no: int
    campaign_id: int | None
    desk: str
    requested_by_id: int | None


def store_payload(session: Session, job: PrintJob | JobRef, payload: bytes) -> None:
    """The bytes of a job saved unrendered, audited with their hash (as ``queue_job`` does for
    a job rendered when saved). Only once: a job's bytes never change after."""
    sha = hashlib.sha256(payload).hexdigest()
    done = (
        session.connection()
        .execute(_STORE, {"p_id": job.id, "p_payload": payload, "p_sha": sha, "p_now": utcnow()})
        .rowcount
    )
    if done != 1:
        raise Conflict(_("该打印任务已有内容"), code="print.already_rendered")
    if isinstance(job, PrintJob):  # the caller's object shows what is now stored
        set_committed_value(job, "payload", payload)
        set_committed_value(job, "payload_sha256", sha)
    audit.record(
        session,
        actor_id=job.requested_by_id,
        actor_name="printer",
        action="print.render",
        entity="print_job",
        entity_id=job.id,
        campaign_id=job.campaign_id,
        desk=job.desk,
        detail={
            "document": job.document,
            "printer": job.printer,
            "bytes": len(payload),
            "sha256": sha,
            "copy_no": job.copy_no,
        },
    )


_JOB = PrintJob.__table__  # type: ignore[attr-defined]
_STORE = (
    update(_JOB)
    .where(_JOB.c.id == bindparam("p_id"), _JOB.c.payload_sha256 == "")
    .values(
        payload=bindparam("p_payload"),
        payload_sha256=bindparam("p_sha"),
        updated_at=bindparam("p_now"),
    )
)


def claim(session: Session, job_id: int, *, now: dt.datetime | None = None) -> PrintJob:
    """Mark a queued or failed job as being sent (row-locked, so two desks never send it
    twice at once) and return it with its payload."""
    job = session.exec(select(PrintJob).where(PrintJob.id == job_id).with_for_update()).first()
    if job is None:
        raise NotFound(
            _("没有编号为 {job_id} 的打印任务").format(job_id=job_id), code="print.not_found"
        )
    if job.status == PrintJobStatus.sending.value:
        raise Conflict(_("该打印任务正在打印中"), code="print.busy")
    if job.status == PrintJobStatus.sent.value:
        raise Conflict(_("该打印任务已打印；如需再打一份请用“重印”"), code="print.already_sent")
    job.status = PrintJobStatus.sending.value
    job.attempts += 1
    job.last_attempt_at = now or utcnow()
    job.updated_at = job.last_attempt_at
    session.add(job)
    return job


def finish(session: Session, job_id: int, *, error: str | None) -> PrintJob:
    """Record the outcome of one attempt: sent, or failed with the reason."""
    job = session.exec(select(PrintJob).where(PrintJob.id == job_id).with_for_update()).one()
    job.status = (PrintJobStatus.failed if error else PrintJobStatus.sent).value
    job.error = error or ""
    job.updated_at = utcnow()
    session.add(job)
    if error:
        audit.record(
            session,
            actor_id=None,
            actor_name="printer",
            action="print.failed",
            entity="print_job",
            entity_id=job.id,
            campaign_id=job.campaign_id,
            desk=job.desk,
            detail={"error": error, "attempts": job.attempts},
        )
    return job


def request_retry(session: Session, actor: Actor, job_id: int) -> PrintJob:
    """A person asks to send a failed job again (the same bytes)."""
    require(actor, Action.print_retry)
    job = session.get(PrintJob, job_id)
    if job is None:
        raise NotFound(
            _("没有编号为 {job_id} 的打印任务").format(job_id=job_id), code="print.not_found"
        )
    if job.status != PrintJobStatus.failed.value:
        raise Conflict(
            _("只有打印失败的任务可以重试（当前：{label}）").format(
                label=PrintJobStatus(job.status).label
            ),
            code="print.not_failed",
        )
    if job.document == "receipt" and job.copy_no == 0 and job.payment_id is not None:
        # the original of a receipt voided or refunded in full since would print as if it stood
        payment = session.get(Payment, job.payment_id)
        dead = dead_reason(session, payment) if payment is not None else ""
        if payment is not None and dead:
            raise Conflict(
                _(
                    "收据 {receipt_code} {dead}，不能再打印原件；如需凭证，请收费员或负责人“重印”（重印件上注明{dead}）"
                ).format(receipt_code=payment.receipt_code, dead=dead),
                code="print.receipt_dead",
            )
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=str(Action.print_retry),
        entity="print_job",
        entity_id=job.id,
        campaign_id=job.campaign_id,
        desk=actor.desk,
        detail={"attempts": job.attempts},
    )
    return job


REPRINTABLE = {
    "receipt": Action.receipt_reprint,
    "void": Action.receipt_reprint,
    "refund": Action.receipt_reprint,
    "label": Action.dossier_reprint,
    "materials": Action.dossier_reprint,
    "acceptance": Action.dossier_reprint,
    "notice": Action.dossier_reprint,
}


def begin_reprint(
    session: Session,
    actor: Actor,
    *,
    document: str,
    campaign_id: int | None,
    payment_id: int | None = None,
    dossier_id: int | None = None,
    preview: str = "",
) -> int:
    """A person asks for another copy of a document already printed (or attempted). Returns n
    for ``重印 n``: one more than the copies made so far. The caller renders the copy and queues it
    with ``copy_no=n`` in the same transaction. ``preview`` (text, png, escpos) says the copy
    goes to the screen or a file rather than a printer: audited as such."""
    action = REPRINTABLE.get(document)
    if action is None:
        raise InvalidInput(
            _("“{document}”不能重印").format(document=document), code="print.not_reprintable"
        )
    require(actor, action)
    if (payment_id is None) == (dossier_id is None):
        raise InvalidInput(_("重印需要指明一笔缴费或一份档案"), code="print.reprint_target")
    stmt = select(PrintJob).where(PrintJob.document == document)
    stmt = (
        stmt.where(PrintJob.payment_id == payment_id)
        if payment_id is not None
        else stmt.where(PrintJob.dossier_id == dossier_id)
    )
    # lock the payment or dossier row: two desks reprinting at once get different numbers
    # (SQLite: the write transaction already serialises them)
    parent = (
        select(Payment).where(Payment.id == payment_id)
        if payment_id is not None
        else select(Dossier).where(Dossier.id == dossier_id)
    )
    if session.exec(parent.with_for_update()).first() is None:
        raise NotFound(_("要重印的缴费或档案不存在"), code="print.reprint_target")
    earlier = session.exec(stmt).all()
    n = max((j.copy_no for j in earlier), default=0) + 1
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=str(action),
        entity="payment" if payment_id is not None else "dossier",
        entity_id=payment_id if payment_id is not None else dossier_id,
        campaign_id=campaign_id,
        desk=actor.desk,
        detail={
            "document": document,
            "copy_no": n,
            "earlier_jobs": len(earlier),
            **({"preview": preview} if preview else {}),
        },
    )
    return n


def recover_interrupted(session: Session, *, desk: str, now: dt.datetime | None = None) -> int:
    """Jobs this desk left ``sending`` (the program stopped mid-print) become ``failed`` so a
    person can check the paper and retry. Returns how many."""
    now = now or utcnow()
    stale = session.exec(
        select(PrintJob).where(
            PrintJob.desk == desk,
            PrintJob.status == PrintJobStatus.sending.value,
            col(PrintJob.updated_at) < now - STALE_SENDING,
        )
    ).all()
    for job in stale:
        job.status = PrintJobStatus.failed.value
        job.error = _("程序在打印中途停止，不知道打印机是否已打出：请查看后决定是否重试")
        job.updated_at = now
        session.add(job)
        audit.record(
            session,
            actor_id=None,
            actor_name="printer",
            action="print.interrupted",
            entity="print_job",
            entity_id=job.id,
            campaign_id=job.campaign_id,
            desk=desk,
        )
    return len(stale)


def list_jobs(
    session: Session,
    actor: Actor,
    *,
    status: PrintJobStatus | None = None,
    desk: str | None = None,
    limit: int = 50,
) -> list[PrintJob]:
    """The latest jobs (of one desk, of one status). Needs ``print.retry``: whoever stands at
    the printer sees why a job failed."""
    require(actor, Action.print_retry)
    stmt = select(PrintJob).order_by(col(PrintJob.id).desc()).limit(limit)
    if desk is not None:
        stmt = stmt.where(PrintJob.desk == desk)
    if status is not None:
        stmt = stmt.where(PrintJob.status == status.value)
    return list(session.exec(stmt))
