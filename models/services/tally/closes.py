"""A day's close as stored: finding it, and its code (the hash of the audit event that sealed it, printed on the Z report)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from models.campaign import Campaign
from models.permissions import Action
from models.services.tally.queries import _EVENTS
from models.services.tally.records import OFFICE_LABEL, clean_desk
from models.tally import DayClose


def find_close(
    session: Session, campaign: Campaign, day: dt.date, desk: str, *, lock: bool = False
) -> DayClose | None:
    stmt = select(DayClose).where(
        DayClose.campaign_id == campaign.id, DayClose.business_date == day, DayClose.desk == desk
    )
    return session.exec(stmt.with_for_update() if lock else stmt).first()


def _entity_id(day: dt.date, desk: str) -> str:
    return f"{day.isoformat()} {desk or OFFICE_LABEL}"


def format_code(digest: str) -> str:
    """A close's code as printed: its audit event's hash, the first 16 hex digits in fours."""
    head = digest[:16]
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4))


def close_code(session: Session, campaign: Campaign, day: dt.date, desk: str) -> str:
    """The code of a confirmed close (``""`` when there is none): the hash of the audit event
    that sealed it. It is printed on the day's Z report and listed by ``desk audit verify``: the
    database alone can be re-hashed by whoever owns it, the paper filed that evening cannot."""
    digest = (
        session.connection()
        .execute(
            sa_select(_EVENTS.c.hash)
            .where(
                _EVENTS.c.action == str(Action.day_close),
                _EVENTS.c.entity == "day_close",
                _EVENTS.c.campaign_id == campaign.id,
                _EVENTS.c.entity_id == _entity_id(day, clean_desk(desk)),
            )
            .order_by(_EVENTS.c.id.desc())
            .limit(1)
        )
        .scalar()
    )
    return format_code(str(digest)) if digest else ""
