"""The ``desk`` command line: ``common`` holds what every command shares (the root app, options,
errors, the acting user); each other module is one command group and registers itself on the
root app when imported. Only ``root`` (the TUI with no command) imports Textual, and only when
it starts it."""

from __future__ import annotations

from tui.cli import (  # noqa: F401  (imported for their commands)
    audit,
    backup,
    bank,
    campaign,
    db,
    doctor,
    handover,
    imports,
    pay,
    printing,
    root,
    serve,
    summary,
    tally,
    users,
)
from tui.cli.common import app
from tui.cli.help import command_helps, translate_help
from tui.cli.help_words import install as install_help_words

translate_help(app)
install_help_words()

__all__ = ["app", "command_helps", "main"]


def main() -> None:
    app()
