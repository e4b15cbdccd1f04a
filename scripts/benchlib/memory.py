"""Resident memory of a desk with its records."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from scripts.benchlib.data import _fresh_sqlite
from scripts.benchlib.harness import BENCH_SCRIPT, Figure
from scripts.benchlib.search import _search_db


def _rss_child(db: str, scans: int) -> None:
    """Run by bench_memory in a fresh process: the desk on ``db`` through Pilot (headless),
    the clerk logged in, ``scans`` IDs scanned to their cards; prints the resident memory."""
    import asyncio
    import importlib
    import random

    importlib.import_module("tui")
    from sqlmodel import select

    from models.config import DeskConfig
    from models.db import make_engine, session_scope
    from models.online import OnlineRecord
    from models.services.users import authenticate
    from tui.app import make_app
    from tui.screens.intake import CardScreen

    engine = make_engine(db)
    with session_scope(engine) as s:
        actor = authenticate(s, "clerk", "clerk123", desk="bench")
        ids = [r.id_number for r in s.exec(select(OnlineRecord).limit(5000))]
    picks = random.Random(9).sample(ids, min(scans, len(ids)))

    def status() -> dict[str, int]:
        out = {}
        for line in Path("/proc/self/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0]) * 1024
        return out

    async def drive() -> None:
        from textual import events

        app = make_app(DeskConfig(database_url="unused", desk="bench"), engine=engine)
        async with app.run_test(size=(80, 24)) as pilot:
            while not (app.printers is not None and type(app.screen).__name__ == "LoginScreen"):
                await asyncio.sleep(0.01)
            app.logged_in(actor)
            await pilot.pause(0.05)
            for id_number in picks:
                for ch in id_number:
                    app.post_message(events.Key(ch, ch))
                app.post_message(events.Key("enter", "\r"))
                for _ in range(2000):
                    await asyncio.sleep(0.005)
                    if (
                        isinstance(app.screen, CardScreen)
                        and app.screen.card is not None
                        and app.screen.card.person is not None
                        and app.screen.card.person.id_number == id_number
                    ):
                        break
            print(json.dumps(status()))

    asyncio.run(drive())


_FLOOR = """
import textual.app, sqlmodel
for line in open("/proc/self/status"):
    if line.startswith("VmRSS:"):
        print(int(line.split()[1]) * 1024)
"""


def bench_memory(quick: bool, workdir: Path) -> list[Figure]:
    """Resident memory of the desk (a fresh process, Pilot, headless) with n online records in
    its database after the clerk scanned 50 applicants, against the same desk and scans on the
    demo office (what the records themselves cost)."""

    if not Path("/proc/self/status").exists():
        return [Figure("resident memory", "—", "not run: no /proc", "", "", "MB")]
    from models.db import session_scope
    from models.permissions import SYSTEM
    from models.services.users import add_user
    from models.vocab import Role

    n, scans = (5_000, 10) if quick else (200_000, 50)
    full_db = workdir / "memory.sqlite3"
    engine, _ = _search_db(full_db, n)
    with session_scope(engine) as s:
        add_user(s, SYSTEM, username="clerk", role=Role.clerk, password="clerk123")
    engine.dispose()
    from models.demo import seed_demo

    small = _fresh_sqlite(workdir / "memory-demo.sqlite3", preset=False)
    with session_scope(small) as s:  # the demo office: ~350 online records, clerk/clerk123
        seed_demo(s)
    small.dispose()

    def measure(db: Path, scans: int) -> dict[str, int]:
        out = subprocess.run(
            [sys.executable, str(BENCH_SCRIPT), "--rss-child", f"sqlite:///{db}", str(scans)],
            capture_output=True,
            text=True,
            check=True,
            env=dict(os.environ, DESK_DATA_DIR=str(workdir / "memory-data")),
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    ours = measure(full_db, scans)
    base = measure(workdir / "memory-demo.sqlite3", scans)
    floor = subprocess.run(  # the libraries alone: Python with Textual and SQLModel imported
        [sys.executable, "-c", _FLOOR], capture_output=True, text=True, check=True
    )
    floor_rss = int(floor.stdout.strip().splitlines()[-1])
    mb = 1024 * 1024
    return [
        Figure(
            f"resident memory, the demo office, {scans} scans (Pilot, SQLite)",
            "≤ 150 MB",
            f"{base['VmRSS'] / mb:.0f} (peak {base['VmHWM'] / mb:.0f})",
            f"{floor_rss / mb:.0f} Python with Textual and SQLModel imported",
            f"{base['VmRSS'] / floor_rss:.2f}",
            "MB",
            ok=base["VmRSS"] <= 150 * mb,
        ),
        Figure(
            f"resident memory, {n:,} online records, {scans} scans (Pilot, SQLite)",
            "—",
            f"{ours['VmRSS'] / mb:.0f} (peak {ours['VmHWM'] / mb:.0f})",
            f"{base['VmRSS'] / mb:.0f} same desk and scans, demo office (~350 records)",
            f"{ours['VmRSS'] / base['VmRSS']:.2f}",
            "MB",
        ),
    ]
