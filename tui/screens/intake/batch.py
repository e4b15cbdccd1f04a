"""A unit's batch (单位批量受理): pick the unit or load its roster (花名册), then work through
its people in order; the list shows who is done, who is still missing and who is not on the
online list. After each outcome the cursor moves to the next person still to be seen."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from models.db import session_scope
from models.errors import DomainError
from models.i18n import _, pgettext
from models.services.batch import find_units, roster_batch, unit_batch
from models.services.campaigns import get_campaign
from tui import plain
from tui.base import WorkerGuard
from tui.keymap import bind
from tui.widgets.columns import NAME_MOST, Column, fill
from tui.widgets.footer import DeskFooter

if TYPE_CHECKING:
    from models.services.batch import Batch
    from tui.app import DeskApp
from tui.screens.intake.batch_items import UnitItemsScreen

ROSTER_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".ods", ".csv", ".tsv", ".txt")


class UnitBatchScreen(WorkerGuard, Screen[None]):
    AUTO_FOCUS = "#unit"
    BINDINGS = [
        Binding("escape", "back", pgettext("key", "返回"), id="batch.back"),
        bind("batch.unit", "focus_unit", pgettext("key", "换单位/花名册")),
        bind("batch.reload", "reload", pgettext("key", "刷新")),
        Binding("u", "unit_items", pgettext("key", "单位材料"), id="batch.unit_items"),
        # from the unit box down to the list (the list's own ↓ moves its cursor)
        Binding("down", "to_list", pgettext("key", "到列表"), id="batch.to_list", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.mode = "units"  # or "people"
        self.units: list[tuple[str, int]] = []
        self.roster: Batch | None = None
        self.source: tuple[str, str] | None = None  # ("unit", name) or ("roster", path)

    @property
    def desk(self) -> DeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(_("单位批量受理"), id="status-line")
        yield Input(
            placeholder=_("单位名称（部分即可），或单位花名册文件路径（.xlsx .csv）"), id="unit"
        )
        yield Static(_("输入单位名称后按 Enter；花名册需有“姓名”“身份证号”两列"), id="batch-counts")
        yield DataTable(id="batch-table", cursor_type="row", zebra_stripes=True)
        yield DeskFooter()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_to_list(self) -> None:
        table = self.query_one("#batch-table", DataTable)
        if isinstance(self.focused, Input) and table.row_count:
            table.focus()

    def action_focus_unit(self) -> None:
        self.query_one("#unit", Input).focus()

    def action_reload(self) -> None:
        if self.source is not None:
            self.load(*self.source)

    def _say(self, text: str | Text) -> None:
        self.query_one("#batch-counts", Static).update(text)

    @on(Input.Submitted, "#unit")
    def _submit(self, event: Input.Submitted) -> None:
        text = event.value.strip().strip('"').strip("'")
        if not text:
            self._say(_("请输入单位名称或花名册文件路径"))
            return
        if text.lower().endswith(ROSTER_SUFFIXES) or Path(text).expanduser().is_file():
            self.load("roster", str(Path(text).expanduser()))
        else:
            self.find_units(text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="batch")
    def find_units(self, text: str) -> None:
        assert self.desk.engine is not None
        try:
            with session_scope(self.desk.engine, readonly=True) as session:
                units = find_units(
                    session, get_campaign(session, self.desk.campaign_code or ""), text
                )
        except DomainError as exc:
            self.app.call_from_thread(self._say, plain.message(exc.message, style="bold red"))
            return
        self.app.call_from_thread(self._show_units, text, units)

    def _show_units(self, text: str, units: list[tuple[str, int]]) -> None:
        if len(units) == 1:
            self.load("unit", units[0][0])
            return
        self.mode, self.units = "units", units
        table = self.query_one("#batch-table", DataTable)
        table.clear(columns=True)
        table.add_column(_("工作单位"), width=56)
        table.add_column(_("网上名单人数"), width=12)
        for unit, n in units:
            table.add_row(plain.plain(unit, 56), str(n))
        if not units:
            self._say(
                Text(
                    _("网上名单中没有单位名称含“{unit}”的人员").format(
                        unit=plain.plain(text, 30).plain
                    ),
                    style="bold red",
                    end="",
                )
            )
            return
        self._say(_("找到 {count} 个单位：↑↓ 选择，Enter 打开").format(count=len(units)))
        table.focus()

    @work(thread=True, exclusive=True, exit_on_error=False, group="batch")
    def load(self, kind: str, value: str, advance_from: int | None = None) -> None:
        assert self.desk.engine is not None
        try:
            with self.desk.campaign_session(readonly=True) as (session, c):
                batch = (
                    unit_batch(session, c, value)
                    if kind == "unit"
                    else roster_batch(session, c, Path(value))
                )
        except DomainError as exc:
            self.app.call_from_thread(self._say, plain.message(exc.message, style="bold red"))
            return
        self.app.call_from_thread(self._show_batch, (kind, value), batch, advance_from)

    def _show_batch(self, source: tuple[str, str], batch: Batch, advance_from: int | None) -> None:
        before = self.roster
        self.mode, self.roster, self.source = "people", batch, source
        table = self.query_one("#batch-table", DataTable)
        keep = table.cursor_row if advance_from is None else advance_from
        rows: list[tuple[str | None, tuple[object, ...]]] = []
        for i, x in enumerate(batch.lines, start=1):
            h = x.hit
            online = (
                Text(_("不在名单"), style="bold red")
                if h is None
                else Text(h.online_status, style="" if h.eligible else "bold red")
            )
            paper = "" if h is None else h.paper
            rows.append(
                (
                    None,
                    (
                        str(x.line or i),
                        x.name,
                        x.id_masked,
                        online,
                        Text(paper, style="green" if x.done else ""),
                        x.problem,
                    ),
                )
            )
        fill(
            table,
            (
                Column(_("序"), 4, least=3, gives=1),
                Column(_("姓名"), NAME_MOST, least=8, gives=0, name=True),
                Column(_("身份证号"), 18, least=18, gives=1),
                Column(_("网上状态"), 12, least=12, gives=2),
                Column(_("纸质材料"), 14, least=6, gives=3),
                Column(_("备注"), 24, spills=True),
            ),
            rows,
        )
        c = batch.counts()
        self.query_one("#status-line", Static).update(
            Text.assemble(_("单位批量受理 · "), plain.plain(batch.title, 60))
        )
        self._say(
            _(
                "共 {c} 人：已受理 {c2} · 退回补正 {c3} · 未报送 {c4} · 网上未通过 {c5} · 不在名单 {c6}\u3000Enter 打开"
            ).format(
                c=c["total"],
                c2=c["accepted"],
                c3=c["returned"],
                c4=c["missing"],
                c5=c["not_approved"],
                c6=c["not_listed"],
            )
        )
        if batch.lines:
            row = min(max(keep, 0), len(batch.lines) - 1)
            just_done = (
                advance_from is not None
                and before is not None
                and row < len(before.lines)
                and not before.lines[row].done
                and batch.lines[row].done
            )
            if just_done:  # after an outcome: the next one still to be seen
                row = next(
                    (i for i in range(row, len(batch.lines)) if not batch.lines[i].done), row
                )
            table.move_cursor(row=row)
        table.focus()

    @on(DataTable.RowSelected, "#batch-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        row = event.cursor_row
        if self.mode == "units":
            if 0 <= row < len(self.units):
                self.load("unit", self.units[row][0])
            return
        if self.roster is None or not 0 <= row < len(self.roster.lines):
            return
        line = self.roster.lines[row]
        if line.hit is None:
            self.notify(
                _("{name} 不在网上通过名单中：纸质材料不予受理").format(
                    name=plain.one_line(line.name)
                ),
                severity="warning",
                timeout=5,
                markup=False,
            )
            return
        # the unit brings its people's paper (002 八（七）: units only): the card says 单位
        self.desk.open_card(record_id=line.hit.record_id, bringer="unit")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "unit_items":  # typed into the unit box, "u" is a letter
            return not isinstance(self.focused, Input)
        return True

    def action_unit_items(self) -> None:
        if self.source is None or self.source[0] != "unit":
            self.notify(
                _("请先按单位名称打开该单位，再核对单位报送的材料（如花名册）"),
                severity="warning",
                timeout=5,
                markup=False,
            )
            return
        self.app.push_screen(UnitItemsScreen(self.source[1]))

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        """Back from a card: reload; if that person has just been dealt with, move on to the
        next one still to be seen."""
        if self.source is not None:
            self.load(
                *self.source, advance_from=self.query_one("#batch-table", DataTable).cursor_row
            )
