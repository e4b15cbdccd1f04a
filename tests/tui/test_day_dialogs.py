"""The lead's day at 80×24 on the demo office: the handover to the committee asks for the
receiver's name in words that say so."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from tests.pilot import SIZE, DeskPilot, at_fee_desk, demo_app, pay_cash, press_keys, wait_until
from tests.tui.screen_walk import screen_lines
from tui.app import DeskApp
from tui.screens.tally import DayScreen
from tui.widgets.reason_note import ReasonNoteDialog


async def _roster(app: DeskApp, pilot: DeskPilot) -> None:
    """The lead takes one fee (a dossier to hand over), opens the day and its roster (4)."""
    await at_fee_desk(app, pilot, "lead")
    await pay_cash(app, pilot, "ZJ21S00001")
    await press_keys(pilot, "escape", "f6")
    assert await wait_until(pilot, lambda: isinstance(app.screen, DayScreen))
    await press_keys(pilot, "4")
    assert await wait_until(
        pilot, lambda: isinstance(app.screen, DayScreen) and app.screen.roster is not None
    )


async def test_the_handover_asks_for_the_receivers_name(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _roster(app, pilot)
        await press_keys(pilot, "h")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ReasonNoteDialog))
        await pilot.pause(0.1)
        shown = "\n".join(screen_lines(app))
        assert "接收人姓名（必填）" in shown, shown
        assert "说明（必填）" not in shown
        await press_keys(pilot, "enter")  # nothing typed: the toast names what is missing
        assert await wait_until(
            pilot, lambda: "须填写接收人姓名" in "\n".join(screen_lines(app))
        ), "\n".join(screen_lines(app))


async def test_f9_before_the_count_says_why_on_the_screen(engine: Engine) -> None:
    """F9 on the office-wide day before a close began: the reason is on the screen (it was
    drawn under the footer), and so is the line of the view's keys."""
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await at_fee_desk(app, pilot, "lead")
        await press_keys(pilot, "escape", "f6")
        assert await wait_until(
            pilot, lambda: isinstance(app.screen, DayScreen) and app.screen.view is not None
        )
        assert "全办公室" in screen_lines(app)[0]
        await press_keys(pilot, "f9")
        shown = "\n".join(screen_lines(app))
        assert "请先 F6 开始日结、F3 清点现金，再确认" in shown, shown
        assert "←→ 换日" in shown, shown
