"""Run by tests/tui/test_screen_walk.py in a process of its own (the language is chosen when a
process starts, before the desk's modules are imported): the demo desk at 80×24 walked through
every screen a person reaches — the login, the lead's home and each screen it opens, the
counter, a checklist, the unit batch, the fee desk, a fee, its outcome, the bank statement, the
day (before and after a fee, and its handover roster), the count, the print queue, the password, the admin's accounts — and each screen printed
as the terminal shows it (24 lines), with the labels of the keys its footer may show, as JSON,
for the test to read.

    python -m tests.tui.screen_walk en
"""

from __future__ import annotations

import asyncio
import io
import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the desk's modules are imported after the language is chosen
    from textual.app import App

SIZE = (80, 24)
ID = "652823198610018863"  # a person of the demo's sample list
# the screens visited, in order: the test names them before the walk is run
SCREENS = (
    "login",
    "home",
    "counter",
    "card",
    "batch",
    "imports",
    "reconcile",
    "day_empty",
    "fees",
    "fee",
    "outcome",
    "bank",
    "day",
    "roster",
    "count",
    "print_jobs",
    "password",
    "users",
)


def key_labels(app: App[None]) -> list[str]:
    """Every key the screen could show in its footer, as the footer writes it ("f9 受理")."""
    return [
        f"{app.get_key_display(b.binding)} {b.binding.description}"
        for b in app.screen.active_bindings.values()
        if b.binding.show and b.binding.description
    ]


def screen_lines(app: App[None]) -> list[str]:
    """The screen as the terminal gets it, line by line."""
    from rich.console import Console

    console = Console(
        width=SIZE[0],
        height=SIZE[1],
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
    )
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text(styles=False).splitlines()


async def _run(db: Path) -> dict[str, dict[str, list[str]]]:
    from textual.widgets import Input

    from models import migrate
    from models.config import DeskConfig
    from models.db import make_engine, session_scope
    from models.demo import seed_demo
    from tui.app import make_app

    engine = make_engine(f"sqlite:///{db}")
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        seed_demo(session)
    app = make_app(DeskConfig(database_url="unused", desk="Desk 1"), engine=engine, demo=True)
    out: dict[str, dict[str, list[str]]] = {}

    async with app.run_test(size=SIZE) as pilot:

        async def settle() -> None:
            for _ in range(60):
                await app.workers.wait_for_complete()
                await pilot.pause(0.02)
                if not any(w.is_running for w in app.workers):
                    break
            await pilot.pause(0.1)

        async def keys(*pressed: str) -> None:
            for key in pressed:
                await pilot.press(key)
                await pilot.pause(0.08)
            await settle()

        async def login(user: str) -> None:
            app.screen.query_one("#username", Input).value = user
            app.screen.query_one("#password", Input).value = f"{user}123"
            app.screen.query_one("#password", Input).focus()
            await keys("enter")

        def take(name: str) -> None:
            out[name] = {"lines": screen_lines(app), "keys": key_labels(app)}

        async def visit(name: str, *pressed: str, back: int = 1) -> None:
            await keys(*pressed)
            take(name)
            await keys(*(["escape"] * back))

        await settle()
        take("login")
        await login("lead")
        take("home")
        await keys("f4")
        take("counter")
        app.screen.query_one("#search", Input).value = ID
        await visit("card", "enter")
        await visit("batch", "ctrl+b")
        await keys("escape")
        await visit("imports", "f2")
        await visit("reconcile", "f3")
        await visit("day_empty", "f6")  # before any fee was taken
        await keys("f7")
        take("fees")
        await visit("bank", "f3")
        for ch in "ZJ21S00001":
            await pilot.press(ch)
        await keys("enter")
        take("fee")
        await keys("enter")
        for _ in range(40):  # the receipt is printed to the demo's preview
            if "Outcome" in type(app.screen).__name__:
                break
            await pilot.pause(0.1)
        await settle()
        await pilot.pause(1.0)
        take("outcome")
        await keys("enter")
        await keys("escape")
        await keys("f6")
        take("day")
        await keys("4")
        take("roster")
        await keys("1")
        await visit("count", "f3")
        await keys("escape")
        await visit("print_jobs", "f8")
        await visit("password", "f11")
        await keys("ctrl+l")
        await login("admin")
        await visit("users", "ctrl+u")
    engine.dispose()
    return out


def main() -> None:
    from tui.launch import choose_language

    choose_language(["--lang", sys.argv[1] if len(sys.argv) > 1 else "en"])
    with tempfile.TemporaryDirectory() as tmp:
        walked = asyncio.run(_run(Path(tmp) / "desk.sqlite3"))
    print(json.dumps(walked, ensure_ascii=False))


if __name__ == "__main__":
    main()
