"""Lists whose columns are sized to what they hold: a name column as wide as its longest name
(阿依古丽·叶尔兰 whole, not 阿依古丽·叶…), the other columns as wide as their content, and when
the row is wider than the screen the least useful columns give room first (the paper state before
the application), a name last; the unit, last in the row, runs past the right edge instead. What is cut is cut with "…".

``fit`` is the plain rule (tested without Textual); ``fill`` sets a DataTable's columns and rows
by it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text

from models.names import fit_name
from models.text import cells, one_line, shorten

if TYPE_CHECKING:  # the rule itself needs no Textual (the day's tables use it)
    from textual.widgets import DataTable

__all__ = ["NAME_MOST", "Column", "fill", "fit", "room_of"]

PAD = 2  # a DataTable cell's padding, one cell each side
NAME_MOST = 40  # a name is never drawn wider: 20 Chinese characters, then "…" (tui.plain)


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its label, the widest it is drawn (``most``, its content's width when that
    is narrower), the narrowest it may be cut to (``least``), and ``gives``: when the row is
    too wide, the column with the highest ``gives`` is cut first (0: a name, cut last).
    ``name``: its cells are people's names (cut by ``models.names.fit_name``). ``spills``: the
    last column, which runs past the right edge rather than take room (the list scrolls)."""

    label: str
    most: int
    least: int = 4
    gives: int = 1
    name: bool = False
    spills: bool = False


def _width(value: object) -> int:
    return cells(value.plain if isinstance(value, Text) else one_line(value))


def fit(columns: Sequence[Column], rows: Sequence[Sequence[object]], room: int) -> list[int]:
    """Each column's width: its content's (or its label's, when wider), at most ``most``; then,
    while the row (each column plus its padding) is wider than ``room``, the columns that
    give first are cut, each down to ``least``, a name last. A row still too wide scrolls (and
    a column that ``spills`` is left whole past the right edge)."""
    widths = []
    for i, c in enumerate(columns):
        content = max((_width(r[i]) for r in rows if i < len(r)), default=0)
        widths.append(min(max(content, cells(c.label)), c.most))
    excess = sum(w + PAD for w, c in zip(widths, columns, strict=True) if not c.spills) - room
    for i in sorted(range(len(columns)), key=lambda i: -columns[i].gives):
        if columns[i].spills:
            continue
        if excess <= 0:
            break
        least = min(columns[i].least, widths[i])
        cut = min(excess, widths[i] - least)
        widths[i] -= cut
        excess -= cut
    return widths


def room_of(table: DataTable[object]) -> int:
    """The cells a table's rows have: its width less the vertical scrollbar's."""
    width = table.size.width or table.app.size.width
    return width - table.styles.scrollbar_size_vertical


def _cut(value: object, width: int, name: bool) -> Text | str:
    if isinstance(value, Text):
        if value.cell_len <= width:
            return value
        cut = value.copy()
        cut.truncate(width, overflow="ellipsis")
        return cut
    if name:
        return Text(fit_name(str(value), width), end="")
    return Text(shorten(value, width), end="")


def fill(
    table: DataTable[object],
    columns: Sequence[Column],
    rows: Sequence[tuple[str | None, Sequence[object]]],
) -> list[int]:
    """Clear ``table``, then its columns sized by ``fit`` to the rows (key, cells) and the
    rows, each cell cut to its column. Returns the widths."""
    widths = fit(columns, [cells_ for _key, cells_ in rows], room_of(table))
    table.clear(columns=True)
    for c, w in zip(columns, widths, strict=True):
        table.add_column(c.label, width=w)
    for key, row in rows:
        table.add_row(
            *(_cut(v, w, c.name) for v, w, c in zip(row, widths, columns, strict=False)), key=key
        )
    return widths
