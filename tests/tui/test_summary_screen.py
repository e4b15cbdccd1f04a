"""The campaign summary on the day screen (F6, then 3) at 80×24 (issue 24: its title ran on
and ended in "…评审  县", the column headers were not shown): the title whole, the column
headers above the figures and kept there as the rows scroll to the total, no name cut."""

from __future__ import annotations

import io

from rich.console import Console
from sqlalchemy.engine import Engine
from textual.containers import VerticalScroll

from models.i18n import _
from tests.pilot import SIZE, demo_app, login, press_keys, settle, wait_until
from tui.app import DeskApp
from tui.screens.tally import DayScreen


def _screen(app: DeskApp) -> list[str]:
    console = Console(width=SIZE[0], height=SIZE[1], file=io.StringIO(), record=True)
    console.print(app.screen._compositor.render_update(full=True))
    return console.export_text(styles=False).splitlines()


async def test_the_summary_shows_its_title_and_column_headers_at_80_columns(
    engine: Engine,
) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await login(app, pilot, "lead", "lead123")
        await press_keys(pilot, "f6")
        assert await wait_until(
            pilot, lambda: isinstance(app.screen, DayScreen) and app.screen.view is not None
        )
        await press_keys(pilot, "3")
        assert await wait_until(pilot, lambda: "且末县" in "\n".join(_screen(app))), "\n".join(
            _screen(app)
        )
        await settle(app, pilot)
        lines = _screen(app)
        text = "\n".join(lines)
        # the campaign's title whole (it may wrap, but not be cut or run into the headers)
        title = "2021年度自治州中职、技工类院校教师系列中、初级专业技术人员职务任职资格评审"
        assert title in "".join(line.strip() for line in lines), text
        heads = next((line for line in lines if "通过" in line and "受理" in line), None)
        assert heads is not None, text
        for head in ("县市", "通过", "受理", "退回", "未报送", "已缴费", "移交"):
            assert head in heads, heads
        below = lines[lines.index(heads) + 1 :]
        assert any("且末县" in line for line in below), text  # the first county under them
        assert "…" not in text, text
        # scrolled to the end: the total under the same headers
        app.screen.query_one("#summary-rows", VerticalScroll).scroll_end(animate=False)
        await settle(app, pilot)
        lines = _screen(app)
        assert heads in lines and any(line.strip().startswith("合计") for line in lines), "\n".join(
            lines
        )


def test_the_summary_headers_are_whole_in_both_languages() -> None:
    """English headers are longer than their columns' Chinese widths: stacked, never cut."""
    from types import SimpleNamespace

    from models import i18n
    from tui.screens.tally.tables import summary_heading

    previous = i18n.current()
    try:
        for lang in ("zh_CN", "en"):
            i18n.use(lang)
            heads = [_(h) for h in ("通过", "受理", "退回", "未报送", "已缴费", "移交", "净收费")]
            console = Console(width=78, file=io.StringIO(), record=True)
            console.print(summary_heading(SimpleNamespace(campaign_title="T")))
            words = console.export_text(styles=False).split()
            for head in heads:
                for word in head.split():
                    assert word in words, (lang, word, words)
    finally:
        i18n.use(previous)
