"""The ``desk`` command's entry point: the language first, then the command.

Screens and commands translate their labels and help as they are defined, so the language is
chosen before ``tui.cli`` is imported: ``--lang`` on the command line, else ``DESK_LANG``, else
the config file's ``language`` (``--config`` or ``DESK_CONFIG``), else Chinese.
"""

from __future__ import annotations

import sys
from pathlib import Path


def _option(argv: list[str], name: str) -> str | None:
    """The value of ``--name VALUE`` or ``--name=VALUE`` before the first ``--``."""
    for i, arg in enumerate(argv):
        if arg == "--":
            return None
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def _configured_language(argv: list[str]) -> str | None:
    """The config file's ``language``; a file that cannot be read is the command's to report
    (in the language chosen without it)."""
    from models.config import load_config
    from models.errors import DomainError

    path = _option(argv, "--config")
    try:
        return load_config(Path(path) if path else None).language
    except DomainError:
        return None


def choose_language(argv: list[str]) -> str:
    from models import i18n

    flag = _option(argv, "--lang")
    try:
        return i18n.use(i18n.chosen(flag, None if flag else _configured_language(argv)))
    except i18n.UnknownLanguage as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(2) from None


def main() -> None:
    argv = sys.argv[1:]
    choose_language(argv)
    if argv == ["--version"]:  # at once: no Typer, no SQLAlchemy (the bench times it)
        from models.version import version_line

        print(version_line())
        return
    import tui.cli

    try:
        tui.cli.app()
    except Exception as exc:  # a bug outside any command (handle_errors reports those): exit 3
        from tui.cli.common import EXIT_CRASH, report_crash

        report_crash(exc)
        raise SystemExit(EXIT_CRASH) from None


if __name__ == "__main__":
    main()
