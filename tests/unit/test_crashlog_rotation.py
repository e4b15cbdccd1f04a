"""Issue 25 item 7: the error log rotates, size-capped (one file at most LOG_MAX_BYTES, five
older ones kept), every file its owner's only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tui.work import crashlog


def _crash(n: int) -> BaseException:
    try:
        raise RuntimeError(f"crash number {n:04d} " + "x" * 300)
    except RuntimeError as exc:
        return exc


def test_the_log_rotates_and_its_size_is_capped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(crashlog, "LOG_MAX_BYTES", 4000)
    for n in range(200):  # about 160 KB of entries
        where = crashlog.log_crash(_crash(n), "test")
    logs = tmp_path / "logs"
    assert where == logs / "desk-errors.log"
    names = sorted(p.name for p in logs.iterdir())
    assert names == ["desk-errors.log", *(f"desk-errors.log.{n}" for n in range(1, 6))], names
    sizes = [p.stat().st_size for p in logs.iterdir()]
    assert max(sizes) <= 4000 and sum(sizes) <= 6 * 4000, sizes
    assert "crash number 0199" in where.read_text(encoding="utf-8")
    assert "crash number 0000" not in "".join(p.read_text(encoding="utf-8") for p in logs.iterdir())
    if os.name != "nt":
        assert {p.stat().st_mode & 0o777 for p in logs.iterdir()} == {0o600}
    # the support bundle's view: the newest lines, the newest last
    assert "crash number 0199" in "\n".join(crashlog.recent_lines(40))


def test_an_entry_larger_than_a_file_is_cut_to_fit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(crashlog, "LOG_MAX_BYTES", 2000)
    try:
        raise ValueError("身份证 " * 2000 + "THE END")
    except ValueError as exc:
        where = crashlog.log_crash(exc)
    text = where.read_text(encoding="utf-8")
    assert len(text.encode("utf-8")) <= 2000 and "THE END" in text and "[…]" in text
