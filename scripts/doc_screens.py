#!/usr/bin/env python3
"""The documentation's screenshots, made by the desk itself: the demo office driven with Pilot
at 80×24, each screen saved as SVG (Textual's own export), in one language per run.

    python scripts/doc_screens.py              # both languages, into docs/img/zh and docs/img/en
    python scripts/doc_screens.py --lang en    # one language

Each language runs in a process of its own (the desk chooses its language when it starts).
"""

from __future__ import annotations

import argparse
import asyncio
import html
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SIZE = (80, 24)
FOLDERS = {"zh_CN": "zh", "en": "en"}
# the demo office's people: one on the online list, and the first dossier awaiting payment
PERSON_ID = "652823198610018863"
WAITING_DOSSIER = "ZJ21S00001"


_RUN = re.compile(r'(<text [^>]*?textLength=")([0-9.]+)("[^>]*>)([^<]*)(</text>)')
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")


def fit_cjk(svg: str) -> str:
    """Textual's SVG export gives each run of text a width of one cell per character, so a
    Chinese character (two cells) is squeezed into one: each run's width is made its width in
    cells. The web fonts it would fetch from a CDN are dropped (the docs are read offline)."""
    from rich.cells import cell_len

    widths = [
        float(m[2]) / len(html.unescape(m[4]))
        for m in _RUN.finditer(svg)
        if m[4] and html.unescape(m[4]).isascii()
    ]
    cell = widths[0] if widths else 12.2

    def fix(m: re.Match[str]) -> str:
        text = html.unescape(m[4])
        return f"{m[1]}{cell_len(text) * cell:.1f}{m[3]}{m[4]}{m[5]}"

    return _RUN.sub(fix, _FONT_FACE.sub("", svg))


async def _shoot(out: Path) -> list[str]:
    from textual.widgets import Input

    from models import migrate
    from models.config import DeskConfig
    from models.db import make_engine, session_scope
    from models.demo import seed_demo
    from tui.app import make_app

    out.mkdir(parents=True, exist_ok=True)
    made: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'demo.sqlite3'}")
        migrate.upgrade(engine)
        with session_scope(engine) as session:
            seed_demo(session)
        app = make_app(DeskConfig(database_url="unused", desk="1号窗口"), engine=engine, demo=True)

        async with app.run_test(size=SIZE) as pilot:

            async def settle() -> None:
                for _ in range(60):
                    await app.workers.wait_for_complete()
                    await pilot.pause()
                    if not any(w.is_running for w in app.workers):
                        return

            def save(name: str) -> None:
                (out / f"{name}.svg").write_text(
                    fit_cjk(app.export_screenshot(title=name)), encoding="utf-8"
                )
                made.append(name)

            async def leave_outcome() -> None:
                from tui.screens.outcome import OutcomeScreen

                await pilot.pause(OutcomeScreen.SETTLE + 0.1)  # its guard against a bounced Enter
                await pilot.press("enter")
                await settle()

            async def login(user: str) -> None:
                app.screen.query_one("#username", Input).value = user
                app.screen.query_one("#password", Input).value = f"{user}123"
                app.screen.query_one("#password", Input).focus()
                await pilot.press("enter")
                await settle()

            async def scan(text: str, box: str) -> None:
                app.screen.query_one(box, Input).value = text
                app.screen.query_one(box, Input).focus()
                await pilot.press("enter")
                await settle()

            await settle()
            save("login")
            await login("clerk")
            save("clerk-home")
            await pilot.press("f4")
            await settle()
            await scan(PERSON_ID, "#search")
            save("counter-card")
            for _ in range(7):
                await pilot.press("y")
            await settle()
            save("counter-judged")
            await pilot.press("f9")
            await settle()
            save("counter-accepted")
            await leave_outcome()
            await pilot.press("escape")
            await settle()
            await pilot.press("ctrl+l")
            await settle()
            await login("cashier")
            await pilot.press("f7")
            await settle()
            save("fees-queue")
            await scan(WAITING_DOSSIER, "#pay-search")
            save("fees-card")
            await pilot.press("enter")
            await settle()
            save("fees-paid")
            await leave_outcome()
            await pilot.press("escape")
            await settle()
            await pilot.press("ctrl+l")
            await settle()
            await login("lead")
            save("lead-home")
            await pilot.press("f6")
            await settle()
            save("lead-day")
            await pilot.press("escape")
            await settle()
            await pilot.press("f3")
            await settle()
            save("lead-reconcile")
        engine.dispose()
    return made


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=sorted(FOLDERS))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args(argv)
    if args.lang is None:  # each language in a process of its own
        for lang in FOLDERS:
            subprocess.run(
                [sys.executable, __file__, "--lang", lang, "--out", str(args.out)], check=True
            )
        return 0
    from tui.launch import choose_language

    choose_language(["--lang", args.lang])
    made = asyncio.run(_shoot(args.out / FOLDERS[args.lang]))
    print(f"{args.lang}: {', '.join(made)} → {args.out / FOLDERS[args.lang]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
