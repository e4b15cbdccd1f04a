"""Building the campaign summary from the dossiers and payments."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlmodel import Session

from models import audit
from models.campaign import Campaign
from models.dossier import Dossier, DossierVisit
from models.online import OnlineRecord
from models.payment import Payment
from models.permissions import Action, Actor, require
from models.services.campaigns import get_campaign
from models.services.summary.records import (
    NO_COUNTY,
    NO_UNIT,
    CampaignSummary,
    CountyRow,
    Figures,
    GroupRow,
    UnitRow,
    _sum,
)
from models.types import utcnow
from models.vocab import ONLINE_APPROVED, DossierStatus, Level, PaymentKind, Track


def _aware(campaign: Campaign, until: dt.datetime | None) -> dt.datetime | None:
    if until is None or until.tzinfo is not None:
        return until
    return until.replace(tzinfo=campaign.zone)


def campaign_summary(
    session: Session, actor: Actor, campaign: Campaign | str, *, until: dt.datetime | None = None
) -> CampaignSummary:
    """The campaign's figures per county and unit, by track × level, and in total (see the
    module's docstring for what each figure counts). Lead only; recorded in the audit log."""
    require(actor, Action.tally_view)
    c = get_campaign(session, campaign) if isinstance(campaign, str) else campaign
    assert c.id is not None
    until = _aware(c, until)
    result = build(session, c, until=until)
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=str(Action.tally_view),
        entity="campaign",
        entity_id=c.id,
        campaign_id=c.id,
        desk=actor.desk,
        detail={
            "view": "campaign_summary",
            "until": until.isoformat() if until else None,
            "approved": result.total.approved,
            "accepted": result.total.accepted,
            "fee_net_fen": result.total.fee_net_fen,
        },
    )
    return result


def _n(cond: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def _grouped(
    session: Session,
    c: Campaign,
    until: dt.datetime | None,
) -> list[tuple[str, str, str, str, Figures]]:
    """(county, unit, track, level, figures) per group, from one aggregate query."""
    r, d, p, v = (
        OnlineRecord.__table__,  # type: ignore[attr-defined]
        Dossier.__table__,  # type: ignore[attr-defined]
        Payment.__table__,  # type: ignore[attr-defined]
        DossierVisit.__table__,  # type: ignore[attr-defined]
    )
    # money per dossier: payments − voids − refunds; live = some of it still paid (each void
    # takes back one payment's amount, refunds never more than a payment's: the net is above
    # zero exactly while one payment is neither voided nor refunded in full)
    pay_filter = [p.c.campaign_id == c.id] + ([p.c.created_at <= until] if until else [])
    pay = (
        select(
            p.c.dossier_id,
            func.sum(case((p.c.kind == PaymentKind.payment.value, 1), else_=0)).label("payments"),
            func.sum(case((p.c.kind == PaymentKind.void.value, 1), else_=0)).label("voids"),
            func.sum(
                case((p.c.kind == PaymentKind.payment.value, p.c.amount_fen), else_=-p.c.amount_fen)
            ).label("net"),
        )
        .where(*pay_filter)
        .group_by(p.c.dossier_id)
        .subquery("pay")
    )
    taken = d.c.status.in_([DossierStatus.accepted.value, DossierStatus.handed_over.value])
    handed = d.c.status == DossierStatus.handed_over.value
    returned: ColumnElement[bool] = and_(
        d.c.id.isnot(None), d.c.status == DossierStatus.returned.value
    )
    src = r.outerjoin(d, and_(d.c.online_record_id == r.c.id, d.c.campaign_id == c.id)).outerjoin(
        pay, pay.c.dossier_id == d.c.id
    )
    if until is not None:
        # seen at the counter by then: a visit (the first one returned it, or accepted it)
        seen = (
            select(v.c.dossier_id).where(v.c.at <= until).group_by(v.c.dossier_id).subquery("seen")
        )
        src = src.outerjoin(seen, seen.c.dossier_id == d.c.id)
        accepted_at = func.coalesce(d.c.accepted_at, d.c.created_at)
        taken = and_(taken, accepted_at <= until)
        handed = and_(handed, func.coalesce(d.c.handed_over_at, accepted_at) <= until)
        returned = or_(
            seen.c.dossier_id.isnot(None),  # a row written without a visit: its time
            and_(returned, d.c.created_at <= until),
        )
    # one paper state per record: the first true branch wins, so the three add up exactly
    paper = case((taken, "A"), (returned, "R"), else_="N")
    approved = r.c.status == ONLINE_APPROVED
    live = func.coalesce(pay.c.net, 0) > 0
    stmt = (
        select(
            r.c.county,
            r.c.unit,
            r.c.track,
            r.c.level,
            func.count().label("online"),
            _n(approved).label("approved"),
            _n(and_(approved, paper == "A")).label("accepted"),
            _n(and_(approved, paper == "R")).label("returned"),
            _n(and_(approved, paper == "N")).label("no_paper"),
            _n(and_(approved, paper == "A", live)).label("paid"),
            _n(and_(approved, paper == "A", handed)).label("handed_over"),
            _n(and_(or_(r.c.status.is_(None), r.c.status != ONLINE_APPROVED), paper != "N")).label(
                "other_paper"
            ),
            func.coalesce(func.sum(pay.c.net), 0).label("fee_net_fen"),
        )
        .select_from(src)
        .where(r.c.campaign_id == c.id)
        .group_by(r.c.county, r.c.unit, r.c.track, r.c.level)
    )
    out = []
    for row in session.connection().execute(stmt):
        figs = Figures(
            online=int(row.online),
            approved=int(row.approved),
            accepted=int(row.accepted),
            returned=int(row.returned),
            no_paper=int(row.no_paper),
            paid=int(row.paid),
            handed_over=int(row.handed_over),
            other_paper=int(row.other_paper),
            fee_net_fen=int(row.fee_net_fen),
        )
        out.append((row.county or "", row.unit or "", row.track or "", row.level or "", figs))
    return out


def _place_key(name: str, empty: str) -> tuple[bool, str]:
    return (name == empty, name)  # the empty one last


_TRACKS = [t.value for t in Track]
_LEVELS = [lv.value for lv in Level]


def _group_key(track: str, level: str) -> tuple[int, str, int, str]:
    return (
        _TRACKS.index(track) if track in _TRACKS else len(_TRACKS),
        track,
        _LEVELS.index(level) if level in _LEVELS else len(_LEVELS),
        level,
    )


def build(session: Session, c: Campaign, *, until: dt.datetime | None = None) -> CampaignSummary:
    """The summary without the permission check and the audit row (for a caller that did both)."""
    by_unit: dict[tuple[str, str], list[Figures]] = {}
    by_group: dict[tuple[str, str], list[Figures]] = {}
    for county, unit, track, level, figs in _grouped(session, c, until):
        key = (county.strip() or NO_COUNTY, unit.strip() or NO_UNIT)
        by_unit.setdefault(key, []).append(figs)
        by_group.setdefault((track, level), []).append(figs)
    counties: dict[str, list[UnitRow]] = {}
    for county, unit in sorted(
        by_unit, key=lambda k: (_place_key(k[0], NO_COUNTY), _place_key(k[1], NO_UNIT))
    ):
        counties.setdefault(county, []).append(UnitRow(county, unit, _sum(by_unit[(county, unit)])))
    county_rows = tuple(
        CountyRow(county, _sum([u.figures for u in units]), tuple(units))
        for county, units in counties.items()
    )
    groups = tuple(
        GroupRow(track, level, _sum(figs))
        for (track, level), figs in sorted(by_group.items(), key=lambda kv: _group_key(*kv[0]))
    )
    return CampaignSummary(
        campaign_code=c.code,
        campaign_title=c.title,
        until=until,
        made_at=utcnow(),
        counties=county_rows,
        groups=groups,
        total=_sum([x.figures for x in county_rows]),
    )
