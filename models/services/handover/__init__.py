"""The committee handover (移交): the roster (移交花名册) of the dossiers to hand over, and the
handover itself.

The roster lists the accepted dossiers whose review fee is paid, grouped by series, specialty
and level, with who must defend (答辩): a dossier of a level in the campaign's
``defence_levels`` defends unless an exemption of the notice applies. An exemption that is a
condition the counter records (``Condition``: 访惠聚, 民营企业 …) is decided from the dossier's
conditions; one that names counties (002 六（一）：在且末县、若羌县工作的) from the online record's
county or unit; any other (县级（不含）以下基层单位, 社会组织、自由职业) cannot be decided from the
data: such a line says 须答辩 and asks the lead to check it, and the roster's footer quotes the
exemptions as the notice states them. Accepted dossiers without a live payment (never paid, or
the payment voided), or whose fee was refunded in full, are left out and listed.

A handover (``hand_over``) records who handed how many dossiers to whom and when; the dossiers
become ``handed_over`` in one UPDATE, after which the database refuses any change to them and
any payment, void or refund for them (migration 0006).
"""

from __future__ import annotations

from models.services.handover.handovers import hand_over, handovers
from models.services.handover.records import (
    MUST,
    NOT_REQUIRED,
    NOTE_MAX,
    RECEIVER_MAX,
    REFUNDED,
    UNPAID,
    HandoverRefused,
    LeftOut,
    Roster,
    RosterGroup,
    RosterLine,
)
from models.services.handover.roster import defence_of, exemption_label, roster

__all__ = [
    "MUST",
    "NOTE_MAX",
    "NOT_REQUIRED",
    "RECEIVER_MAX",
    "REFUNDED",
    "UNPAID",
    "HandoverRefused",
    "LeftOut",
    "Roster",
    "RosterGroup",
    "RosterLine",
    "defence_of",
    "exemption_label",
    "hand_over",
    "handovers",
    "roster",
]
