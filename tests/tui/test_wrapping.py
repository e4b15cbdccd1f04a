"""Chinese wrapped by Chinese rules in toasts and dialogs at 80×24: never inside a figure with
its unit ("还有 7 / 项未核对", "差额 / -10.00 元"), never a line starting with closing
punctuation (a lone "）")."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from textual.widgets import Input

from tests.pilot import SIZE, clerk_at_counter, demo_app, press_keys, wait_until
from tests.tui.screen_walk import screen_lines
from tests.tui.test_day_dialogs import _roster
from tui.app import DeskApp
from tui.widgets.reason_note import ReasonNoteDialog
from tui.widgets.wrapping import wrap

ID = "652823198610018863"


def _shown(app: DeskApp) -> str:
    return "\n".join(line.rstrip() for line in screen_lines(app))


def test_the_rule() -> None:
    assert wrap("还有 7 项未核对（Y 齐全、N 缺），请逐项核对后再按 F9 受理", 20) == [
        "还有 7 项未核对（Y",
        "齐全、N 缺），请逐项",
        "核对后再按 F9 受理",
    ]
    assert wrap("清点现金与应有不符，差额 -10.00 元，请说明", 25)[1].startswith("-10.00 元，")
    assert wrap("一二三四五六七八（九）", 8) == ["一二三四", "五六七八", "（九）"]
    assert wrap("一二三四五六七）", 14) == ["一二三四五六", "七）"]  # no lone "）"
    assert wrap("第一行\n第二行", 40) == ["第一行", "第二行"]


async def test_the_handover_question_keeps_its_figure_with_its_unit(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _roster(app, pilot)
        await press_keys(pilot, "h")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ReasonNoteDialog))
        await pilot.pause(0.1)
        shown = _shown(app)
        assert "移交 1 份档案" in shown, shown


async def test_a_toast_keeps_its_figure_with_its_unit(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await clerk_at_counter(app, pilot)
        screen.query_one("#search", Input).value = ID
        await press_keys(pilot, "enter")
        assert await wait_until(pilot, lambda: "材料核对" in _shown(app))
        await press_keys(pilot, "f9")  # nothing judged yet
        assert await wait_until(pilot, lambda: "未核对：" in _shown(app))
        shown = _shown(app)
        assert "还有 7 项未核对" in shown, shown
