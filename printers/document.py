"""Documents as blocks, and their layout into printable lines for a paper width.

A document is made of blocks (title, text, key–value rows, table, rule, barcode, QR, ruler,
feed, cut). ``layout`` turns it into a list of operations for one printer's ``Paper`` that every
renderer (ESC/POS bytes, text preview, PNG preview) walks the same way, so the three agree line
for line. Money in rows and tables is right-aligned to the line's end, so every amount of a
document (all with two decimals) has its decimal point in one column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from printers.layout import Paper, cells, clean, pad, paper, wrap

Align = Literal["left", "center", "right"]


# ---- blocks -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Title:
    text: str
    scale: int = 2


@dataclass(frozen=True)
class Text:
    text: str
    scale: int = 1
    align: Align = "left"
    bold: bool = False


@dataclass(frozen=True)
class Rows:
    """Key–value rows: ``收据号：ZJ21F00042``; long values wrap under the value column."""

    items: tuple[tuple[str, str], ...]
    separator: str = "："


@dataclass(frozen=True)
class Table:
    headings: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[int, ...] | None = None  # relative weights; None: equal
    aligns: tuple[Align, ...] | None = None


@dataclass(frozen=True)
class Rule:
    char: str = "-"


@dataclass(frozen=True)
class Barcode:
    """Code128 of a dossier or receipt number, with the number printed under it."""

    data: str
    height: int = 64  # dots
    hri: bool = True


@dataclass(frozen=True)
class QR:
    data: str
    module: int = 4  # dots per module


@dataclass(frozen=True)
class Ruler:
    """The printer test page's rulers, laid out for the printer's own paper: ``label`` with the
    line's ``{cells}`` and ``{dots}``, the cells a line holds (a line of digits, one per cell,
    and a line of ``wide`` characters) and the dots a raster line holds (ticks every 8 dots,
    numbered every 64, the last dot marked)."""

    label: str
    wide: str


@dataclass(frozen=True)
class Signature:
    """A line to sign on, ``label`` (``清点人（签字）：``) and a rule to the paper's end, with
    room above it."""

    label: str


@dataclass(frozen=True)
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Cut:
    pass


Block = Title | Text | Rows | Table | Rule | Barcode | QR | Ruler | Signature | Feed | Cut


@dataclass
class Document:
    kind: str  # receipt, label, materials, acceptance, notice, void, tally, test
    blocks: list[Block] = field(default_factory=list)
    mark: str = ""  # 重印 2, 样张 … (``marked``): renderers that lay out on their own print it

    def add(self, *blocks: Block) -> Document:
        self.blocks.extend(blocks)
        return self


def marked(doc: Document, mark: str) -> Document:
    """``doc`` with ``【mark】`` (重印 2, 样张 …) in bold under its title and again at its end, so
    a copy or a sample is never taken for the original, whichever end of it is torn off."""
    line = Text(f"【{mark}】", align="center", bold=True)
    blocks = list(doc.blocks)
    at = next((i + 1 for i, b in enumerate(blocks) if isinstance(b, Title)), 0)
    blocks.insert(at, line)
    end = len(blocks)
    while end and isinstance(blocks[end - 1], Cut | Feed):
        end -= 1
    blocks.insert(end, line)
    return replace(doc, blocks=blocks, mark=mark)  # a subclass (a label's data) is kept


# ---- laid-out operations -------------------------------------------------------------------
@dataclass(frozen=True)
class Line:
    """One printed line. ``text`` fits ``width // scale`` cells; ``align`` is applied by the
    renderer with spaces, so every renderer centres the same way."""

    text: str
    scale: int = 1
    bold: bool = False
    align: Align = "left"


@dataclass(frozen=True)
class BarcodeOp:
    data: str
    height: int
    hri: bool


@dataclass(frozen=True)
class QrOp:
    data: str
    module: int


@dataclass(frozen=True)
class RulerOp:
    """A raster ruler as wide as the paper's dots."""

    dots: int


@dataclass(frozen=True)
class FeedOp:
    lines: int


@dataclass(frozen=True)
class CutOp:
    pass


Op = Line | BarcodeOp | QrOp | RulerOp | FeedOp | CutOp


@dataclass(frozen=True)
class Layout:
    kind: str
    width_mm: int
    cells: int
    ops: tuple[Op, ...]
    dots: int = 0  # 0: the paper width's default

    def __post_init__(self) -> None:
        if not self.dots:
            object.__setattr__(self, "dots", paper(self.width_mm).dots)

    @property
    def paper(self) -> Paper:
        return Paper(self.width_mm, self.dots, self.cells)

    def padded(self, line: Line) -> str:
        """The line's text padded to its own width (``cells // scale``)."""
        return pad(line.text, self.cells // line.scale, line.align)


def layout(doc: Document, width_mm: int | Paper) -> Layout:
    """``doc`` laid out for a paper width (its default dots and cells) or a printer's ``Paper``."""
    p = paper(width_mm)
    ops: list[Op] = []
    for block in doc.blocks:
        ops.extend(_ruler(block, p) if isinstance(block, Ruler) else _layout_block(block, p.cells))
    return Layout(kind=doc.kind, width_mm=p.width_mm, cells=p.cells, ops=tuple(ops), dots=p.dots)


def _ruler(r: Ruler, p: Paper) -> list[Op]:
    digits = "".join(str(i % 10) for i in range(1, p.cells + 1))
    tens = "".join(str(i // 10 % 10) if i % 10 == 0 else " " for i in range(1, p.cells + 1))
    return [
        *(Line(t) for t in wrap(r.label.format(cells=p.cells, dots=p.dots), p.cells)),
        Line(tens.rstrip()),
        Line(digits),
        Line(r.wide * (p.cells // max(1, cells(r.wide)))),
        RulerOp(p.dots),
    ]


def _layout_block(block: Block, width: int) -> list[Op]:
    match block:
        case Title(text, scale):
            return [Line(t, scale, True, "center") for t in wrap(text, width // scale)]
        case Text(text, scale, align, bold):
            return [Line(t, scale, bold, align) for t in wrap(text, width // scale)]
        case Rows(items, separator):
            return _rows(items, separator, width)
        case Table():
            return _table(block, width)
        case Rule(char):
            unit = cells(char) or 1
            return [Line(char * (width // unit))]
        case Signature(label):
            heads = wrap(label, width - 8)  # a rule of 8 cells at least
            rule = "_" * (width - cells(heads[-1]))
            return [FeedOp(2), *(Line(t) for t in heads[:-1]), Line(heads[-1] + rule)]
        case Barcode(data, height, hri):
            return [BarcodeOp(clean(data), height, hri)]
        case QR(data, module):
            return [QrOp(data, module)]
        case Feed(n):
            return [FeedOp(n)]
        case Cut():
            return [CutOp()]
    raise TypeError(f"unknown block {block!r}")


# An amount of money: ``￥1,520.50``, ``-20.00`` (``Money.figures`` or ``grouped``, maybe ￥).
MONEY = re.compile(r"￥?-?[0-9][0-9,]*\.[0-9]{2}")


def _rows(items: tuple[tuple[str, str], ...], separator: str, width: int) -> list[Op]:
    keys = [clean(k) + separator for k, _ in items]
    key_width = min(max((cells(k) for k in keys), default=0), width // 2)
    value_width = width - key_width
    out: list[Op] = []
    for key, (_, value) in zip(keys, items, strict=True):
        if cells(key) > key_width:  # a long key gets its own line(s)
            out.extend(Line(t) for t in wrap(key, width))
            first, rest = "", wrap(value, value_width)
            out.extend(Line(pad(first, key_width) + t) for t in rest)
            continue
        if MONEY.fullmatch(value := clean(value)):  # at the line's end: points in one column
            out.append(Line(pad(key, key_width) + pad(value, value_width, "right")))
            continue
        values = wrap(value, value_width) or [""]
        out.append(Line(pad(key, key_width) + values[0]))
        out.extend(Line(" " * key_width + v) for v in values[1:])
    return out


def _column_widths(weights: tuple[int, ...], width: int, least: list[int]) -> list[int]:
    """Widths by weight, each at least ``least`` (its heading's width: a heading never wraps)
    when the line has room for all of them; what a column gains is taken from the widest."""
    gaps = len(weights) - 1
    usable = width - gaps
    total = sum(weights)
    widths = [max(2, usable * w // total) for w in weights]
    widths[-1] += usable - sum(widths)
    if sum(least) > usable:
        return widths
    for i, need in enumerate(least):
        while widths[i] < need:
            j = max(range(len(widths)), key=lambda k: widths[k] - least[k])
            widths[j] -= 1
            widths[i] += 1
    return widths


def _table(t: Table, width: int) -> list[Op]:
    n = len(t.headings)
    least = [max(2, cells(clean(h))) for h in t.headings]
    widths = _column_widths(t.widths or (1,) * n, width, least)
    aligns = t.aligns or ("left",) * n
    out: list[Op] = []

    def emit(row: tuple[str, ...], bold: bool = False) -> None:
        cols = [wrap(cell, w) for cell, w in zip(row, widths, strict=True)]
        height = max(len(c) for c in cols)
        for i in range(height):
            parts = [
                pad(c[i] if i < len(c) else "", w, a)
                for c, w, a in zip(cols, widths, aligns, strict=True)
            ]
            out.append(Line(" ".join(parts).rstrip(), bold=bold))

    emit(t.headings, bold=True)
    out.append(Line("-" * width))
    for row in t.rows:
        if len(row) != n:
            raise ValueError(f"table row has {len(row)} cells, expected {n}")
        emit(row)
    return out
