"""What the day's tally shows and returns: a day's lines, corrections, receipts and view, the office and desk labels, and the refusal of a closed day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from models.errors import Conflict
from models.i18n import N_, _
from models.services.numbering import format_number
from models.tally import DayClose
from models.text import clean_desk_name
from models.vocab import (
    PaymentMethod,
)

OFFICE = ""  # the desk name of the office-wide close
MAX_PIECES = 100_000  # per denomination: more is a typing slip, not a cash box
NOTE_MAX = 500


class DayRefused(Conflict):
    code = "day.refused"


OFFICE_LABEL = N_("全办公室")  # the office-wide close, as the audit log names it


def desk_label(desk: str) -> str:
    return desk or _(OFFICE_LABEL)


# ---------------------------------------------------------------------------------------------
# The day view


@dataclass(frozen=True, slots=True)
class Line:
    """One row of a breakdown: payments taken, what was taken back (voids and refunds), net.
    Its label is made from its key when it is read, in the language of the moment (the screen's,
    or Chinese while a document is made)."""

    key: str
    kind: str  # "method", "fee" (track·level), "cashier" (key: the user's id), "desk", "total"
    count: int = 0  # payments
    paid_fen: int = 0
    voided_fen: int = 0
    refunded_fen: int = 0
    name: str = ""  # a cashier's shown name

    @property
    def label(self) -> str:
        if self.kind == "method":
            return PaymentMethod(self.key).label
        if self.kind == "fee":
            return "·".join(_(part) for part in self.key.split("·"))
        if self.kind == "cashier":
            return self.name or self.key
        if self.kind == "desk":
            return self.key or _("（未设窗口）")
        return _("合计")

    @property
    def net_fen(self) -> int:
        return self.paid_fen - self.voided_fen - self.refunded_fen


@dataclass(frozen=True, slots=True)
class Correction:
    """A void or a refund made this day; ``original_date`` differs when it corrects an earlier
    (possibly closed) day."""

    code: str
    kind: str
    original_code: str
    original_date: dt.date
    fen: int
    method: str
    reason: str
    note: str
    who: str  # who voided or refunded
    desk: str  # at which desk
    at: dt.datetime
    charged_to: str = ""  # who took the payment it corrects: his figures lose it
    charged_desk: str = ""  # the desk that took it: its expected money loses it


@dataclass(frozen=True, slots=True)
class Receipts:
    """The receipt numbers of the day (every payment, void and refund takes one)."""

    first: int | None
    last: int | None
    count: int  # rows of this day (this desk)
    missing: tuple[int, ...]  # numbers in the office's range with no row: must be none
    follows_on: bool  # the first number follows the one before it (or is number 1)
    prefix: str

    def code(self, n: int) -> str:
        return format_number(self.prefix, n)

    @property
    def range_text(self) -> str:
        if self.first is None or self.last is None:
            return _("无")
        return _("{first}–{last}（{count} 张）").format(
            first=self.code(self.first), last=self.code(self.last), count=self.count
        )

    @property
    def ok(self) -> bool:
        return not self.missing and self.follows_on

    @property
    def gap_text(self) -> str:
        if self.first is None:
            return _("今日无收据")
        if self.ok:
            return _("已检查，收据号连续，无断号")
        parts = []
        if self.missing:
            shown = "、".join(self.code(n) for n in self.missing[:10])
            parts.append(
                (
                    _("缺号 {numbers} 等 {count} 个")
                    if len(self.missing) > 10
                    else _("缺号 {numbers}")
                ).format(numbers=shown, count=len(self.missing))
            )
        if not self.follows_on and self.first is not None:
            parts.append(
                _("{number} 不存在（与前一日不连续）").format(number=self.code(self.first - 1))
            )
        return _("发现断号：{problems}").format(problems="；".join(parts))


@dataclass(frozen=True)
class DayView:
    campaign_code: str
    day: dt.date
    desk: str  # "" = the whole office
    visits: int  # dossiers brought to the counter (each check counts)
    accepted: int
    returned: int
    total: Line
    by_method: tuple[Line, ...]
    by_fee: tuple[Line, ...]  # track·level
    by_cashier: tuple[Line, ...]
    by_desk: tuple[Line, ...]
    corrections: tuple[Correction, ...]
    receipts: Receipts
    closes: tuple[DayClose, ...]  # this day's closes (the office's and every desk's)
    close_code: str = ""  # the confirmed close's code (format_code), printed on the Z report

    def expected(self) -> dict[str, int]:
        """What each method should hold at the end of the day (net fen), every method listed."""
        got = {ln.key: ln.net_fen for ln in self.by_method}
        return {m.value: got.get(m.value, 0) for m in PaymentMethod}

    def close_of(self, desk: str | None = None) -> DayClose | None:
        want = self.desk if desk is None else desk
        return next((c for c in self.closes if c.desk == want), None)

    def totals(self) -> dict[str, Any]:
        """The figures kept with a closed day (the campaign chart reads them back)."""
        return {
            "visits": self.visits,
            "accepted": self.accepted,
            "returned": self.returned,
            "payments": self.total.count,
            "paid_fen": self.total.paid_fen,
            "voided_fen": self.total.voided_fen,
            "refunded_fen": self.total.refunded_fen,
            "net_fen": self.total.net_fen,
        }


def clean_desk(desk: str | None) -> str:
    return clean_desk_name(desk or "")
