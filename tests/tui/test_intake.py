"""The intake counter driven through Pilot at 80×24 on the demo office: scan → card → judge every
item → accept (label, material list and acceptance slip queued and printed to the preview
printer) or return (one notice listing every deficiency); scan bursts from any focused widget;
a person typing is never mistaken for a scanner; a cashier's scan opens the fee desk, not the card."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select
from textual.widgets import DataTable, Input, Static

from models.db import session_scope
from models.demo import DEMO_ACCEPTED
from models.dossier import Dossier, DossierVisit
from models.online import OnlineRecord
from models.printjob import PrintJob
from models.vocab import ONLINE_APPROVED
from tests.pilot import (
    SIZE,
    DeskPilot,
    card_screen,
    clerk_at_counter,
    demo_app,
    leave_outcome,
    login,
    press_keys,
    scan,
    settle,
    wait_until,
)
from tests.printers.escpos_reader import text_segments
from tui.app import DeskApp
from tui.screens.intake import CardScreen, IntakeScreen
from tui.screens.intake.return_notice import ConfirmReturnScreen
from tui.screens.outcome import OutcomeScreen
from tui.widgets.dialogs import PickDialog

NEXT = f"ZJ21S{DEMO_ACCEPTED + 1:05d}"  # the demo clerk accepted a few: the counter's next number


def _approved(engine: Engine, n: int = 0, **where: str) -> OnlineRecord:
    """The n-th approved demo record with no dossier yet (optionally with a track/level)."""
    with session_scope(engine, readonly=True) as s:
        stmt = select(OnlineRecord).where(OnlineRecord.status == ONLINE_APPROVED)
        for k, v in where.items():
            stmt = stmt.where(getattr(OnlineRecord, k) == v)
        taken = select(Dossier.online_record_id)
        stmt = stmt.where(col(OnlineRecord.id).not_in(taken)).order_by(col(OnlineRecord.id))
        return list(s.exec(stmt))[n]


async def _scan_first(
    app: DeskApp,
    pilot: DeskPilot,
    engine: Engine,
) -> tuple[OnlineRecord, CardScreen]:
    """The clerk at the counter scans the first unaccepted 评审 中级 applicant's ID."""
    await clerk_at_counter(app, pilot)
    rec = _approved(engine, track="评审", level="中级")
    scan(app, rec.id_number)
    return rec, await card_screen(app, pilot)


def _jobs(engine: Engine, dossier_id: int) -> list[PrintJob]:
    with session_scope(engine, readonly=True) as s:
        return list(
            s.exec(
                select(PrintJob).where(PrintJob.dossier_id == dossier_id).order_by(col(PrintJob.id))
            )
        )


async def test_scan_judge_accept_prints_label_list_and_slip(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        rec, card = await _scan_first(app, pilot, engine)
        assert card.card is not None and card.card.person is not None
        assert card.card.person.name == rec.name
        person = str(card.query_one("#card-person", Static).render())
        assert rec.id_number not in person and rec.id_number[-4:] in person  # masked for a clerk
        table = card.query_one("#checklist", DataTable)
        assert table.row_count == len(card.items) >= 7
        await press_keys(pilot, "f9")  # nothing judged yet: refused with the first item named
        assert await wait_until(
            pilot,
            lambda: (
                card.items[0].name
                in "".join(str(n.message).replace("\n", "") for n in app._notifications)
            ),
        )
        await press_keys(pilot, *(["y"] * len(card.items)))
        assert len(card.checks) == len(card.items)
        await press_keys(pilot, "f9")
        assert await wait_until(pilot, lambda: isinstance(app.screen, OutcomeScreen))
        outcome = app.screen
        assert isinstance(outcome, OutcomeScreen)
        assert f"已受理：受理编号 {NEXT}" in str(outcome.query_one("#status-line").render())
        text = str(outcome.query_one("#outcome-text", Static).render())
        assert NEXT in text and rec.name.replace("·", "") in text.replace("·", "")
        with session_scope(engine, readonly=True) as s:
            d = s.exec(select(Dossier).where(Dossier.online_record_id == rec.id)).one()
        assert d.status == "accepted" and d.dossier_code == NEXT
        assert await wait_until(
            pilot, lambda: [j.status for j in _jobs(engine, d.id or 0)] == ["sent"] * 3
        )
        jobs = _jobs(engine, d.id or 0)
        assert [(j.document, j.printer) for j in jobs] == [
            ("label", "label"),
            ("materials", "receipt"),
            ("acceptance", "receipt"),
        ]
        label = "".join(text_segments(jobs[0].payload, "gbk"))
        assert NEXT in label
        assert await wait_until(
            pilot, lambda: "受理回执：已打印" in str(outcome.query_one("#outcome-jobs").render())
        )
        await press_keys(pilot, "tab")
        assert "申报材料目录" in str(outcome.query_one("#outcome-text", Static).render())
        await leave_outcome(app, pilot)  # next applicant: back at the search box
        assert isinstance(app.screen, IntakeScreen)
        assert app.screen.focused is app.screen.query_one("#search", Input)
        # scanning the envelope's barcode opens the same person, marked as already accepted
        scan(app, "ZJ21S00001")
        card = await card_screen(app, pilot)
        assert card.card is not None and card.card.alerts[0].code == "already_accepted"
        assert card.query_one("#checklist", DataTable).row_count == 0


async def test_return_with_two_deficiencies_prints_one_notice(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        _, card = await _scan_first(app, pilot, engine)
        # review form: one copy instead of two; then the rest complete except the diploma
        await press_keys(pilot, "minus", "down")
        assert card.checks["review_form"].copies == 1
        for item in card.items[1:]:
            await press_keys(pilot, "n" if item.key == "diploma" else "y")
        await press_keys(pilot, "f9")  # deficient: cannot be accepted
        assert await wait_until(
            pilot, lambda: any("F10" in str(n.message) for n in app._notifications)
        )
        await press_keys(pilot, "f10")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmReturnScreen))
        await press_keys(pilot, "enter")
        assert await wait_until(pilot, lambda: isinstance(app.screen, OutcomeScreen))
        text = "".join(str(app.screen.query_one("#outcome-text", Static).render()).split())
        assert "ZJ21B00001" in text and "有以下2项问题" in text
        assert "1.专业技术职务任职资格评审表：只交1份，应交2份" in text
        assert "2.学历证书复印件：未提交" in text
        with session_scope(engine, readonly=True) as s:
            visit = s.exec(select(DossierVisit).where(DossierVisit.outcome == "returned")).one()
            jobs = list(s.exec(select(PrintJob).where(PrintJob.document == "notice")))
        assert visit.notice_code == "ZJ21B00001" and len(visit.deficiencies) == 2
        assert len(jobs) == 1


async def test_scan_from_any_focused_widget(engine: Engine) -> None:
    """A burst opens the record from the search box (not typed into it), from a checklist (no
    verdict is set by its characters) and from a modal (closed, the draft kept)."""
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        intake = await clerk_at_counter(app, pilot)
        first, second = _approved(engine, 0), _approved(engine, 1)
        assert intake.focused is intake.query_one("#search", Input)
        scan(app, first.id_number)
        card = await card_screen(app, pilot)
        assert intake.query_one("#search", Input).value == ""
        await press_keys(pilot, "y")  # one verdict, then a scan while the checklist has focus
        assert len(card.checks) == 1
        scan(app, second.id_number)
        assert await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, CardScreen)
                and app.screen.card is not None
                and app.screen.record_id == second.id
            ),
        )
        card2 = app.screen
        assert isinstance(card2, CardScreen) and card2.checks == {}
        assert card2.card is not None and card2.card.person is not None
        assert card2.card.person.record_id == second.id
        assert card2.items[0].must_match_online  # 000's checklist starts with the review form
        await press_keys(pilot, "m")  # the comparison dialog is open when the next scan comes
        assert isinstance(app.screen, PickDialog)
        scan(app, first.id_number)  # from the modal: back to the first, its verdict restored
        assert await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, CardScreen)
                and app.screen.card is not None
                and app.screen.record_id == first.id
            ),
        )
        await settle(app, pilot)
        back = app.screen
        assert isinstance(back, CardScreen) and len(back.checks) == 1


async def test_typing_is_not_a_scan(engine: Engine) -> None:
    """A person typing an ID into the search box, key by key, gets an ordinary search."""
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        intake = await clerk_at_counter(app, pilot)
        rec = _approved(engine, 0)
        await press_keys(pilot, *rec.id_number[-6:])
        assert intake.query_one("#search", Input).value == rec.id_number[-6:]
        await press_keys(pilot, "enter")
        assert await wait_until(pilot, lambda: intake.query_one("#hits", DataTable).row_count >= 1)
        assert isinstance(app.screen, IntakeScreen)


async def test_a_cashiers_scan_opens_the_fee_and_sends_unaccepted_paper_to_intake(
    engine: Engine,
) -> None:
    from tui.screens.fees import FeeScreen

    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await login(app, pilot, "cashier", "cashier123")
        rec = _approved(engine, 0)
        scan(app, rec.id_number)
        assert await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, FeeScreen)
                and "尚未受理" in str(app.screen.query_one("#fee-person", Static).render())
            ),
        )
        fee = app.screen
        assert isinstance(fee, FeeScreen) and fee.card is None
        assert f"{rec.name} 的纸质材料尚未受理：请先到受理窗口" in str(
            fee.query_one("#fee-person", Static).render()
        )
        await press_keys(pilot, "y", "f9")
        assert not fee.check_action("take", ())
        with session_scope(engine, readonly=True) as s:
            assert s.exec(select(Dossier).where(Dossier.online_record_id == rec.id)).first() is None


async def test_closed_window_blocks_the_clerk_and_a_lead_extends_it(engine: Engine) -> None:
    import datetime as dt

    from models.types import utcnow

    later = utcnow() + dt.timedelta(days=30)  # the demo window (today −7 … +14 days) is over
    app = demo_app(engine)
    app.clock = lambda: later
    async with app.run_test(size=SIZE) as pilot:
        await clerk_at_counter(app, pilot)
        rec = _approved(engine, 0)
        scan(app, rec.id_number)
        card = await card_screen(app, pilot)
        # the window blocks (a warning such as the last submission allowed may stand beside it)
        assert card.card is not None and [a.code for a in card.card.alerts if a.blocking] == [
            "window_closed"
        ]
        assert "逾期不予受理" in str(card.query_one("#card-alerts", Static).render())
        assert card.query_one("#checklist", DataTable).row_count == 0  # nothing to judge
        assert not card.check_action("extend_window", ())  # a clerk cannot extend
        app.log_out()
        await settle(app, pilot)
        await login(app, pilot, "lead", "lead123")
        scan(app, rec.id_number)
        card = await card_screen(app, pilot)
        assert card.check_action("extend_window", ())
        await press_keys(pilot, "f11")
        until = (later + dt.timedelta(days=2)).astimezone(dt.timezone(dt.timedelta(hours=8)))
        app.screen.query_one("#extend-until", Input).value = f"{until:%Y-%m-%d}"
        app.screen.query_one("#extend-reason", Input).value = "和静县教育局统一报送，路上耽误"
        app.screen.query_one("#extend-until", Input).focus()
        await press_keys(pilot, "enter", "enter")
        assert await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, CardScreen)
                and app.screen.card is not None
                and app.screen.card.can_judge
            ),
        )
        assert app.screen.query_one("#checklist", DataTable).row_count > 0


async def test_a_units_batch_in_order(engine: Engine) -> None:
    """Ctrl+B at the counter: pick the unit, open the first person still missing, accept, and the
    list comes back with the counts updated and the cursor on the next one to see."""
    from tui.screens.intake.batch import UnitBatchScreen

    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await clerk_at_counter(app, pilot)
        await press_keys(pilot, "ctrl+b")
        screen = app.screen
        assert isinstance(screen, UnitBatchScreen)
        screen.query_one("#unit", Input).value = "轮台县"
        await press_keys(pilot, "enter")
        assert await wait_until(pilot, lambda: screen.roster is not None)
        roster = screen.roster
        assert roster is not None and roster.title == "轮台县职业技术学校"
        counts = roster.counts()
        assert counts["accepted"] == 0 and counts["total"] == len(roster.lines) > 2
        assert "已受理 0" in str(screen.query_one("#batch-counts", Static).render())
        table = screen.query_one("#batch-table", DataTable)
        first = next(i for i, x in enumerate(roster.lines) if x.hit and x.hit.eligible)
        table.move_cursor(row=first)
        await press_keys(pilot, "enter")
        card = await card_screen(app, pilot)
        await press_keys(pilot, *(["y"] * len(card.items)), "f9")
        assert await wait_until(pilot, lambda: isinstance(app.screen, OutcomeScreen))
        await leave_outcome(app, pilot)
        assert await wait_until(
            pilot,
            lambda: (
                screen.roster is not roster
                and screen.roster is not None
                and screen.roster.counts()["accepted"] == 1
                and app.screen is screen
            ),
        )
        await settle(app, pilot)
        assert screen.roster is not None and screen.roster.lines[first].done
        assert table.cursor_row > first and not screen.roster.lines[table.cursor_row].done
        assert "已受理 1" in str(screen.query_one("#batch-counts", Static).render())


async def test_a_bug_in_a_worker_is_one_line_and_a_log_not_a_hang(
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    import tui.screens.intake.card as card_module
    from models.config import data_dir

    def broken(*args: object, **kwargs: object) -> NoReturn:
        raise RuntimeError("simulated bug")

    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        rec, card = await _scan_first(app, pilot, engine)
        await press_keys(pilot, *(["y"] * len(card.items)))
        monkeypatch.setattr(card_module, "accept", broken)  # the service, where the card calls it
        await press_keys(pilot, "f9")
        assert await wait_until(
            pilot,
            lambda: any(
                "程序内部错误（RuntimeError）" in str(n.message).replace("\n", "")
                for n in app._notifications
            ),
        )
        assert not card.busy and isinstance(app.screen, CardScreen)  # F9 can be pressed again
        log = data_dir() / "logs" / "desk-errors.log"
        assert "simulated bug" in log.read_text(encoding="utf-8")
        with session_scope(engine, readonly=True) as s:
            assert s.exec(select(Dossier).where(Dossier.online_record_id == rec.id)).first() is None


async def test_a_late_answer_for_the_previous_scan_is_not_shown(engine: Engine) -> None:
    """The card screen is reused: an answer that arrives after the next scan (a slow query for
    the first person) must not paint the first person over the second."""
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        first, card = await _scan_first(app, pilot, engine)
        second = _approved(engine, 1)
        assert isinstance(card, CardScreen) and card.card is not None
        stale, stale_gen = card.card, card.generation
        scan(app, second.id_number)
        assert await wait_until(
            pilot, lambda: card.card is not None and card.record_id == second.id
        )
        card._show(stale, stale_gen)  # the first lookup's answer, late
        card._failed("数据库连接中断", stale_gen)
        await settle(app, pilot)
        assert card.card is not None and card.card.person is not None
        assert card.card.person.record_id == second.id
        person = str(card.query_one("#card-person", Static).render())
        assert second.name in person and "数据库" not in person
        assert first.id != second.id


async def test_the_next_user_never_sees_the_previous_card(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        rec, card = await _scan_first(app, pilot, engine)
        await press_keys(pilot, "y")
        assert len(card.checks) == 1
        app.log_out("已注销")
        await settle(app, pilot)
        assert app._card_screen is None and not app.drafts
        await login(app, pilot, "lead", "lead123")
        scan(app, rec.id_number)
        fresh = await card_screen(app, pilot)
        assert fresh is not card and fresh.checks == {}  # the clerk's verdict stayed theirs
        assert not card.is_attached  # removed from the app, not kept hidden


FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})


async def test_a_full_width_scan_through_a_chinese_input_method_opens_the_record(
    engine: Engine,
) -> None:
    """A Chinese input method in full-width mode turns the scanner's 6528…X into ６５２８…Ｘ: the
    burst is still a scan (not characters typed into the focused box) and opens the record."""
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        intake = await clerk_at_counter(app, pilot)
        rec = _approved(engine, 0)
        scan(app, rec.id_number.translate(FULL_WIDTH))
        card = await card_screen(app, pilot)
        assert card.record_id == rec.id
        assert intake.query_one("#search", Input).value == ""
