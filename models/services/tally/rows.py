"""The rows a closed day seals: the day's payments and their digest, and the expected figures kept with a count."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import select as sa_select
from sqlmodel import Session

from models import audit
from models.campaign import Campaign
from models.services.tally.queries import _ORIGINAL, _PAY
from models.services.tally.records import DayView
from models.services.tally.view import CHARGE_RULE
from models.tally import DayClose


@dataclass(frozen=True, slots=True)
class CountResult:
    close: DayClose
    expected: dict[str, int]  # method → fen
    counted: dict[str, int]

    @property
    def differences(self) -> dict[str, int]:
        return {
            m: self.counted[m] - self.expected[m]
            for m in self.expected
            if self.counted[m] != self.expected[m]
        }

    @property
    def difference_fen(self) -> int:
        return sum(self.differences.values())


def _expected_json(view: DayView) -> dict[str, Any]:
    return {
        "methods": view.expected(),
        "totals": view.totals(),
        "receipts": {
            "first": view.receipts.first,
            "last": view.receipts.last,
            "count": view.receipts.count,
            "gaps": list(view.receipts.missing),
        },
        "rule": CHARGE_RULE,
    }


_ROWS_OF_DAY = (
    sa_select(
        *(_PAY.c[name] for name in audit.SEAL_VERSIONS[("payment", 2)]),
        _ORIGINAL.c.desk.label("original_desk"),
    )
    .select_from(_PAY.outerjoin(_ORIGINAL, _ORIGINAL.c.id == _PAY.c.original_id))
    .where(_PAY.c.campaign_id == bindparam("campaign"), _PAY.c.business_date == bindparam("day"))
    .order_by(_PAY.c.id)
)


def rows_of_day(
    session: Session,
    campaign: Campaign,
    day: dt.date,
    desk: str,
    *,
    charge_to_original: bool = True,
) -> list[Any]:
    """The payment rows a close of ``desk`` (``""``: the office) answers for: dated into the
    day and issued at the desk, or (rule 2) correcting a payment the desk took."""
    return [
        r
        for r in session.connection().execute(_ROWS_OF_DAY, {"campaign": campaign.id, "day": day})
        if not desk or r.desk == desk or (charge_to_original and r.original_desk == desk)
    ]


def rows_seal(rows: list[Any]) -> dict[str, Any]:
    """How many rows and one digest of them all (each row's sealed columns, in id order): kept
    with the close, in its audit event, so a row added, removed or changed later shows."""
    h = hashlib.sha256()
    for r in rows:
        h.update(f"{r.id}:{audit.row_digest('payment', r._mapping, 2)}\n".encode())
    return {"count": len(rows), "sha256": h.hexdigest(), "v": 2}
