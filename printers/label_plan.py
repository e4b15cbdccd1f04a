"""The envelope label laid out in millimetres for die-cut label stock (TSPL and ZPL printers).

A label printer prints on a label of known size (60×40 mm …), not on a roll that grows with its
content. The plan places every item in millimetres inside the printable area and converts to
dots for the stock's resolution, so 203 and 300 dpi print the same label. Each line of text is
fitted: its size shrinks down to a floor, then it wraps (the name at its parts, never inside a
character), and a line that still does not fit ends with "…" — except the name and the number,
which are never cut (the plan refuses a stock too small for them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from models.i18n import _
from printers.data import DossierData, local
from printers.errors import PrinterError
from printers.fonts import FontRef
from printers.graphics import QUIET_MODULES, code128_modules
from printers.layout import clean, wrap
from printers.script_runs import length

SIZES = ("40x30", "50x30", "60x40", "70x50", "100x70")
Mark = Literal["gap", "black", "continuous"]


@dataclass(frozen=True)
class LabelStock:
    """The label printer's paper and how it is driven (``[printers.label]``)."""

    width_mm: float = 60
    height_mm: float = 40
    mark: Mark = "gap"
    gap_mm: float = 2.0  # the gap, or the black mark's height
    dpi: int = 203
    direction: int = 1  # TSPL DIRECTION / ZPL ^PO: 1 prints the label as read out of the printer
    density: int = 8  # darkness, 0–15
    speed: int = 4  # inches per second
    copies: int = 1
    margin_mm: float = 2.0

    @property
    def dots_per_mm(self) -> float:
        return self.dpi / 25.4

    def dots(self, mm: float) -> int:
        return round(mm * self.dots_per_mm)

    @property
    def width_dots(self) -> int:
        return self.dots(self.width_mm)

    @property
    def height_dots(self) -> int:
        return self.dots(self.height_mm)


def parse_size(text: str) -> tuple[float, float]:
    """``"60x40"`` → (60.0, 40.0) millimetres; any W×H from 20 to 120 mm."""
    w, sep, h = text.lower().replace("×", "x").replace("*", "x").partition("x")
    try:
        width, height = float(w), float(h)
    except ValueError:
        width = height = 0.0
    if not sep or not (20 <= width <= 120 and 15 <= height <= 120):
        raise PrinterError(
            _("标签尺寸“{size}”无法识别：应为 宽x高（毫米），如 60x40；常用 {sizes}").format(
                size=text, sizes="、".join(SIZES)
            ),
            code="printer.label_size",
        )
    return width, height


@dataclass(frozen=True)
class TextBox:
    """One line of text: its top-left corner and cap height in dots, and its width as drawn."""

    x: int
    y: int
    height: int
    width: int
    text: str
    bold: bool = False


@dataclass(frozen=True)
class BarcodeBox:
    """A Code128 barcode: the bars' left edge (quiet zones lie outside it, inside the label)."""

    x: int
    y: int
    height: int
    module: int
    data: str

    @property
    def width(self) -> int:
        return len(code128_modules(self.data)) * self.module


@dataclass(frozen=True)
class LabelPlan:
    stock: LabelStock
    texts: tuple[TextBox, ...]
    barcode: BarcodeBox

    @property
    def items(self) -> tuple[TextBox | BarcodeBox, ...]:
        return (*self.texts, self.barcode)


def text_width(font: FontRef, text: str, height: int) -> int:
    """Dots ``text`` takes drawn at ``height`` dots with the desk's CJK font."""
    return round(length(text, font, max(6, height)))  # each script in a font that has it


def plan_label(d: DossierData, stock: LabelStock, font: FontRef, mark: str = "") -> LabelPlan:
    """Where everything on the envelope label goes, for this stock: the roomy layout, else a
    compact one (smaller floors, tighter lines, the unit on one line) on small labels; a label
    too small even for that is refused with what to do. ``mark`` (重印 2, 样张) leads the last
    line, so a copy is never taken for the original."""
    try:
        return _attempt(d, stock, font, mark, compact=False)
    except _NoFit:
        pass
    try:
        return _attempt(d, stock, font, mark, compact=True)
    except _NoFit as nofit:
        if nofit.text:
            message = _("“{text}”在 {w:g} 毫米宽的标签上放不下：请换用更大的标签").format(
                text=nofit.text, w=stock.width_mm
            )
        else:
            message = _("标签 {w:g}×{h:g} 毫米放不下档案 {code} 的内容：请换用更大的标签").format(
                w=stock.width_mm, h=stock.height_mm, code=d.dossier_code
            )
        raise PrinterError(message, code="printer.label_too_small") from None


class _NoFit(Exception):
    """This layout does not fit: ``text`` is the line that cannot (empty: the label's height)."""

    def __init__(self, text: str = "") -> None:
        super().__init__(text)
        self.text = text


def _attempt(
    d: DossierData, stock: LabelStock, font: FontRef, mark: str, *, compact: bool
) -> LabelPlan:
    a = d.applicant
    margin = stock.dots(stock.margin_mm * (0.75 if compact else 1))
    left, room = margin, stock.width_dots - 2 * margin
    bottom = stock.height_dots - margin
    # sizes scale with the label: a 60×40 label is the reference
    k = min(stock.width_mm / 60, stock.height_mm / 40)
    spacing = 1.1 if compact else 1.2
    floor = 0.85 if compact else 1.0
    y = margin
    texts: list[TextBox] = []

    def put(text: str, mm: float, floor_mm: float, *, keep: bool = False, lines: int = 1) -> None:
        nonlocal y
        fitted = _fit(
            font, clean(text), stock, mm * k, floor_mm * floor, room, keep=keep, lines=lines
        )
        for line, h in fitted:
            texts.append(TextBox(left, y, h, text_width(font, line, h), line))
            y += round(h * spacing)

    put(d.dossier_code, 5.0, 3.0, keep=True)
    module = _module(d.dossier_code, stock.width_dots, stock)
    bar_h = stock.dots(max(4.0 if compact else 5.0, 8.0 * k))
    bars = len(code128_modules(d.dossier_code)) * module
    barcode = BarcodeBox((stock.width_dots - bars) // 2, y, bar_h, module, d.dossier_code)
    y += bar_h + stock.dots(0.6 if compact else 1.0)
    put(a.name, 4.0, 2.5, keep=True, lines=2)
    put("·".join(p for p in (a.track, a.level, a.specialty) if p), 3.0, 2.2, lines=1)
    put(a.unit, 3.0, 2.2, lines=1 if compact else 2)
    flag = f"【{mark}】" if mark else ""
    put(f"{flag}{local(d.accepted_at, d.office.timezone)[:10]}  {d.clerk}", 2.6, 2.2)
    if y - round(texts[-1].height * (spacing - 1)) > bottom:
        raise _NoFit()
    return LabelPlan(stock, tuple(texts), barcode)


def _module(data: str, room: int, stock: LabelStock) -> int:
    """The widest module (dots per narrow bar, ≤ 0.375 mm) whose barcode with its quiet zones
    fits inside the label (the quiet zones may lie in the margins: they are blank)."""
    n = len(code128_modules(data)) + 2 * QUIET_MODULES
    best = min(room // n, max(2, stock.dots(0.375)))
    if best < 2:
        raise PrinterError(
            _(
                "编号“{code}”的条码在 {w:g} 毫米宽的标签上放不下：请缩短编号前缀或换用更宽的标签"
            ).format(code=data, w=stock.width_mm),
            code="printer.barcode_too_wide",
        )
    return best


def _fit(
    font: FontRef,
    text: str,
    stock: LabelStock,
    mm: float,
    floor_mm: float,
    room: int,
    *,
    keep: bool,
    lines: int,
) -> list[tuple[str, int]]:
    """(line, height in dots) for ``text``: the largest size from ``mm`` down to ``floor_mm``
    at which it fits ``room`` dots in one line; else wrapped into ``lines`` lines at the floor;
    else (``keep`` false) the last line ends with "…"; a kept text that cannot fit: _NoFit."""
    size = max(mm, floor_mm)
    while size >= floor_mm:
        h = stock.dots(size)
        if text_width(font, text, h) <= room:
            return [(text, h)]
        size -= 0.25
    h = stock.dots(floor_mm)
    if keep:  # a name: broken at its parts (spaces, ·), a part only where it must
        wrapped = _wrap_parts(font, text, h, room)
    else:
        per_em = max(1, room // max(1, text_width(font, "中", h)))
        wrapped = _wrap_dots(font, text, h, room, per_em)
    if len(wrapped) <= lines:
        return [(line, h) for line in wrapped]
    if keep:
        raise _NoFit(text)
    head = wrapped[: lines - 1]
    last = "".join(wrapped[lines - 1 :])
    while last and text_width(font, last + "…", h) > room:
        last = last[:-1]
    return [(line, h) for line in (*head, last + "…")]


def _wrap_parts(font: FontRef, text: str, h: int, room: int) -> list[str]:
    """A name's lines: whole parts ("阿卜杜热合曼·", "ئەخمەتجان ") as long as they fit; a part
    wider than a line is split between characters (never inside one)."""
    parts = re.findall(r"[^\s·•]+[\s·•]*|[\s·•]+", text)
    lines: list[str] = []
    line = ""
    for part in parts:
        if text_width(font, (line + part).rstrip(), h) <= room:
            line += part
            continue
        if line:
            lines.append(line.rstrip())
            line = ""
        while text_width(font, part.rstrip(), h) > room:
            cut = len(part)
            while cut > 1 and text_width(font, part[:cut], h) > room:
                cut -= 1
            lines.append(part[:cut])
            part = part[cut:]
        line = part
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _wrap_dots(font: FontRef, text: str, h: int, room: int, per_em: int) -> list[str]:
    """Wrap by the shared rules (closing punctuation never starts a line, ASCII words kept
    whole), starting from a cell estimate and narrowing until every line fits in dots."""
    width = max(2, per_em * 2)
    while True:
        out = wrap(text, width)
        if width <= 2 or all(text_width(font, line, h) <= room for line in out):
            return out
        width -= 1
