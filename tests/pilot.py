"""Pilot helpers shared by the TUI tests (tests/tui): the demo desk at 80×24, logging in, keys
typed as a person types them, a scanner's burst, waiting for a condition, the card and the fee
screens, the demo's queue of dossiers awaiting payment."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import col, select
from textual import events
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from models.config import DeskConfig
from models.db import session_scope
from models.dossier import Dossier
from models.online import OnlineRecord
from models.payment import Payment
from models.services.campaigns import fee_for
from tui.app import DeskApp, make_app
from tui.screens.accounts.login import LoginScreen
from tui.screens.fees import CashierScreen, FeeScreen
from tui.screens.fees.bank import BankScreen
from tui.screens.home import HomeScreen
from tui.screens.intake import CardScreen, IntakeScreen
from tui.screens.outcome import OutcomeScreen

DeskPilot = Pilot[None]
"""What ``DeskApp.run_test()`` gives a test."""


def static_text(screen: DOMNode, selector: str) -> str:
    """What a Static shows, as text."""
    return str(screen.query_one(selector, Static).render())


def signed_in(app: DeskApp) -> str | None:
    """Who is logged in at the desk (a call, so a test's earlier ``app.actor is None`` does
    not stay narrowed across a login)."""
    return app.actor.username if app.actor is not None else None


def screen_of(app: DeskApp) -> Screen[Any]:
    """The screen on top now (a call, so an earlier ``isinstance(app.screen, …)`` does not stay
    narrowed across key presses)."""
    return app.screen


def queued_codes(engine: Engine) -> list[str]:
    """The demo's accepted dossiers without a payment, in number order."""
    with session_scope(engine, readonly=True) as s:
        paid = select(Payment.dossier_id)
        return [
            d.dossier_code or ""
            for d in s.exec(
                select(Dossier)
                .where(col(Dossier.id).not_in(paid))
                .order_by(col(Dossier.dossier_no))
            )
        ]


def all_payments(engine: Engine) -> list[Payment]:
    with session_scope(engine, readonly=True) as s:
        return list(s.exec(select(Payment).order_by(col(Payment.receipt_no))))


async def at_fee_desk(app: DeskApp, pilot: DeskPilot, user: str = "cashier") -> CashierScreen:
    await settle(app, pilot)
    await login(app, pilot, user, f"{user}123")
    assert isinstance(app.screen, HomeScreen)
    await press_keys(pilot, "f7")
    assert await wait_until(
        pilot,
        lambda: (
            isinstance(app.screen, CashierScreen)
            and app.screen.query_one("#queue", DataTable).row_count > 0
        ),
    )
    assert isinstance(app.screen, CashierScreen)
    return app.screen


async def fee_screen(app: DeskApp, pilot: DeskPilot) -> FeeScreen:
    assert await wait_until(
        pilot, lambda: isinstance(app.screen, FeeScreen) and app.screen.card is not None
    ), type(app.screen)
    await settle(app, pilot)
    assert isinstance(app.screen, FeeScreen)
    return app.screen


async def outcome_done(app: DeskApp, pilot: DeskPilot) -> OutcomeScreen:
    assert await wait_until(
        pilot,
        lambda: (
            isinstance(app.screen, OutcomeScreen)
            and "正在打印" not in static_text(app.screen, "#outcome-jobs")
        ),
        8,
    )
    assert isinstance(app.screen, OutcomeScreen)
    return app.screen


async def pay_cash(app: DeskApp, pilot: DeskPilot, code: str) -> None:
    """Scan the label, Enter (cash, nothing tendered), then Enter on the outcome."""
    scan(app, code)
    await fee_screen(app, pilot)
    await press_keys(pilot, "enter")
    await outcome_done(app, pilot)
    await leave_outcome(app, pilot)


def demo_queue(engine: Engine) -> list[tuple[str, str, int]]:
    """(dossier code, name, fee in fen) of the demo's unpaid dossiers."""
    with session_scope(engine, readonly=True) as s:
        out = []
        for code in queued_codes(engine):
            d = s.exec(select(Dossier).where(Dossier.dossier_code == code)).one()
            rec = s.get(OnlineRecord, d.online_record_id)
            assert rec is not None
            out.append((code, rec.name, fee_for(s, d.campaign_id, d.track, d.level).amount.fen))
        return out


async def open_statement(
    app: DeskApp, pilot: DeskPilot, tmp_path: Path, rows: list[list[str]]
) -> BankScreen:
    """From the fee desk: F3, the statement ``rows`` written as a GB18030 CSV and its path
    pasted into the field, Enter. Returns the BankScreen."""
    path = tmp_path / "流水.csv"
    path.write_bytes("\r\n".join(",".join(r) for r in rows).encode("gb18030"))
    await press_keys(pilot, "f3")
    assert await wait_until(pilot, lambda: isinstance(app.screen, BankScreen))
    bank = app.screen
    assert isinstance(bank, BankScreen)
    bank.query_one("#bank-file", Input).value = str(path)  # as pasted into the field
    await press_keys(pilot, "enter")
    return bank


def scan(app: DeskApp, text: str) -> None:
    """A scanner's burst: every character and Enter queued at once, as a terminal delivers it."""
    for ch in text:
        app.post_message(events.Key(ch, ch))
    app.post_message(events.Key("enter", "\r"))


async def card_screen(app: DeskApp, pilot: DeskPilot) -> CardScreen:
    assert await wait_until(
        pilot, lambda: isinstance(app.screen, CardScreen) and app.screen.card is not None
    ), type(app.screen)
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, CardScreen)
    return screen


async def press_keys(pilot: DeskPilot, *keys: str) -> None:
    """Keys typed by a person: each one after the scan gap, so none is held as a scan."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause(0.08)


async def leave_outcome(app: DeskApp, pilot: DeskPilot) -> None:
    """Enter on an outcome once it has settled (an Enter at once is taken as a bounce)."""
    screen = app.screen
    assert isinstance(screen, OutcomeScreen)
    assert await wait_until(pilot, lambda: screen.shown_at < float("inf"))  # on the screen
    await pilot.pause(max(0.0, OutcomeScreen.SETTLE + 0.05 - (time.monotonic() - screen.shown_at)))
    await press_keys(pilot, "enter")
    assert await wait_until(pilot, lambda: not isinstance(app.screen, OutcomeScreen))


async def clerk_at_counter(app: DeskApp, pilot: DeskPilot) -> IntakeScreen:
    await settle(app, pilot)
    await login(app, pilot, "clerk", "clerk123")
    assert isinstance(app.screen, HomeScreen)
    await press_keys(pilot, "f4")
    assert isinstance(app.screen, IntakeScreen)
    return app.screen


async def wait_until(
    pilot: DeskPilot, condition: Callable[[], object], timeout: float = 5.0
) -> bool:
    """Wait (a loaded CI machine may be slow) until ``condition()``; False after ``timeout``."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            return True
        await pilot.pause(0.05)
    return bool(condition())


SIZE = (80, 24)


def demo_app(engine: Engine) -> DeskApp:
    return make_app(DeskConfig(database_url="unused", desk="1号窗口"), engine=engine, demo=True)


async def settle(app: DeskApp, pilot: DeskPilot) -> None:
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            return


async def login(app: DeskApp, pilot: DeskPilot, user: str, password: str) -> None:
    screen = app.screen
    assert isinstance(screen, LoginScreen)
    screen.query_one("#username", Input).value = user
    screen.query_one("#password", Input).value = password
    screen.query_one("#password", Input).focus()
    await pilot.press("enter")
    await settle(app, pilot)
