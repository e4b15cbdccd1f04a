"""A hostile name on screen, driven through Pilot at 80×24 on the demo office: a stored name of
the column's full length (1 000 characters on SQLite, which does not enforce the width; 200 on
PostgreSQL) holding Rich/Textual markup (``[/]``, ``[@click=app.quit]``), control characters
(NUL, ESC sequences, BEL, U+2028), a right-to-left override and zero-width characters, written
as an old database or a hand edit would leave it. The clerk finds the person by name and by ID
number, the cashier finds the dossier in the queue and opens it; every screen still renders,
the name is shown as ``models.names.fit_name`` makes it (plain text, one line, cut with "…"),
and the layout keeps its 24 lines. What is typed into the search box is shown as plain text."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

from rich.console import Console
from sqlalchemy.engine import Engine
from sqlmodel import select
from textual.widgets import DataTable, Input, Static

from models.campaign import Campaign
from models.db import session_scope
from models.demo import DEMO_PRESET
from models.dossier import Dossier
from models.idcard import make_check_digit
from models.names import display_name, fit_name, key_of_display, pinyin_of_key
from models.online import OnlineRecord
from models.services.campaigns import read_preset
from models.text import cells, strip_invisible
from models.vocab import ONLINE_APPROVED
from tests.pilot import (
    SIZE,
    at_fee_desk,
    card_screen,
    clerk_at_counter,
    demo_app,
    fee_screen,
    login,
    open_statement,
    press_keys,
    scan,
    settle,
    wait_until,
)
from tui.app import DeskApp
from tui.plain import NAME_WIDTH
from tui.screens.intake import CardScreen, IntakeScreen

HEAD = "王\u202e五六[/][@click=app.quit]x[/]\x1b[31m\x00\x07\u2028\u200b·买买提[bold]"
FIRST17 = "65280119900101771"
ID = FIRST17 + make_check_digit(FIRST17)
_HIDDEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def _hostile_name(engine: Engine) -> str:
    """As long as the column holds: 1 000 characters on SQLite, 200 on PostgreSQL (which
    cannot store a NUL either)."""
    if engine.dialect.name == "sqlite":
        return (HEAD + "阿" * 1000)[:1000]
    return (HEAD.replace("\x00", "") + "阿" * 200)[:200]


def _add_person(engine: Engine, *, accepted: bool = False) -> str:
    """The hostile person, written directly (no import cleaned it); optionally accepted."""
    name = _hostile_name(engine)
    code = read_preset(DEMO_PRESET)[1].split('code = "', 1)[1].split('"', 1)[0]
    key = key_of_display(display_name(name))[:200]
    keys = pinyin_of_key(key)
    with session_scope(engine) as s:
        c = s.exec(select(Campaign).where(Campaign.code == code)).one()
        assert c.id is not None
        rec = OnlineRecord(
            campaign_id=c.id,
            id_number=ID,
            id_last6=ID[-6:],
            name=name,
            name_key=key,
            pinyin_full=keys.full[:400],
            pinyin_initials=keys.initials[:200],
            sex="男",
            unit="[/]巴州\x1b[2J红旗高级技工学校\u202e" + "长" * 150,
            level="中级",
            track="评审",
            status=ONLINE_APPROVED,
            series="中职、技工类院校教师",
            specialty="[bold]机电",
        )
        s.add(rec)
        s.flush()
        assert rec.id is not None
        if accepted:
            s.add(
                Dossier(
                    campaign_id=c.id,
                    online_record_id=rec.id,
                    status="accepted",
                    track="评审",
                    level="中级",
                    dossier_no=9001,
                    dossier_code="ZJ21S09001",
                )
            )
    return name


def _screen_lines(app: DeskApp) -> list[str]:
    """The screen as the terminal gets it (what ``export_screenshot`` renders), line by line."""
    console = Console(
        width=SIZE[0],
        height=SIZE[1],
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
    )
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text(styles=False).splitlines()


def _assert_renders(app: DeskApp) -> list[str]:
    lines = _screen_lines(app)
    assert len(lines) == SIZE[1]
    for line in lines:
        assert not any(unicodedata.category(ch) in _HIDDEN for ch in line), repr(line)
    assert app.export_screenshot()  # the SVG renders too
    return lines


def _text(widget: Static) -> str:
    return str(widget.render())


async def test_clerk_finds_and_opens_a_hostile_name(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await clerk_at_counter(app, pilot)
        name = _add_person(engine)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        # by name: a row in the hits table, the name cut to its column, not parsed as markup
        await pilot.click("#search")
        screen.query_one("#search", Input).value = "王五六"
        await press_keys(pilot, "enter")
        table = screen.query_one("#hits", DataTable)
        assert await wait_until(pilot, lambda: table.row_count == 1)
        cell = table.get_row_at(0)[0]
        width = next(iter(table.columns.values())).width  # the room the row leaves the name
        assert str(cell) == fit_name(name, width) and str(cell).startswith("王五六[/][@c")
        assert str(cell).endswith("…") and cells(str(cell)) == width
        lines = _assert_renders(app)
        assert any("王五六[/]" in line for line in lines)
        # by ID number: the card opens; the status line is one line with the name cut
        scan(app, ID)
        card = await card_screen(app, pilot)
        assert isinstance(card, CardScreen) and card.card is not None
        status = _text(card.query_one("#status-line", Static))
        assert (
            "\n" not in status and cells(status) <= 80 and "王五六[/]" in status and "…" in status
        )
        person = _text(card.query_one("#card-person", Static)).splitlines()
        shown = fit_name(name, NAME_WIDTH)
        assert shown == "王五六[/][@click=app.quit]x[/][31m ·…"  # in order, as text, cut
        assert person[0].startswith(shown + "  652801********")  # the rest of the line follows
        assert cells(person[0]) <= SIZE[0] - 2
        checklist = card.query_one("#checklist", DataTable)
        assert checklist.region.height >= 5 and checklist.region.bottom <= SIZE[1]  # still room
        lines = _assert_renders(app)
        assert any(
            line.startswith(" 材料核对 · 王五六[/]") or "材料核对 · 王五六[/]" in line
            for line in lines
        )
        assert name not in "".join(lines)  # never the whole thing
        # the app is still alive and answers keys
        await press_keys(pilot, "escape")
        assert await wait_until(pilot, lambda: isinstance(app.screen, IntakeScreen))


async def test_search_box_markup_and_controls_are_shown_as_typed(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen = await clerk_at_counter(app, pilot)
        box = screen.query_one("#search", Input)
        for typed in ("[/]", "[@click=app.quit]x", "\x1b[2J\u202e[bold]没有这个人\x00"):
            box.value = typed  # as a paste delivers it
            box.focus()
            await pilot.pause()
            assert box.value == strip_invisible(typed)  # the box dropped ESC, U+202E and NUL
            await press_keys(pilot, "enter")
            assert await wait_until(
                pilot, lambda: _text(screen.query_one("#search-how", Static)).startswith("没有找到")
            )
            assert "[" in _text(screen.query_one("#search-how", Static))  # shown, not markup
            _assert_renders(app)
        assert app.is_running and isinstance(app.screen, IntakeScreen)


async def test_cashier_queue_and_fee_card_with_a_hostile_name(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)  # the demo office is seeded
        _add_person(engine, accepted=True)
        screen = await at_fee_desk(app, pilot)
        queue = screen.query_one("#queue", DataTable)
        assert await wait_until(
            pilot,
            lambda: any(
                str(queue.get_row_at(i)[1]).startswith("王五六[/]") for i in range(queue.row_count)
            ),
        )
        _assert_renders(app)
        scan(app, "ZJ21S09001")
        fee = await fee_screen(app, pilot)
        status = _text(fee.query_one("#status-line", Static))
        assert "\n" not in status and "王五六[/]" in status and "…" in status
        person = _text(fee.query_one("#fee-person", Static)).splitlines()
        assert person[0].startswith(fit_name(_hostile_name(engine), NAME_WIDTH) + "  身份证 …")
        assert "[/]巴州[2J红旗" in person[1]  # the unit: plain, ESC gone
        _assert_renders(app)


async def test_a_units_batch_shows_a_hostile_unit_and_name_as_text(engine: Engine) -> None:
    """Ctrl+B at the counter: the unit list and the people of the unit are table cells, which
    Textual reads as markup when they are strings."""
    from tui.screens.intake.batch import UnitBatchScreen

    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await clerk_at_counter(app, pilot)
        _add_person(engine)
        await press_keys(pilot, "ctrl+b")
        screen = app.screen
        assert isinstance(screen, UnitBatchScreen)
        screen.query_one("#unit", Input).value = "[/]巴州"
        await press_keys(pilot, "enter")
        assert await wait_until(pilot, lambda: screen.roster is not None)
        assert app.is_running and app.screen is screen
        table = screen.query_one("#batch-table", DataTable)
        cells_ = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        width = list(table.columns.values())[1].width  # the room the row leaves the name
        assert fit_name(_hostile_name(engine), width) in cells_, cells_
        status = _text(screen.query_one("#status-line", Static))
        assert "[/]巴州[2J红旗" in status and "\u202e" not in status
        lines = _assert_renders(app)
        assert any("王五六[/]" in line for line in lines)


async def test_the_leads_roster_lists_a_hostile_name_as_text(engine: Engine) -> None:
    """The day screen's 移交 view: an accepted, unpaid dossier is listed as left out, by name
    (a Rich renderable, which reads strings as markup)."""
    from tui.screens.tally import DayScreen

    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _add_person(engine, accepted=True)
        await login(app, pilot, "lead", "lead123")
        await press_keys(pilot, "f6")
        assert await wait_until(pilot, lambda: isinstance(app.screen, DayScreen))
        screen = app.screen
        await pilot.press("4")
        assert await wait_until(pilot, lambda: getattr(screen, "roster", None) is not None)
        await settle(app, pilot)
        assert app.is_running and app.screen is screen
        _assert_renders(app)
        console = Console(width=SIZE[0], file=io.StringIO(), record=True)
        console.print(screen.query_one("#roster-table", Static).content)
        shown = console.export_text()
        assert "未列入：ZJ21S09001 王五六[/][@click=app.quit]x[/]" in shown, shown


async def test_a_bank_statement_with_markup_in_payer_and_memo_is_shown_as_text(
    engine: Engine, tmp_path: Path
) -> None:
    """The fee desk's 银行流水 (F3): the payer and memo are whatever the bank's file says; the
    still-unpaid list (F11) shows the hostile name."""
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        _add_person(engine, accepted=True)
        await at_fee_desk(app, pilot)
        rows = [
            ["交易日期", "收入金额", "对方户名", "摘要", "交易流水号"],
            [
                "2026-11-21",
                "1000.00",
                "[/]某某[@click=app.quit]公司\u202e",
                "[bold]货款[/]\x1b[2J",
                "AB2026112100003",
            ],
        ]
        bank = await open_statement(app, pilot, tmp_path, rows)
        assert await wait_until(pilot, lambda: len(bank.lines) == 1)
        await settle(app, pilot)
        table = bank.query_one("#bank-lines", DataTable)
        assert str(table.get_row_at(0)[3]).startswith("[/]某某")
        detail = _text(bank.query_one("#bank-detail", Static))
        assert "付款人 [/]某某[@click=app… · 摘要" in detail and "摘要 [bold]货款[/][2J" in detail
        _assert_renders(app)
        await press_keys(pilot, "f11")
        assert await wait_until(
            pilot,
            lambda: any(
                str(table.get_row_at(i)[1]).startswith("王五六[/]") for i in range(table.row_count)
            ),
        )
        assert app.is_running and app.screen is bank
        _assert_renders(app)
