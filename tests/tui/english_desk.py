"""Run by tests/tui/test_english.py in a process of its own (the language is chosen when a
process starts, before the desk's modules are imported): the demo desk in English at 80×24, the
clerk logs in, opens the counter and a person's checklist, and the lead opens the fee desk; each
screen's words are printed as JSON for the test to read.

    python -m tests.tui.english_desk
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the desk's modules are imported after the language is chosen
    from textual.pilot import Pilot
    from textual.screen import Screen


def _words(screen: Screen[Any]) -> dict[str, object]:
    from textual.widgets import Static

    return {
        "keys": [
            b.binding.description
            for b in screen.active_bindings.values()
            if b.binding.show and b.binding.description
        ],
        "texts": [str(w.render()) for w in screen.query(Static)],
    }


async def _run(db: Path) -> dict[str, object]:
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
    out: dict[str, object] = {}

    async def settle(pilot: Pilot[None]) -> None:
        for _ in range(50):
            await app.workers.wait_for_complete()
            await pilot.pause()
            if not any(w.is_running for w in app.workers):
                return

    async def login(pilot: Pilot[None], user: str) -> None:
        app.screen.query_one("#username", Input).value = user
        app.screen.query_one("#password", Input).value = f"{user}123"
        app.screen.query_one("#password", Input).focus()
        await pilot.press("enter")
        await settle(pilot)

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        out["login"] = _words(app.screen)
        await login(pilot, "clerk")
        out["home"] = _words(app.screen)
        await pilot.press("f4")
        await settle(pilot)
        out["counter"] = _words(app.screen)
        app.screen.query_one("#search", Input).value = "652823198610018863"
        await pilot.press("enter")
        await settle(pilot)
        out["card"] = _words(app.screen)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await login(pilot, "lead")
        await pilot.press("f7")
        await settle(pilot)
        out["fees"] = _words(app.screen)
    engine.dispose()
    return out


def main() -> None:
    from tui.launch import choose_language

    choose_language(["--lang", sys.argv[1] if len(sys.argv) > 1 else "en"])
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(asyncio.run(_run(Path(tmp) / "desk.sqlite3")), ensure_ascii=False))


if __name__ == "__main__":
    main()
