"""日结 through Pilot at 80×24 on the demo office: the cashier takes a fee, begins the close of
the desk (the fee desk then refuses), counts the cash blind and sees the comparison only after
recording it; the lead sees the day (the receipt check says it found no gap), confirms the desk's
close and the day is locked; a count 10 yuan short needs a note before the lead can confirm."""

from __future__ import annotations

import io

from rich.console import Console
from sqlalchemy.engine import Engine
from sqlmodel import select
from textual.dom import DOMNode
from textual.widgets import Input, Static

from models.backup import automatic_backups
from models.config import data_dir
from models.db import is_sqlite, session_scope
from models.tally import DayClose
from tests.pilot import (
    SIZE,
    DeskPilot,
    at_fee_desk,
    demo_app,
    fee_screen,
    login,
    pay_cash,
    press_keys,
    queued_codes,
    scan,
    settle,
    wait_until,
)
from tui.app import DeskApp
from tui.screens.home import HomeScreen
from tui.screens.tally import CountScreen, DayScreen
from tui.widgets.dialogs import ConfirmDialog
from tui.widgets.reason_note import ReasonNoteDialog


def _text(screen: DOMNode, selector: str) -> str:
    """What the widget shows, as plain text (tables and groups included)."""
    content = screen.query_one(selector, Static).content
    if isinstance(content, str):
        return content
    console = Console(width=80, file=io.StringIO(), record=True)
    console.print(content)
    return console.export_text()


def _closes(engine: Engine) -> list[DayClose]:
    with session_scope(engine, readonly=True) as s:
        return list(s.exec(select(DayClose)))


async def _home(app: DeskApp, pilot: DeskPilot) -> None:
    while not isinstance(app.screen, HomeScreen):
        await press_keys(pilot, "escape")
        await pilot.pause()


async def _count(app: DeskApp, pilot: DeskPilot, pieces: dict[int, str]) -> CountScreen:
    await press_keys(pilot, "f6")
    assert await wait_until(
        pilot, lambda: isinstance(app.screen, CountScreen) and app.screen.day is not None
    )
    screen = app.screen
    assert isinstance(screen, CountScreen)
    assert "尚未开始日结" in _text(screen, "#count-state")
    assert screen.query_one("#p-10000", Input).disabled  # nothing to type before the close
    await press_keys(pilot, "f6")  # begin: asked first (the desk then stops taking fees)
    assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
    await press_keys(pilot, "enter")
    assert await wait_until(pilot, lambda: screen.state == "closing")
    assert app.focused is screen.query_one("#p-10000", Input)
    for fen, n in pieces.items():
        screen.query_one(f"#p-{fen}", Input).value = n
    await pilot.pause()
    assert "应有" not in _text(screen, "#count-result")  # blind until recorded
    await press_keys(pilot, "f9")
    assert await wait_until(pilot, lambda: "清点已记录" in _text(screen, "#count-result")), _text(
        screen, "#count-problem"
    )
    return screen


async def test_cashier_counts_blind_and_the_lead_locks_the_day(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await at_fee_desk(app, pilot)
        codes = queued_codes(engine)
        await pay_cash(app, pilot, codes[0])
        await _home(app, pilot)
        count = await _count(app, pilot, {10000: "3", 5000: "1", 2000: "1", 1000: "1"})
        assert "清点现金合计 380.00 元" in _text(count, "#count-cash")
        result = _text(count, "#count-result")
        assert "无差额" in result and "请负责人确认日结" in result
        assert await wait_until(
            pilot, lambda: "已清点，待负责人确认" in _text(count, "#status-line")
        )
        (close,) = _closes(engine)
        assert (close.desk, close.status, close.counted["methods"]["cash"]) == (
            "1号窗口",
            "counted",
            38000,
        )
        # the fee desk of a desk that is closing takes no money
        await _home(app, pilot)
        await press_keys(pilot, "f7")
        scan(app, codes[1])
        fee = await fee_screen(app, pilot)
        await press_keys(pilot, "enter")
        assert await wait_until(pilot, lambda: "日结" in _text(fee, "#fee-state")), _text(
            fee, "#fee-state"
        )

        await _home(app, pilot)
        await press_keys(pilot, "ctrl+l")
        await settle(app, pilot)
        await login(app, pilot, "lead", "lead123")
        await press_keys(pilot, "f6")
        assert await wait_until(
            pilot, lambda: isinstance(app.screen, DayScreen) and app.screen.view is not None
        )
        day = app.screen
        assert isinstance(day, DayScreen)
        assert "无断号" in _text(day, "#day-head") and "净额 380.00 元" in _text(day, "#day-head")
        assert "1号窗口：已清点，待负责人确认" in _text(day, "#day-close")
        await press_keys(pilot, "d")  # the desk
        assert await wait_until(pilot, lambda: day.view is not None and day.view.desk == "1号窗口")
        await press_keys(pilot, "f9")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ReasonNoteDialog))
        await press_keys(pilot, "enter")
        assert await wait_until(pilot, lambda: "已日结（锁定）" in _text(day, "#status-line"))
        assert [c.status for c in _closes(engine)] == ["closed"]
        if is_sqlite(engine):  # the confirmed day backed up by the same worker, after the commit
            assert await wait_until(
                pilot, lambda: len(automatic_backups(data_dir() / "backups")) == 1
            )
        await press_keys(pilot, "2")  # the charts draw
        await pilot.pause()
        assert day.query_one("#chart-day").region.height > 3


async def test_a_short_count_needs_a_note_before_the_lead_confirms(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await at_fee_desk(app, pilot, "lead")
        await pay_cash(app, pilot, queued_codes(engine)[0])
        await _home(app, pilot)
        await press_keys(pilot, "f6")
        assert await wait_until(
            pilot, lambda: isinstance(app.screen, DayScreen) and app.screen.view is not None
        )
        day = app.screen
        assert isinstance(day, DayScreen)
        await press_keys(pilot, "f3")  # the office-wide count
        assert await wait_until(
            pilot, lambda: isinstance(app.screen, CountScreen) and app.screen.day is not None
        )
        count = app.screen
        assert isinstance(count, CountScreen)
        await press_keys(pilot, "f6")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await press_keys(pilot, "enter")
        assert await wait_until(pilot, lambda: count.state == "closing")
        count.query_one("#p-10000", Input).value = "3"
        count.query_one("#p-5000", Input).value = "1"
        count.query_one("#p-2000", Input).value = "1"  # 370: ten short
        await press_keys(pilot, "f9")
        assert await wait_until(pilot, lambda: "有差额" in _text(count, "#count-result"))
        assert "-10.00" in _text(count, "#count-result")
        await press_keys(pilot, "escape")
        assert await wait_until(pilot, lambda: app.screen is day)
        assert await wait_until(pilot, lambda: "已清点" in _text(day, "#status-line"))
        await press_keys(pilot, "f9")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ReasonNoteDialog))
        await press_keys(pilot, "enter")  # no note: refused on the spot
        assert isinstance(app.screen, ReasonNoteDialog)
        app.screen.query_one("#note", Input).value = "找零多找 10 元，收费员已补齐"
        await press_keys(pilot, "enter")
        assert await wait_until(pilot, lambda: "已日结（锁定）" in _text(day, "#status-line"))
        (close,) = _closes(engine)
        assert close.difference_fen == -1000 and close.note.startswith("找零多找")
