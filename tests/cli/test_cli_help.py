"""``desk --help`` and every group's and command's help at 80 columns, as a person sees it (the
bytes of a real process): nothing cut with "…", no ``<bool>`` after a flag, none of Typer's or
Click's English in the Chinese desk, and in each group's list one line per command (its short
first line; the rest is in the command's own help)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import typer

from tests.cli.terminal import desk_env, run_desk
from tui.cli import app

ENGLISH = (
    "Show this message",
    "Install completion",
    "Show completion",
    "Usage:",
    "Options",
    "Commands",
    "Arguments",
    "[env var",
    "[default",
    "[required]",
)
# the lead's groups (tui/cli/printing.py): their descriptions wrap, none is cut
NOT_MINE = {("print",), ("printer",)}


def _paths(command: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    for name, sub in sorted(getattr(command, "commands", {}).items()):  # a group
        yield from _paths(sub, (*path, name))


PATHS = list(_paths(typer.main.get_command(app)))


def _help(path: tuple[str, ...]) -> str:
    env = desk_env(COLUMNS="80")
    env.pop("DESK_LANG", None)
    code, out, err = run_desk([*path, "--help"], env, tty=False)
    assert code == 0, err.decode()
    return out.decode()


def _commands_panel(text: str) -> list[str]:
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if "─ 命令 " in line), None)
    if start is None:
        return []
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("╰"))
    return lines[start + 1 : end]


@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "desk")
def test_help_at_80_columns_is_whole_and_chinese(path: tuple[str, ...]) -> None:
    text = _help(path)
    assert "用法：" in text and "显示本帮助并退出。" in text, text
    assert re.search(r"(?<!…)…(?!…)", text) is None, text  # a cut, not the text's own "……"
    assert "<bool>" not in text, text
    english = [word for word in ENGLISH if word in text]
    assert english == [], (english, text)
    assert all(len(line) <= 80 for line in text.splitlines())
    if path not in NOT_MINE:
        # a row starts with the command's name; a wrapped description continues under it
        wrapped = [line for line in _commands_panel(text) if not re.match(r"^│ \S", line)]
        assert wrapped == [], text
