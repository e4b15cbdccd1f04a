"""The lead's screens at 80×24: import with progress, the result and the report; cancel leaves
nothing; paper-against-online lists and export; a clerk has neither."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select
from textual import events
from textual.widgets import DataTable, Input

from models.db import session_scope
from models.idcard import make_check_digit
from models.online import OnlineRecord
from tests.files import rows_csv
from tests.pilot import SIZE, demo_app, login, settle, static_text, wait_until
from tui.screens.home import HomeScreen
from tui.screens.lead import ImportScreen, ReconcileScreen


def _records(engine: Engine) -> int:
    with session_scope(engine, readonly=True) as s:
        return int(s.exec(select(func.count()).select_from(OnlineRecord)).one())


async def test_import_shows_every_row_accounted_for(engine: Engine, tmp_path: Path) -> None:
    good = "65280119850315123"
    path = tmp_path / "名单.csv"
    path.write_bytes(
        (
            "姓名,身份证号,工作单位,申报级别,申报类型,审核状态\r\n"
            f"新人甲,{good + make_check_digit(good)},和静县职业技术学校,中级,评审,通过形式审核\r\n"
            "新人乙,65280119850315,和静县职业技术学校,中级,评审,通过形式审核\r\n"
        ).encode("gbk")
    )
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await login(app, pilot, "lead", "lead123")
        before = _records(engine)
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
        assert "第 3 行 新人乙：身份证号“65280119850315”只有 14 位" in summary
        assert "报告：" in summary and list(tmp_path.glob("名单-未导入行-*.xlsx"))
        assert _records(engine) == before + 1
        await pilot.press("escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_cancel_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    path = rows_csv(tmp_path / "big.csv", 30_000)
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await login(app, pilot, "lead", "lead123")
        before = _records(engine)
        await pilot.press("f2")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        screen.query_one("#import-path", Input).value = str(path)
        screen.query_one("#import-path", Input).focus()
        # keys as a person sends them, without waiting for the import (pilot.press would)
        app.post_message(events.Key("enter", None))
        assert await wait_until(pilot, lambda: screen.running)
        app.post_message(events.Key("escape", None))  # change one's mind while it runs
        assert await wait_until(pilot, lambda: not screen.running, timeout=30)
        assert "导入已取消，没有写入任何内容" in static_text(screen, "#import-summary")
        assert _records(engine) == before
        assert isinstance(app.screen, ImportScreen)  # Esc while running cancels, not leaves


async def test_reconcile_lists_and_export(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path))
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await login(app, pilot, "lead", "lead123")
        await pilot.press("f3")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ReconcileScreen)
        assert await wait_until(pilot, lambda: screen.result is not None)
        table = screen.query_one("#rec-table", DataTable)
        result = screen.result
        assert result is not None
        counts = result.counts()
        assert table.row_count == counts["no_paper"] > 0
        assert f"1 未报送 {counts['no_paper']}" in static_text(screen, "#rec-counts")
        await pilot.press("4")
        await pilot.pause(0.1)  # letters and digits wait out the scan gap (tui.app.SCAN_GAP)
        assert table.row_count == counts["paid"]
        assert "已缴费" in static_text(screen, "#status-line")
        await pilot.press("e")
        assert await wait_until(pilot, lambda: bool(list((tmp_path / "exports").glob("*.xlsx"))))
        assert table.region.right <= SIZE[0]


async def test_a_clerk_has_neither_screen(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await login(app, pilot, "clerk", "clerk123")
        await pilot.press("f2", "f3")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
