"""退回补正's confirmation: the deficiencies the one-time notice will list."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from models.i18n import _, pgettext
from tui import plain
from tui.base import WorkerGuard


class ConfirmReturnScreen(WorkerGuard, ModalScreen[bool]):
    """The deficiencies the notice will list; Enter prints it, Esc goes back to the checklist."""

    BINDINGS = [
        Binding("escape", "cancel", pgettext("key", "取消")),
        Binding("enter", "confirm", pgettext("key", "打印告知单"), priority=True),
    ]

    def __init__(self, name: str, found: list[dict[str, str]]) -> None:
        super().__init__()
        self.person_name = name
        self.found = found

    def compose(self) -> ComposeResult:
        lines = [f"{i}. {d['item']}：{d['problem']}" for i, d in enumerate(self.found, start=1)]
        with Vertical(classes="dialog"):
            yield Static(
                Text.assemble(
                    _("退回补正："),
                    plain.name(self.person_name),
                    _(" 共 {count} 处").format(count=len(self.found)),
                ),
                classes="dialog-title",
            )
            with VerticalScroll(classes="dialog-body"):
                yield Static(Text("\n".join(lines)))
            yield Static(
                _("一次性告知：以上内容将打印在同一张告知单上。Enter 打印并退回 · Esc 返回核对"),
                classes="dialog-help",
            )

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
