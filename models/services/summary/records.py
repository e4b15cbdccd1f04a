"""What the campaign summary holds: figures by unit, county and group, and the whole campaign."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from models.i18n import N_
from models.money import Money

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
