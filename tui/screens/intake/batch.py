"""A unit's batch (单位批量受理): pick the unit or load its roster (花名册), then work through
its people in order; the list shows who is done, who is still missing and who is not on the
online list. After each outcome the cursor moves to the next person still to be seen."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Static

from models.errors import DomainError
from models.i18n import _, pgettext
from tui import plain
from tui.base import WorkerGuard
from tui.keymap import bind

if TYPE_CHECKING:
    from models.campaign import ChecklistItem
    from models.services.batch import Batch
    from models.services.intake import ItemCheck, UnitItemStatus
    from tui.app import DeskApp

ROSTER_SUFFIXES = (".xlsx", ".xls", ".xlsm", ".ods", ".csv", ".tsv", ".txt")


class UnitBatchScreen(WorkerGuard, Screen[None]):
    AUTO_FOCUS = "#unit"
    BINDINGS = [
        Binding("escape", "back", pgettext("key", "返回"), id="batch.back"),
        bind("batch.unit", "focus_unit", pgettext("key", "换单位/花名册")),
        bind("batch.reload", "reload", pgettext("key", "刷新")),
        Binding("u", "unit_items", pgettext("key", "单位材料"), id="batch.unit_items"),
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
        yield Footer(compact=True)

    def action_back(self) -> None:
        self.app.pop_screen()

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
        from models.db import session_scope
        from models.services.batch import find_units
        from models.services.campaigns import get_campaign

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
        from models.services.batch import roster_batch, unit_batch

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
        table.clear(columns=True)
        for label, width in (
            (_("序"), 3),
            (_("姓名"), 14),
            (_("身份证号"), 18),
            (_("网上状态"), 12),
            (_("纸质材料"), 14),
            (_("备注"), 24),
        ):
            table.add_column(label, width=width)
        for i, x in enumerate(batch.lines, start=1):
            h = x.hit
            online = (
                Text(_("不在名单"), style="bold red")
                if h is None
                else Text(h.online_status, style="" if h.eligible else "bold red")
            )
            paper = "" if h is None else h.paper
            table.add_row(
                str(x.line or i),
                plain.name(x.name, 14),
                plain.plain(x.id_masked, 18),
                online,
                Text(paper, style="green" if x.done else ""),
                plain.plain(x.problem, 24),
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


class UnitItemsScreen(WorkerGuard, ModalScreen[None]):
    """The unit's own items (001 花名册 with its electronic copy, 003 公示情况报告): checked once
    for the unit; every member's card shows the result. y 齐全 · n 未报送 · p 缺部分 · s 未盖章 ·
    Esc 返回."""

    BINDINGS = [
        Binding("escape", "close", pgettext("key", "返回")),
        Binding("y,space", "judge('complete')", pgettext("key", "齐全")),
        Binding("n", "judge('missing')", pgettext("key", "未报送")),
        Binding("p", "judge('parts')", pgettext("key", "缺部分")),
        Binding("s", "judge('stamp')", pgettext("key", "未盖章")),
    ]

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit
        self.items: list[ChecklistItem] = []
        self.busy = False

    @property
    def desk(self) -> DeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                Text.assemble(_("单位报送的材料 · "), plain.plain(self.unit, 40)),
                classes="dialog-title",
            )
            yield DataTable(id="unit-items", cursor_type="row", zebra_stripes=False)
            yield Static(
                _("y 齐全 · n 未报送 · p 缺部分（如电子版） · s 未盖章 · Esc 返回"),
                classes="dialog-help",
                id="unit-items-help",
            )

    def on_mount(self) -> None:
        table = self.query_one("#unit-items", DataTable)
        table.add_column(_("材料"), width=30)
        table.add_column(_("核对结果"), width=30)
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="unit-items")
    def load(self) -> None:
        from models.services.intake import campaign_unit_items, unit_item_status

        assert self.desk.engine is not None
        try:
            with self.desk.campaign_session(readonly=True) as (session, c):
                items = campaign_unit_items(session, c)
                status = unit_item_status(session, c, self.unit, items)
                for i in items:
                    session.expunge(i)
        except DomainError as exc:
            self.app.call_from_thread(self._say, exc.message)
            return
        self.app.call_from_thread(self._show, items, status)

    def _say(self, message: str) -> None:
        self.busy = False
        self.query_one("#unit-items-help", Static).update(plain.message(message, style="bold red"))

    def _show(self, items: list[ChecklistItem], status: list[UnitItemStatus]) -> None:
        self.busy = False
        self.items = items
        table = self.query_one("#unit-items", DataTable)
        row = table.cursor_row
        table.clear()
        for item, st in zip(items, status, strict=True):
            result = (
                Text(_("尚未核对"), style="yellow")
                if not st.checked
                else Text(_("合格"), style="green")
                if st.ok
                else Text("；".join(st.problems), style="bold red")
            )
            table.add_row(plain.plain(item.name, 30), result)
        if not items:
            self.query_one("#unit-items-help", Static).update(
                _("本批次通知没有按单位报送一次的材料。Esc 返回")
            )
        table.move_cursor(row=max(0, min(row, len(items) - 1)))
        table.focus()

    def action_judge(self, how: str) -> None:
        from models.services.intake import ItemCheck, item_parts

        row = self.query_one("#unit-items", DataTable).cursor_row
        if self.busy or not 0 <= row < len(self.items):
            return
        item = self.items[row]
        if how == "complete":
            self.record(item.key, ItemCheck.complete(item))
        elif how == "missing":
            self.record(item.key, ItemCheck.missing())
        elif how == "stamp":
            if not (item.needs_stamp or item.needs_endorsement):
                self.notify(
                    _("“{name}”不需要{what}").format(name=item.name, what=_("盖章签署")),
                    timeout=4,
                    markup=False,
                )
                return
            self.record(
                item.key, dataclasses.replace(ItemCheck.complete(item), stamped_endorsed=False)
            )
        else:
            parts = item_parts(item)
            if not parts:
                self.notify(_("该材料没有分项（签字、日期、电子版等）"), timeout=4, markup=False)
                return
            from tui.screens.intake import PickScreen

            def picked(missing: list[str] | None) -> None:
                if missing is not None:
                    self.record(
                        item.key,
                        dataclasses.replace(ItemCheck.complete(item), missing_parts=tuple(missing)),
                    )

            self.app.push_screen(
                PickScreen(_("勾选缺少的部分"), [(p, p, False) for p in parts]), callback=picked
            )

    @work(thread=True, exclusive=True, exit_on_error=False, group="unit-items")
    def record(self, item_key: str, check: ItemCheck) -> None:
        from models.services.intake import check_unit_item

        self.busy = True
        desk = self.desk
        assert desk.engine is not None and desk.actor is not None
        try:
            with desk.campaign_session() as (session, c):
                check_unit_item(
                    session,
                    desk.actor,
                    c,
                    unit=self.unit,
                    item_key=item_key,
                    check=check,
                    now=desk.clock(),
                )
        except DomainError as exc:
            self.app.call_from_thread(self._say, exc.message)
            return
        self.app.call_from_thread(self.load)

    def action_close(self) -> None:
        self.dismiss(None)
