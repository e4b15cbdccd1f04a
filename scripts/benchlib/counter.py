"""The counter: scan to card, accept to outcome, in the real app (Pilot)."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from scripts.benchlib.harness import Figure, ms, p95
from scripts.benchlib.search import _search_db


def bench_counter(quick: bool, workdir: Path) -> list[Figure]:
    """Through Pilot on the real app: a scan's burst → the card on screen, F9 (accept) → the
    label job saved and the outcome on screen, over n online records; then a cashier's scan of
    an envelope label → the dossier's fee on screen."""
    import asyncio
    import datetime as dt
    import importlib
    import random

    importlib.import_module("tui")  # first: it sets the desk's frame rate before Textual loads
    from sqlmodel import col, select
    from textual import events

    from models.config import DeskConfig
    from models.db import session_scope
    from models.dossier import Dossier
    from models.online import OnlineRecord
    from models.permissions import SYSTEM
    from models.services.campaigns import get_campaign
    from models.services.intake import accept, load_card
    from models.services.payments import fee_card, find_dossier
    from models.services.users import add_user, authenticate
    from models.vocab import Role
    from tui.app import make_app
    from tui.screens.fees import FeeScreen
    from tui.screens.intake import CardScreen
    from tui.screens.outcome import OutcomeScreen

    n = 10_000 if quick else 200_000
    scans, accepts = (15, 5) if quick else (300, 40)
    engine, _ = _search_db(workdir / "counter.sqlite3", n)
    at = dt.datetime(2021, 9, 27, 3, 0, tzinfo=dt.UTC)  # inside 000's paper window
    with session_scope(engine) as s:
        add_user(s, SYSTEM, username="clerk", role=Role.clerk, password="clerk123")
        add_user(s, SYSTEM, username="cashier", role=Role.cashier, password="cashier123")
    with session_scope(engine) as s:
        actor = authenticate(s, "clerk", "clerk123", desk="bench")
        cashier = authenticate(s, "cashier", "cashier123", desk="bench")
        c = get_campaign(s, "bz-vocational-2021")
        free = list(
            s.exec(
                select(OnlineRecord)
                .where(
                    OnlineRecord.status == "通过形式审核",
                    col(OnlineRecord.id).not_in(select(Dossier.online_record_id)),
                )
                .limit(20_000)
            )
        )
    rnd = random.Random(5)
    picked = rnd.sample(free, scans * 2 + accepts * 2)
    to_scan, to_accept, for_baseline, to_pay = (
        picked[:scans],
        picked[scans : scans + accepts],
        picked[scans + accepts : scans + accepts * 2],
        picked[scans + accepts * 2 :],
    )
    # the dossiers the cashier scans: accepted at the counter beforehand (their labels' numbers)
    from models.services.intake import ItemCheck, applicable_items

    pay_codes: list[str] = []
    with session_scope(engine) as s:
        items = load_card(s, actor, c, record_id=to_pay[0].id, now=at).items
        for rec in to_pay:
            checks = {
                i.key: ItemCheck.complete(i)
                for i in applicable_items(items, rec.track, rec.level, [])
            }
            pay_codes.append(
                accept(s, actor, c, rec.id or 0, checks=checks, now=at).dossier_code or ""
            )

    async def drive() -> tuple[list[float], list[float], list[float]]:
        app = make_app(DeskConfig(database_url="unused", desk="bench"), engine=engine)
        app.clock = lambda: at
        scan_t: list[float] = []
        accept_t: list[float] = []
        fee_t: list[float] = []
        async with app.run_test(size=(80, 24)) as pilot:

            async def until(cond, what: str = "") -> float:  # type: ignore[no-untyped-def]
                deadline = time.perf_counter() + 10
                while not cond():
                    if time.perf_counter() > deadline:
                        notes = [str(x.message) for x in app._notifications]
                        raise RuntimeError(
                            f"bench counter: waited 10 s for {what} on "
                            f"{type(app.screen).__name__}; messages: {notes}"
                        )
                    await asyncio.sleep(0.0005)
                return time.perf_counter()

            await until(
                lambda: app.printers is not None and type(app.screen).__name__ == "LoginScreen",
                "the login screen",
            )
            app.logged_in(actor)
            await pilot.pause(0.05)

            # "on screen" means painted: the time of the first paint after the card's data is in
            painted: list[float] = []
            display = app._display

            def paint(screen, renderable):  # type: ignore[no-untyped-def]
                display(screen, renderable)
                if isinstance(screen, (CardScreen, FeeScreen)) and screen.card is not None:
                    painted.append(time.perf_counter())

            app._display = paint  # type: ignore[method-assign]

            def shown(rec_id: int):  # type: ignore[no-untyped-def]
                return lambda: (
                    isinstance(app.screen, CardScreen)
                    and app.screen.card is not None
                    and app.screen.record_id == rec_id
                    and bool(painted)
                )

            for rec in [*to_scan, *to_accept]:
                await pilot.pause(0.05)  # between two applicants the counter is idle
                painted.clear()
                t0 = time.perf_counter()  # the burst arrives at once, as a scanner sends it
                for ch in rec.id_number:
                    app.post_message(events.Key(ch, ch))
                app.post_message(events.Key("enter", "\r"))
                await until(shown(rec.id or 0), f"the card of {rec.id}")
                t1 = painted[0]
                if rec in to_scan:
                    scan_t.append(t1 - t0)
                    continue
                card = app.screen
                assert isinstance(card, CardScreen)
                from models.services.intake import ItemCheck

                card.checks = {i.key: ItemCheck.complete(i) for i in card.items}
                await pilot.pause(0.05)
                t0 = time.perf_counter()
                card.action_accept()
                t1 = await until(lambda: isinstance(app.screen, OutcomeScreen), "the outcome")
                accept_t.append(t1 - t0)
                # the print jobs finish; a worker an exclusive newer one cancelled is not waited on
                await asyncio.gather(*(w.wait() for w in list(app.workers)), return_exceptions=True)
                app.back_to_counter()

            # the fee desk: the cashier scans an envelope label → the fee on screen
            app.log_out()
            await pilot.pause(0.05)
            app.logged_in(cashier)
            await pilot.pause(0.05)
            for code in pay_codes:
                await pilot.pause(0.05)
                painted.clear()
                t0 = time.perf_counter()
                for ch in code:
                    app.post_message(events.Key(ch, ch))
                app.post_message(events.Key("enter", "\r"))
                await until(
                    lambda code=code: (
                        isinstance(app.screen, FeeScreen)  # type: ignore[misc]
                        and app.screen.card is not None
                        and app.screen.card.dossier_code == code
                        and bool(painted)
                    ),
                    f"the fee of {code}",
                )
                fee_t.append(painted[0] - t0)
        return scan_t, accept_t, fee_t

    scan_t, accept_t, fee_t = asyncio.run(drive())
    base_fee = []
    for code in pay_codes:
        with session_scope(engine, readonly=True) as s:
            t0 = time.perf_counter()
            fee_card(s, cashier, c, find_dossier(s, cashier, c, code))
            base_fee.append(time.perf_counter() - t0)
    # baselines: the same work through the services alone, no screen
    base_scan, base_accept = [], []
    for rec in to_scan:
        with session_scope(engine, readonly=True) as s:
            t0 = time.perf_counter()
            load_card(s, actor, c, id_number=rec.id_number, now=at)
            base_scan.append(time.perf_counter() - t0)
    for rec in for_baseline[:accepts]:
        with session_scope(engine) as s:
            t0 = time.perf_counter()
            card = load_card(s, actor, c, record_id=rec.id, now=at)
            from models.services.intake import ItemCheck, applicable_items

            items = applicable_items(card.items, rec.track, rec.level, [])
            accept(
                s,
                actor,
                c,
                rec.id or 0,
                checks={i.key: ItemCheck.complete(i) for i in items},
                now=at,
            )
            s.commit()
            base_accept.append(time.perf_counter() - t0)
    engine.dispose()
    full = n == 200_000
    return [
        Figure(
            f"scan → card on screen, {n:,} records (Pilot, SQLite)",
            "p95 ≤ 50 ms" if full else "—",
            f"{ms(statistics.median(scan_t))} (p95 {ms(p95(scan_t))})",
            f"{ms(p95(base_scan))} p95 load_card alone",
            f"{p95(scan_t) / p95(base_scan):.1f}",
            "ms",
            ok=(p95(scan_t) <= 0.050) if full else None,
        ),
        Figure(
            f"accept → label job queued, outcome on screen ({accepts} accepts)",
            "≤ 100 ms" if full else "—",
            f"{ms(statistics.median(accept_t))} (p95 {ms(p95(accept_t))})",
            f"{ms(statistics.median(base_accept))} accept service alone, no printing",
            f"{statistics.median(accept_t) / statistics.median(base_accept):.1f}",
            "ms",
            ok=(p95(accept_t) <= 0.100) if full else None,
        ),
        Figure(
            f"scan a label → fee on screen, cashier ({len(fee_t)} dossiers, Pilot, SQLite)",
            "p95 ≤ 50 ms" if full else "—",
            f"{ms(statistics.median(fee_t))} (p95 {ms(p95(fee_t))})",
            f"{ms(p95(base_fee))} p95 fee_card alone",
            f"{p95(fee_t) / p95(base_fee):.1f}",
            "ms",
            ok=(p95(fee_t) <= 0.050) if full else None,
        ),
    ]
