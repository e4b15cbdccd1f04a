"""What the screen shows of data that people typed or imported (names, units, what was searched,
messages that quote it): plain ``Text``, never parsed as markup (a name ``[/]`` or
``[@click=app.quit]`` is text), one line without control, bidi or zero-width characters, cut to
a width with "…". The rule is ``models.text``'s, the one the paper uses (``printers.layout``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from models.i18n import _, pgettext
from models.names import fit_name
from models.text import one_line, shorten, strip_invisible

if TYPE_CHECKING:
    from textual.widgets import Input

__all__ = ["NAME_WIDTH", "message", "name", "one_line", "plain", "scrub"]

NAME_WIDTH = 40  # a name on a status line or a card: 20 Chinese characters, then "…"


def plain(value: object, width: int | None = None, style: str = "") -> Text:
    """``value`` as one line of plain text, at most ``width`` cells wide when given."""
    text = one_line(value) if width is None else shorten(value, width)
    return Text(text, style=style, end="")


def pair(label: object, value: object) -> str:
    """``label：value`` with the language's colon (Chinese full width, English ": ")."""
    return _("{label}：{text}").format(label=label, text=value)


def short_level(level: str) -> str:
    """A level in a four-cell column: 中级, or "Int." in English."""
    short = {
        "初级": pgettext("short", "初级"),
        "中级": pgettext("short", "中级"),
        "高级": pgettext("short", "高级"),
    }
    return short.get(level, _(level))


def fee_kind(track: str, level: str) -> str:
    """A track and level as the screen shows them: 评审中级, or "Review Intermediate"."""
    return _("{track}{level}").format(track=_(track), level=_(level))


def name(value: str, width: int = NAME_WIDTH, style: str = "") -> Text:
    """A person's name: ``models.names.fit_name`` at ``width``, as plain text."""
    return Text(fit_name(value, width), style=style, end="")


def message(text: str, style: str = "") -> Text:
    """A DomainError's message (it may quote what was typed) as plain text; lines kept."""
    return Text("\n".join(one_line(line) for line in text.split("\n")), style=style, end="")


def scrub(box: Input) -> None:
    """Drop the control, bidi and zero-width characters a paste put into ``box`` (an input box
    shows its value to the terminal as it is: an ESC would be a command, U+202E would reverse
    the line). Call it from the box's ``Input.Changed``."""
    clean = strip_invisible(box.value)
    if clean != box.value:
        box.value = clean
