"""Widths in printer cells and wrapping.

On an ESC/POS printer in Chinese mode every character sent as two or more bytes (everything
outside ASCII: Han characters, full-width punctuation, the middle dot ·) prints as a 24-dot
double-width glyph; ASCII prints 12 dots wide in font A. So a cell is 12 dots and a character
is 1 cell if it is printable ASCII, else 2. 58 mm paper = 384 dots = 32 cells; 80 mm = 576
dots = 48 cells. The same rule drives the text and PNG previews, so they match the paper.
"""

from __future__ import annotations

import re

from models.i18n import _
from models.names import fit_name
from models.text import cells, char_cells, visible

__all__ = [
    "DOTS_PER_CELL",
    "PAPER_DOTS",
    "cells",
    "char_cells",
    "clean",
    "fit_name",
    "pad",
    "paper_cells",
    "wrap",
]

DOTS_PER_CELL = 12
PAPER_DOTS = {58: 384, 80: 576}

# Characters a line must not start with (closing punctuation), or end with (opening).
_NO_START = set("，。、：；！？）》」』】〕…—·,.;:!?)]}%’”")
_NO_END = set("（《「『【〔([{‘“￥")


def paper_cells(width_mm: int) -> int:
    try:
        return PAPER_DOTS[width_mm] // DOTS_PER_CELL
    except KeyError:
        raise ValueError(
            _("纸宽应为 58 或 80 毫米，而不是 {width_mm}").format(width_mm=width_mm)
        ) from None


def clean(text: str) -> str:
    """What may be printed (``models.text.visible``, the screen's rule too): NFC, no control,
    bidi, zero-width or combining characters; tabs, line feeds and line separators become a
    space; ``¥`` (U+00A5, garbage on GBK printers) becomes ``￥``. Names are printed through
    ``fit_name`` (one line, at most ``NAME_CELLS`` wide)."""
    return visible(text).replace("¥", "￥")


def pad(text: str, width: int, align: str = "left") -> str:
    gap = max(0, width - cells(text))
    if align == "right":
        return " " * gap + text
    if align == "center":
        left = gap // 2
        return " " * left + text + " " * (gap - left)
    return text + " " * gap


def _tokens(text: str) -> list[str]:
    """Break opportunities: an ASCII word (with its trailing spaces) stays whole; every other
    character is its own token."""
    return re.findall(r"[!-~]+ *| +|[^ -~]", text)


def wrap(text: str, width: int) -> list[str]:
    """Wrap to ``width`` cells. Breaks between CJK characters or at spaces; keeps closing
    punctuation off the start of a line; splits an ASCII word only when it is longer than a
    line. Never drops a character: ``"".join`` of the result (spaces aside) is the input."""
    if width < 2:
        raise ValueError("width must be at least 2 cells")
    text = clean(text)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, width))
    return lines


def _wrap_paragraph(text: str, width: int) -> list[str]:
    if not text:
        return [""]
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        while cells(token.rstrip()) > width:  # a word longer than a line: split it
            room = width - cells(line)
            if room <= 0:
                lines.append(line.rstrip())
                line, room = "", width
            head, token = _split_at(token, room)
            line += head
            lines.append(line.rstrip())
            line = ""
        if cells(line + token.rstrip()) <= width:
            line += token
            continue
        # token does not fit: move it to the next line, keeping punctuation rules
        if token[0] in _NO_START and line and cells(line) >= 2 and len(line.rstrip()) > 1:
            carry = line.rstrip()[-1]
            line = line.rstrip()[:-1]
            lines.append(line.rstrip())
            line = carry + token
        elif line and line.rstrip() and line.rstrip()[-1] in _NO_END and len(line.rstrip()) > 1:
            carry = line.rstrip()[-1]
            lines.append(line.rstrip()[:-1].rstrip())
            line = carry + token
        else:
            lines.append(line.rstrip())
            line = token.lstrip() if not token.strip() else token
    lines.append(line.rstrip())
    return lines


def _split_at(token: str, room: int) -> tuple[str, str]:
    used = 0
    for i, ch in enumerate(token):
        if used + char_cells(ch) > room:
            return token[:i], token[i:]
        used += char_cells(ch)
    return token, ""
