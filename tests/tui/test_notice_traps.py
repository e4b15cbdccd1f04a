"""The notices at the counter, driven through Pilot at 80×24 (issue 21): a campaign from preset 001
loaded into the demo office (its paper window unset: the counter refuses paper until the lead sets
it with F11; the review form's watermark a verdict of its own; the fee by bank only, a lead's
other method with a reason); preset 002's units-only rule (本人 blocked, F12 pre-selects the
reason); an ID one digit off (the check-digit message and the suggestion, no refusal); F6 asks
before it stops the fee desk; Enter on an empty bank serial stays; a closed day is said when the
fee card opens; and one meaning per F-key across every screen."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from textual.widgets import DataTable, Input, OptionList, Static

from models.audit import AuditEvent
from models.campaign import Campaign
from models.config import DeskConfig
from models.db import session_scope
from models.demo import seed_demo
from models.idcard import make_check_digit
from models.online import OnlineRecord, build_online_record
from models.payment import Payment
from models.permissions import SYSTEM, Actor
from models.services.campaigns import load_campaign, read_preset, set_window
from models.services.intake import accept
from models.services.tally import begin_close
from models.types import utcnow
from models.users import User
from models.vocab import Role
from tests.factories import all_complete
from tests.pilot import (
    SIZE,
    DeskPilot,
    card_screen,
    demo_app,
    login,
    press_keys,
    scan,
    settle,
    static_text,
    wait_until,
)
from tui.app import DeskApp, make_app
from tui.screens.fees import FeeScreen
from tui.screens.intake import IntakeScreen
from tui.screens.intake.window import SetWindowScreen
from tui.widgets.dialogs import ConfirmDialog
from tui.widgets.reason_note import ReasonNoteDialog


def _actor(session: Session, username: str) -> Actor:
    u = session.exec(select(User).where(User.username == username)).one()
    return Actor(user_id=u.id, username=u.username, role=Role(u.role), desk="1号窗口")


def _record(
    session: Session,
    c: Campaign,
    n: int,
    *,
    series: str = "工程",
    level: str = "初级",
    unit: str = "塔城市住建局",
) -> OnlineRecord:
    first17 = f"65420119900101{n:03d}"
    rec = build_online_record(
        campaign_id=c.id or 0,
        id_number=first17 + make_check_digit(first17),
        name=f"申请人{n}",
        level=level,
        track="评审",
        status="通过形式审核",
        unit=unit,
        series=series,
        submission_count=1,
    )
    session.add(rec)
    session.flush()
    return rec


def _office_with(engine: Engine, preset: str) -> tuple[str, list[str]]:
    """The demo office, and a campaign from ``preset`` with three listed applicants: (campaign
    code, their ID numbers)."""
    with session_scope(engine) as session:
        seed_demo(session)
        filename, text = read_preset(preset)
        if preset == "000":  # the demo's own campaign
            c = session.exec(select(Campaign)).one()
        else:
            c = load_campaign(session, SYSTEM, text, filename=filename)
        session.flush()
        ids = [_record(session, c, n).id_number for n in (1, 2, 3)]
        return c.code, ids


def _app(engine: Engine, campaign: str) -> DeskApp:
    return make_app(
        DeskConfig(database_url="unused", desk="1号窗口", campaign=campaign),
        engine=engine,
        demo=True,
    )


async def _at_counter(app: DeskApp, pilot: DeskPilot, user: str) -> None:
    await settle(app, pilot)
    await login(app, pilot, user, f"{user}123")
    await press_keys(pilot, "f4")
    assert isinstance(app.screen, IntakeScreen)


async def _open_fee(app: DeskApp, pilot: DeskPilot, user: str, code: str) -> FeeScreen:
    """Log in, the fee desk (F7), scan the envelope label: its fee card."""
    await settle(app, pilot)
    await login(app, pilot, user, f"{user}123")
    await press_keys(pilot, "f7")
    scan(app, code)
    assert await wait_until(
        pilot, lambda: isinstance(app.screen, FeeScreen) and app.screen.card is not None
    )
    fee = app.screen
    assert isinstance(fee, FeeScreen)
    await settle(app, pilot)
    return fee


async def test_001_unset_window_the_lead_sets_it_with_f11_then_the_watermark_is_a_verdict(
    engine: Engine,
) -> None:
    code, ids = _office_with(engine, "001")
    app = _app(engine, code)
    async with app.run_test(size=SIZE) as pilot:
        await _at_counter(app, pilot, "lead")
        scan(app, ids[0])
        card = await card_screen(app, pilot)
        alerts = static_text(card, "#card-alerts")
        assert "通知未载明纸质材料报送时间" in alerts and "F11" in alerts
        assert card.card is not None and not card.card.can_judge
        await press_keys(pilot, "f12")  # an unset window is not the applicant's fault: no refusal
        assert not isinstance(app.screen, ReasonNoteDialog)
        await press_keys(pilot, "f11")
        assert await wait_until(pilot, lambda: isinstance(app.screen, SetWindowScreen))
        dialog = app.screen
        today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
        dialog.query_one("#window-start", Input).value = f"{today - dt.timedelta(days=1)}"
        dialog.query_one("#window-end", Input).value = f"{today + dt.timedelta(days=5)}"
        reason = dialog.query_one("#window-reason", Input)
        reason.value = "地区人社局电话通知"
        reason.focus()
        await press_keys(pilot, "enter")
        assert await wait_until(pilot, lambda: card.card is not None and card.card.can_judge, 8)
        with session_scope(engine, readonly=True) as s:
            assert s.exec(select(AuditEvent).where(AuditEvent.action == "window.set")).one()
        # the review form: two copies, its watermark judged on its own, worded as 三（一）3
        row = next(i for i, item in enumerate(card.items) if item.key == "review_form")
        card.query_one("#checklist", DataTable).move_cursor(row=row)
        await press_keys(pilot, "y")
        card.query_one("#checklist", DataTable).move_cursor(row=row)
        await press_keys(pilot, "w")
        detail = static_text(card, "#card-detail")
        assert "无水印（有水印为有效）" in detail, detail
        assert card.checks["review_form"].watermark_ok is False


async def test_001_fee_desk_offers_the_bank_only_and_a_lead_overrides_with_a_reason(
    engine: Engine,
) -> None:
    code, ids = _office_with(engine, "001")
    with session_scope(engine) as session:
        c = session.exec(select(Campaign).where(Campaign.code == code)).one()
        lead, clerk = _actor(session, "lead"), _actor(session, "clerk")
        now = utcnow()
        set_window(
            session,
            lead,
            c,
            starts_at=now - dt.timedelta(days=1),
            ends_at=now + dt.timedelta(days=5),
            reason="地区人社局电话通知",
        )
        dossiers = []
        for id_number in ids[:2]:
            rec = session.exec(
                select(OnlineRecord).where(OnlineRecord.id_number == id_number)
            ).one()
            d = accept(
                session,
                clerk,
                c,
                rec.id or 0,
                checks=all_complete(session, c, rec),
                brought_by="unit",
                now=now,
            )
            dossiers.append(d.dossier_code or "")
    app = _app(engine, code)
    async with app.run_test(size=SIZE) as pilot:
        fee = await _open_fee(app, pilot, "cashier", dossiers[0])
        methods = static_text(fee, "#fee-methods")
        assert "银行转账" in methods and "现金" not in methods, methods
        assert "通知三（二）4" in methods and "只收银行转账" in methods
        assert app.focused is fee.query_one("#reference", Input)  # the serial is asked for
        await press_keys(pilot, "f11")  # nothing else to choose: it says so
        assert fee.method.value == "transfer"
        # Enter on the empty serial stays, says what is needed; typing clears it
        await press_keys(pilot, "enter")
        assert app.focused is fee.query_one("#reference", Input)
        assert "须填写银行流水号" in static_text(fee, "#reference-hint")
        await press_keys(pilot, "B", "K", "1", "2", "3", "4")
        assert static_text(fee, "#reference-hint") == ""
    # a lead: every method offered, a method outside the notice asks for the reason
    app = _app(engine, code)
    async with app.run_test(size=SIZE) as pilot:
        fee = await _open_fee(app, pilot, "lead", dossiers[1])
        while fee.method.value != "cash":
            await press_keys(pilot, "f11")
        assert "现金不符合通知规定" in static_text(fee, "#fee-methods")
        await press_keys(pilot, "f9")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ReasonNoteDialog))
        await press_keys(pilot, "enter")  # a reason is required
        assert isinstance(app.screen, ReasonNoteDialog)
        for ch in "申请人银行卡冻结":
            await pilot.press(ch)
        await press_keys(pilot, "enter")
        assert await wait_until(
            pilot, lambda: not isinstance(app.screen, (FeeScreen, ReasonNoteDialog)), 8
        )
    with session_scope(engine, readonly=True) as s:
        p = s.exec(select(Payment).where(Payment.method == "cash")).one()
        event = s.exec(
            select(AuditEvent).where(
                AuditEvent.entity_id == p.receipt_code, AuditEvent.action == "payment.take"
            )
        ).one()
        assert event.detail["method_override"] == "申请人银行卡冻结"


async def test_002_the_applicant_bringing_the_paper_is_blocked_and_f12_knows_why(
    engine: Engine,
) -> None:
    code, ids = _office_with(engine, "002")
    with session_scope(engine) as session:
        c = session.exec(select(Campaign).where(Campaign.code == code)).one()
        now = utcnow()
        set_window(
            session,
            _actor(session, "lead"),
            c,
            starts_at=now - dt.timedelta(days=1),
            ends_at=now + dt.timedelta(days=5),
            reason="测试：窗口覆盖今天",
        )
    app = _app(engine, code)
    async with app.run_test(size=SIZE) as pilot:
        await _at_counter(app, pilot, "clerk")
        scan(app, ids[0])
        card = await card_screen(app, pilot)
        while card.bringer != "applicant":
            await press_keys(pilot, "b")
        alerts = static_text(card, "#card-alerts")
        assert "个人报送材料一律不予受理" in alerts and "八（七）" in alerts, alerts
        await press_keys(pilot, "f9")  # not accepted
        with session_scope(engine, readonly=True) as s:
            assert s.exec(select(Payment)).first() is None
        await press_keys(pilot, "f12")
        assert await wait_until(pilot, lambda: isinstance(app.screen, ReasonNoteDialog))
        options = app.screen.query_one("#reasons", OptionList)
        highlighted = options.get_option_at_index(options.highlighted or 0)
        assert highlighted.id == "individual"


async def test_an_id_one_digit_off_gets_the_check_digit_message_and_the_suggestion(
    engine: Engine,
) -> None:
    code, ids = _office_with(engine, "000")
    listed = ids[1]
    wrong = listed[:10] + str((int(listed[10]) + 1) % 10) + listed[11:]  # one digit misread
    app = _app(engine, code)
    async with app.run_test(size=SIZE) as pilot:
        await _at_counter(app, pilot, "clerk")
        scan(app, wrong)
        await settle(app, pilot)
        await pilot.pause(0.3)
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "校验位不正确" in shown and "不予受理" not in shown, shown
        assert "申请人2" in shown  # the listed person one digit away, for the clerk to confirm
        await press_keys(pilot, "f12")
        assert not isinstance(app.screen, ReasonNoteDialog)


async def test_f6_asks_before_the_desk_stops_and_a_closed_day_is_said_when_the_fee_opens(
    engine: Engine,
) -> None:

    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await login(app, pilot, "cashier", "cashier123")
        await press_keys(pilot, "f6")  # the cashier's own count
        await settle(app, pilot)
        await press_keys(pilot, "f6")  # begin: asked first, naming what stops
        assert await wait_until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        question = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "停止收费" in question and "1号窗口" in question
        await press_keys(pilot, "escape")
        with session_scope(engine, readonly=True) as s:
            from models.tally import DayClose

            assert s.exec(select(DayClose)).first() is None  # Esc: nothing begun
    with session_scope(engine) as session:
        c = session.exec(select(Campaign)).first()
        assert c is not None
        from models.services.payments import business_date

        begin_close(
            session, _actor(session, "cashier"), c, business_date(c, utcnow()), desk="1号窗口"
        )
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await login(app, pilot, "cashier", "cashier123")
        await press_keys(pilot, "f7")
        with session_scope(engine, readonly=True) as s:
            from models.dossier import Dossier

            first = s.exec(select(Dossier).where(Dossier.status == "accepted")).first()
            assert first is not None
            code = first.dossier_code or ""
        scan(app, code)
        assert await wait_until(
            pilot, lambda: isinstance(app.screen, FeeScreen) and app.screen.card is not None
        )
        await settle(app, pilot)
        state = static_text(app.screen, "#fee-state")
        assert "本窗口已开始" in state and "日结" in state, state
        assert not app.screen.query_one("#fee-form").display
