"""The paper's geometry, widths in printer cells, and wrapping.

On an ESC/POS printer in Chinese mode every character sent as two or more bytes (everything
outside ASCII: Han characters, full-width punctuation, the middle dot ·) prints as a
double-width glyph; ASCII prints one cell wide in font A. So a character is 1 cell if it is
printable ASCII, else 2. How many cells a line holds and how many dots a raster line holds are
the printer's: 58 mm paper is 384 dots and 32 cells, 80 mm 576 dots and 48 cells (203 dpi,
12-dot cells), and an Epson TM-T81/T82 China model prints 80 mm at 512 dots and 42 cells
(180 dpi). ``Paper`` carries the three; the same rule drives the text and PNG previews, so they
match the paper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from models.i18n import _
from models.names import fit_name
from models.text import cells, char_cells, visible

__all__ = [
    "DOTS_PER_CELL",
    "PAPER_DOTS",
    "Paper",
    "cells",
    "char_cells",
    "clean",
    "fit_name",
    "pad",
    "paper",
    "paper_cells",
    "wrap",
    "wrap_tokens",
]

DOTS_PER_CELL = 12
PAPER_DOTS = {58: 384, 80: 576}

# Characters a line must not start with (closing punctuation), or end with (opening).
NO_START = _NO_START = set("，。、：；！？）》」』】〕…—·,.;:!?)]}%’”")
_NO_END = set("（《「『【〔([{‘“￥")


# The dots a raster line may hold on each paper (multiples of 8), and the fewest cells a line
# may hold (the key–value rows need 24); a cell is at least 8 dots.
DOTS_RANGE = {58: (256, 448), 80: (384, 640)}
MIN_CELLS = 24
MIN_CELL_DOTS = 8


@dataclass(frozen=True)
class Paper:
    """A receipt printer's line: its paper width, the dots a raster line holds (``GS v 0`` and
    image mode are this wide) and the cells a text line holds (the layout wraps at it)."""

    width_mm: int = 80
    dots: int = 576
    cells: int = 48

    @property
    def cell_dots(self) -> int:
        """Dots a cell takes when a line is painted (raster lines, image mode, previews)."""
        return self.dots // self.cells


def paper_cells(width_mm: int) -> int:
    """The default cells of a paper width (12-dot cells at 203 dpi)."""
    return paper(width_mm).cells


def paper(width_mm: int | Paper, dots: int | None = None, cells: int | None = None) -> Paper:
    """The paper of ``width_mm`` with ``dots`` and ``cells`` (each defaulting from the width:
    58 → 384/32, 80 → 576/48), checked; a bad value raises ``ValueError`` with a Chinese
    message naming the setting."""
    if isinstance(width_mm, Paper):
        return width_mm
    if width_mm not in PAPER_DOTS or isinstance(width_mm, bool):
        raise ValueError(_("纸宽应为 58 或 80 毫米，而不是 {width_mm}").format(width_mm=width_mm))
    dots = PAPER_DOTS[width_mm] if dots is None else dots
    low, high = DOTS_RANGE[width_mm]
    if not _whole(dots) or dots % 8 or not low <= dots <= high:
        raise ValueError(
            _(
                "dots（每行点数）应为 8 的倍数，{width_mm} 毫米纸在 {low}–{high} 之间，"
                "而不是 {dots}"
            ).format(width_mm=width_mm, low=low, high=high, dots=dots)
        )
    cells = dots // DOTS_PER_CELL if cells is None else cells
    most = dots // MIN_CELL_DOTS
    if not _whole(cells) or not MIN_CELLS <= cells <= most:
        raise ValueError(
            _(
                "cells（每行字符格数）应在 {least}–{most} 之间（{dots} 点一行，每格至少 "
                "{cell_dots} 点），而不是 {cells}"
            ).format(least=MIN_CELLS, most=most, dots=dots, cell_dots=MIN_CELL_DOTS, cells=cells)
        )
    return Paper(width_mm, dots, cells)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


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


# An amount in capitals (``（叁佰捌拾元整）``, ``人民币壹仟贰佰元整``) is one token: never split.
_CAPITALS = "零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整"
_TOKEN = re.compile(
    rf"[（(]?(?:人民币|负)*[{_CAPITALS}]{{2,}}[）)]?"  # an amount in capitals, with its brackets
    r"|[!-~]+ *| +|[^ -~]"  # an ASCII word with its trailing spaces, spaces, any other character
)


def _tokens(text: str) -> list[str]:
    """Break opportunities: an ASCII word (with its trailing spaces) and an amount in capitals
    stay whole; every other character is its own token."""
    return _TOKEN.findall(text)


def wrap(text: str, width: int) -> list[str]:
    """Wrap to ``width`` cells. Breaks between CJK characters or at spaces; keeps closing
    punctuation off the start of a line and opening punctuation off its end (carrying back as
    many tokens as a run of them needs); splits an ASCII word or an amount in capitals only when
    it is longer than a line. Never drops a character: ``"".join`` of the result (spaces aside)
    is the input."""
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
    return wrap_tokens(_tokens(text), width)


def wrap_tokens(tokens: list[str], width: int) -> list[str]:
    """Lines of at most ``width`` cells from ``tokens`` (the break opportunities; a token
    longer than a line is split), by the rules of ``wrap``. The screen's wrapping
    (``tui.widgets.wrapping``) fills its lines here with tokens of its own."""
    lines: list[str] = []
    line: list[str] = []  # the tokens of the line being filled
    for token in tokens:
        while cells(token.rstrip()) > width:  # longer than a line: split it
            room = width - cells("".join(line))
            if room <= 0:
                lines.append("".join(line).rstrip())
                line, room = [], width
            head, token = _split_at(token, room)
            lines.append(("".join(line) + head).rstrip())
            line = []
        if cells("".join(line) + token.rstrip()) <= width:
            line.append(token)
            continue
        if not token.strip():  # spaces at a break vanish
            lines.append("".join(line).rstrip())
            line = []
            continue
        k = _carried(line, token, width)
        lines.append("".join(line[: len(line) - k]).rstrip())
        line = [*line[len(line) - k :], token]
    lines.append("".join(line).rstrip())
    return lines


def _carried(line: list[str], token: str, width: int) -> int:
    """How many of ``line``'s last tokens go down with ``token`` so that the next line does not
    start with closing punctuation nor this one end with opening punctuation (a run of them is
    carried whole). 0 when no carrying fits."""
    k = 0
    while k < len(line) - 1:
        moved = "".join(line[len(line) - k :]) + token
        kept = "".join(line[: len(line) - k]).rstrip()
        if moved.lstrip()[:1] not in NO_START and kept[-1:] not in _NO_END:
            break
        k += 1
        if not line[len(line) - k].strip():  # never carry spaces to a line's start
            continue
    moved = "".join(line[len(line) - k :]) + token
    return k if cells(moved.rstrip()) <= width else 0


def _split_at(token: str, room: int) -> tuple[str, str]:
    used = 0
    for i, ch in enumerate(token):
        if used + char_cells(ch) > room:
            return token[:i], token[i:]
        used += char_cells(ch)
    return token, ""
