"""Files the desk's screens write (issue 20, defects 9 and 12): the import's report, the
reconciliation and the Z report exports are 0600 in 0700 folders; a place that cannot be
written is one red sentence on the screen, never a crash, and the import's summary is shown
whatever happens to its report."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from textual.widgets import Input

from models.idcard import make_check_digit
from tests.pilot import SIZE, demo_app, login, press_keys, settle, static_text, wait_until
from tui.screens.lead import ImportScreen, ReconcileScreen
from tui.screens.tally import DayScreen

posix_only = pytest.mark.skipif(os.name == "nt", reason="file modes mean nothing on Windows")


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _blocked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The data folder below a regular file: nothing can be written there, even by root."""
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path / "afile" / "data"))


@posix_only
async def test_an_import_from_a_read_only_folder_shows_the_summary_and_where_the_report_went(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import models.files

    data = tmp_path / "data"
    monkeypatch.setenv("DESK_DATA_DIR", str(data))
    folder = tmp_path / "ro"
    folder.mkdir()
    good = "65280119850315123"
    path = folder / "名单.csv"
    path.write_bytes(
        (
            "姓名,身份证号,工作单位,申报级别,申报类型,审核状态\r\n"
            f"新人甲,{good + make_check_digit(good)},和静县职业技术学校,中级,评审,通过形式审核\r\n"
            "新人乙,65280119850315,和静县职业技术学校,中级,评审,通过形式审核\r\n"
        ).encode("gbk")
    )
    real = models.files.write_private

    def read_only(p: Path, content: bytes | str, **kw: str) -> Path:
        if Path(p).parent == folder:  # root writes anywhere: the folder is read-only here
            raise PermissionError(errno.EACCES, "Permission denied", str(p))
        return real(p, content, **kw)

    monkeypatch.setattr(models.files, "write_private", read_only)
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await login(app, pilot, "lead", "lead123")
        await pilot.press("f2")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        screen.query_one("#import-path", Input).value = str(path)
        screen.query_one("#import-path", Input).focus()
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: "导入完成" in static_text(screen, "#import-summary"))
        summary = static_text(screen, "#import-summary")
        assert "新增 1" in summary and "未导入 1" in summary
        [report] = list((data / "reports").iterdir())
        assert "报告已改写到受理台数据文件夹" in summary and "没有写入权限" in summary
        assert _mode(report) == 0o600 and _mode(data / "reports") == 0o700
        assert list(folder.iterdir()) == [path]


@posix_only
async def test_the_reconciliation_export_is_0600_and_a_blocked_folder_is_one_sentence(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path / "data"))
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await login(app, pilot, "lead", "lead123")
        await pilot.press("f3")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReconcileScreen)
        assert await wait_until(pilot, lambda: screen.result is not None)
        await pilot.press("e")
        exports = tmp_path / "data" / "exports"
        assert await wait_until(
            pilot, lambda: exports.is_dir() and bool(list(exports.glob("*.xlsx")))
        )
        [file] = list(exports.glob("*.xlsx"))
        assert _mode(file) == 0o600 and _mode(exports) == 0o700
        _blocked(tmp_path, monkeypatch)
        await pilot.press("e")
        assert await wait_until(pilot, lambda: "无法写入" in static_text(screen, "#rec-counts"))
        assert "未保存" in static_text(screen, "#rec-counts") and app.is_running


@posix_only
async def test_the_z_report_export_is_0600_and_a_blocked_folder_is_one_sentence(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path / "data"))
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await login(app, pilot, "lead", "lead123")
        await press_keys(pilot, "f6")
        assert await wait_until(
            pilot, lambda: isinstance(app.screen, DayScreen) and app.screen.view is not None
        )
        screen = app.screen
        await pilot.press("e")
        exports = tmp_path / "data" / "exports"
        assert await wait_until(
            pilot, lambda: exports.is_dir() and bool(list(exports.glob("*.xlsx")))
        )
        [file] = list(exports.glob("*.xlsx"))
        assert _mode(file) == 0o600 and _mode(exports) == 0o700
        _blocked(tmp_path, monkeypatch)
        await pilot.press("e")
        assert await wait_until(pilot, lambda: "无法写入" in static_text(screen, "#day-problem"))
        assert app.is_running
