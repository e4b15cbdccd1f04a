"""Money as integer fen (分). Never a float.

The capitals (大写) follow 《会计基础工作规范》 as implemented by cn2an's ``rmb`` mode:
380 → 叁佰捌拾元整, 0.50 → 伍角, 1 520.50 → 壹仟伍佰贰拾元伍角, 100.05 → 壹佰元零伍分.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from models.errors import InvalidInput
from models.i18n import _
from models.text import shorten

_AMOUNT = re.compile(r"(?P<sign>-)?(?P<yuan>\d+)(?:\.(?P<frac>\d{1,2}))?")
# A typed amount above 一千万元 is a slip of the keyboard (a review fee is a few hundred yuan,
# a unit's transfer for all its applicants some tens of thousands); the amount columns are
# 32-bit integers of fen, which end at 21 474 836.47 yuan.
MAX_YUAN = 10_000_000


@dataclass(frozen=True, order=True, slots=True)
class Money:
    """An amount of renminbi in fen. ``Money(38000)`` is 380.00 yuan."""

    fen: int

    def __post_init__(self) -> None:
        if not isinstance(self.fen, int) or isinstance(self.fen, bool):
            raise TypeError("Money holds an int number of fen")

    @classmethod
    def yuan(cls, yuan: int) -> Money:
        return cls(yuan * 100)

    @classmethod
    def parse(cls, text: str | int | Decimal) -> Money:
        """Parse what a person types: ``380``, ``380.5``, ``1,520.50``, ``１５２０．５０``, ``￥380``.

        Rejects more than two decimals, letters, floats' exponent forms, empty input and amounts
        beyond ``MAX_YUAN`` with a Chinese message.
        """
        if isinstance(text, bool):
            raise InvalidInput(_("金额格式不正确"), code="money.invalid")
        if isinstance(text, int):
            if abs(text) > MAX_YUAN:  # not quoted: str() refuses an int of 4 300+ digits
                raise InvalidInput(
                    _("金额过大：超过 {MAX_YUAN} 元，请核对").format(MAX_YUAN=MAX_YUAN),
                    code="money.too_large",
                )
            return cls.yuan(text)
        if isinstance(text, Decimal):
            text = format(text, "f")
        raw = unicodedata.normalize("NFKC", str(text)).strip()
        cleaned = raw.replace(",", "").replace(" ", "").replace("¥", "").replace("￥", "")
        cleaned = cleaned.removesuffix("元")
        if not cleaned:
            raise InvalidInput(_("请输入金额"), code="money.empty")
        m = _AMOUNT.fullmatch(cleaned)
        if m is None:
            raise InvalidInput(
                _("金额“{raw}”格式不正确：请输入数字，最多两位小数，如 380 或 1520.50").format(
                    raw=shorten(raw, 40)
                ),
                code="money.invalid",
            )
        yuan = m["yuan"].lstrip("0") or "0"
        # the length first: int() refuses a string of 4 300+ digits
        fen = (
            int(yuan) * 100 + int((m["frac"] or "").ljust(2, "0"))
            if len(yuan) <= len(str(MAX_YUAN))
            else None
        )
        if fen is None or fen > MAX_YUAN * 100:
            raise InvalidInput(
                _("金额“{raw}”过大：超过 {MAX_YUAN} 元，请核对").format(
                    raw=shorten(raw, 40), MAX_YUAN=MAX_YUAN
                ),
                code="money.too_large",
            )
        return cls(-fen if m["sign"] else fen)

    def to_decimal(self) -> Decimal:
        return (Decimal(self.fen) / 100).quantize(Decimal("0.01"))

    def figures(self) -> str:
        """``1520.50`` with two decimals, no grouping (as on a receipt next to ￥)."""
        sign = "-" if self.fen < 0 else ""
        whole, part = divmod(abs(self.fen), 100)
        return f"{sign}{whole}.{part:02d}"

    def grouped(self) -> str:
        """``1,520.50`` for tables."""
        sign = "-" if self.fen < 0 else ""
        whole, part = divmod(abs(self.fen), 100)
        return f"{sign}{whole:,}.{part:02d}"

    def capitals(self) -> str:
        """Chinese financial capitals: 叁佰捌拾元整. Negative amounts are prefixed 负."""
        import cn2an  # lazily: 0.1 s of import, wanted only by a receipt's capitals

        try:
            text = cn2an.an2cn(self.figures().lstrip("-"), "rmb")
        except (ValueError, InvalidOperation) as exc:  # cn2an rejects amounts beyond its range
            raise InvalidInput(_("金额过大，无法转换为大写"), code="money.too_large") from exc
        return ("负" if self.fen < 0 else "") + str(text)

    def __add__(self, other: Money) -> Money:
        return Money(self.fen + other.fen)

    def __sub__(self, other: Money) -> Money:
        return Money(self.fen - other.fen)

    def __neg__(self) -> Money:
        return Money(-self.fen)

    def __bool__(self) -> bool:
        return self.fen != 0

    def __str__(self) -> str:
        return f"￥{self.figures()}"
