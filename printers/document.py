"""Documents as blocks, and their layout into printable lines for a paper width.

A document is made of blocks (title, text, key–value rows, table, rule, barcode, QR, feed,
cut). ``layout`` turns it into a list of operations that every renderer (ESC/POS bytes, text
preview, PNG preview) walks the same way, so the three agree line for line.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from printers.layout import cells, clean, pad, paper_cells, wrap

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
class Feed:
    lines: int = 1


@dataclass(frozen=True)
class Cut:
    pass


Block = Title | Text | Rows | Table | Rule | Barcode | QR | Feed | Cut


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
class FeedOp:
    lines: int


@dataclass(frozen=True)
class CutOp:
    pass


Op = Line | BarcodeOp | QrOp | FeedOp | CutOp


@dataclass(frozen=True)
class Layout:
    kind: str
    width_mm: int
    cells: int
    ops: tuple[Op, ...]

    def padded(self, line: Line) -> str:
        """The line's text padded to its own width (``cells // scale``)."""
        return pad(line.text, self.cells // line.scale, line.align)


def layout(doc: Document, width_mm: int) -> Layout:
    width = paper_cells(width_mm)
    ops: list[Op] = []
    for block in doc.blocks:
        ops.extend(_layout_block(block, width))
    return Layout(kind=doc.kind, width_mm=width_mm, cells=width, ops=tuple(ops))


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
        case Barcode(data, height, hri):
            return [BarcodeOp(clean(data), height, hri)]
        case QR(data, module):
            return [QrOp(data, module)]
        case Feed(n):
            return [FeedOp(n)]
        case Cut():
            return [CutOp()]
    raise TypeError(f"unknown block {block!r}")


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
        values = wrap(value, value_width) or [""]
        out.append(Line(pad(key, key_width) + values[0]))
        out.extend(Line(" " * key_width + v) for v in values[1:])
    return out


def _column_widths(weights: tuple[int, ...], width: int) -> list[int]:
    gaps = len(weights) - 1
    usable = width - gaps
    total = sum(weights)
    widths = [max(2, usable * w // total) for w in weights]
    widths[-1] += usable - sum(widths)
    return widths


def _table(t: Table, width: int) -> list[Op]:
    n = len(t.headings)
    widths = _column_widths(t.widths or (1,) * n, width)
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
