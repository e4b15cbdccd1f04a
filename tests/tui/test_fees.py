"""The fee desk driven through Pilot at 80×24 on the demo office (five dossiers accepted): the
cashier scans an envelope label, takes cash with the change shown, sees the receipt preview with
the amount in capitals and the receipt printed; a double Enter makes one payment; a lead voids
it (reason + note), sees the void slip and the trail, reprints (重印 n) and refunds; a clerk has
no fee desk; every refusal is one Chinese line."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import col, select
from textual.widgets import DataTable, Input, Static

from models.db import session_scope
from models.dossier import Dossier
from models.payment import Payment
from models.printjob import PrintJob
from tests.tui.test_intake import _keys, leave_outcome, scan
from tests.tui.test_login_home import SIZE, _app, _login, _settle
from tests.tui.test_print_jobs import _until
from tui.app import DeskApp
from tui.screens.fees import CashierScreen, FeeScreen, RefundScreen, VoidScreen
from tui.screens.home import HomeScreen
from tui.screens.outcome import OutcomeScreen


def _queued(engine: Engine) -> list[str]:
    """The demo's accepted dossiers without a payment, in number order."""
    with session_scope(engine, readonly=True) as s:
        paid = select(Payment.dossier_id)
        return [d.dossier_code or "" for d in s.exec(
            select(Dossier).where(col(Dossier.id).not_in(paid)).order_by(col(Dossier.dossier_no)))]


def _payments(engine: Engine) -> list[Payment]:
    with session_scope(engine, readonly=True) as s:
        return list(s.exec(select(Payment).order_by(col(Payment.receipt_no))))


async def _at_fee_desk(app: DeskApp, pilot, user: str = "cashier") -> CashierScreen:  # type: ignore[no-untyped-def]
    await _settle(app, pilot)
    await _login(app, pilot, user, f"{user}123")
    assert isinstance(app.screen, HomeScreen)
    await _keys(pilot, "f7")
    assert await _until(pilot, lambda: isinstance(app.screen, CashierScreen)
                        and app.screen.query_one("#queue", DataTable).row_count > 0)
    assert isinstance(app.screen, CashierScreen)
    return app.screen


async def _fee(app: DeskApp, pilot) -> FeeScreen:  # type: ignore[no-untyped-def]
    assert await _until(pilot, lambda: isinstance(app.screen, FeeScreen)
                        and app.screen.card is not None), type(app.screen)
    await _settle(app, pilot)
    assert isinstance(app.screen, FeeScreen)
    return app.screen


def _text(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(selector, Static).render())


async def _done(app: DeskApp, pilot) -> OutcomeScreen:  # type: ignore[no-untyped-def]
    assert await _until(pilot, lambda: isinstance(app.screen, OutcomeScreen)
                        and "正在打印" not in _text(app.screen, "#outcome-jobs"), 8)
    assert isinstance(app.screen, OutcomeScreen)
    return app.screen


_next = leave_outcome


async def _pay_cash(app: DeskApp, pilot, code: str) -> None:  # type: ignore[no-untyped-def]
    """Scan the label, Enter (cash, nothing tendered), then Enter on the outcome."""
    scan(app, code)
    await _fee(app, pilot)
    await _keys(pilot, "enter")
    await _done(app, pilot)
    await _next(app, pilot)


async def test_cashier_scans_a_label_takes_cash_and_sees_the_receipt(engine: Engine) -> None:
    app = _app(engine)
    async with app.run_test(size=SIZE) as pilot:
        queue = await _at_fee_desk(app, pilot)
        codes = _queued(engine)
        assert len(codes) == 5 and "待缴费 5 份" in _text(queue, "#queue-title")
        scan(app, codes[0])
        fee = await _fee(app, pilot)
        assert fee.card is not None and fee.card.dossier_code == codes[0]
        due = fee.card.fee.amount if fee.card.fee else None
        assert due is not None
        assert f"应收 {due.figures()} 元（{due.capitals()}）" in _text(fee, "#fee-amount")
        assert app.focused is fee.query_one("#tendered", Input)  # cash, ready for the amount
        await _keys(pilot, "5", "0", "0")
        assert f"找零 {(500 * 100 - due.fen) / 100:.2f} 元" in _text(fee, "#fee-change")
        await _keys(pilot, "enter")
        done = await _done(app, pilot)
        (p,) = _payments(engine)
        assert p.method == "cash" and p.tendered_fen == 50000 and p.amount_fen == due.fen
        assert f"收据号 {p.receipt_code}" in _text(done, "#status-line")
        preview = _text(done, "#outcome-text")
        assert "评审费缴费凭证" in preview and f"人民币{due.capitals()}" in preview
        assert "缴费凭证：已打印" in _text(done, "#outcome-jobs")
        with session_scope(engine, readonly=True) as s:
            (job,) = s.exec(select(PrintJob).where(PrintJob.payment_id == p.id)).all()
            assert job.status == "sent" and job.payload  # rendered, then printed
        # everything fits 80×24: the preview's box ends above the footer
        assert done.query_one("#outcome-preview").region.bottom <= SIZE[1] - 1
        await _next(app, pilot)  # the next one: back to the queue, one fewer
        assert await _until(pilot, lambda: isinstance(app.screen, CashierScreen)
                            and "待缴费 4 份" in _text(app.screen, "#queue-title"))
        assert app.focused is app.screen.query_one("#pay-search", Input)


async def test_a_double_enter_takes_one_payment(engine: Engine) -> None:
    app = _app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await _at_fee_desk(app, pilot)
        scan(app, _queued(engine)[1])
        await _fee(app, pilot)
        await pilot.press("enter", "enter", "f9")  # as fast as a finger bounces
        await _done(app, pilot)
        await pilot.press("enter")  # the bounce does not skip the receipt's outcome either
        assert isinstance(app.screen, OutcomeScreen)
        assert len(_payments(engine)) == 1


async def test_transfer_needs_its_reference_and_bad_input_is_one_chinese_line(
        engine: Engine) -> None:
    app = _app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await _at_fee_desk(app, pilot)
        scan(app, _queued(engine)[2])
        fee = await _fee(app, pilot)
        await _keys(pilot, "a", "b", "c")  # not an amount
        assert "金额" in _text(fee, "#fee-change")
        await _keys(pilot, "enter")
        assert _payments(engine) == [] and isinstance(app.screen, FeeScreen)
        await _keys(pilot, "f11")  # 银行转账: the reference is asked for
        assert app.focused is fee.query_one("#reference", Input)
        assert "银行流水号" in _text(fee, "#reference-label")
        await _keys(pilot, "f9")
        assert await _until(pilot, lambda: "须填写银行流水号" in _text(fee, "#fee-state"))
        fee.query_one("#reference", Input).focus()
        assert _payments(engine) == []
        other = _queued(engine)[3]  # the next applicant's label scanned into the field
        scan(app, other)
        await pilot.pause(0.3)
        assert _payments(engine) == [] and isinstance(app.screen, FeeScreen)  # not taken
        assert app.focused is fee.query_one("#fiscal", Input)  # Enter there only moved on
        await _keys(pilot, "shift+tab")
        fee.query_one("#reference", Input).value = ""
        for ch in "BK20211009001":
            await pilot.press(ch)
        await _keys(pilot, "enter", "f9")
        await _done(app, pilot)
        (p,) = _payments(engine)
        assert p.method == "transfer" and p.reference == "BK20211009001"


async def test_lead_voids_reprints_and_refunds_with_the_trail(engine: Engine) -> None:
    app = _app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await _at_fee_desk(app, pilot, "lead")
        code = _queued(engine)[0]
        await _pay_cash(app, pilot, code)
        (p,) = _payments(engine)
        # reprint: 重印 1
        scan(app, code)
        fee = await _fee(app, pilot)
        assert "已缴费" in _text(fee, "#fee-state") and fee.query_one("#fee-form").display is False
        await _keys(pilot, "ctrl+r")
        done = await _done(app, pilot)
        assert "重印 1" in _text(done, "#status-line") and "重印 1" in _text(done, "#outcome-text")
        await _next(app, pilot)
        # refund part of it
        scan(app, code)
        await _fee(app, pilot)
        await _keys(pilot, "f12")
        assert isinstance(app.screen, RefundScreen)
        await _keys(pilot, "1", "0", "0")  # replaces the amount offered (it is selected)
        await _keys(pilot, "enter", "down", "enter")  # 多收
        for ch in "收多了":
            await pilot.press(ch)
        await _keys(pilot, "enter")
        done = await _done(app, pilot)
        assert "已退费 100.00 元（壹佰元整）" in _text(done, "#status-line")
        assert "评审费退费凭证" in _text(done, "#outcome-text")
        await _next(app, pilot)
        # a void after a refund is refused, in Chinese, and nothing changes
        scan(app, code)
        fee = await _fee(app, pilot)
        await _keys(pilot, "f10")
        assert isinstance(app.screen, VoidScreen)
        await _keys(pilot, "enter")  # the first reason
        await _keys(pilot, "enter")  # no note yet: refused
        assert isinstance(app.screen, VoidScreen)
        for ch in "录错":
            await pilot.press(ch)
        await _keys(pilot, "enter")
        assert await _until(pilot, lambda: "已有退费，不能再作废" in _text(fee, "#fee-state"))
        kinds = [x.kind for x in _payments(engine)]
        assert kinds == ["payment", "refund"]
        # the trail: the payment and its refund, with who and why
        table = fee.query_one("#fee-trail", DataTable)
        assert table.row_count == 2
        assert "收多了" in " ".join(str(c) for c in table.get_row_at(1))
        assert p.receipt_code == str(table.get_row_at(0)[0])


async def test_lead_voids_a_receipt_and_sees_the_slip_and_the_trail(engine: Engine) -> None:
    app = _app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await _at_fee_desk(app, pilot, "lead")
        code = _queued(engine)[3]
        await _pay_cash(app, pilot, code)
        scan(app, code)
        await _fee(app, pilot)
        await _keys(pilot, "f10", "down", "down", "enter")  # 重复收费
        for ch in "两个窗口都收了":
            await pilot.press(ch)
        await _keys(pilot, "enter")
        done = await _done(app, pilot)
        original, void = _payments(engine)
        assert void.kind == "void" and void.original_id == original.id
        assert f"已作废收据 {original.receipt_code}" in _text(done, "#status-line")
        slip = _text(done, "#outcome-text")
        assert "评审费缴费凭证作废单" in slip and "重复收费" in slip and "两个窗口都收了" in slip
        assert void.receipt_code in slip  # the void's own number
        await _next(app, pilot)
        scan(app, code)  # back in the queue, with the trail
        fee = await _fee(app, pilot)
        assert fee.card is not None and fee.card.payable
        table = fee.query_one("#fee-trail", DataTable)
        rows = [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        assert f"已作废（{void.receipt_code}）" in rows[0] and "重复收费" in rows[1]


async def test_a_clerk_has_no_fee_desk_and_a_cashier_cannot_void(engine: Engine) -> None:
    app = _app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await _settle(app, pilot)
        await _login(app, pilot, "clerk", "clerk123")
        assert isinstance(app.screen, HomeScreen)
        await _keys(pilot, "f7")
        assert isinstance(app.screen, HomeScreen)  # no fee desk for a clerk
        app.log_out()
        await _settle(app, pilot)
        await _at_fee_desk(app, pilot, "cashier")
        code = _queued(engine)[4]
        await _pay_cash(app, pilot, code)
        scan(app, code)
        fee = await _fee(app, pilot)
        await _keys(pilot, "f10", "f12")
        assert app.screen is fee  # neither opens for a cashier
        assert not fee.check_action("void", ()) and not fee.check_action("refund", ())
        assert fee.check_action("reprint", ())  # a cashier may reprint (重印 n)
        assert [x.kind for x in _payments(engine)] == ["payment"]


def _demo_queue(engine: Engine) -> list[tuple[str, str, int]]:
    """(dossier code, name, fee in fen) of the demo's unpaid dossiers."""
    from models.online import OnlineRecord
    from models.services.campaigns import fee_for

    with session_scope(engine, readonly=True) as s:
        out = []
        for code in _queued(engine):
            d = s.exec(select(Dossier).where(Dossier.dossier_code == code)).one()
            rec = s.get(OnlineRecord, d.online_record_id)
            assert rec is not None
            out.append((code, rec.name, fee_for(s, d.campaign_id, d.track, d.level).amount.fen))
        return out


async def open_statement(app: DeskApp, pilot, tmp_path, rows: list[list[str]]):  # type: ignore[no-untyped-def]
    """From the fee desk: F3, the statement ``rows`` written as a GB18030 CSV and its path
    pasted into the field, Enter. Returns the BankScreen."""
    from tui.screens.bank import BankScreen

    path = tmp_path / "流水.csv"
    path.write_bytes("\r\n".join(",".join(r) for r in rows).encode("gb18030"))
    await _keys(pilot, "f3")
    assert await _until(pilot, lambda: isinstance(app.screen, BankScreen))
    bank = app.screen
    assert isinstance(bank, BankScreen)
    bank.query_one("#bank-file", Input).value = str(path)  # as pasted into the field
    await _keys(pilot, "enter")
    return bank


async def test_cashier_imports_a_statement_and_confirms_each_match(engine: Engine,
                                                                    tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A GB18030 statement: a transfer naming a dossier number with its fee (proposed, confirmed
    with Enter → a transfer payment with the bank's serial, receipt printed), one for half a fee
    (never confirmable here), and one pointing at nobody (set aside with a reason and a note)."""
    from tui.screens.bank import BankScreen, ConfirmMatchScreen, DismissLineScreen

    app = _app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await _at_fee_desk(app, pilot)
        (code, name, fen), (code2, name2, fen2) = _demo_queue(engine)[:2]
        rows = [["中国农业银行账户交易明细"], ["交易日期", "收入金额", "对方户名", "摘要", "交易流水号"],
                ["2026-11-20", f"{fen / 100:.2f}", name, f"评审费 {code}", "AB2026112000001"],
                ["2026-11-20", f"{fen2 / 200:.2f}", name2, f"{code2} 评审费", "AB2026112000002"],
                ["2026-11-21", "1000.00", "某某公司", "货款", "AB2026112100003"]]
        bank = await open_statement(app, pilot, tmp_path, rows)
        assert await _until(pilot, lambda: len(bank.lines) == 3), _text(bank, "#bank-summary")
        statuses = [p.status.value for p in sorted(bank.lines.values(), key=lambda p: p.line_no)]
        assert statuses == ["proposed", "partial", "unmatched"]
        table = bank.query_one("#bank-lines", DataTable)
        table.focus()
        table.move_cursor(row=1)  # the half fee: not confirmable here
        await _keys(pilot, "enter")
        assert isinstance(app.screen, BankScreen) and _payments(engine) == []
        table.move_cursor(row=0)
        await _keys(pilot, "enter")
        assert isinstance(app.screen, ConfirmMatchScreen)
        await _keys(pilot, "enter")
        assert await _until(pilot, lambda: len(_payments(engine)) == 1
                            and "已确认银行转账" in _text(bank, "#bank-summary"))
        (p,) = _payments(engine)
        assert p.method == "transfer" and p.reference == "AB2026112000001" and p.amount_fen == fen
        assert await _until(pilot, lambda: any(
            j.status == "sent" for j in _jobs_of(engine, p.id or 0)))
        table.move_cursor(row=2)
        await _keys(pilot, "f10")
        assert isinstance(app.screen, DismissLineScreen)
        await _keys(pilot, "enter")
        for ch in "供应商货款":
            await pilot.press(ch)
        await _keys(pilot, "enter")
        assert await _until(pilot, lambda: sorted(p.status.value for p in bank.lines.values())
                            == ["confirmed", "dismissed", "partial"])
        await _keys(pilot, "f11")  # the dossiers still unpaid: the one confirmed is not among them
        assert await _until(pilot, lambda: table.row_count == 4)
        codes = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert code not in codes and code2 in codes


def _jobs_of(engine: Engine, payment_id: int) -> list[PrintJob]:
    with session_scope(engine, readonly=True) as s:
        return list(s.exec(select(PrintJob).where(PrintJob.payment_id == payment_id)))
