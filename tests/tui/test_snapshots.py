"""Snapshots (SVG, pytest-textual-snapshot) of the screens people look at all day, at 80×24 and
120×36: login, the card with its checklist for a Uyghur-transliterated name and for a name with
a rare character (䶮), and the correction notice's preview. The data and the clock are fixed, so
a changed picture is a changed screen. Update after a deliberate change with
``pytest tests/tui/test_snapshots.py --snapshot-update`` and look at the SVGs."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from models.config import DeskConfig
from models.db import make_engine, session_scope
from models.services.intake import ItemCheck
from tests.factories import AT, applicant, office
from tests.pilot import DeskPilot, login, settle, wait_until
from tui.app import DeskApp, make_app
from tui.screens.intake import CardScreen
from tui.screens.outcome import OutcomeScreen

SIZES = [(80, 24), (120, 36)]
SnapCompare = Callable[..., bool]
"""pytest-textual-snapshot's ``snap_compare`` (the app, then its keyword options)."""
LONG_NAME = "迪丽娜尔·阿不都热依木·买买提明"


@pytest.fixture
def office_engine(tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    path = tmp_path / "snap.sqlite3"
    shutil.copyfile(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    with session_scope(engine) as s:
        o = office(s)
        applicant(
            s,
            o.campaign,
            name=LONG_NAME,
            specialty="汽车运用与维修",
            unit="巴音郭楞蒙古自治州红旗高级技工学校汽车工程系",
        )
    yield engine
    engine.dispose()


def _office_app(engine: Engine) -> DeskApp:
    app = make_app(DeskConfig(database_url="unused", desk="1号窗口"), engine=engine)
    app.clock = lambda: AT
    return app


async def _open(app: DeskApp, pilot: DeskPilot, query: str) -> CardScreen:
    await settle(app, pilot)
    await login(app, pilot, "clerk", "secret-pw")
    app.open_card(query=query)
    assert await wait_until(
        pilot, lambda: isinstance(app.screen, CardScreen) and app.screen.card is not None
    )
    await settle(app, pilot)
    card = app.screen
    assert isinstance(card, CardScreen)
    return card


def _judge_some(card: CardScreen) -> None:
    """Three verdicts: the form short of a copy and unlike online in level, the publicity
    proof complete, the pledge missing its handwritten sentence."""
    items = {i.key: i for i in card.items}
    card.checks = {
        "review_form": dataclasses.replace(
            ItemCheck.complete(items["review_form"]), copies=1, mismatches=("级别",)
        ),
        "publicity_result": ItemCheck.complete(items["publicity_result"]),
        "authenticity_pledge": dataclasses.replace(
            ItemCheck.complete(items["authenticity_pledge"]), handwritten_ok=False
        ),
    }
    card._refresh_items(keep=2)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_login(snap_compare: SnapCompare, office_engine: Engine, size: tuple[int, int]) -> None:
    app = _office_app(office_engine)

    async def ready(pilot: DeskPilot) -> None:
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_card_and_checklist_uyghur_name(
    snap_compare: SnapCompare,
    office_engine: Engine,
    size: tuple[int, int],
) -> None:
    app = _office_app(office_engine)

    async def ready(pilot: DeskPilot) -> None:
        card = await _open(app, pilot, "迪丽娜尔")
        _judge_some(card)
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ready)


def test_card_rare_character_name_returned_before(
    snap_compare: SnapCompare, office_engine: Engine
) -> None:
    app = _office_app(office_engine)

    async def ready(pilot: DeskPilot) -> None:
        await _open(app, pilot, "ZJ21B00001")  # scanned from the earlier notice
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=ready)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_notice_preview(
    snap_compare: SnapCompare, office_engine: Engine, size: tuple[int, int]
) -> None:
    app = _office_app(office_engine)

    async def ready(pilot: DeskPilot) -> None:
        card = await _open(app, pilot, "迪丽娜尔")
        card.checks = {i.key: ItemCheck.complete(i) for i in card.items}
        _judge_some(card)
        card.checks.update(
            {i.key: ItemCheck.complete(i) for i in card.items if i.key not in card.checks}
        )
        card.run_outcome("return")
        assert await wait_until(pilot, lambda: isinstance(app.screen, OutcomeScreen))
        assert await wait_until(
            pilot, lambda: "正在打印" not in str(app.screen.query_one("#outcome-jobs").render())
        )
        app.clear_notifications()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=ready)
