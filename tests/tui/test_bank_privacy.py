"""The fee desk's bank statement (F3) at 80×24 (issue 20, defect 13): a cashier never sees the
full ID number a payer wrote in a memo — not in the list, the line's detail or the confirmation
— only 652801********1234; a lead sees it whole. The match by that ID number still works."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select
from textual.screen import Screen
from textual.widgets import DataTable, Static

from models.db import session_scope
from models.dossier import Dossier
from models.idcard import mask_id
from models.online import OnlineRecord
from tests.pilot import (
    SIZE,
    DeskPilot,
    all_payments,
    at_fee_desk,
    demo_app,
    demo_queue,
    open_statement,
    press_keys,
    wait_until,
)
from tui.app import DeskApp
from tui.screens.fees.bank import BankScreen


def _id_of(engine: Engine, dossier_code: str) -> str:
    with session_scope(engine, readonly=True) as s:
        d = s.exec(select(Dossier).where(Dossier.dossier_code == dossier_code)).one()
        rec = s.get(OnlineRecord, d.online_record_id)
        assert rec is not None
        return rec.id_number


def _shown(screen: Screen[Any]) -> str:
    """Every text the screen shows: its Statics and its table's cells."""
    parts = [str(w.render()) for w in screen.query(Static)]
    for table in screen.query(DataTable):
        parts += [str(cell) for i in range(table.row_count) for cell in table.get_row_at(i)]
    return "\n".join(parts)


async def _statement_with_an_id(
    app: DeskApp, pilot: DeskPilot, engine: Engine, tmp_path: Path, user: str
) -> tuple[BankScreen, str]:
    await at_fee_desk(app, pilot, user)
    code, _name, fen = demo_queue(engine)[0]
    full = _id_of(engine, code)
    rows = [
        ["交易日期", "收入金额", "对方户名", "附言", "交易流水号"],
        ["2026-11-20", f"{fen / 100:.2f}", "某某", f"评审费 {full}", "AB2026112000001"],
    ]
    bank = await open_statement(app, pilot, tmp_path, rows)
    assert await wait_until(pilot, lambda: len(bank.lines) == 1)
    table = bank.query_one("#bank-lines", DataTable)
    table.focus()
    table.move_cursor(row=0)
    await pilot.pause()
    return bank, full


async def test_a_cashier_sees_the_memo_s_id_number_masked(engine: Engine, tmp_path: Path) -> None:
    from tui.screens.fees.bank_match import ConfirmMatchScreen

    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        bank, full = await _statement_with_an_id(app, pilot, engine, tmp_path, "cashier")
        [line] = bank.lines.values()
        assert line.status.value == "proposed" and line.evidence == "身份证号"
        shown = _shown(bank)
        assert full not in shown and mask_id(full) in shown, shown
        await press_keys(pilot, "enter")
        assert isinstance(app.screen, ConfirmMatchScreen)
        shown = _shown(app.screen)
        assert full not in shown and mask_id(full) in shown, shown
        await press_keys(pilot, "enter")  # confirmed by the masked line all the same
        assert await wait_until(pilot, lambda: len(all_payments(engine)) == 1)


async def test_a_lead_sees_the_memo_whole(engine: Engine, tmp_path: Path) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        bank, full = await _statement_with_an_id(app, pilot, engine, tmp_path, "lead")
        assert full in _shown(bank)
