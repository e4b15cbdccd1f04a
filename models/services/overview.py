"""Read-only figures for home screens: what the counter has to do today."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from models.campaign import Campaign
from models.dossier import Dossier
from models.online import OnlineRecord
from models.payment import Payment
from models.services.payments import live_clause
from models.vocab import ONLINE_APPROVED, DossierStatus


@dataclass(frozen=True, slots=True)
class CampaignCounts:
    online_total: int
    online_approved: int
    accepted: int
    returned: int
    awaiting_payment: int
    paid: int


def campaign_counts(session: Session, campaign: Campaign) -> CampaignCounts:
    cid = campaign.id

    def count(stmt: object) -> int:
        return int(session.exec(stmt).one())  # type: ignore[call-overload]

    online_total = count(
        select(func.count()).select_from(OnlineRecord).where(OnlineRecord.campaign_id == cid)
    )
    approved = count(
        select(func.count())
        .select_from(OnlineRecord)
        .where(OnlineRecord.campaign_id == cid, OnlineRecord.status == ONLINE_APPROVED)
    )
    by_status = dict(
        session.exec(
            select(Dossier.status, func.count())
            .where(Dossier.campaign_id == cid)
            .group_by(Dossier.status)
        ).all()
    )
    # A dossier counts as paid while a payment of it is live (not voided, not refunded in full).
    paid_ids = select(Payment.dossier_id).where(Payment.campaign_id == cid, live_clause())
    paid = count(
        select(func.count())
        .select_from(Dossier)
        .where(Dossier.campaign_id == cid, col(Dossier.id).in_(paid_ids))
    )
    accepted_total = int(by_status.get(DossierStatus.accepted.value, 0)) + int(
        by_status.get(DossierStatus.handed_over.value, 0)
    )
    return CampaignCounts(
        online_total=online_total,
        online_approved=approved,
        accepted=accepted_total,
        returned=int(by_status.get(DossierStatus.returned.value, 0)),
        awaiting_payment=max(0, accepted_total - paid),
        paid=paid,
    )
