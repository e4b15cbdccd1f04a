"""What a campaign file parses to: its windows, fees, checklist items and the campaign, and the limits on their values."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from models.money import Money
from models.rules import WindowKind
from models.vocab import (
    Condition,
    ItemKind,
    Level,
    Track,
)

_PREFIX = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")
_CODE = re.compile(r"^[a-z0-9][a-z0-9\-]{1,38}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{1,59}$")
# the longest text each field may hold (the database's column widths)
_MAX_LEN = {
    "title": 200,
    "committee": 200,
    "office": 200,
    "room": 100,
    "address": 300,
    "timezone": 64,
}
_WINDOW_MAX_LEN = {"series": 60, "label": 100, "clause": 200}
_RULE_TEXT_MAX = 300
_CLAUSE_MAX = 200
_NAME_MAX = 200
_SERIES_MAX = 60
_MAX_SUBMISSIONS = 99
_FIRST_YEAR, _LAST_YEAR = 2000, 2100


@dataclass(slots=True)
class WindowSpec:
    starts_at: dt.datetime  # aware, UTC
    ends_at: dt.datetime  # aware, UTC, exclusive
    series: str | None
    label: str
    clause: str
    kind: WindowKind = WindowKind.paper
    levels: list[str] = field(default_factory=list)  # only for these levels (empty: all)


@dataclass(slots=True)
class FeeSpec:
    track: Track
    level: Level
    amount: Money | None  # None: the notice does not state it
    clause: str


@dataclass(slots=True)
class ItemSpec:
    key: str
    name: str
    kind: ItemKind
    copies: int
    needs_stamp: bool
    needs_endorsement: bool
    handwritten: str
    watermark: bool
    double_sided: bool
    must_match_online: bool
    tracks: list[Track]
    levels: list[Level]
    when: list[Condition]
    unless: list[Condition]
    optional: bool
    note: str
    clause: str
    details: dict[str, Any] = field(default_factory=dict)  # models.rules.ItemRules


@dataclass(slots=True)
class CampaignSpec:
    code: str
    notice: str
    title: str
    committee: str
    office: str
    room: str
    address: str
    timezone: str
    year: int
    source: str
    tracks: list[Track]
    levels: list[Level]
    series: list[str]
    individual_submission: bool
    max_online_submissions: int
    defence_levels: list[Level]
    defence_exempt: list[str]
    dossier_prefix: str
    receipt_prefix: str
    notice_prefix: str
    contacts: list[dict[str, str]]
    header_aliases: dict[str, list[str]]
    windows: list[WindowSpec] = field(default_factory=list)
    fees: list[FeeSpec] = field(default_factory=list)
    checklist: list[ItemSpec] = field(default_factory=list)
    rules: dict[str, Any] = field(default_factory=dict)  # models.rules: delivery, fee_payment …
    text: str = ""
