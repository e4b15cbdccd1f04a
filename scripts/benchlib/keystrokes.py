"""Keystrokes for one whole dossier, at the counter and the fee desk (Pilot)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from scripts.benchlib.data import _fresh_sqlite
from scripts.benchlib.harness import Figure


async def _count_keys_for_one_dossier(engine, typed: bool) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """One dossier from the counter to the receipt, on the demo office, by the lead (who may
    both accept and take fees; at a two-desk office the same keys are split between the clerk
    and the cashier). Every key goes through Pilot as the person (or the scanner) sends it;
    ``typed`` types the ID and the label's number by hand instead of scanning them."""
    import asyncio

    from sqlmodel import col, select
    from textual import events

    from models.config import DeskConfig
    from models.db import session_scope
    from models.dossier import Dossier
    from models.online import OnlineRecord
    from models.payment import Payment
    from models.services.users import authenticate
    from tui.app import make_app
    from tui.screens.fees import FeeScreen
    from tui.screens.intake import CardScreen, IntakeScreen
    from tui.screens.outcome import OutcomeScreen

    app = make_app(DeskConfig(database_url="unused", desk="bench"), engine=engine, demo=True)
    app.scan_gap = 0.01  # keys are counted, not timed: a person's keys 0.03 s apart, not 0.07
    counts = {"keys": 0, "scans": 0, "scanned characters": 0, "checklist items": 0}

    async with app.run_test(size=(80, 24)) as pilot:

        async def until(cond, what: str, timeout: float = 20) -> None:  # type: ignore[no-untyped-def]
            deadline = time.perf_counter() + timeout
            while not cond():
                if time.perf_counter() > deadline:
                    raise RuntimeError(
                        f"bench keystrokes: waited for {what} on {type(app.screen).__name__}"
                    )
                await asyncio.sleep(0.01)

        async def press(*keys: str) -> None:
            for key in keys:
                counts["keys"] += 1
                await pilot.press(key)
                await pilot.pause(0.03)  # a person: slower than the scan gap

        async def enter_code(code: str) -> None:
            if typed:
                await press(*code, "enter")
                return
            counts["scans"] += 1
            counts["scanned characters"] += len(code) + 1
            for ch in code:
                app.post_message(events.Key(ch, ch))
            app.post_message(events.Key("enter", "\r"))

        await until(
            lambda: (
                type(app.screen).__name__ == "LoginScreen"
                and app.printers is not None
                and not any(w.is_running for w in app.workers)
            ),
            "the login screen",
        )
        with session_scope(engine, readonly=True) as s:
            rec = s.exec(
                select(OnlineRecord)
                .where(
                    OnlineRecord.status == "通过形式审核",
                    col(OnlineRecord.id).not_in(select(Dossier.online_record_id)),
                )
                .order_by(col(OnlineRecord.id))
            ).first()
            assert rec is not None
        with session_scope(engine) as s:
            lead = authenticate(s, "lead", "lead123", desk="bench")
        app.logged_in(lead)
        await until(lambda: type(app.screen).__name__ == "HomeScreen", "home")
        await press("f4")  # 受理台
        await until(lambda: isinstance(app.screen, IntakeScreen), "the counter")
        await enter_code(rec.id_number)
        await until(
            lambda: isinstance(app.screen, CardScreen) and app.screen.card is not None, "the card"
        )
        card = app.screen
        assert isinstance(card, CardScreen)
        await pilot.pause(0.1)
        counts["checklist items"] = len(card.items)
        await press(*(["y"] * len(card.items)))  # each item: present and in order
        await press("f9")  # 受理
        await until(
            lambda: isinstance(app.screen, OutcomeScreen) and app.screen.shown_at < float("inf"),
            "the acceptance",
        )
        await pilot.pause(0.7)  # the outcome is read (an Enter at once is taken as a bounce)
        await press("enter")  # 下一位
        await until(lambda: isinstance(app.screen, IntakeScreen), "the counter again")
        with session_scope(engine, readonly=True) as s:
            code = s.exec(
                select(Dossier.dossier_code).where(Dossier.online_record_id == rec.id)
            ).one()
        await press("escape", "f7")  # home, 收费台
        await until(lambda: type(app.screen).__name__ == "CashierScreen", "the fee desk")
        await enter_code(code or "")
        await until(
            lambda: isinstance(app.screen, FeeScreen) and app.screen.card is not None, "the fee"
        )
        await pilot.pause(0.1)
        await press("enter")  # cash, nothing tendered: 确认收费
        await until(lambda: isinstance(app.screen, OutcomeScreen), "the receipt")
        with session_scope(engine, readonly=True) as s:
            pay = s.exec(
                select(Payment)
                .join(Dossier, col(Dossier.id) == Payment.dossier_id)
                .where(Dossier.online_record_id == rec.id)
            ).one()
            assert pay.method == "cash"
        await until(lambda: _receipt_printed(engine, pay.id or 0), "the receipt printed")
    counts["actions"] = counts["keys"] + counts["scans"]
    return counts


def _receipt_printed(engine, payment_id: int) -> bool:  # type: ignore[no-untyped-def]
    from sqlmodel import select

    from models.db import session_scope
    from models.printjob import PrintJob

    with session_scope(engine, readonly=True) as s:
        jobs = s.exec(select(PrintJob).where(PrintJob.payment_id == payment_id)).all()
    return any(j.status == "sent" for j in jobs)


def bench_keystrokes(quick: bool, workdir: Path) -> list[Figure]:
    """Keys for one full dossier — scan, judge a complete checklist, accept, pay cash, receipt
    printed — counted from the Pilot script that performs it; the baseline is the same dossier
    with the ID and the envelope label's number typed by hand."""
    import asyncio

    os.environ["DESK_DATA_DIR"] = str(workdir / "keys-data")  # the demo's printer writes there
    engine = _fresh_sqlite(workdir / "keys.sqlite3", preset=False)  # the demo office: seeded once
    scanned = asyncio.run(_count_keys_for_one_dossier(engine, typed=False))
    typed = asyncio.run(_count_keys_for_one_dossier(engine, typed=True))  # the next applicant
    engine.dispose()
    n_items = scanned["checklist items"]
    return [
        Figure(
            f"keystrokes for one full dossier (scan, {n_items} checklist items, accept, pay cash, "
            "receipt printed; Pilot)",
            "—",
            f"{scanned['keys']} keys + {scanned['scans']} scans",
            f"{typed['keys']} keys, ID and label typed",
            f"{scanned['actions'] / typed['actions']:.2f}",
            "actions",
            note=f"keys: F4, {n_items}× y, F9, Enter (after the outcome), Esc, F7, Enter (cash), "
            "with the ID and the envelope label scanned; the receipt printed to the demo's file "
            "printer",
        )
    ]
