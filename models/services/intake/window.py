"""Extending a paper window, and reading a local time for it."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from models import audit
from models.campaign import Campaign, PaperWindow
from models.errors import InvalidInput
from models.i18n import _
from models.permissions import Action, Actor, require
from models.types import utcnow


def extend_window(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    *,
    until: dt.datetime,
    reason: str,
    series: str | None = None,
    now: dt.datetime | None = None,
) -> PaperWindow:
    """A lead extends the paper window until ``until`` (aware), with a reason; audited. The
    extension is a window row of its own: the notice's window is never rewritten."""
    require(actor, Action.window_extend)
    now = now or utcnow()
    reason = " ".join(reason.split())
    if len(reason) < 2:
        raise InvalidInput(_("延长受理时间须写明原因"), code="window.no_reason")
    if until.tzinfo is None:
        raise InvalidInput(_("截止时间须带时区"), code="window.naive")
    if until <= now:
        raise InvalidInput(_("延长后的截止时间须晚于现在"), code="window.past")
    if until - now > dt.timedelta(days=31):
        raise InvalidInput(_("一次最多延长 31 天"), code="window.too_long")
    window = PaperWindow(
        campaign_id=campaign.id or 0,
        series=series or None,
        starts_at=now,
        ends_at=until,
        label=_("延长受理时间"),
        clause=f"负责人 {actor.username} 延长：{reason}"[:200],
    )
    session.add(window)
    session.flush()
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action="window.extend",
        entity="paper_window",
        entity_id=window.id,
        campaign_id=campaign.id,
        desk=actor.desk,
        detail={"until": until.isoformat(), "series": series or "", "reason": reason},
    )
    return window


def parse_local_time(text: str, campaign: Campaign, *, start: bool = False) -> dt.datetime:
    """``2021-10-08`` (end of that day; with ``start``, its beginning) or ``2021-10-08 18:00``,
    in the campaign's time zone."""
    s = " ".join(text.replace("/", "-").replace("T", " ").split())
    for fmt, whole_day in (("%Y-%m-%d %H:%M", False), ("%Y-%m-%d", True)):
        try:
            t = dt.datetime.strptime(s, fmt)
        except ValueError:
            continue
        if whole_day and not start:
            t = t + dt.timedelta(days=1)  # until the end of that day
        return t.replace(tzinfo=campaign.zone).astimezone(dt.UTC)
    raise InvalidInput(
        _("无法识别的时间“{text}”：请写成 2021-10-08 或 2021-10-08 18:00").format(text=text),
        code="window.bad_time",
    )
