"""A desk process for the crash tests: accepts dossiers and takes their fees in a loop, exactly
as the intake and fee screens do (the same services, the same print jobs, sent to a file
printer), until it is killed. Started by ``multiprocessing``'s forkserver, which imports this
module once, so each of the many kills costs a fork, not a Python start-up."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

# phases, shared with the parent so it knows where each kill landed
IDLE, ACCEPTING, SENDING_LABELS, PAYING, SENDING_RECEIPT = range(5)
PHASES = {
    IDLE: "between dossiers",
    ACCEPTING: "accept transaction",
    SENDING_LABELS: "printing the label and slips",
    PAYING: "payment transaction",
    SENDING_RECEIPT: "rendering and printing the receipt",
}

# imported here, in the forkserver, before any fork (nothing opened yet)
from sqlmodel import col, select  # noqa: E402

from models.db import make_engine, session_scope  # noqa: E402
from models.dossier import Dossier  # noqa: E402
from models.online import OnlineRecord  # noqa: E402
from models.payment import Payment  # noqa: E402
from models.permissions import Actor  # noqa: E402
from models.services.campaigns import get_campaign  # noqa: E402
from models.services.intake import accept  # noqa: E402
from models.services.payments import take_payment  # noqa: E402
from models.vocab import DossierStatus, PaymentMethod, Role  # noqa: E402
from printers.config import parse_printers  # noqa: E402
from tests.factories import all_complete  # noqa: E402
from tui.work.printing import (  # noqa: E402
    DeskPrinters,
    queue_acceptance,
    queue_receipt,
    receipt_job_of,
    render_receipt_job,
    send_job,
)


def printers_for(spool: Path) -> DeskPrinters:
    return DeskPrinters(
        parse_printers(
            {
                "receipt": {"connection": "file", "path": str(spool / "receipt.bin"), "width": 80},
                "label": {"connection": "file", "path": str(spool / "label.bin"), "width": 80},
            }
        )
    )


def run(
    url: str,
    campaign: str,
    clerk_id: int,
    cashier_id: int,
    now_iso: str,
    spool: str,
    phase: Any,
    done: Any,
) -> None:
    """``phase`` and ``done``: shared integers (``multiprocessing.Value``) the parent reads."""
    engine = make_engine(url)
    printers = printers_for(Path(spool))
    clerk = Actor(user_id=clerk_id, username="clerk", role=Role.clerk, desk="1号窗口")
    cashier = Actor(user_id=cashier_id, username="cashier", role=Role.cashier, desk="1号窗口")
    now = dt.datetime.fromisoformat(now_iso)
    while True:
        phase.value = IDLE
        with session_scope(engine, readonly=True) as s:
            c = get_campaign(s, campaign)
            paid = select(Payment.dossier_id)
            unpaid = s.exec(
                select(Dossier.id)
                .where(
                    Dossier.campaign_id == c.id,
                    Dossier.status == DossierStatus.accepted.value,
                    col(Dossier.id).not_in(paid),
                )
                .limit(1)
            ).first()
            taken = select(Dossier.online_record_id)
            record = s.exec(
                select(OnlineRecord)
                .where(OnlineRecord.campaign_id == c.id, col(OnlineRecord.id).not_in(taken))
                .order_by(col(OnlineRecord.id))
                .limit(1)
            ).first()
        if unpaid is None:  # the counter: accept the next applicant's paper
            if record is None:
                return
            phase.value = ACCEPTING
            with session_scope(engine) as s:
                checks = all_complete(s, c, record)
                d = accept(s, clerk, c, record.id or 0, checks=checks, now=now)
                queued = queue_acceptance(s, clerk, printers, d)
                unpaid = d.id
            phase.value = SENDING_LABELS
            for job_id in queued.job_ids:
                send_job(engine, printers, job_id)
        phase.value = PAYING  # the fee desk: cash, the receipt saved with the payment
        with session_scope(engine) as s:
            p = take_payment(
                s,
                cashier,
                c,
                unpaid or 0,
                method=PaymentMethod.cash,
                now=now,
                idempotency_key=f"crash-{unpaid}",
            )
            job_id = receipt_job_of(s, p) or queue_receipt(s, cashier, printers, p)
        phase.value = SENDING_RECEIPT
        render_receipt_job(engine, printers, job_id)
        send_job(engine, printers, job_id)
        done.value += 1
