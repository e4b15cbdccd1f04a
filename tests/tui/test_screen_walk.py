"""Every screen a person reaches, at 80×24, in Chinese and in English: the demo desk walked by
tests/tui/screen_walk.py in a process of its own per language (the language is chosen when a
process starts). What the terminal shows is read back line by line."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.tui.screen_walk import SCREENS

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("zh_CN", "en")
CJK = re.compile(r"[\u3400-\u9fff]")
PALETTE = {"zh_CN": "^p 命令", "en": "^p Commands"}


@functools.cache
def walked(lang: str) -> dict[str, dict[str, list[str]]]:
    got = subprocess.run(
        [sys.executable, "-m", "tests.tui.screen_walk", lang],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert got.returncode == 0, got.stderr[-3000:]
    screens: dict[str, dict[str, list[str]]] = json.loads(got.stdout.strip().splitlines()[-1])
    assert set(screens) == set(SCREENS), "the walk reached every screen"
    return screens


def footer_fault(line: str, labels: list[str], palette: str) -> str | None:
    """What is wrong with a footer line: a key cut, or text that is no key's label; None when
    every key on it is whole and Ctrl+P stands at the right."""
    keys, bar, right = line.rpartition("▏")
    if not bar or right.strip() != palette:
        return f"Ctrl+P not whole at the right: {right!r}"
    rest = keys.rstrip()
    while rest:
        whole = [x for x in labels if rest.startswith(x) and rest[len(x) : len(x) + 1] in ("", " ")]
        if not whole:
            return f"a key cut or unknown: {rest!r}"
        rest = rest[len(max(whole, key=len)) :].lstrip(" ")
    return None


def test_a_footer_line_with_a_key_cut_is_found() -> None:
    labels = ["esc 返回", "f8 打印任务"]
    assert footer_fault("esc 返回 f8 打印任务   ▏^p 命令 ", labels, "^p 命令") is None
    assert footer_fault("esc 返回 f8 打 ▏^p   令", labels, "^p 命令") is not None
    assert footer_fault("esc 返回 f8 打▏^p 命令", labels, "^p 命令") is not None


@pytest.mark.parametrize("lang", LANGS)
def test_every_footer_shows_its_keys_whole(lang: str) -> None:
    faults = {}
    for name, screen in walked(lang).items():
        lines = screen["lines"]
        assert len(lines) == 24, name
        fault = footer_fault(lines[-1], screen["keys"], PALETTE[lang])
        if fault:
            faults[name] = f"{fault}\n{lines[-1]}"
    assert not faults, "\n".join(f"{k}: {v}" for k, v in faults.items())


@pytest.mark.parametrize("lang", LANGS)
def test_the_leads_home_shows_every_f_key_it_has(lang: str) -> None:
    home = walked(lang)["home"]
    f_keys = [k for k in home["keys"] if k.startswith("f") and k.split()[0] not in ("f1", "f8")]
    assert len(f_keys) == 6  # refresh, counter, fees, day, import, paper check
    for key in f_keys:
        assert key in home["lines"][-1], key
    assert "Ctrl+L" in home["lines"][0]  # the log-out key, named on the status line


def test_english_shows_no_chinese_outside_data() -> None:
    """Names, units, the campaign and its checklist are data and stay as imported; the desk's
    own words, states and values are English."""
    screens = walked("en")
    for name, screen in screens.items():
        assert not CJK.search(screen["lines"][-1]), (name, screen["lines"][-1])
    person = screens["card"]["lines"][1]
    assert "  Female  " in person and "女" not in person, person
    roster = "\n".join(screens["roster"]["lines"])
    assert "(Unpaid)" in roster and "未缴费" not in roster, roster
    day = "\n".join(screens["day_empty"]["lines"])
    assert "None" not in day and "No receipts" in day, day
    login = screens["login"]["lines"]
    assert any("User " in line and "▊  User name" in line for line in login), login
    assert not any(re.search(r"│\s+name\s+▊", line) for line in login), login
