"""Names are shown whole while the screen has room (80×24, the demo office): the counter's
search list, the unit batch, the cashier's queue and the day's handover roster size their name
column to the names first; a unit or a state is cut before a name is."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import col, select
from textual.widgets import DataTable, Input

from models.db import session_scope
from models.names import fit_name
from models.online import OnlineRecord
from models.text import cells
from tests.pilot import (
    SIZE,
    at_fee_desk,
    clerk_at_counter,
    demo_app,
    demo_queue,
    pay_cash,
    press_keys,
    wait_until,
)
from tests.tui.screen_walk import screen_lines
from tui.app import DeskApp
from tui.screens.intake import IntakeScreen
from tui.screens.intake.batch import UnitBatchScreen
from tui.screens.tally import DayScreen

UNIT = "且末县职业技术学校"  # the demo's unit with the long Uyghur names (买买提江·布帕提玛 …)


def _long_names(engine: Engine, unit: str) -> list[str]:
    """The unit's people whose names are wider than 14 cells (cut before)."""
    with session_scope(engine, readonly=True) as s:
        names = s.exec(select(OnlineRecord.name).where(col(OnlineRecord.unit) == unit)).all()
    return sorted({n for n in names if 14 < cells(fit_name(n, 40)) <= 24})


def _shown(app: DeskApp) -> str:
    return "\n".join(screen_lines(app))


def _rows(app: DeskApp, table_id: str) -> int:
    return app.screen.query_one(table_id, DataTable).row_count


def _names_whole(app: DeskApp, names: list[str]) -> None:
    """Every long name in the list is drawn whole: its cell holds the whole name, its column is
    as wide as the name, and the column ends within the 80 columns."""
    table = app.screen.query_one(DataTable)
    columns = list(table.columns.values())
    at = [str(c.label) for c in columns].index("姓名")
    end = sum(c.width + 2 for c in columns[: at + 1])
    assert end <= SIZE[0] - 2, end  # the name column is on the screen
    cut = []
    for row in range(table.row_count):
        cell = str(table.get_row_at(row)[at])
        for n in names:
            if fit_name(n, 40) != cell and cell.rstrip("…") and n.startswith(cell.rstrip("…")):
                cut.append(cell)
            if fit_name(n, 40) == cell and cells(cell) > columns[at].width:
                cut.append(cell)
    assert not cut, sorted(set(cut))
    shown = _shown(app)  # and the first ones, on the screen
    first = [str(table.get_row_at(r)[at]) for r in range(min(5, table.row_count))]
    assert all(n in shown for n in first), (first, shown)


async def test_the_counters_search_shows_long_names_whole(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        screen = await clerk_at_counter(app, pilot)  # the demo office is seeded by now
        names = _long_names(engine, UNIT)
        assert names, "the demo has long names in the unit"
        screen.query_one("#search", Input).value = UNIT
        await press_keys(pilot, "enter")
        assert await wait_until(
            pilot, lambda: isinstance(app.screen, IntakeScreen) and _rows(app, "#hits") > 0
        )
        _names_whole(app, names)


async def test_the_unit_batch_shows_long_names_whole(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await clerk_at_counter(app, pilot)
        names = _long_names(engine, UNIT)
        await press_keys(pilot, "ctrl+b")
        assert await wait_until(pilot, lambda: isinstance(app.screen, UnitBatchScreen))
        app.screen.query_one("#unit", Input).value = UNIT
        await press_keys(pilot, "enter")
        assert await wait_until(
            pilot,
            lambda: isinstance(app.screen, UnitBatchScreen) and app.screen.mode == "people",
        )
        await pilot.pause(0.1)
        _names_whole(app, names)


async def test_the_cashiers_queue_and_the_roster_show_names_whole(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await at_fee_desk(app, pilot, "lead")
        queue = [name for _code, name, _fen in demo_queue(engine)]
        assert any(cells(n) > 14 for n in queue)  # 其其格·额尔… before
        shown = _shown(app)
        assert all(n in shown for n in queue), (queue, shown)
        for code, _name, _fen in demo_queue(engine):
            await pay_cash(app, pilot, code)
        await press_keys(pilot, "escape", "f6")
        assert await wait_until(pilot, lambda: isinstance(app.screen, DayScreen))
        await press_keys(pilot, "4")
        assert await wait_until(
            pilot, lambda: isinstance(app.screen, DayScreen) and app.screen.roster is not None
        )
        await pilot.pause(0.2)
        shown = _shown(app)
        assert all(n in shown for n in queue), (queue, shown)


async def test_down_from_the_unit_box_goes_to_the_list_and_enter_opens(engine: Engine) -> None:
    """Down in the unit box moves to the list, so the first Enter opens the unit chosen (it
    searched again before: the Enter seemed to do nothing)."""
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await clerk_at_counter(app, pilot)
        await press_keys(pilot, "ctrl+b")
        assert await wait_until(pilot, lambda: isinstance(app.screen, UnitBatchScreen))
        screen = app.screen
        assert isinstance(screen, UnitBatchScreen)
        screen.query_one("#unit", Input).value = "县"  # several units
        await press_keys(pilot, "enter")
        assert await wait_until(pilot, lambda: len(screen.units) > 1)
        await press_keys(pilot, "f4", "down")  # back in the box, then down to the list
        assert isinstance(app.focused, DataTable)
        await press_keys(pilot, "enter")
        assert await wait_until(pilot, lambda: screen.mode == "people")
