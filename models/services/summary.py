"""The campaign summary (汇总): paper and fees to date against the online-approved list, per
county and per unit within the county, with the totals and by track × level.

Counts and money only — no names, no ID numbers, no phones (those are in the reconciliation,
``models.services.reconcile``). It is still the lead's (``Action.tally_view``) and each reading
is recorded in the audit log, like the other tally views.

What each figure means, for one online record (one applicant of the campaign's list):

* ``online``: every record of the online list, whatever its status.
* ``approved``: records whose online status is 通过形式审核 (``ONLINE_APPROVED``).
* The paper state of a record is exactly one of: *accepted* (its dossier is accepted or handed
  over), *returned* (its dossier was returned with a correction notice and has not been accepted
  since: 退回补正未再报送) or *none* (no dossier). So for the approved records
  ``accepted + returned + no_paper == approved``, in every row and in the totals.
* ``paid``: approved and accepted, with a live payment (a payment row no void points at; a
  partial or full refund does not make it unpaid — the cashier's queue counts it the same way).
  ``paid <= accepted``; ``accepted - paid`` is what the fee desk still has to take.
* ``handed_over``: approved records whose dossier was handed to the committee (⊆ accepted).
* ``other_paper``: records *not* approved online (their status changed after the counter took
  the paper — the online import flags these — or the paper was taken under another status) that
  have a dossier accepted or returned. They are outside the identity above and outside every
  other count, and are shown on their own so that the lead checks them.
* ``fee_net_fen``: the money of every dossier of the row's records, in fen: payments − voids −
  refunds. It includes ``other_paper`` records' money, so the campaign total ties out with the
  tally (every payment, void and refund row of the campaign up to ``until``).

Rows group records by the online record's county and unit (``""`` is shown as （未填县市） and
（未填单位）) and its track and level. Totals are the sums of the rows; each county's figures are
the sums of its units.

``until`` (an instant; a naive one is read in the campaign's time zone) gives the figures as
they stood then: a dossier counts as accepted from ``accepted_at``, as returned from its first
visit at the counter, as handed over from ``handed_over_at`` (a missing time falls back to the
acceptance or the row's creation); a payment, void or refund counts from its ``created_at``.
The online list itself is the one last imported (it has no history).

Everything is computed by one aggregate query grouped by county, unit, track and level, so it
stays fast on a campaign of 200 000 records; Python only adds up the groups.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlmodel import Session

from models import audit
from models.campaign import Campaign
from models.dossier import Dossier, DossierVisit
from models.i18n import N_, on_paper
from models.money import Money
from models.online import OnlineRecord
from models.payment import Payment
from models.permissions import Action, Actor, require
from models.services.campaigns import get_campaign
from models.types import utcnow
from models.vocab import ONLINE_APPROVED, DossierStatus, Level, PaymentKind, Track

NO_COUNTY = N_("（未填县市）")  # row names (data: shown through _())
NO_UNIT = N_("（未填单位）")
TOTAL = N_("合计")


@dataclass(frozen=True, slots=True)
class Figures:
    """The figures of one row (a unit, a county, a track × level, or the whole campaign)."""

    online: int = 0
    approved: int = 0
    accepted: int = 0
    returned: int = 0
    no_paper: int = 0
    paid: int = 0
    handed_over: int = 0
    other_paper: int = 0
    fee_net_fen: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    @property
    def fee_net(self) -> Money:
        return Money(self.fee_net_fen)

    @property
    def accepted_pct(self) -> float | None:
        """Accepted as a percentage of approved (one decimal); None when nobody is approved."""
        return round(100 * self.accepted / self.approved, 1) if self.approved else None

    @property
    def unpaid(self) -> int:
        return self.accepted - self.paid

    def to_json(self) -> dict[str, Any]:
        return {
            **{f.name: getattr(self, f.name) for f in fields(self)},
            "fee_net": self.fee_net.figures(),
            "accepted_pct": self.accepted_pct,
        }


def _sum(rows: list[Figures]) -> Figures:
    total = Figures()
    for r in rows:
        total = total + r
    return total


@dataclass(frozen=True, slots=True)
class UnitRow:
    county: str  # as shown: （未填县市） for an empty one
    unit: str  # as shown: （未填单位） for an empty one
    figures: Figures


@dataclass(frozen=True, slots=True)
class CountyRow:
    county: str
    figures: Figures  # the sum of its units
    units: tuple[UnitRow, ...]


@dataclass(frozen=True, slots=True)
class GroupRow:
    track: str
    level: str
    figures: Figures


@dataclass(frozen=True, slots=True)
class CampaignSummary:
    campaign_code: str
    campaign_title: str
    until: dt.datetime | None  # None: everything to now
    made_at: dt.datetime
    counties: tuple[CountyRow, ...]
    groups: tuple[GroupRow, ...]  # by track × level
    total: Figures = field(default_factory=Figures)

    @property
    def units(self) -> tuple[UnitRow, ...]:
        return tuple(u for c in self.counties for u in c.units)

    def to_json(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign_code,
            "title": self.campaign_title,
            "until": self.until.isoformat() if self.until else None,
            "made_at": self.made_at.isoformat(timespec="seconds"),
            "total": self.total.to_json(),
            "counties": [
                {
                    "county": c.county,
                    **c.figures.to_json(),
                    "units": [{"unit": u.unit, **u.figures.to_json()} for u in c.units],
                }
                for c in self.counties
            ],
            "by_track_level": [
                {"track": g.track, "level": g.level, **g.figures.to_json()} for g in self.groups
            ],
        }


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


HEADERS = (
    "网上名单",
    "通过形式审核",
    "已受理",
    "受理率%",
    "退回补正未再报送",
    "未报送纸质材料",
    "已缴费",
    "已受理未缴费",
    "实收净额（元）",
    "已移交评委会",
    "非通过名单有材料",
)


def _cells(f: Figures) -> tuple[object, ...]:
    pct = f.accepted_pct
    return (
        f.online,
        f.approved,
        f.accepted,
        "" if pct is None else pct,
        f.returned,
        f.no_paper,
        f.paid,
        f.unpaid,
        f.fee_net,
        f.handed_over,
        f.other_paper,
    )


@on_paper
def summary_xlsx(path: Path, summary: CampaignSummary) -> Path:
    """The summary as a workbook: 按县市, 按单位, 按类型级别, each ending with a 合计 row."""
    from models.reports import write_xlsx

    total = _cells(summary.total)
    return write_xlsx(
        path,
        [
            (
                "按县市",
                ("县市", *HEADERS),
                [*[(c.county, *_cells(c.figures)) for c in summary.counties], (TOTAL, *total)],
            ),
            (
                "按单位",
                ("县市", "单位", *HEADERS),
                [
                    *[(u.county, u.unit, *_cells(u.figures)) for u in summary.units],
                    (TOTAL, "", *total),
                ],
            ),
            (
                "按类型级别",
                ("申报类型", "级别", *HEADERS),
                [
                    *[(g.track, g.level, *_cells(g.figures)) for g in summary.groups],
                    (TOTAL, "", *total),
                ],
            ),
        ],
    )
