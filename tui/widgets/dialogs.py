"""Two small dialogs several screens ask: a yes or no, and a tick of a few choices."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static

from models.i18n import _, pgettext
from tui.base import WorkerGuard
from tui.widgets.wrapping import Wrapped


class ConfirmDialog(WorkerGuard, ModalScreen[bool]):
    """A yes or no: Enter confirms, Esc cancels."""

    BINDINGS = [
        Binding("escape", "cancel", pgettext("key", "取消")),
        Binding("enter", "confirm", pgettext("key", "确定"), priority=True),
    ]

    def __init__(self, question: str, help_text: str) -> None:
        super().__init__()
        self.question = question
        self.help_text = help_text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Wrapped(self.question), classes="dialog-title")
            yield Static(self.help_text, classes="dialog-help")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class PickDialog(WorkerGuard, ModalScreen[list[str] | None]):
    """Tick some of a few choices (label, value, ticked): space toggles, Enter gives the values
    ticked, Esc cancels (None)."""

    BINDINGS = [
        Binding("escape", "cancel", pgettext("key", "取消")),
        Binding("enter", "confirm", pgettext("key", "确定"), priority=True),
    ]

    def __init__(self, title: str, choices: list[tuple[str, str, bool]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Wrapped(self.title_text), classes="dialog-title")
            yield SelectionList[str](*self.choices, id="pick")
            yield Static(_("空格 勾选/取消 · Enter 确定 · Esc 取消"), classes="dialog-help")

    def action_confirm(self) -> None:
        self.dismiss(list(self.query_one("#pick", SelectionList).selected))

    def action_cancel(self) -> None:
        self.dismiss(None)
