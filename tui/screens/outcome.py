"""The outcome of a decision at the counter or the fee desk: what was decided, the preview of
every document it printed, and each one's printing status."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from models.i18n import _, pgettext
from tui import plain
from tui.base import WorkerGuard, desk_of
from tui.widgets.footer import DeskFooter

if TYPE_CHECKING:
    from tui.work.printing import Queued


class OutcomeScreen(WorkerGuard, Screen[None]):
    """What was decided and printed: each document's preview (Tab cycles) and its printing
    status. Enter goes back for the next applicant — not an Enter that comes right after the
    outcome appeared: that is the confirming key bouncing (or pressed twice), and the person at
    the counter gets to see the change, the number and what printed."""

    BINDINGS = [
        Binding(
            "enter,escape", "next", pgettext("key", "下一位"), id="outcome.next", priority=True
        ),
        Binding("tab", "cycle", pgettext("key", "切换预览"), id="outcome.cycle"),
    ]

    SETTLE = 0.6

    def __init__(self, title: str, queued: Queued) -> None:
        super().__init__()
        self.shown_at = float("inf")  # until the outcome is on the screen
        self.title_text = title
        self.queued = queued
        self.kinds = list(queued.previews)
        self.showing = 0
        self.status: dict[int, str] = {job: _("正在打印……") for job in queued.job_ids}

    def compose(self) -> ComposeResult:
        yield Static(self.title_text, id="status-line")
        yield Static("", id="outcome-jobs")
        yield Static("", id="outcome-kind")
        with VerticalScroll(id="outcome-preview"):
            yield Static("", id="outcome-text")
        yield DeskFooter()

    def on_mount(self) -> None:
        self._paint()
        self.call_after_refresh(self._shown)
        desk = desk_of(self)
        for job_id in self.queued.job_ids:
            desk.print_job(job_id, on_done=partial(self._job_done, job_id), quiet=True)

    NAMES = {
        "label": _("档案袋标签"),
        "materials": _("材料目录"),
        "acceptance": _("受理回执"),
        "notice": _("一次性告知单"),
        "receipt": _("缴费凭证"),
        "void": _("作废单"),
        "refund": _("退费单"),
    }

    def _job_done(self, job_id: int) -> None:
        status, error = desk_of(self).job_outcomes.pop(job_id, ("failed", ""))
        self.status[job_id] = (
            _("已打印")
            if status == "sent"
            else _("打印失败：{error}（F8 重试）").format(error=error)
        )
        if self.is_attached:
            self._paint()

    def _paint(self) -> None:
        parts = []
        for kind, job_id in zip(self.kinds, self.queued.job_ids, strict=False):
            parts.append(plain.pair(self.NAMES.get(kind, kind), self.status[job_id]))
        self.query_one("#outcome-jobs", Static).update(Text("  ".join(parts)))
        kind = self.kinds[self.showing]
        self.query_one("#outcome-kind", Static).update(
            _("【{kind}预览】").format(kind=self.NAMES.get(kind, kind))
            + (_(" Tab 切换") if len(self.kinds) > 1 else "")
        )
        self.query_one("#outcome-text", Static).update(
            Text(self.queued.previews[kind], no_wrap=True, overflow="crop")
        )

    def action_cycle(self) -> None:
        self.showing = (self.showing + 1) % len(self.kinds)
        self._paint()

    def _shown(self) -> None:
        self.shown_at = desk_of(self).key_clock()

    def action_next(self) -> None:
        # judged by when the key was pressed: a bounce queued while the payment was being
        # written is handled after the outcome appears, however slow the machine was
        if desk_of(self).key_time - self.shown_at < self.SETTLE:
            return
        desk_of(self).back_to_counter()
