"""The desk in English, end to end: the demo desk started with ``--lang en`` in a process of its
own (tests/tui/english_desk.py) at 80×24. Its keys, titles and messages are English; what stays
Chinese is data (names, units, the campaign's title and checklist, the platform's grades)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff]")


def _run(lang: str) -> dict[str, dict[str, list[str]]]:
    got = subprocess.run(
        [sys.executable, "-m", "tests.tui.english_desk", lang],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert got.returncode == 0, got.stderr[-3000:]
    words: dict[str, dict[str, list[str]]] = json.loads(got.stdout.strip().splitlines()[-1])
    return words


def test_the_desk_in_english() -> None:
    screens = _run("en")
    for name, words in screens.items():
        for key in words["keys"]:  # every key's label, on every screen
            assert not CJK.search(key), (name, key)
    login = screens["login"]["texts"]
    assert "Professional title review: paper intake and fee desk" in login
    assert any("Clerk: clerk / clerk123" in t for t in login)
    home = "\n".join(screens["home"]["texts"])
    assert "passed formal review online" in home
    assert "Review Intermediate: CNY 380.00" in home  # a track and level are data, shown in English
    assert set(screens["home"]["keys"]) >= {"Log out", "Intake"}
    card = "\n".join(screens["card"]["texts"])
    assert "Online: Passed formal review" in card and "items · " in card
    assert {"Accept", "Return"} <= set(screens["card"]["keys"])
    assert any("awaiting payment" in t for t in screens["fees"]["texts"])


def test_the_same_desk_in_chinese() -> None:
    screens = _run("zh_CN")
    assert "受理台" in screens["home"]["keys"] and "受理" in screens["card"]["keys"]
    assert "评审中级：380.00 元" in "\n".join(screens["home"]["texts"])
