"""A batch line's idempotency key: the same line pays once while its payment is live."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlmodel import Session, col, select

from models.campaign import Campaign
from models.dossier import Dossier
from models.payment import Payment
from models.services.payments.live import dead_reason
from models.vocab import PaymentKind


@dataclass(frozen=True, slots=True)
class LineKey:
    """The idempotency key of one line of a batch file for one dossier, and the payment an
    earlier run of the same line made that has since died (voided or refunded in full)."""

    key: str
    replaces: Payment | None
    replaced_because: str


def line_key(session: Session, campaign: Campaign, dossier: Dossier, line: str) -> LineKey:
    """A batch line's key: the campaign, the line's text and the dossier's *generation* (how
    many of its payments are dead). Running the same file again gives the same key while the
    payment it made is live (the desk hands that payment back: nothing is paid twice); once it
    is voided or refunded in full the generation moves on, the key is new and the line is paid
    again. The same dossier code in another campaign is another key."""
    assert dossier.id is not None
    rows = session.exec(
        select(Payment)
        .where(Payment.dossier_id == dossier.id, Payment.kind == PaymentKind.payment.value)
        .order_by(col(Payment.attempt))
    ).all()
    dead = [p for p in rows if dead_reason(session, p)]

    def key_of(generation: int) -> str:
        text = f"{campaign.id}|{campaign.code}|{line}|{generation}"
        return "batch-" + hashlib.sha256(text.encode()).hexdigest()[:40]

    key = key_of(len(dead))
    if dead:
        before = key_of(len(dead) - 1)
        earlier = next((p for p in dead if p.idempotency_key == before), None)
        if earlier is not None:
            return LineKey(key, earlier, dead_reason(session, earlier))
    return LineKey(key, None, "")
