"""The day's tally and its close (日结).

**The day view** (``day_view``): one business day of one campaign, office-wide or for one desk —
the dossiers the counter saw, the money by method, by track and level, by cashier and desk, the
voids and refunds (corrections of earlier days carry the original's number and date), and the
receipt numbers with a gap check. It reads one range of the covering index ``ix_payment_day``
(no table rows) plus the day's corrections and visits, so it costs the same at a million payments
as at a hundred.

**The close** is two-phase, per desk (``desk = "1号窗口"``) or office-wide (``desk = ""``):
``begin_close`` — the desk (or every desk) takes no new payment, void or refund for the day;
``record_count`` — a blind count: the cash by denomination and each other method's total are
entered before the expected figures are shown, then compared; ``confirm_close`` — the lead
confirms, a difference needs a note, and the day is locked: the service refuses anything dated
into it and the database refuses a payment row dated into it (migration 0006). Corrections of a
locked day are voids or refunds dated on the next open day, pointing at the original.
``cancel_close`` takes back a close that is not yet confirmed (the desk takes payments again).
"""

from __future__ import annotations

from models.services.tally.close import (
    begin_close,
    cancel_close,
    confirm_close,
    counted_cash,
    record_count,
)
from models.services.tally.closes import close_code, find_close, format_code
from models.services.tally.count import Count, parse_count
from models.services.tally.days import DayFigures, campaign_days
from models.services.tally.export import day_view_xlsx
from models.services.tally.queries import _CORRECTIONS as _CORRECTIONS
from models.services.tally.queries import _FIRST_PAYMENT_DAY as _FIRST_PAYMENT_DAY
from models.services.tally.queries import _FIRST_VISIT as _FIRST_VISIT
from models.services.tally.queries import _GROUPED as _GROUPED
from models.services.tally.queries import _IN_RANGE as _IN_RANGE
from models.services.tally.queries import _VISITS as _VISITS
from models.services.tally.records import (
    MAX_PIECES,
    NOTE_MAX,
    OFFICE,
    OFFICE_LABEL,
    Correction,
    DayRefused,
    DayView,
    Line,
    Receipts,
    clean_desk,
    desk_label,
)
from models.services.tally.rows import CountResult, rows_of_day, rows_seal
from models.services.tally.rows import _expected_json as _expected_json
from models.services.tally.view import CHARGE_RULE, day_bounds, day_view, today
from models.services.tally.view import _day_view as _day_view

__all__ = [
    "CHARGE_RULE",
    "MAX_PIECES",
    "NOTE_MAX",
    "OFFICE",
    "OFFICE_LABEL",
    "Correction",
    "Count",
    "CountResult",
    "DayFigures",
    "DayRefused",
    "DayView",
    "Line",
    "Receipts",
    "begin_close",
    "campaign_days",
    "cancel_close",
    "clean_desk",
    "close_code",
    "confirm_close",
    "counted_cash",
    "day_bounds",
    "day_view",
    "day_view_xlsx",
    "desk_label",
    "find_close",
    "format_code",
    "parse_count",
    "record_count",
    "rows_of_day",
    "rows_seal",
    "today",
]
