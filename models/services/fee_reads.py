"""The dossier a fee screen opens: by its id (a line of the cashier's queue) or by what was
scanned or typed (the envelope's dossier number, the applicant's ID). A reading for whoever
takes fees: the permission is checked first, as every service does."""

from __future__ import annotations

from sqlmodel import Session

from models.campaign import Campaign
from models.dossier import Dossier
from models.errors import InvalidInput
from models.i18n import _
from models.permissions import Action, Actor, require
from models.services.payments import find_dossier
from models.text import strip_invisible


def dossier_for_fee(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    *,
    dossier_id: int | None = None,
    query: str = "",
) -> Dossier:
    """The dossier of this campaign with this id, or found by ``query``."""
    require(actor, Action.payment_take)
    if dossier_id is not None:
        d = session.get(Dossier, dossier_id)
        if d is None or d.campaign_id != campaign.id:
            raise InvalidInput(_("本批次没有这份档案"), code="payment.no_such_dossier")
        return d
    # a NUL or a lone surrogate in what was typed reaches the database as it is in
    # find_dossier (PostgreSQL refuses the one, every driver the other)
    return find_dossier(session, actor, campaign, strip_invisible(query))
