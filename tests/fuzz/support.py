"""Shared by the fuzz and property tests: hostile text, the "clear error" check, and a counter of
the examples each property tried (printed as a table at the end of the run; with
``FUZZ_REPORT=path.json`` also written there, for docs/reliability.md)."""

from __future__ import annotations

import re
from collections import Counter

from hypothesis import strategies as st

from models.errors import DomainError
from models.text import strip_invisible

TRIED: Counter[str] = Counter()


def tried(prop: str) -> None:
    """Count one example of ``prop`` (call it first thing in the property's body)."""
    TRIED[prop] += 1


# Characters that have broken text handling somewhere: controls (NUL, ESC, DEL, C1), line and
# paragraph separators, bidi marks and overrides, zero-width characters, a lone surrogate,
# non-characters, the last code point, Rich/Textual markup, digits of other scripts (Arabic-Indic,
# Devanagari, Ethiopic ፩ that isdigit() accepts and int() refuses, superscript ²), full-width forms.
NASTY = [
    "\x00",
    "\x07",
    "\x08",
    "\t",
    "\n",
    "\r",
    "\x1b",
    "\x1b@",
    "\x1dV\x00",
    "\x1c",
    "\x7f",
    "\x85",
    "\x9b",
    "\u2028",
    "\u2029",
    "\u200b",
    "\u200d",
    "\u200e",
    "\u200f",
    "\u202a",
    "\u202e",
    "\u2066",
    "\u2069",
    "\u061c",
    "\ufeff",
    "\u00ad",
    "\ud800",
    "\udfff",
    "\ufffe",
    "\uffff",
    "\U0010ffff",
    "\ufffd",
    "[",
    "]",
    "[/]",
    "[bold]",
    "[@click=app.quit]",
    "\\",
    "'",
    '"',
    "٣",
    "३",
    "፩",
    "²",
    "①",
    "０",
    "９",
    "Ｘ",
    "ｘ",
    "x",
    "X",
    "-",
    ".",
    ",",
    " ",
    "\u3000",
    "·",
    "•",
    "元",
    "￥",
    "¥",
    "e",
    "E",
    "+",
    "%",
    "\u0301",
    "\u20dd",
    "䶮",
    "𠇔",
    "😀",
    "阿",
    "Z",
]


def hostile_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Any text (every category but surrogates) mixed with the characters above."""
    pieces = st.one_of(st.characters(), st.sampled_from(NASTY))
    return st.lists(pieces, max_size=max_size).map("".join)


_CJK = re.compile(r"[\u4e00-\u9fff]")
_CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")
MESSAGE_MAX = 500


def assert_clear(exc: BaseException, *, echo_checked: bool = True) -> None:
    """A DomainError with a dotted code and a Chinese message; with ``echo_checked`` the message
    is also short and has no control, bidi or zero-width character (input quoted in it was
    cleaned and shortened)."""
    assert isinstance(exc, DomainError), f"{type(exc).__name__}: {exc}"
    assert _CODE.fullmatch(exc.code), exc.code
    assert _CJK.search(exc.message), exc.message
    if echo_checked:
        assert len(exc.message) <= MESSAGE_MAX, len(exc.message)
        bad = [ch for ch in exc.message if strip_invisible(ch, newlines=True) != ch]
        assert not bad, f"{exc.code}: {[hex(ord(c)) for c in bad]} in {exc.message!r}"
