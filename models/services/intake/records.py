"""What the intake counter shows: a person, a visit, an alert, a unit item's status and the card that holds them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from models.campaign import ChecklistItem
from models.i18n import _
from models.rules import (
    Delivery,
)
from models.services.campaigns import (
    WindowStatus,
)
from models.vocab import ONLINE_APPROVED, Condition, DossierStatus


@dataclass(frozen=True)
class Person:
    """The online record as the card shows it (plain data: safe outside the session)."""

    record_id: int
    name: str
    id_number: str
    id_shown: str  # masked unless the role needs the full number
    sex: str
    unit: str
    supervising_dept: str
    county: str
    series: str
    specialty: str
    grade: str
    level: str
    track: str
    status: str
    submission_count: int | None
    application_no: str
    phone: str

    @property
    def approved(self) -> bool:
        return self.status == ONLINE_APPROVED


@dataclass(frozen=True)
class Visit:
    at: dt.datetime
    outcome: str
    notice_code: str
    deficiencies: tuple[dict[str, str], ...]
    clerk: str
    desk: str


@dataclass(frozen=True)
class Alert:
    code: str
    message: str
    blocking: bool  # the paper cannot be accepted while this holds


@dataclass(frozen=True)
class UnitItemStatus:
    """A unit's own item as every member's card shows it: the latest check of the unit."""

    item_key: str
    name: str
    checked: bool  # checked at all
    ok: bool
    problems: tuple[str, ...]
    at: dt.datetime | None
    clerk: str

    @property
    def text(self) -> str:
        if not self.checked:
            return _("{name}：单位尚未报送（按单位核对一次）").format(name=self.name)
        if self.ok:
            return _("{name}：单位已报送，合格").format(name=self.name)
        return _("{name}：{problems}（单位补正）").format(
            name=self.name, problems="；".join(self.problems)
        )


@dataclass
class Card:
    campaign_id: int
    campaign_code: str
    person: Person | None  # None: the scanned ID is not on the list
    scanned: str  # what was scanned or typed, as given
    window: WindowStatus
    dossier_id: int | None = None
    dossier_status: str | None = None
    dossier_code: str = ""
    accepted_by: str = ""
    accepted_at: dt.datetime | None = None
    conditions: list[str] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    changed: dict[str, tuple[str, str]] = field(default_factory=dict)  # after acceptance
    alerts: list[Alert] = field(default_factory=list)
    items: list[ChecklistItem] = field(default_factory=list)  # the whole campaign checklist
    declaration: str = ""  # 网上申报截止 … (001), or ""
    submissions: str = ""  # 第 2 次提交，最多 3 次
    delivery: Delivery | None = None  # who may bring the paper
    brought_by: str = ""  # the last visit's bringer (a Bringer value), "" unknown
    unit_checks: list[UnitItemStatus] = field(default_factory=list)  # the unit's own items
    extra_conditions: list[Condition] = field(default_factory=list)  # the defence rules' own
    suggestions: list[Person] = field(default_factory=list)  # a malformed ID: did you mean …

    @property
    def can_judge(self) -> bool:
        return not any(a.blocking for a in self.alerts)

    @property
    def returns(self) -> int:
        return sum(1 for v in self.visits if v.outcome == DossierStatus.returned.value)
