"""纸质与网上核对 (the lead's): paper against online — who to chase, who is unpaid, what
changed after acceptance; the list saved as a file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from models.config import data_dir
from models.db import session_scope
from models.errors import DomainError
from models.files import folder_for
from models.i18n import _, pgettext
from models.services.reconcile import reconcile
from tui import plain
from tui.base import WorkerGuard
from tui.keymap import bind
from tui.widgets.footer import DeskFooter

if TYPE_CHECKING:
    from models.services.reconcile import Person, Reconciliation
    from tui.app import DeskApp


LISTS = (
    ("no_paper", _("未报送")),
    ("returned", _("退回补正")),
    ("accepted_unpaid", _("未缴费")),
    ("paid", _("已缴费")),
    ("changed_after_acceptance", _("受理后有变化")),
)


class ReconcileScreen(WorkerGuard, Screen[None]):
    """纸质与网上核对."""

    BINDINGS = [
        *(
            Binding(str(i), f"show('{key}')", label, id=f"rec.{key}")
            for i, (key, label) in enumerate(LISTS, start=1)
        ),
        Binding("e", "export", pgettext("key", "导出"), id="rec.export"),
        bind("rec.refresh", "refresh", pgettext("key", "刷新")),
        Binding("escape", "back", pgettext("key", "返回"), id="rec.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result: Reconciliation | None = None
        self.showing = "no_paper"

    @property
    def desk(self) -> DeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(_("纸质与网上核对 · 正在统计……"), id="status-line")
        yield Static("", id="rec-counts")
        yield DataTable(id="rec-table", cursor_type="row", zebra_stripes=True)
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one("#rec-table", DataTable)
        for label, width in (
            (_("县市"), 6),
            (_("单位"), 18),
            (_("姓名"), 18),
            (_("级别"), 4),
            (_("电话"), 11),
            (_("编号/说明"), 10),
        ):
            table.add_column(label, width=width)
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    @work(thread=True, exclusive=True, exit_on_error=False, group="reconcile")
    def load(self, export: Path | None = None) -> None:
        try:
            if export is not None:
                folder_for(export.parent)  # the data folder's exports/, 0700
            engine, actor, code = self.desk.working()
            with session_scope(engine) as session:
                result = reconcile(session, actor, code, export=export)
        except DomainError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        self.app.call_from_thread(self._show, result, export)

    def _failed(self, message: str) -> None:
        self.query_one("#rec-counts", Static).update(Text(message, style="bold red"))

    def _show(self, r: Reconciliation, export: Path | None) -> None:
        self.result = r
        c = r.counts()
        self.query_one("#status-line", Static).update(
            Text(_("纸质与网上核对 · {campaign_title}").format(campaign_title=r.campaign_title))
        )
        self.query_one("#rec-counts", Static).update(
            Text(
                _(
                    "网上 {c} 人，通过形式审核 {c2} · 1 未报送 {c3} · 2 退回 {c4} · 3 未缴费 {c5} · 4 已缴费 {c6} · 5 受理后有变化 {c7}"
                ).format(
                    c=c["online_total"],
                    c2=c["online_approved"],
                    c3=c["no_paper"],
                    c4=c["returned"],
                    c5=c["accepted_unpaid"],
                    c6=c["paid"],
                    c7=c["changed_after_acceptance"],
                )
            )
        )
        self.action_show(self.showing)
        if export is not None:
            self.notify(_("已导出：{export}").format(export=export), markup=False, timeout=15)

    def action_show(self, key: str) -> None:
        self.showing = key
        if self.result is None:
            return
        people: list[Person] = getattr(self.result, key)
        table = self.query_one("#rec-table", DataTable)
        table.clear()
        for p in people:
            table.add_row(
                plain.plain(p.county),
                plain.plain(p.unit),
                plain.name(p.name),
                plain.short_level(p.level),
                plain.plain(p.phone),
                plain.plain(p.note or p.dossier_code),
            )
        label = dict(LISTS)[key]
        self.query_one("#status-line", Static).update(
            Text(
                _("纸质与网上核对 · {label} {count} 人 · 数字键切换，E 导出").format(
                    label=label, count=len(people)
                )
            )
        )

    def action_export(self) -> None:
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = (
            data_dir()
            / "exports"
            / _("纸质与网上核对-{campaign_code}-{stamp}.xlsx").format(
                campaign_code=self.desk.campaign_code, stamp=stamp
            )
        )
        self.load(export=path)  # the folder is made there, off this thread
