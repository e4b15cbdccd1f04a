"""The lead's day (日结)'s view: what it holds (the day, the desk, the view, the campaign's days,
the roster), its loading in workers, and its drawing: the figures, the charts, the campaign
summary and the handover roster. The close, the handover and the Z report are ``day``'s; the
tables, ``tables``'."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Static
from textual_plotext import PlotextPlot

from models.db import session_scope
from models.errors import DomainError
from models.files import folder_for
from models.i18n import _
from models.services.campaigns import get_campaign
from models.services.handover import roster
from models.services.summary import campaign_summary
from models.services.tally import campaign_days, day_view, today
from tui.base import WorkerGuard, desk_of
from tui.screens.tally.tables import (
    close_view,
    day_head,
    day_tables,
    roster_view,
    status_text,
    summary_heading,
    summary_table,
)
from tui.widgets.footer import DeskFooter

if TYPE_CHECKING:
    from models.services.tally import DayFigures, DayView
    from tui.app import DeskApp


class DayBase(WorkerGuard, Screen[None]):
    """The day's figures and charts, the summary and the roster (the keys are ``DayScreen``'s)."""

    def __init__(self, day: dt.date | None = None) -> None:
        super().__init__()
        self.day = day
        self.desk_name = ""  # "" = the whole office
        self.view: DayView | None = None
        self.days: list[DayFigures] = []
        self.known_desks: set[str] = set()  # desks seen in the office's views (D cycles them)
        self.roster: Any = None
        self.busy = False

    @property
    def desk(self) -> DeskApp:
        return desk_of(self)

    def compose(self) -> ComposeResult:
        yield Static(_("日结 · 正在统计……"), id="status-line")
        with ContentSwitcher(initial="figures", id="day-switcher"):
            with VerticalScroll(id="figures"):
                yield Static("", id="day-head")
                yield Static("", id="day-tables")
                yield Static("", id="day-close")
            with Vertical(id="chart"):
                yield PlotextPlot(id="chart-day")
                yield PlotextPlot(id="chart-campaign")
            with Vertical(id="summary"):  # the headers stay as the rows scroll
                yield Static("", id="summary-heading")
                with VerticalScroll(id="summary-rows"):
                    yield Static("", id="summary-table")
            with VerticalScroll(id="roster"):
                yield Static("", id="roster-table")
        yield Static("", id="day-problem")
        yield Static(
            _("←→ 换日 · D 窗口 · 1 报表 2 图表 3 汇总 4 移交 · P 打印 E 导出 · F5"), id="day-keys"
        )
        yield DeskFooter()

    def on_mount(self) -> None:
        self.load()

    def action_back(self) -> None:
        if not self.busy:
            self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()

    def action_show(self, which: str) -> None:
        self.query_one("#day-switcher", ContentSwitcher).current = which
        if which == "summary":
            self.load_summary()
        elif which == "roster":
            self.load_roster()

    @work(thread=True, exclusive=True, exit_on_error=False, group="day-roster")
    def load_roster(self, export: Path | None = None) -> None:
        """移交花名册: accepted and paid dossiers by series, specialty and level."""
        try:
            engine, actor, code = self.desk.working()
            with session_scope(engine) as session:
                r = roster(session, actor, get_campaign(session, code), include_handed_over=True)
            if export is not None:
                # lazily: the roster's workbook writer, only for an export
                from printers.roster import roster_xlsx, write_roster_html

                folder_for(export.parent)  # the data folder's exports/, 0700
                roster_xlsx(export, r)
                write_roster_html(export.with_suffix(".html"), r)
        except DomainError as exc:
            self.app.call_from_thread(self._problem, exc.message)
            return
        self.app.call_from_thread(self._show_roster, r, export)

    def _show_roster(self, r: Any, export: Path | None) -> None:
        self.roster = r
        self.query_one("#roster-table", Static).update(roster_view(r))
        if export is not None:
            self.notify(
                _("已导出：{export} 及 {name}（可打印）").format(
                    export=export, name=export.with_suffix(".html").name
                ),
                markup=False,
                timeout=15,
            )

    @work(thread=True, exclusive=True, exit_on_error=False, group="day-summary")
    def load_summary(self) -> None:
        """The campaign to date against the online-approved counts, per county and unit."""
        try:
            engine, actor, code = self.desk.working()
            with session_scope(engine) as session:  # the reading is audited
                summary = campaign_summary(session, actor, code)
        except DomainError as exc:
            self.app.call_from_thread(self._problem, exc.message)
            return
        self.app.call_from_thread(self._show_summary, summary)

    def _show_summary(self, summary: Any) -> None:
        self.query_one("#summary-heading", Static).update(summary_heading(summary))
        self.query_one("#summary-table", Static).update(summary_table(summary))

    def action_shift_day(self, by: int) -> None:
        if self.day is not None:
            self.day += dt.timedelta(days=by)
            self.load()

    def action_next_desk(self) -> None:
        if self.view is None:
            return
        desks = ["", *sorted(self.known_desks - {""})]
        self.desk_name = desks[(desks.index(self.desk_name) + 1) % len(desks)]
        self.load()

    def _problem(self, message: str) -> None:
        self.query_one("#day-problem", Static).update(Text(message, style="bold red"))

    @work(thread=True, exclusive=True, exit_on_error=False, group="day")
    def load(self) -> None:
        try:
            engine, actor, code = self.desk.working()
            with session_scope(engine, readonly=True) as session:
                c = get_campaign(session, code)
                day = self.day or today(c)
                view = day_view(session, actor, c, day, desk=self.desk_name)
                days = campaign_days(session, actor, c, max(day, today(c)))
        except DomainError as exc:
            self.app.call_from_thread(self._problem, exc.message)
            return
        self.app.call_from_thread(self._show, view, days)

    def _show(self, view: DayView, days: list[DayFigures]) -> None:
        self.day, self.view, self.days = view.day, view, days
        self.known_desks |= {x.key for x in view.by_desk} | {c.desk for c in view.closes}
        if self.desk.actor is not None:
            self.known_desks.add(self.desk.actor.desk)
        self.query_one("#status-line", Static).update(status_text(view))
        self.query_one("#day-problem", Static).update("")
        self.query_one("#day-head", Static).update(day_head(view))
        self.query_one("#day-tables", Static).update(day_tables(view))
        self._show_close(view)
        self._plot(view, days)

    def _show_close(self, view: DayView) -> None:
        self.query_one("#day-close", Static).update(close_view(view))

    def _plot(self, view: DayView, days: list[DayFigures]) -> None:
        day_plot = self.query_one("#chart-day", PlotextPlot)
        plt = day_plot.plt
        plt.clear_data()
        plt.clear_figure()
        labels = [x.label for x in view.by_method] or ["-"]
        plt.bar(labels, [x.net_fen / 100 for x in view.by_method] or [0])
        plt.title(_("{day:%m-%d} 各缴费方式净额（元）").format(day=view.day))
        day_plot.refresh()
        camp = self.query_one("#chart-campaign", PlotextPlot)
        plt = camp.plt
        plt.clear_data()
        plt.clear_figure()
        if days:
            shown = days[-14:]
            xs = [f"{d.day:%m-%d}" for d in shown]
            plt.bar(xs, [d.net_fen / 100 for d in shown])
            plt.title(_("本批次每日净额（元，近 14 日）"))
        camp.refresh()
