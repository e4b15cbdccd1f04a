"""打印任务: the desk's recent print jobs with their status and reason; a failed job is retried
with one key, a printed document reprinted with another. Sending runs in a worker thread, so
the screen answers keys while a printer hangs."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from models.db import session_scope
from models.i18n import _, pgettext
from models.permissions import Actor
from models.services.printing import list_jobs
from models.vocab import PrintJobStatus
from tui.base import WorkerGuard
from tui.keymap import bind
from tui.widgets.footer import DeskFooter

if TYPE_CHECKING:
    from tui.app import DeskApp

DOCUMENT_LABELS = {
    "receipt": _("缴费凭证"),
    "void": _("作废单"),
    "label": _("档案袋标签"),
    "materials": _("材料目录"),
    "acceptance": _("受理回执"),
    "notice": _("告知单"),
    "tally": _("日结报表"),
    "test": _("测试页"),
}


@dataclass(frozen=True)
class JobRow:
    id: int
    document: str
    copy_no: int
    printer: str
    status: PrintJobStatus
    attempts: int
    at: str
    error: str


class PrintJobsScreen(WorkerGuard, Screen[None]):
    BINDINGS = [
        Binding("r", "retry", pgettext("key", "重试"), id="jobs.retry"),
        bind("jobs.refresh", "refresh", pgettext("key", "刷新")),
        Binding("escape", "back", pgettext("key", "返回"), id="jobs.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[JobRow] = []

    @property
    def desk(self) -> DeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(_("打印任务 · 本窗口最近 50 个 · 失败的任务选中后按 R 重试"), id="status-line")
        yield DataTable(id="jobs", cursor_type="row", zebra_stripes=True)
        yield Static("", id="job-detail")
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one("#jobs", DataTable)
        for key, label, width in (
            ("id", _("编号"), 5),
            ("doc", _("单据"), 12),
            ("printer", _("打印机"), 8),
            ("status", _("状态"), 9),
            ("n", _("次数"), 4),
            ("at", _("时间"), 11),
            ("error", _("原因"), 20),
        ):
            table.add_column(label, key=key, width=width)
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def load(self) -> None:
        # what the reading needs is taken here, on the app's thread: in the worker's thread
        # `self.app` is found through the screen's parents, and a screen left (Escape) while its
        # list was read has none — the reading failed with NoActiveAppError (seen in CI, loaded)
        actor = self.desk.actor
        if actor is not None:  # the jobs are shown to whoever is logged in at this desk
            self._load(self.desk, actor, self.desk.config.desk)

    @work(thread=True, exclusive=True, exit_on_error=False, group="jobs")
    def _load(self, app: DeskApp, actor: Actor, desk: str) -> None:
        engine = app.engine
        assert engine is not None
        zone = zoneinfo.ZoneInfo("Asia/Shanghai")
        with session_scope(engine, readonly=True) as session:
            rows = [
                JobRow(
                    id=j.id or 0,
                    document=j.document,
                    copy_no=j.copy_no,
                    printer=j.printer,
                    status=PrintJobStatus(j.status),
                    attempts=j.attempts,
                    at=(j.last_attempt_at or j.created_at).astimezone(zone).strftime("%m-%d %H:%M"),
                    error=j.error,
                )
                for j in list_jobs(session, actor, desk=desk, limit=50)
            ]
        app.call_from_thread(self._show, rows)

    def _show(self, rows: list[JobRow]) -> None:
        if not self.is_attached:  # left while the list was read
            return
        self.rows = rows
        table = self.query_one("#jobs", DataTable)
        keep = table.cursor_row
        table.clear()
        for r in rows:
            doc = DOCUMENT_LABELS.get(r.document, r.document)
            if r.copy_no:
                doc += _(" 重印{copy_no}").format(copy_no=r.copy_no)
            status = r.status.label
            if r.status is PrintJobStatus.failed:
                status = f"[b red]{status}[/]"
            elif r.status is PrintJobStatus.sent:
                status = f"[green]{status}[/]"
            table.add_row(
                str(r.id),
                doc,
                r.printer,
                status,
                str(r.attempts),
                r.at,
                Text(r.error),
                key=str(r.id),
            )
        if rows:
            table.move_cursor(row=min(keep, len(rows) - 1))
        else:
            self.query_one("#job-detail", Static).update(_("本窗口还没有打印任务。"))

    def _selected(self) -> JobRow | None:
        table = self.query_one("#jobs", DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        row = self._selected()
        if row is not None:
            self.query_one("#job-detail", Static).update(
                Text(
                    _("任务 {id}：{label}").format(id=row.id, label=row.status.label)
                    + (f" — {row.error}" if row.error else "")
                )
            )

    def action_retry(self) -> None:
        row = self._selected()
        if row is None:
            return
        if row.status is not PrintJobStatus.failed:
            self.notify(
                _("任务 {id} {label}，只有打印失败的任务可以重试").format(
                    id=row.id, label=row.status.label
                ),
                severity="warning",
                markup=False,
            )
            return
        self.notify(_("正在重新打印任务 {id}……").format(id=row.id))
        self.desk.retry_print(row.id, on_done=self.load)
