"""Quitting while a database, backup or print worker is still running (issue 24: "quitting takes
4–6 s of blank screen"): the desk cannot abandon a thread halfway through a write, and Python
waits for it after the screen is gone. Measured on the demo at 80×24 in tmux: Ctrl+Q to the
shell prompt 0.6–1.2 s (login, day, summary, after a day close, SQLite and PostgreSQL), of
which ~0.2 s is Textual's exit and the rest the interpreter's teardown; the long waits are a
worker still running. So the desk now says what it waits for, on the screen it still shows,
and quits as soon as the work is done."""

from __future__ import annotations

import threading

from sqlalchemy.engine import Engine

from tests.pilot import SIZE, demo_app, press_keys, settle, wait_until


def _toasts(app: object) -> str:
    return " ".join(str(n.message) for n in app._notifications)  # type: ignore[attr-defined]


async def test_quit_says_it_waits_for_running_work_then_exits(engine: Engine) -> None:
    app = demo_app(engine)
    release = threading.Event()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.run_worker(lambda: release.wait(30), thread=True, name="write", group="db-write")
        await press_keys(pilot, "ctrl+q")
        assert await wait_until(pilot, lambda: "正在等待" in _toasts(app)), _toasts(app)
        assert app.is_running and app.return_code is None  # not gone with the work half done
        release.set()
        assert await wait_until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 0
