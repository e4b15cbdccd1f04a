"""Pilot helpers shared by the TUI tests (tests/tui): the demo desk at 80×24, logging in, keys
typed as a person types them, a scanner's burst, waiting for a condition, the card and the fee
screens, the demo's queue of dossiers awaiting payment."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import col, select
from textual import events
from textual.widgets import DataTable, Input, Static

from models.config import DeskConfig
from models.db import session_scope
from models.dossier import Dossier
from models.payment import Payment
from tui.app import DeskApp, make_app
from tui.screens.accounts.login import LoginScreen
from tui.screens.fees import CashierScreen, FeeScreen
from tui.screens.home import HomeScreen
from tui.screens.intake import CardScreen, IntakeScreen
from tui.screens.outcome import OutcomeScreen


def static_text(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    """What a Static shows, as text."""
    return str(screen.query_one(selector, Static).render())


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


async def at_fee_desk(app: DeskApp, pilot, user: str = "cashier") -> CashierScreen:  # type: ignore[no-untyped-def]
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


async def fee_screen(app: DeskApp, pilot) -> FeeScreen:  # type: ignore[no-untyped-def]
    assert await wait_until(
        pilot, lambda: isinstance(app.screen, FeeScreen) and app.screen.card is not None
    ), type(app.screen)
    await settle(app, pilot)
    assert isinstance(app.screen, FeeScreen)
    return app.screen


async def outcome_done(app: DeskApp, pilot) -> OutcomeScreen:  # type: ignore[no-untyped-def]
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


async def pay_cash(app: DeskApp, pilot, code: str) -> None:  # type: ignore[no-untyped-def]
    """Scan the label, Enter (cash, nothing tendered), then Enter on the outcome."""
    scan(app, code)
    await fee_screen(app, pilot)
    await press_keys(pilot, "enter")
    await outcome_done(app, pilot)
    await leave_outcome(app, pilot)


def demo_queue(engine: Engine) -> list[tuple[str, str, int]]:
    """(dossier code, name, fee in fen) of the demo's unpaid dossiers."""
    from models.online import OnlineRecord
    from models.services.campaigns import fee_for

    with session_scope(engine, readonly=True) as s:
        out = []
        for code in queued_codes(engine):
            d = s.exec(select(Dossier).where(Dossier.dossier_code == code)).one()
            rec = s.get(OnlineRecord, d.online_record_id)
            assert rec is not None
            out.append((code, rec.name, fee_for(s, d.campaign_id, d.track, d.level).amount.fen))
        return out


async def open_statement(app: DeskApp, pilot, tmp_path, rows: list[list[str]]):  # type: ignore[no-untyped-def]
    """From the fee desk: F3, the statement ``rows`` written as a GB18030 CSV and its path
    pasted into the field, Enter. Returns the BankScreen."""
    from tui.screens.fees.bank import BankScreen

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


async def card_screen(app: DeskApp, pilot) -> CardScreen:  # type: ignore[no-untyped-def]
    assert await wait_until(
        pilot, lambda: isinstance(app.screen, CardScreen) and app.screen.card is not None
    ), type(app.screen)
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, CardScreen)
    return screen


async def press_keys(pilot, *keys: str) -> None:  # type: ignore[no-untyped-def]
    """Keys typed by a person: each one after the scan gap, so none is held as a scan."""
    for key in keys:
        await pilot.press(key)
        await pilot.pause(0.08)


async def leave_outcome(app: DeskApp, pilot) -> None:  # type: ignore[no-untyped-def]
    """Enter on an outcome once it has settled (an Enter at once is taken as a bounce)."""
    import time

    screen = app.screen
    assert isinstance(screen, OutcomeScreen)
    assert await wait_until(pilot, lambda: screen.shown_at < float("inf"))  # on the screen
    await pilot.pause(max(0.0, OutcomeScreen.SETTLE + 0.05 - (time.monotonic() - screen.shown_at)))
    await press_keys(pilot, "enter")
    assert await wait_until(pilot, lambda: not isinstance(app.screen, OutcomeScreen))


async def clerk_at_counter(app: DeskApp, pilot) -> IntakeScreen:  # type: ignore[no-untyped-def]
    await settle(app, pilot)
    await login(app, pilot, "clerk", "clerk123")
    assert isinstance(app.screen, HomeScreen)
    await press_keys(pilot, "f4")
    assert isinstance(app.screen, IntakeScreen)
    return app.screen


async def wait_until(pilot, condition, timeout: float = 5.0) -> bool:  # type: ignore[no-untyped-def]
    """Wait (a loaded CI machine may be slow) until ``condition()``; False after ``timeout``."""
    for _ in range(int(timeout / 0.05)):
        if condition():
            return True
        await pilot.pause(0.05)
    return bool(condition())


SIZE = (80, 24)


def demo_app(engine: Engine) -> DeskApp:
    return make_app(DeskConfig(database_url="unused", desk="1号窗口"), engine=engine, demo=True)


async def settle(app: DeskApp, pilot) -> None:  # type: ignore[no-untyped-def]
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            return


async def login(app: DeskApp, pilot, user: str, password: str) -> None:  # type: ignore[no-untyped-def]
    screen = app.screen
    assert isinstance(screen, LoginScreen)
    screen.query_one("#username", Input).value = user
    screen.query_one("#password", Input).value = password
    screen.query_one("#password", Input).focus()
    await pilot.press("enter")
    await settle(app, pilot)
