"""The desk's footer: the screen's keys, each shown whole or not at all.

Textual's ``Footer`` lays every shown binding out in a row and lets the last ones run under the
Ctrl+P key docked at the right ("f3 纸质核", "f8 打 ▏^p   令", "Commandsr" at 80 columns). This
one measures each key as the terminal shows it and keeps, in priority order (the screen's own
keys first, then the desk's: quit, help, the print queue), only those that fit beside Ctrl+P;
the others stay one Ctrl+P away (the command palette lists every key of the screen)."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from models.text import cells

__all__ = ["DeskFooter", "fitting"]


def key_width(key_display: str, description: str) -> int:
    """Cells a compact footer key takes: ``key description`` and its right margin."""
    return cells(key_display) + (1 + cells(description) if description else 0) + 1


def fitting(keys: Iterable[tuple[str, str]], width: int) -> list[int]:
    """The indexes of the (key display, description) pairs shown in ``width`` cells, in order:
    each one whole, the first ones first; a key that does not fit is left out (a shorter one
    after it may still fit)."""
    shown: list[int] = []
    used = 0
    for i, (display, description) in enumerate(keys):
        w = key_width(display, description)
        if used + w <= width:
            shown.append(i)
            used += w
    return shown


class DeskFooter(Footer):
    """A compact footer that never cuts a key (see the module's note)."""

    def __init__(self) -> None:
        super().__init__(compact=True)
        self._laid_out_for = 0

    def on_resize(self, event: Resize) -> None:
        if self._bindings_ready and event.size.width != self._laid_out_for:
            self.call_after_refresh(self.recompose)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        app = self.app
        active = self.screen.active_bindings
        own: list[tuple[Binding, bool, str]] = []
        desk: list[tuple[Binding, bool, str]] = []
        seen: set[str] = set()
        for key, (node, binding, enabled, tooltip) in active.items():
            if key == app.COMMAND_PALETTE_BINDING or not binding.show:
                continue
            if binding.action in seen:
                continue
            seen.add(binding.action)
            (desk if node is app else own).append((binding, enabled, tooltip))
        palette: FooterKey | None = None
        width = self._laid_out_for = self.size.width or app.size.width
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            found = active.get(app.COMMAND_PALETTE_BINDING)
            if found is not None:
                _node, binding, enabled, tooltip = found
                palette = FooterKey(
                    binding.key,
                    app.get_key_display(binding),
                    binding.description,
                    binding.action,
                    classes="-command-palette",
                    disabled=not enabled,
                    tooltip=binding.tooltip or binding.description,
                )
                # its left border, "^p 命令" and its right padding
                width -= key_width(app.get_key_display(binding), binding.description) + 1
        keep = fitting(((app.get_key_display(b), b.description) for b, _e, _t in own), width)
        ordered = own
        if len(keep) == len(own):  # then the desk's keys (quit, help, the print queue)
            ordered = own + desk
            keep = fitting(
                ((app.get_key_display(b), b.description) for b, _e, _t in ordered), width
            )
        for i in keep:
            binding, enabled, tooltip = ordered[i]
            yield FooterKey(
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        if palette is not None:
            yield palette
