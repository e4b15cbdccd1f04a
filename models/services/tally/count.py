"""The blind count: the cash by denomination and each other method's total, as entered."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from models.errors import InvalidInput
from models.i18n import _
from models.money import Money
from models.services.tally.records import MAX_PIECES
from models.text import shorten
from models.vocab import (
    DENOMINATIONS,
    PaymentMethod,
    denomination_label,
)

# ---------------------------------------------------------------------------------------------
# The close


@dataclass(frozen=True, slots=True)
class Count:
    """A blind count: cash pieces by denomination (fen → pieces) and the other methods' totals
    (from the POS settlement slip, the bank's statement, the QR platform's list)."""

    cash: Mapping[int, int]
    others: Mapping[str, Money] = field(default_factory=dict)

    @property
    def cash_fen(self) -> int:
        return sum(d * n for d, n in self.cash.items())

    def by_method(self) -> dict[str, int]:
        out = {m.value: 0 for m in PaymentMethod}
        out[PaymentMethod.cash.value] = self.cash_fen
        for m, amount in self.others.items():
            out[m] = amount.fen
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "cash": {str(d): int(self.cash.get(d, 0)) for d in DENOMINATIONS},
            "methods": self.by_method(),
        }


def parse_count(
    cash: Mapping[int, int | str],
    others: Mapping[str, str | Money] | None = None,
) -> Count:
    """What the counter typed → a Count, or a Chinese message naming the bad field."""
    pieces: dict[int, int] = {}
    for d in DENOMINATIONS:
        raw = cash.get(d, 0)
        if isinstance(raw, int) and not 0 <= raw <= MAX_PIECES:  # before str(): 4 300+ digits
            raise InvalidInput(
                _("{denomination}的张（枚）数应为 0–{MAX_PIECES}").format(
                    denomination=denomination_label(d), MAX_PIECES=MAX_PIECES
                ),
                code="day.bad_pieces",
            )
        text = unicodedata.normalize("NFKC", str(raw)).strip() or "0"
        # isdecimal, not isdigit: int() refuses ² and the Ethiopic ፩ that isdigit accepts
        if not text.isdecimal():
            raise InvalidInput(
                _("{denomination}的张（枚）数“{raw}”不正确：请输入整数").format(
                    denomination=denomination_label(d), raw=shorten(raw, 20)
                ),
                code="day.bad_pieces",
            )
        if len(text.lstrip("0")) > len(str(MAX_PIECES)):  # before int(): it refuses 4 300+ digits
            raise InvalidInput(
                _("{denomination} 张数过多，请核对").format(denomination=denomination_label(d)),
                code="day.bad_pieces",
            )
        n = int(text)
        if n > MAX_PIECES:
            raise InvalidInput(
                _("{denomination} {n} 张过多，请核对").format(
                    denomination=denomination_label(d), n=n
                ),
                code="day.bad_pieces",
            )
        pieces[d] = n
    unknown = set(cash) - set(DENOMINATIONS)
    if unknown:
        names = "、".join(sorted(shorten(x, 20) for x in unknown))
        raise InvalidInput(
            _("没有面额 {names}（分）").format(names=names), code="day.bad_denomination"
        )
    amounts: dict[str, Money] = {}
    for key, value in (others or {}).items():
        try:
            m = PaymentMethod(key)
        except ValueError:
            raise InvalidInput(
                _("没有收款方式“{key}”").format(key=shorten(key, 20)), code="day.bad_method"
            ) from None
        if m == PaymentMethod.cash:
            raise InvalidInput(_("现金按面额清点"), code="day.cash_by_denomination")
        amount = (
            value
            if isinstance(value, Money)
            else (Money(0) if not str(value).strip() else Money.parse(str(value)))
        )
        if amount.fen < 0:
            raise InvalidInput(_("{label}金额不能为负").format(label=m.label), code="day.negative")
        amounts[m.value] = amount
    return Count(cash=pieces, others=amounts)
