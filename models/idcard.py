"""Resident ID numbers (居民身份证号码, GB 11643-1999).

18 characters: 6-digit area code, 8-digit birth date, 3-digit sequence (odd = male), and an
ISO 7064 MOD 11-2 check character that may be ``X``. The check digit and birth date are
validated with python-stdnum; cleaning of what forms and spreadsheets deliver is ours.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from stdnum.cn import ric

from models.errors import InvalidInput
from models.i18n import _
from models.text import shorten, strip_invisible

_FLOAT_LIKE = re.compile(r"^\d(\.\d+)?[eE][+]?\d+$")
_ID18 = re.compile(r"[0-9]{17}[0-9X]")
_DIGIT = re.compile(r"\d")  # any script's decimal digit (Arabic-Indic ٣, Devanagari ३ …)


def _today() -> dt.date:
    return dt.date.today()


class Sex(StrEnum):
    male = "男"
    female = "女"


def clean_id_text(text: object) -> str:
    """Undo what Excel, WPS and typists do to an ID: apostrophe text marker, spaces (incl.
    U+3000), full-width digits and ``ｘ``, lower-case ``x``; digits of another script (an
    Arabic-script keyboard types ٦٥٢٨…) become ASCII digits, so an ID is only ever stored in
    ASCII."""
    s = strip_invisible(unicodedata.normalize("NFKC", str(text)))  # controls, bidi, zero-width
    s = s.strip().lstrip("'‘’`")
    s = re.sub(r"[\s\u200b\u200e\u200f\ufeff-]", "", s)
    if not s.isascii():
        s = _DIGIT.sub(lambda m: str(unicodedata.decimal(m[0])), s)
    return s.upper()


@dataclass(frozen=True, slots=True)
class ResidentId:
    number: str

    @classmethod
    def parse(cls, text: object) -> ResidentId:
        if isinstance(text, int) and abs(text) >= 10**18:  # str() refuses 4 300+ digits
            raise InvalidInput(_("身份证号位数过多，应为 18 位"), code="id.too_long")
        raw = "" if text is None else str(text)
        # the common case, a clean 18-character string, skips the cleaning
        s = (
            raw
            if (
                len(raw) == 18
                and raw.isascii()
                and raw.isalnum()
                and raw[:17].isdigit()
                and not isinstance(text, float)
            )
            else clean_id_text(raw)
        )
        if s[17:] == "x":
            s = s.upper()
        if not s:
            raise InvalidInput(_("身份证号为空"), code="id.empty")
        if _FLOAT_LIKE.match(s) or isinstance(text, float):
            raise InvalidInput(
                _(
                    "身份证号“{raw}”已被 Excel 转成数字（科学计数法），后几位已丢失，无法恢复：请在表格中把该列设为文本后重新导出"
                ).format(raw=shorten(raw, 40)),
                code="id.excel_float",
            )
        if len(s) == 15 and s.isdigit():
            raise InvalidInput(
                _("“{s}”是 15 位旧身份证号，已停止使用：请提供 18 位居民身份证号码").format(s=s),
                code="id.legacy_15",
            )
        if not _ID18.fullmatch(s):
            if len(s) < 18:
                raise InvalidInput(
                    _("身份证号“{s}”只有 {count} 位，应为 18 位").format(
                        s=shorten(s, 40), count=len(s)
                    ),
                    code="id.too_short",
                )
            if len(s) > 18:
                raise InvalidInput(
                    _("身份证号“{s}”有 {count} 位，应为 18 位").format(
                        s=shorten(s, 40), count=len(s)
                    ),
                    code="id.too_long",
                )
            raise InvalidInput(
                _("身份证号“{s}”含有非法字符：前 17 位应为数字，最后一位为数字或 X").format(
                    s=shorten(s, 40)
                ),
                code="id.bad_chars",
            )
        try:
            born: dt.date | None = dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
        except ValueError:
            born = None
        if born is None or born.year < 1900 or born > _today():
            raise InvalidInput(
                _("身份证号“{s}”中的出生日期 {s2} 不存在，请核对").format(
                    s=shorten(s, 40), s2=s[6:14]
                ),
                code="id.bad_birth_date",
            )
        # format and birth date are checked above; the check character is stdnum's
        expected = ric.calc_check_digit(s)
        if s[17] != expected:
            raise InvalidInput(
                _("身份证号“{s}”校验位不正确（最后一位应为 {expected}），请核对").format(
                    s=shorten(s, 40), expected=expected
                ),
                code="id.bad_check_digit",
            )
        return cls(s)

    @property
    def birth_date(self) -> dt.date:
        born: dt.date = ric.get_birth_date(self.number)
        return born

    @property
    def sex(self) -> Sex:
        return Sex.male if int(self.number[16]) % 2 == 1 else Sex.female

    @property
    def area_code(self) -> str:
        return self.number[:6]

    @property
    def last6(self) -> str:
        return self.number[-6:]

    def masked(self) -> str:
        """652801********1234: area code and last four, as shown to the public (PIPL)."""
        return mask_id(self.number)

    def __str__(self) -> str:
        return self.number


def mask_id(number: str) -> str:
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


_D = "0-9\uff10-\uff19"  # ASCII and full-width digits
_SEP = "[ \u3000\u00a0-]*"  # what people put between groups of digits
_ID_IN_TEXT = re.compile(
    rf"(?<![{_D}])[{_D}](?:{_SEP}[{_D}]){{16}}{_SEP}[{_D}Xx\uff38\uff58](?![{_D}Xx\uff38\uff58])"
)


def mask_ids_in(text: str) -> str:
    """Every 18-character ID number written in ``text`` (a bank memo, a note: full-width,
    spaced or with a lower-case x, as the matcher reads them) masked as on the screen:
    652801********1234. A longer run of digits (a bank card's 19) is not an ID and is kept."""

    def masked(m: re.Match[str]) -> str:
        digits = "".join(ch for ch in unicodedata.normalize("NFKC", m.group(0)) if ch.isalnum())
        return mask_id(digits.upper())

    return _ID_IN_TEXT.sub(masked, text) if text else text


def make_check_digit(first17: str) -> str:
    """Check character for 17 digits (used by demo data and tests)."""
    return str(ric.calc_check_digit(first17 + "0"))
