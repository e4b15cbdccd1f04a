"""Each command's help in the desk's language: the joined docstring is its message id."""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from typing import Any

import typer

from models.i18n import _

# A docstring's line break between two Chinese characters is no space: Click joins the lines
# of a paragraph with one ("收取时的审计 记录比对"), so the help is joined here first. The joined
# docstring is the command's message id: its help is shown in the desk's language.
_CJK_BREAK = re.compile(r"(?<=[^\x00-\x7f])[ \t]*\n[ \t]*(?=[^\x00-\x7f\n])")
_HELP_ID = "__desk_help_msgid__"


def _commands(typer_app: typer.Typer) -> Iterator[Callable[..., Any]]:
    for command in typer_app.registered_commands:
        if command.callback is not None:
            yield command.callback
    if typer_app.registered_callback is not None and typer_app.registered_callback.callback:
        yield typer_app.registered_callback.callback
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            yield from _commands(group.typer_instance)


def translate_help(typer_app: typer.Typer) -> None:
    for fn in _commands(typer_app):
        msgid = getattr(fn, _HELP_ID, None)
        if msgid is None and fn.__doc__:
            msgid = _CJK_BREAK.sub("", inspect.cleandoc(fn.__doc__))
            setattr(fn, _HELP_ID, msgid)
        if msgid:
            fn.__doc__ = _(msgid)


def command_helps(typer_app: typer.Typer) -> Iterator[tuple[str, str]]:
    """(message id, module) of every command's help: what ``scripts/i18n.py`` extracts."""
    for fn in _commands(typer_app):
        msgid = getattr(fn, _HELP_ID, None)
        if msgid:
            yield msgid, fn.__module__.replace(".", "/") + ".py"
