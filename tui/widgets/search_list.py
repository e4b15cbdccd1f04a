"""The one search list: a box that takes a scan or what is typed, a line saying what happened,
and the list of what was found. The intake counter's search and the fee desk's queue are both
one; the screen says what a query means (``Submitted``) and what a line opens (``Opened``)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static

from tui import plain
from tui.widgets.columns import Column, fill


class SearchList(Vertical):
    """The box (``box_id``), the line below it (``how_id``) and the list (``list_id``), each
    keeping the id the desk's styles and tests know."""

    class Submitted(Message):
        """Enter in the box: what was typed or scanned, stripped ("" for nothing)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class Opened(Message):
        """Enter on a line of the list: its key."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(
        self,
        *,
        placeholder: str,
        columns: Sequence[Column],
        box_id: str,
        how_id: str,
        list_id: str,
        how: str = "",
    ) -> None:
        super().__init__()
        self.placeholder = placeholder
        self.columns = list(columns)
        self.box_id, self.how_id, self.list_id = box_id, how_id, list_id
        self.how_text = how

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.placeholder, id=self.box_id)
        yield Static(self.how_text, id=self.how_id)
        yield DataTable(id=self.list_id, cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        fill(self.table, self.columns, [])

    def show(self, rows: Sequence[tuple[str | None, Sequence[object]]]) -> None:
        """The list's rows (key, cells), its columns sized to them (``tui.widgets.columns``)."""
        fill(self.table, self.columns, rows)

    @property
    def box(self) -> Input:
        return self.query_one(f"#{self.box_id}", Input)

    @property
    def table(self) -> DataTable[object]:
        return self.query_one(f"#{self.list_id}", DataTable)

    def say(self, text: str | Text) -> None:
        """Put a line under the box."""
        self.query_one(f"#{self.how_id}", Static).update(text)

    def focus_box(self) -> None:
        """To the box, with what is in it selected (typing replaces it)."""
        box = self.box
        box.focus()
        box.select_all()

    def clear_box(self) -> None:
        """An empty box, focused: for the next scan."""
        box = self.box
        box.value = ""
        box.focus()

    def focus_list(self) -> None:
        """To the list's first line."""
        table = self.table
        table.focus()
        table.move_cursor(row=0)

    @on(Input.Changed)
    def _scrub(self, event: Input.Changed) -> None:
        plain.scrub(event.input)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(event.value.strip()))

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value is not None:
            self.post_message(self.Opened(event.row_key.value))
