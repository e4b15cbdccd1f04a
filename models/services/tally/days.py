"""Every day of a campaign at a glance: its figures and whether it is closed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from models.campaign import Campaign
from models.permissions import Action, Actor, require
from models.services.payments import business_date
from models.services.tally.queries import _FIRST_PAYMENT_DAY, _FIRST_VISIT
from models.services.tally.records import OFFICE
from models.services.tally.view import _as_date, _day_view
from models.tally import DayClose
from models.vocab import (
    DayStatus,
)

# ---------------------------------------------------------------------------------------------
# The campaign so far (the chart)


@dataclass(frozen=True, slots=True)
class DayFigures:
    day: dt.date
    closed: bool
    visits: int
    accepted: int
    returned: int
    payments: int
    net_fen: int


def campaign_days(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    until: dt.date,
    *,
    first: dt.date | None = None,
) -> list[DayFigures]:
    """One row per calendar day from the first day with any activity to ``until``. A day the
    office has closed is read from the figures kept with its close (it cannot change); an open
    day is counted from its rows."""
    require(actor, Action.tally_view)
    cid = campaign.id or 0
    conn = session.connection()
    start = first
    if start is None:
        firsts = [conn.execute(_FIRST_PAYMENT_DAY, {"campaign": cid}).scalar()]
        first_visit = conn.execute(_FIRST_VISIT, {"campaign": cid}).scalar()
        if first_visit is not None:
            at = first_visit if first_visit.tzinfo else first_visit.replace(tzinfo=dt.UTC)
            firsts.append(business_date(campaign, at))
        known = [_as_date(d) for d in firsts if d is not None]
        if not known:
            return []
        start = min(known)
    closed = {
        c.business_date: c
        for c in session.exec(
            select(DayClose).where(
                DayClose.campaign_id == cid,
                DayClose.desk == OFFICE,
                DayClose.status == DayStatus.closed.value,
                col(DayClose.business_date).between(start, until),
            )
        )
    }
    out: list[DayFigures] = []
    day = start
    while day <= until:
        c = closed.get(day)
        t = (c.expected.get("totals") if c is not None else None) or _day_view(
            session, campaign, day, OFFICE
        ).totals()
        out.append(
            DayFigures(
                day=day,
                closed=c is not None,
                visits=int(t["visits"]),
                accepted=int(t["accepted"]),
                returned=int(t["returned"]),
                payments=int(t["payments"]),
                net_fen=int(t["net_fen"]),
            )
        )
        day += dt.timedelta(days=1)
    return out
