"""Shell completion for ``desk`` (Typer's): the script a shell installs, and what it completes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

DESK = Path(sys.executable).with_name("desk.exe" if os.name == "nt" else "desk")


def _run(*args: str, **env: str) -> str:
    if not DESK.exists():
        pytest.fail(f"{DESK} is missing: the project is not installed in this environment")
    got = subprocess.run(
        [str(DESK), *args], capture_output=True, text=True, timeout=60, env={**os.environ, **env}
    )
    assert got.returncode == 0, got.stderr
    return got.stdout


def test_the_bash_completion_script_calls_desk_back() -> None:
    script = _run("--show-completion", "bash")
    assert "complete -o default -F _desk_completion desk" in script
    assert "_DESK_COMPLETE=complete_bash" in script


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("desk ro", "1", {"roster"}),
        ("desk tally ", "2", {"show", "begin", "close", "cancel", "export", "print"}),
        ("desk d", "1", {"db", "doctor"}),
    ],
)
def test_bash_completes_commands_and_subcommands(
    words: str, cword: str, expected: set[str]
) -> None:
    got = set(_run(COMP_WORDS=words, COMP_CWORD=cword, _DESK_COMPLETE="complete_bash").split())
    assert expected <= got, got
