"""Text from outside (forms, spreadsheets, scanners, the keyboard, an old database) made safe to
store, show on screen and print. One rule for the screen and the paper:

- whitespace controls (tab, line feed, carriage return, form feed, U+001C–U+001F, NEL U+0085)
  and the line and paragraph separators U+2028/U+2029 become a space: a name is one line;
- every other control character (NUL, ESC, BEL, DEL, the C1 controls) is removed: it has no
  glyph, and on a printer or a terminal it would be taken as a command;
- format characters (Unicode category Cf) are removed: the bidi marks and overrides (LRM, RLM,
  ALM, U+202A–U+202E, the isolates U+2066–U+2069) that would reorder what follows them, the
  zero-width space, joiners and BOM, the soft hyphen;
- lone surrogates (no encoding can write them) and non-characters (U+FFFE, U+FFFF, U+FDD0 …)
  are removed;
- everything else is kept: Chinese characters outside GBK (the printer paints them), Latin
  letters, Uyghur, private-use and not-yet-assigned characters (a newer rare character).

``visible`` also composes (NFC) and drops the combining marks left over, as the printer cannot
stack them; ``one_line`` collapses spaces; ``ellipsize`` cuts to a width in cells with "…".

Widths are counted the paper's way (``cells``): a printable ASCII character is one cell,
anything else two. A terminal never draws a character wider than that, so a text that fits
this count fits the screen too.
"""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"
_WIDE = re.compile(r"[^ -~]")


def char_cells(ch: str) -> int:
    return 1 if " " <= ch <= "~" else 2


def cells(text: str) -> int:
    """``sum(char_cells(ch) for ch in text)``, counted by the regex engine."""
    return len(text) + len(_WIDE.findall(text))


def _noncharacter(ch: str) -> bool:
    cp = ord(ch)
    return 0xFDD0 <= cp <= 0xFDEF or (cp & 0xFFFE) == 0xFFFE


def strip_invisible(text: str, *, newlines: bool = False) -> str:
    """Whitespace controls and line separators → a space (``\\n`` kept with ``newlines``);
    other controls, format characters (bidi, zero-width), lone surrogates and non-characters
    removed. A text that is all printable comes back as it is (the common case, one test)."""
    if text.isprintable():
        return text
    out = []
    for ch in text:
        if ch.isprintable():
            out.append(ch)
            continue
        cat = unicodedata.category(ch)
        if cat == "Zs" or (
            ch == "\n" and newlines
        ):  # ideographic and other spaces: the callers collapse them
            out.append(ch)
        elif ch.isspace() or cat in ("Zl", "Zp"):
            out.append(" ")
        elif cat in ("Co", "Cn") and not _noncharacter(ch):
            out.append(ch)
        # Cc (not whitespace), Cf, Cs, non-characters: dropped
    return "".join(out)


def _str(value: object) -> str:
    try:
        return str(value)
    except ValueError:  # an int of 4 300+ digits: str() refuses it
        return "…"


def visible(text: object, *, newlines: bool = False) -> str:
    """What may be shown or printed: NFC, ``strip_invisible``, no leftover combining marks."""
    s = strip_invisible(_str(text), newlines=newlines)
    if s.isascii():
        return s
    s = unicodedata.normalize("NFC", s)
    if any(unicodedata.combining(ch) for ch in s):
        s = "".join(ch for ch in s if unicodedata.category(ch) not in ("Mn", "Me"))
    return s


def one_line(text: object) -> str:
    """``visible`` on one line: every run of spaces one space, none at the ends."""
    return " ".join(visible(text).split())


def ellipsize(text: str, max_cells: int) -> str:
    """``text`` if it fits ``max_cells``, else as much of it as fits with "…" after it."""
    if cells(text) <= max_cells:
        return text
    room = max_cells - cells(ELLIPSIS)
    if room < 0:
        return ""
    used = 0
    for i, ch in enumerate(text):
        used += char_cells(ch)
        if used > room:
            return text[:i].rstrip() + ELLIPSIS
    return text  # unreachable: the whole text fits


def shorten(text: object, max_cells: int) -> str:
    """One line of ``text``, safe to show or print, at most ``max_cells`` wide."""
    return ellipsize(one_line(text), max_cells)


def clean_desk_name(text: object) -> str:
    """A desk's name as the desk keeps it: NFKC, ``strip_invisible`` (a zero-width space or a
    bidi mark would make "D1" and "D1\u200b" two desks that look alike), one space between words
    and none at the ends. The database refuses a name with invisible or control characters or
    spaces at its ends (migration 0009)."""
    return " ".join(strip_invisible(unicodedata.normalize("NFKC", _str(text))).split())
