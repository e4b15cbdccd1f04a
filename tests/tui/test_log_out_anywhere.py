"""Ctrl+L logs out (another person takes over the desk) from every screen, not only home: from a
half-judged card and from an open fee, at 80×24 on the demo office; nothing is written."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from textual.widgets import Input

from tests.pilot import (
    SIZE,
    all_payments,
    at_fee_desk,
    card_screen,
    clerk_at_counter,
    demo_app,
    fee_screen,
    press_keys,
    scan,
    signed_in,
    wait_until,
)
from tui.screens.accounts.login import LoginScreen

ID = "652823198610018863"


async def test_ctrl_l_from_a_half_judged_card(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen = await clerk_at_counter(app, pilot)
        screen.query_one("#search", Input).value = ID
        await press_keys(pilot, "enter")
        await card_screen(app, pilot)
        await press_keys(pilot, "y", "y")  # two items judged
        await press_keys(pilot, "ctrl+l")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert signed_in(app) is None and not app.drafts


async def test_ctrl_l_from_an_open_fee(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await at_fee_desk(app, pilot)
        scan(app, "ZJ21S00001")
        await fee_screen(app, pilot)
        await press_keys(pilot, "ctrl+l")
        assert await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert signed_in(app) is None and all_payments(engine) == []
