"""F1: the keys of the screen, in the desk's words. Textual's own help panel lists its widgets'
English bindings too ("^c super+c Copy selected text", "Scroll Up", "Move cursor left"); this one
lists only the keys the desk defines (the screen's, its widgets', the app's), each once, with the
keys that do the same thing together."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from models.i18n import _, pgettext

__all__ = ["KeysHelp", "desk_keys"]


def _defined_by_desk(node: DOMNode) -> set[tuple[str, str]]:
    """(action, description) of the bindings the desk's own classes declare for ``node``."""
    own: set[tuple[str, str]] = set()
    for cls in type(node).__mro__:
        if cls.__module__.startswith("tui."):
            for b in cls.__dict__.get("BINDINGS", []):
                if isinstance(b, Binding) and b.description:
                    own.add((b.action, b.description))
    return own


def desk_keys(screen: Screen[Any]) -> list[tuple[str, str]]:
    """(keys, what they do) of the screen's active bindings that the desk defines."""
    app = screen.app
    rows: dict[tuple[str, str], list[str]] = {}
    known: dict[int, set[tuple[str, str]]] = {}
    for node, binding, _enabled, _tooltip in screen.active_bindings.values():
        own = known.setdefault(id(node), _defined_by_desk(node))
        what = (binding.action, binding.description)
        if what in own:
            shown = app.get_key_display(binding)
            keys = rows.setdefault(what, [])
            if shown not in keys:
                keys.append(shown)
    return [(" ".join(keys), description) for (_action, description), keys in rows.items()]


class KeysHelp(ModalScreen[None]):
    """The keys of the screen it was opened on; Esc or F1 closes it."""

    BINDINGS = [
        Binding("escape", "close", pgettext("key", "关闭")),
        Binding("f1", "close", pgettext("key", "关闭"), show=False),
    ]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, pad_edge=False, padding=(0, 1))
        table.add_column(justify="right", style="bold", no_wrap=True)
        table.add_column()
        for keys, description in self.keys:
            table.add_row(keys, Text(description))
        with Vertical(classes="dialog"):
            yield Static(_("本屏幕的快捷键"), classes="dialog-title")
            with VerticalScroll(classes="dialog-body"):
                yield Static(table, id="help-keys")
            yield Static(_("Esc 或 F1 关闭 · Ctrl+P 列出全部命令"), classes="dialog-help")

    def action_close(self) -> None:
        self.dismiss(None)
