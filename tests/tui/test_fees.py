"""The fee desk driven through Pilot at 80×24 on the demo office (five dossiers accepted): the
cashier scans an envelope label, takes cash with the change shown, sees the receipt preview with
the amount in capitals and the receipt printed; a double Enter makes one payment; a lead voids
it (reason + note), sees the void slip and the trail, reprints (重印 n) and refunds; a clerk has
no fee desk; every refusal is one Chinese line."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select
from textual.widgets import DataTable, Input

from models.db import session_scope
from models.printjob import PrintJob
from tests.pilot import (
    SIZE,
    all_payments,
    at_fee_desk,
    demo_app,
    demo_queue,
    fee_screen,
    leave_outcome,
    login,
    open_statement,
    outcome_done,
    pay_cash,
    press_keys,
    queued_codes,
    scan,
    screen_of,
    settle,
    static_text,
    wait_until,
)
from tui.screens.fees import CashierScreen, FeeScreen
from tui.screens.fees.refund import RefundScreen
from tui.screens.home import HomeScreen
from tui.screens.outcome import OutcomeScreen
from tui.widgets.reason_note import ReasonNoteDialog

_next = leave_outcome


async def test_cashier_scans_a_label_takes_cash_and_sees_the_receipt(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        queue = await at_fee_desk(app, pilot)
        codes = queued_codes(engine)
        assert len(codes) == 5 and "待缴费 5 份" in static_text(queue, "#queue-title")
        scan(app, codes[0])
        fee = await fee_screen(app, pilot)
        assert fee.card is not None and fee.card.dossier_code == codes[0]
        due = fee.card.fee.amount if fee.card.fee else None
        assert due is not None
        assert f"应收 {due.figures()} 元（{due.capitals()}）" in static_text(fee, "#fee-amount")
        assert app.focused is fee.query_one("#tendered", Input)  # cash, ready for the amount
        await press_keys(pilot, "5", "0", "0")
        assert f"找零 {(500 * 100 - due.fen) / 100:.2f} 元" in static_text(fee, "#fee-change")
        await press_keys(pilot, "enter")
        done = await outcome_done(app, pilot)
        (p,) = all_payments(engine)
        assert p.method == "cash" and p.tendered_fen == 50000 and p.amount_fen == due.fen
        assert f"收据号 {p.receipt_code}" in static_text(done, "#status-line")
        preview = static_text(done, "#outcome-text")
        assert "评审费缴费凭证" in preview and f"人民币{due.capitals()}" in preview
        assert "缴费凭证：已打印" in static_text(done, "#outcome-jobs")
        with session_scope(engine, readonly=True) as s:
            (job,) = s.exec(select(PrintJob).where(PrintJob.payment_id == p.id)).all()
            assert job.status == "sent" and job.payload  # rendered, then printed
        # everything fits 80×24: the preview's box ends above the footer
        assert done.query_one("#outcome-preview").region.bottom <= SIZE[1] - 1
        await _next(app, pilot)  # the next one: back to the queue, one fewer
        assert await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, CashierScreen)
                and "待缴费 4 份" in static_text(app.screen, "#queue-title")
            ),
        )
        assert app.focused is app.screen.query_one("#pay-search", Input)


async def test_a_double_enter_takes_one_payment(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await at_fee_desk(app, pilot)
        scan(app, queued_codes(engine)[1])
        await fee_screen(app, pilot)
        await pilot.press("enter", "enter", "f9")  # as fast as a finger bounces
        await outcome_done(app, pilot)
        await pilot.press("enter")  # the bounce does not skip the receipt's outcome either
        assert isinstance(app.screen, OutcomeScreen)
        assert len(all_payments(engine)) == 1


async def test_transfer_needs_its_reference_and_bad_input_is_one_chinese_line(
    engine: Engine,
) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await at_fee_desk(app, pilot)
        scan(app, queued_codes(engine)[2])
        fee = await fee_screen(app, pilot)
        await press_keys(pilot, "a", "b", "c")  # not an amount
        assert "金额" in static_text(fee, "#fee-change")
        await press_keys(pilot, "enter")
        assert all_payments(engine) == [] and isinstance(app.screen, FeeScreen)
        await press_keys(pilot, "f11")  # 银行转账: the reference is asked for
        assert app.focused is fee.query_one("#reference", Input)
        assert "银行流水号" in static_text(fee, "#reference-label")
        await press_keys(pilot, "f9")
        assert await wait_until(pilot, lambda: "须填写银行流水号" in static_text(fee, "#fee-state"))
        fee.query_one("#reference", Input).focus()
        assert all_payments(engine) == []
        other = queued_codes(engine)[3]  # the next applicant's label scanned into the field
        scan(app, other)
        await pilot.pause(0.3)
        assert all_payments(engine) == [] and isinstance(app.screen, FeeScreen)  # not taken
        assert app.focused is fee.query_one("#fiscal", Input)  # Enter there only moved on
        await press_keys(pilot, "shift+tab")
        fee.query_one("#reference", Input).value = ""
        for ch in "BK20211009001":
            await pilot.press(ch)
        await press_keys(pilot, "enter", "f9")
        await outcome_done(app, pilot)
        (p,) = all_payments(engine)
        assert p.method == "transfer" and p.reference == "BK20211009001"


async def test_lead_voids_reprints_and_refunds_with_the_trail(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await at_fee_desk(app, pilot, "lead")
        code = queued_codes(engine)[0]
        await pay_cash(app, pilot, code)
        (p,) = all_payments(engine)
        # reprint: 重印 1
        scan(app, code)
        fee = await fee_screen(app, pilot)
        assert (
            "已缴费" in static_text(fee, "#fee-state")
            and fee.query_one("#fee-form").display is False
        )
        await press_keys(pilot, "ctrl+r")
        done = await outcome_done(app, pilot)
        assert "重印 1" in static_text(done, "#status-line") and "重印 1" in static_text(
            done, "#outcome-text"
        )
        await _next(app, pilot)
        # refund part of it
        scan(app, code)
        await fee_screen(app, pilot)
        await press_keys(pilot, "f12")
        assert isinstance(app.screen, RefundScreen)
        await press_keys(pilot, "1", "0", "0")  # replaces the amount offered (it is selected)
        await press_keys(pilot, "enter", "down", "enter")  # 多收
        for ch in "收多了":
            await pilot.press(ch)
        await press_keys(pilot, "enter")
        done = await outcome_done(app, pilot)
        assert "已退费 100.00 元（壹佰元整）" in static_text(done, "#status-line")
        assert "评审费退费凭证" in static_text(done, "#outcome-text")
        await _next(app, pilot)
        # a void after a refund is refused, in Chinese, and nothing changes
        scan(app, code)
        fee = await fee_screen(app, pilot)
        await press_keys(pilot, "f10")
        assert isinstance(app.screen, ReasonNoteDialog)
        await press_keys(pilot, "enter")  # the first reason
        await press_keys(pilot, "enter")  # no note yet: refused
        assert isinstance(app.screen, ReasonNoteDialog)
        for ch in "录错":
            await pilot.press(ch)
        await press_keys(pilot, "enter")
        assert await wait_until(
            pilot, lambda: "已有退费，不能再作废" in static_text(fee, "#fee-state")
        )
        kinds = [x.kind for x in all_payments(engine)]
        assert kinds == ["payment", "refund"]
        # the trail: the payment and its refund, with who and why
        table = fee.query_one("#fee-trail", DataTable)
        assert table.row_count == 2
        assert "收多了" in " ".join(str(c) for c in table.get_row_at(1))
        assert p.receipt_code == str(table.get_row_at(0)[0])


async def test_lead_voids_a_receipt_and_sees_the_slip_and_the_trail(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await at_fee_desk(app, pilot, "lead")
        code = queued_codes(engine)[3]
        await pay_cash(app, pilot, code)
        scan(app, code)
        await fee_screen(app, pilot)
        await press_keys(pilot, "f10", "down", "down", "enter")  # 重复收费
        for ch in "两个窗口都收了":
            await pilot.press(ch)
        await press_keys(pilot, "enter")
        done = await outcome_done(app, pilot)
        original, void = all_payments(engine)
        assert void.kind == "void" and void.original_id == original.id
        assert f"已作废收据 {original.receipt_code}" in static_text(done, "#status-line")
        slip = static_text(done, "#outcome-text")
        assert "评审费缴费凭证作废单" in slip and "重复收费" in slip and "两个窗口都收了" in slip
        assert void.receipt_code in slip  # the void's own number
        await _next(app, pilot)
        scan(app, code)  # back in the queue, with the trail
        fee = await fee_screen(app, pilot)
        assert fee.card is not None and fee.card.payable
        table = fee.query_one("#fee-trail", DataTable)
        rows = [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        assert f"已作废（{void.receipt_code}）" in rows[0] and "重复收费" in rows[1]


async def test_a_clerk_has_no_fee_desk_and_a_cashier_cannot_void(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await login(app, pilot, "clerk", "clerk123")
        assert isinstance(app.screen, HomeScreen)
        await press_keys(pilot, "f7")
        assert isinstance(app.screen, HomeScreen)  # no fee desk for a clerk
        app.log_out()
        await settle(app, pilot)
        await at_fee_desk(app, pilot, "cashier")
        code = queued_codes(engine)[4]
        await pay_cash(app, pilot, code)
        scan(app, code)
        fee = await fee_screen(app, pilot)
        await press_keys(pilot, "f10", "f12")
        assert screen_of(app) is fee  # neither opens for a cashier
        assert not fee.check_action("void", ()) and not fee.check_action("refund", ())
        assert fee.check_action("reprint", ())  # a cashier may reprint (重印 n)
        assert [x.kind for x in all_payments(engine)] == ["payment"]


async def test_cashier_imports_a_statement_and_confirms_each_match(
    engine: Engine, tmp_path: Path
) -> None:
    """A GB18030 statement: a transfer naming a dossier number with its fee (proposed, confirmed
    with Enter → a transfer payment with the bank's serial, receipt printed), one for half a fee
    (never confirmable here), and one pointing at nobody (set aside with a reason and a note)."""
    from tui.screens.fees.bank import BankScreen
    from tui.screens.fees.bank_match import ConfirmMatchScreen

    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await at_fee_desk(app, pilot)
        (code, name, fen), (code2, name2, fen2) = demo_queue(engine)[:2]
        rows = [
            ["中国农业银行账户交易明细"],
            ["交易日期", "收入金额", "对方户名", "摘要", "交易流水号"],
            ["2026-11-20", f"{fen / 100:.2f}", name, f"评审费 {code}", "AB2026112000001"],
            ["2026-11-20", f"{fen2 / 200:.2f}", name2, f"{code2} 评审费", "AB2026112000002"],
            ["2026-11-21", "1000.00", "某某公司", "货款", "AB2026112100003"],
        ]
        bank = await open_statement(app, pilot, tmp_path, rows)
        assert await wait_until(pilot, lambda: len(bank.lines) == 3), static_text(
            bank, "#bank-summary"
        )
        statuses = [p.status.value for p in sorted(bank.lines.values(), key=lambda p: p.line_no)]
        assert statuses == ["proposed", "partial", "unmatched"]
        table = bank.query_one("#bank-lines", DataTable)
        table.focus()
        table.move_cursor(row=1)  # the half fee: not confirmable here
        await press_keys(pilot, "enter")
        assert isinstance(app.screen, BankScreen) and all_payments(engine) == []
        table.move_cursor(row=0)
        await press_keys(pilot, "enter")
        assert isinstance(app.screen, ConfirmMatchScreen)
        await press_keys(pilot, "enter")
        assert await wait_until(
            pilot,
            lambda: (
                len(all_payments(engine)) == 1
                and "已确认银行转账" in static_text(bank, "#bank-summary")
            ),
        )
        (p,) = all_payments(engine)
        assert p.method == "transfer" and p.reference == "AB2026112000001" and p.amount_fen == fen
        assert await wait_until(
            pilot, lambda: any(j.status == "sent" for j in _jobs_of(engine, p.id or 0))
        )
        table.move_cursor(row=2)
        await press_keys(pilot, "f10")
        assert isinstance(app.screen, ReasonNoteDialog)
        await press_keys(pilot, "enter")
        for ch in "供应商货款":
            await pilot.press(ch)
        await press_keys(pilot, "enter")
        assert await wait_until(
            pilot,
            lambda: (
                sorted(p.status.value for p in bank.lines.values())
                == ["confirmed", "dismissed", "partial"]
            ),
        )
        await press_keys(
            pilot, "f11"
        )  # the dossiers still unpaid: the one confirmed is not among them
        assert await wait_until(pilot, lambda: table.row_count == 4)
        codes = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert code not in codes and code2 in codes


def _jobs_of(engine: Engine, payment_id: int) -> list[PrintJob]:
    with session_scope(engine, readonly=True) as s:
        return list(s.exec(select(PrintJob).where(PrintJob.payment_id == payment_id)))
