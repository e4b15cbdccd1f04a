"""F1 at 80×24 lists the screen's keys in the desk's words, never Textual's own English
descriptions ("^c super+c Copy selected text", "Scroll Up", "Move cursor left")."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from tests.pilot import SIZE, clerk_at_counter, demo_app, press_keys, wait_until
from tests.tui.screen_walk import screen_lines
from tui.screens.intake import IntakeScreen


async def test_f1_lists_the_desks_keys_only(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await clerk_at_counter(app, pilot)  # the cursor in the search box (an Input)
        await press_keys(pilot, "f1")
        assert await wait_until(pilot, lambda: "单位批量" in "\n".join(screen_lines(app)))
        shown = "\n".join(screen_lines(app))
        for english in ("Copy selected text", "Move cursor", "Scroll", "Delete", "Submit"):
            assert english not in shown, shown
        assert "查找" in shown and "退出" in shown and "打印任务" in shown, shown
        await press_keys(pilot, "escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, IntakeScreen))
