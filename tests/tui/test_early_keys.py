"""Keys typed while the desk starts (a browser tab of ``desk serve`` shows the page long before
the desk has opened its database) are kept for the login screen, in order: a clerk who types
"clerk⏎clerk123⏎" as the tab opens is logged in, not left at an empty login."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from textual.widgets import Input

import tui.work.printing
from tests.pilot import SIZE, demo_app, press_keys, settle, signed_in, wait_until
from tui.app import PreparingScreen
from tui.screens.accounts.login import LoginScreen


@pytest.fixture
def opening(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The database stays "opening" (the preparing screen up) until the test sets this."""
    opened = threading.Event()
    from_config = tui.work.printing.DeskPrinters.from_config

    def slow(config: Any) -> Any:
        assert opened.wait(timeout=20)
        return from_config(config)

    monkeypatch.setattr(tui.work.printing.DeskPrinters, "from_config", staticmethod(slow))
    return opened


async def test_keys_typed_while_the_desk_opens_reach_the_login_screen(
    engine: Engine, opening: threading.Event
) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: isinstance(app.screen, PreparingScreen))
        await press_keys(pilot, *"cler", "k", "enter", *"clerk12")
        assert isinstance(app.screen, PreparingScreen)  # still opening
        opening.set()
        assert await wait_until(pilot, lambda: isinstance(app.screen, LoginScreen))
        screen = app.screen
        assert await wait_until(
            pilot, lambda: screen.query_one("#password", Input).value == "clerk12"
        )
        assert screen.query_one("#username", Input).value == "clerk"
        await press_keys(pilot, "3", "enter")  # the rest, typed once the screen is up
        await settle(app, pilot)
        assert signed_in(app) == "clerk"


async def test_keys_are_not_kept_once_the_login_screen_is_up(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        await press_keys(pilot, *"lead")
        assert app.screen.query_one("#username", Input).value == "lead"  # typed once, not twice
