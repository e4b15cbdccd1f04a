"""A unit's own items (单位批量受理's modal): the roster with its electronic copy and the
publicity report, checked once for the whole unit."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from models.errors import DomainError
from models.i18n import _, pgettext
from models.services.intake import (
    ItemCheck,
    campaign_unit_items,
    check_unit_item,
    item_parts,
    unit_item_status,
)
from tui import plain
from tui.base import WorkerGuard

if TYPE_CHECKING:
    from models.campaign import ChecklistItem
    from models.services.intake import ItemCheck, UnitItemStatus
    from tui.app import DeskApp
from tui.widgets.dialogs import PickDialog


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
        assert self.desk.engine is not None and self.desk.actor is not None
        try:
            with self.desk.campaign_session(readonly=True) as (session, c):
                items = campaign_unit_items(session, self.desk.actor, c)
                status = unit_item_status(session, self.desk.actor, c, self.unit, items)
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

            def picked(missing: list[str] | None) -> None:
                if missing is not None:
                    self.record(
                        item.key,
                        dataclasses.replace(ItemCheck.complete(item), missing_parts=tuple(missing)),
                    )

            self.app.push_screen(
                PickDialog(_("勾选缺少的部分"), [(p, p, False) for p in parts]), callback=picked
            )

    @work(thread=True, exclusive=True, exit_on_error=False, group="unit-items")
    def record(self, item_key: str, check: ItemCheck) -> None:
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
