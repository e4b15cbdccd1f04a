"""A refusal at the counter, recorded without a dossier."""

from __future__ import annotations

from sqlmodel import Session, select

from models import audit
from models.campaign import Campaign, ChecklistItem
from models.dossier import Dossier, DossierVisit
from models.errors import InvalidInput
from models.i18n import _
from models.idcard import ResidentId, clean_id_text, mask_id
from models.online import OnlineRecord
from models.permissions import Action, Actor, require
from models.services.intake.items import REFUSAL_REASONS
from models.vocab import DossierStatus


def _items(session: Session, campaign: Campaign) -> list[ChecklistItem]:
    return list(session.exec(select(ChecklistItem).where(ChecklistItem.campaign_id == campaign.id)))


def _returns(session: Session, d: Dossier) -> int:
    return len(
        session.exec(
            select(DossierVisit.id).where(
                DossierVisit.dossier_id == d.id,
                DossierVisit.outcome == DossierStatus.returned.value,
            )
        ).all()
    )


def record_refusal(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    *,
    reason: str,
    scanned: str = "",
    record_id: int | None = None,
    note: str = "",
) -> None:
    """Paper refused outright at the counter (登记拒收): only an audit row, which the lead's
    reconciliation lists (who, when, why)."""
    require(actor, Action.intake_refuse)
    if reason not in REFUSAL_REASONS:
        raise InvalidInput(
            _("未知的拒收原因“{reason}”").format(reason=reason), code="intake.bad_reason"
        )
    name, shown = "", ""
    if record_id is not None:
        rec = session.get(OnlineRecord, record_id)
        if rec is not None:
            name, shown = rec.name, mask_id(rec.id_number)
    elif scanned:
        cleaned = clean_id_text(scanned)
        try:
            shown = mask_id(ResidentId.parse(cleaned).number)
        except InvalidInput:
            shown = mask_id(cleaned[:18])
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action="intake.refused",
        entity="online_record",
        entity_id=record_id or "",
        campaign_id=campaign.id,
        desk=actor.desk,
        detail={
            "name": name,
            "id_masked": shown,
            "reason": REFUSAL_REASONS[reason],
            "reason_code": reason,
            "note": note.strip()[:200],
        },
    )
