"""The examples-tried table of the fuzz and property tests (see tests/fuzz/support.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.fuzz.support import TRIED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TRIED:
        return
    tr = terminalreporter
    tr.section("fuzz: examples tried per property")
    width = max(len(k) for k in TRIED)
    for prop, n in sorted(TRIED.items()):
        tr.write_line(f"{prop:<{width}}  {n:>6}")
    tr.write_line(f"{'total':<{width}}  {sum(TRIED.values()):>6}")
    out = os.environ.get("FUZZ_REPORT")
    if out:
        Path(out).write_text(
            json.dumps(dict(sorted(TRIED.items())), indent=1) + "\n", encoding="utf-8"
        )
