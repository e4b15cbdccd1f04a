"""Chinese text wrapped by Chinese rules on the screen (toasts, dialogs).

Textual breaks a line only at spaces, so "还有 7 项未核对，……" breaks after the 7 and a long
run of Chinese starts a line of its own ("移交 1 / 份档案给……"). Here a line may break between
any two Chinese characters, never inside a figure with its unit ("7 项", "-10.00 元", "4 份")
or an ASCII word (F9, Enter), never before closing punctuation (a lone "）" or "，" at a line's
start) and never after opening punctuation. The punctuation sets are the printed paper's
(``printers.layout``).

``wrap`` is the rule; ``Wrapped`` is a Textual visual that wraps a text by it at whatever
width it is drawn (a Static shows it: ``Static(Wrapped(text))``)."""

from __future__ import annotations

import re

from textual.content import Content
from textual.css.styles import RulesMap
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

from models.text import cells
from printers.layout import wrap_tokens

__all__ = ["Wrapped", "wrap"]

_UNITS = "元角分份项人张笔次个处天页位名批条行号岁年月日时秒"
_TOKEN = re.compile(
    rf"[-+]?\d[\d,.:：/]*%?(?: ?[{_UNITS}])?"  # a figure with its unit
    r"|[!-~]+"  # an ASCII word
    r"| +"  # spaces
    r"|."  # any other character
)


def _line_tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines at most ``width`` cells wide (a token wider than a line is cut);
    the text's own line breaks are kept."""
    width = max(width, 2)
    out: list[str] = []
    for paragraph in text.split("\n"):
        out.extend(_wrap_line(paragraph, width))
    return out


def _wrap_line(text: str, width: int) -> list[str]:
    if not text:
        return [""]
    return wrap_tokens(_line_tokens(text), width)


class Wrapped(Visual):
    """A text drawn wrapped by ``wrap`` at the width it is given."""

    def __init__(self, text: str, style: str = "") -> None:
        self.text = text
        self.style = style

    def _at(self, width: int) -> Content:
        return Content.styled("\n".join(wrap(self.text, width)), self.style)

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self._at(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return max((cells(line) for line in self.text.split("\n")), default=0)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(wrap(self.text, width))

    def __str__(self) -> str:
        return self.text

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        return selection.extract(self.text), "\n"
