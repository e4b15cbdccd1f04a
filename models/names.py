"""Person names normalised for display and for matching.

Names from Xinjiang join parts with a middle dot (阿依古丽·买买提) that arrives as ``·`` ``•``
``・`` ``.`` ``‧`` ``･`` ``●`` or not at all; half- and full-width forms are mixed; forms add
stray spaces. ``display_name`` keeps one canonical dot; ``name_key`` drops every separator so
all variants meet; ``pinyin_keys`` gives the full pinyin and the initials for search.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from models.text import shorten, strip_invisible

CANONICAL_DOT = "·"  # U+00B7, the form GB 18030 and the ID card use
_DOTS = "·•・.‧･●∙⋅﹒．ㆍ\u2027\u30fb\uff65"
_D = re.escape(_DOTS)
_DOT_RE = re.compile(f"\\s*[{_D}](?:[\\s{_D}]*[{_D}])?\\s*")  # a run of dots, spaces between
_SPACE_RE = re.compile(r"\s+")


def display_name(text: str) -> str:
    """The name as it should be stored and printed: NFKC, no control or invisible characters,
    one canonical middle dot between parts, single spaces only inside Latin names."""
    s = strip_invisible(unicodedata.normalize("NFKC", text))
    s = _DOT_RE.sub(CANONICAL_DOT, s.strip())
    s = s.strip(CANONICAL_DOT)
    # Spaces between CJK characters are typing noise (张 三, 姓　名); keep them between Latin words.
    if " " in s or not s.isprintable():
        s = _CJK_SPACE_RE.sub("", s)
    s = _SPACE_RE.sub(" ", s)
    # a character removed may let a combining mark meet its letter ("A\x1b\u0300", or NFKC's
    # "¯" → " ̄"): compose again, so that the stored name gives the same key when typed back
    return s if s.isascii() else unicodedata.normalize("NFKC", s)


_CJK_SPACE_RE = re.compile(r"(?<=[^\x00-\x7f])\s+|\s+(?=[^\x00-\x7f])")

# A name on screen or paper: at most this many cells (30 Chinese characters, 60 Latin letters;
# the import refuses a name longer than 60 characters). Longer is cut with "…".
NAME_CELLS = 60


def fit_name(text: str, max_cells: int = NAME_CELLS) -> str:
    """A name as the screen and the paper show it: one line, no control, bidi or zero-width
    character (``models.text.visible``), at most ``max_cells`` wide with "…" when cut."""
    return shorten(text, max_cells)


def name_key(text: str) -> str:
    """The matching key: every dot and space removed, case folded.

    ``阿依古丽·买买提``, ``阿依古丽•买买提``, ``阿依古丽.买买提`` and ``阿依古丽买买提`` share one key."""
    return key_of_display(display_name(text))


_KEY_DROP = re.compile(rf"[\s{re.escape(CANONICAL_DOT)}]")


def key_of_display(shown: str) -> str:
    """``name_key`` of a name already passed through ``display_name``."""
    return _KEY_DROP.sub("", shown).casefold()


@dataclass(frozen=True, slots=True)
class PinyinKeys:
    full: str  # "ayiguli maimaiti" without separators: "ayigulimaimaiti"
    initials: str  # "ayglmmt"


# Surnames whose reading differs from the character's common one (单 shàn, not dān). pypinyin
# reads a name as ordinary text; for the family name the surname reading is the right one.
_SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "查": "zha",
    "仇": "qiu",
    "区": "ou",
    "朴": "piao",
    "覃": "qin",
    "盖": "ge",
    "乐": "yue",
    "缪": "miao",
    "翟": "zhai",
    "秘": "bi",
    "召": "shao",
    "员": "yun",
    "种": "chong",
    "重": "chong",
    "过": "guo",
    "宓": "mi",
    "隗": "wei",
    "冼": "xian",
    "尉": "yu",
    "繁": "po",
    "蕃": "pi",
    "句": "gou",
    "沈": "shen",
    "华": "hua",
    "任": "ren",
}


def pinyin_of_text(text: str, **options: Any) -> list[str]:
    """pypinyin's ``lazy_pinyin``, imported the first time it is needed: its dictionaries are
    ~58 MB, which a desk that has not yet searched or imported does not hold."""
    from pypinyin import lazy_pinyin  # here, on purpose: laziness is the point

    syllables: list[str] = lazy_pinyin(text, **options)
    return syllables


@lru_cache(maxsize=1 << 16)
def _reading(ch: str) -> str:
    """One character's pinyin without tones (pypinyin's most common reading); a character
    without a reading (Latin, digits) is kept, lower-cased."""

    def keep(chars: str) -> list[str]:
        return list(chars.lower())

    syllables: list[str] = pinyin_of_text(ch, errors=keep)
    return "".join(syllables)


def pinyin_keys(text: str) -> PinyinKeys:
    """Pinyin of the name for search, full and initials. Read character by character (cached:
    an import of 100 000 names reads each distinct character once), the first one as a surname."""
    return pinyin_of_key(name_key(text))


def pinyin_of_key(key: str) -> PinyinKeys:
    """``pinyin_keys`` of a name key (``name_key``) already computed."""
    readings = [_reading(ch) for ch in key]
    if key and key[0] in _SURNAME_READINGS:
        readings[0] = _SURNAME_READINGS[key[0]]
    return PinyinKeys(full="".join(readings), initials="".join(r[:1] for r in readings))
