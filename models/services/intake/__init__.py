"""The intake counter's rules: who may hand in paper, which items apply, what is a deficiency,
and the two outcomes — accept (a dossier no.) or return (one numbered correction notice).

The screen only collects the clerk's verdicts; everything that decides is here, so a cashier
who calls ``accept`` is refused exactly as one who presses the key would be. Each outcome is one
transaction: number, dossier, visit, every verdict and the audit row commit together or not at
all (the caller adds the print jobs to the same transaction)."""

from __future__ import annotations

from models.services.intake.bringer import delivery_alert
from models.services.intake.card import card_for, load_card, person_of, snapshot
from models.services.intake.items import (
    FORM_FIELDS,
    REFUSAL_REASONS,
    SNAPSHOT_FIELDS,
    ItemCheck,
    Refused,
    applicable_items,
    applies,
    deficiencies,
    item_parts,
    per_unit,
    problems,
    relevant_conditions,
    unit_items,
    unjudged,
)
from models.services.intake.outcome import accept, return_dossier
from models.services.intake.records import Alert, Card, Person, UnitItemStatus, Visit
from models.services.intake.refusal import record_refusal
from models.services.intake.unit_items import campaign_unit_items, check_unit_item, unit_item_status
from models.services.intake.window import extend_window, parse_local_time

__all__ = [
    "FORM_FIELDS",
    "REFUSAL_REASONS",
    "SNAPSHOT_FIELDS",
    "Alert",
    "Card",
    "ItemCheck",
    "Person",
    "Refused",
    "UnitItemStatus",
    "Visit",
    "accept",
    "applicable_items",
    "applies",
    "campaign_unit_items",
    "card_for",
    "check_unit_item",
    "deficiencies",
    "delivery_alert",
    "extend_window",
    "item_parts",
    "load_card",
    "parse_local_time",
    "per_unit",
    "person_of",
    "problems",
    "record_refusal",
    "relevant_conditions",
    "return_dossier",
    "snapshot",
    "unit_item_status",
    "unit_items",
    "unjudged",
]
