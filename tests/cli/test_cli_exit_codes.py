"""``desk``'s exit status: 0 done, 1 refused (a domain error, a failed check), 2 a usage error
(Click's), 3 a crash — an unexpected exception, one Chinese line naming the crash log, never a
traceback — and 130 interrupted. Scripts tell a refusal from a bug by the status alone."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import tui.cli.campaign
from tui import launch
from tui.cli import app

runner = CliRunner()


def test_ok_refused_and_usage() -> None:
    assert runner.invoke(app, ["campaign", "show", "000"]).exit_code == 0
    r = runner.invoke(app, ["campaign", "show", "no-such"])
    assert r.exit_code == 1 and "错误" in r.output and "Traceback" not in r.output, r.output
    r = runner.invoke(app, ["campaign", "show"])  # the code is missing
    assert r.exit_code == 2, r.output
    r = runner.invoke(app, ["tally", "show", "--no-such-option"])
    assert r.exit_code == 2, r.output


def test_a_crash_in_a_command_is_exit_3_with_the_crash_log(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(tui.cli.campaign, "open_context", broken)
    r = runner.invoke(app, ["campaign", "list"])
    assert r.exit_code == 3, r.output
    assert "程序出错" in r.output and "RuntimeError" in r.output and "Traceback" not in r.output
    where = r.output.split("详细信息已写入 ")[1].split("，")[0]
    assert Path(where).is_file() and "boom" in Path(where).read_text(encoding="utf-8")


def test_a_crash_outside_any_command_is_exit_3_too(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A bug before a command runs (in Typer, in the options) gets the same line and status."""

    def broken() -> None:
        raise RuntimeError("boom before the command")

    monkeypatch.setattr(sys, "argv", ["desk", "campaign", "list"])
    monkeypatch.setattr("tui.cli.app", broken)
    with pytest.raises(SystemExit) as exit_:
        launch.main()
    assert exit_.value.code == 3
    err = capsys.readouterr().err
    assert "程序出错" in err and "详细信息已写入" in err and "Traceback" not in err
