"""What the handover to the review shows and refuses: a roster's lines, groups and the dossiers left out, and the limits and labels it uses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from models.errors import Conflict
from models.i18n import N_
from models.vocab import Level

RECEIVER_MAX = 100
NOTE_MAX = 500
UNPAID = N_("未缴费")  # why a dossier is left out of the roster (data: shown through _())
REFUNDED = N_("评审费已全额退还")
MUST = "须答辩"
NOT_REQUIRED = "不答辩"
_LEVEL_ORDER = {lv.value: i for i, lv in enumerate(Level)}


class HandoverRefused(Conflict):
    code = "handover.refused"


# ---- the roster ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RosterLine:
    dossier_id: int
    dossier_no: int
    dossier_code: str
    name: str
    id_masked: str
    unit: str
    county: str
    series: str
    specialty: str
    track: str
    level: str
    receipt_code: str  # the live payment's receipt
    defence: str  # 须答辩 / 免答辩（…） / 不答辩
    must_defend: bool
    verify: str  # exemptions the data cannot decide, for a line that must defend: 请核实
    handover_no: int | None  # the handover that took it, if any
    id_number: str = ""  # the full number: only in a roster read with full_ids (lead, audited)

    @property
    def id_shown(self) -> str:
        return self.id_number or self.id_masked

    @property
    def defence_text(self) -> str:
        """The defence column in one piece: 须答辩（可申请免答辩：…，请核实）."""
        return (
            f"{self.defence}（可申请免答辩：{self.verify}，请核实）"
            if self.verify
            else self.defence
        )


@dataclass(frozen=True, slots=True)
class RosterGroup:
    series: str
    specialty: str
    level: str
    lines: tuple[RosterLine, ...]

    @property
    def must_defend(self) -> int:
        return sum(1 for x in self.lines if x.must_defend)


@dataclass(frozen=True, slots=True)
class LeftOut:
    """An accepted dossier not on the roster, and why (未缴费 …)."""

    dossier_code: str
    name: str
    unit: str
    track: str
    level: str
    reason: str


@dataclass(frozen=True, slots=True)
class Roster:
    campaign_code: str
    title: str
    committee: str
    place: str
    timezone: str
    generated_at: dt.datetime
    include_handed_over: bool
    defence_levels: tuple[str, ...]
    exemptions: tuple[str, ...]  # the notice's exemptions as stated, with their clauses
    groups: tuple[RosterGroup, ...]
    left_out: tuple[LeftOut, ...]
    defence_rules: tuple[str, ...] = ()  # who defends, as the notice states it

    @property
    def lines(self) -> tuple[RosterLine, ...]:
        return tuple(x for g in self.groups for x in g.lines)

    @property
    def total(self) -> int:
        return sum(len(g.lines) for g in self.groups)

    @property
    def must_defend(self) -> int:
        return sum(g.must_defend for g in self.groups)

    @property
    def exempt(self) -> int:
        return sum(1 for x in self.lines if x.defence.startswith("免答辩"))

    @property
    def not_required(self) -> int:
        return sum(1 for x in self.lines if x.defence == NOT_REQUIRED)

    @property
    def to_hand_over(self) -> int:
        return sum(1 for x in self.lines if x.handover_no is None)
