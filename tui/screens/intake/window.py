"""A lead's paper window at the card: set it where the notice does not state it, or extend it
(both audited)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Static

from models.i18n import _, pgettext
from tui.base import WorkerGuard


class SetWindowScreen(WorkerGuard, ModalScreen[tuple[str, str, str, bool] | None]):
    """A lead sets the paper window the notice does not state (001): from, to, the basis, and
    for every series or only this card's (a box to tick); audited."""

    BINDINGS = [Binding("escape", "cancel", pgettext("key", "取消"))]

    def __init__(self, series: str) -> None:
        super().__init__()
        self.series = series

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("设定纸质材料报送时间（负责人）：通知未载明"), classes="dialog-title")
            yield Input(placeholder=_("开始：2023-10-09 或 2023-10-09 10:00"), id="window-start")
            yield Input(placeholder=_("结束：2023-10-20 或 2023-10-20 18:00"), id="window-end")
            yield Input(
                placeholder=_("依据（必填，记入审计）：文件名称和文号或办公室决定"),
                id="window-reason",
                max_length=200,
            )
            box = Checkbox(
                _("只适用“{series}”系列（不勾选：全部系列）").format(series=self.series),
                id="window-this-series",
            )
            box.display = bool(self.series)
            yield box
            yield Static(_("Tab 切换 · 空格 勾选 · Enter 确定 · Esc 取消"), classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#window-start", Input).focus()

    @on(Input.Submitted, "#window-start")
    def _to_end(self) -> None:
        self.query_one("#window-end", Input).focus()

    @on(Input.Submitted, "#window-end")
    def _to_reason(self) -> None:
        self.query_one("#window-reason", Input).focus()

    @on(Input.Submitted, "#window-reason")
    def _done(self) -> None:
        start = self.query_one("#window-start", Input).value.strip()
        end = self.query_one("#window-end", Input).value.strip()
        reason = self.query_one("#window-reason", Input).value.strip()
        for wid, value in (("#window-start", start), ("#window-end", end)):
            if not value:
                self.query_one(wid, Input).focus()
                self.notify(_("请填写开始和结束时间"), severity="error", timeout=4)
                return
        if not reason:
            self.notify(_("请写明设定的依据"), severity="error", timeout=4)
            return
        this = bool(self.series) and self.query_one("#window-this-series", Checkbox).value
        self.dismiss((start, end, reason, this))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ExtendWindowScreen(WorkerGuard, ModalScreen[tuple[str, str] | None]):
    """A lead extends the paper window: until when, and why (both required; audited)."""

    BINDINGS = [Binding("escape", "cancel", pgettext("key", "取消"))]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(_("延长纸质材料报送时间（负责人）"), classes="dialog-title")
            yield Input(placeholder=_("延长至：2021-10-12 或 2021-10-12 18:00"), id="extend-until")
            yield Input(placeholder=_("原因（必填，记入审计）"), id="extend-reason", max_length=200)
            yield Static(_("Tab 切换 · Enter 确定 · Esc 取消"), classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#extend-until", Input).focus()

    @on(Input.Submitted, "#extend-until")
    def _next(self) -> None:
        self.query_one("#extend-reason", Input).focus()

    @on(Input.Submitted, "#extend-reason")
    def _done(self) -> None:
        until = self.query_one("#extend-until", Input).value.strip()
        reason = self.query_one("#extend-reason", Input).value.strip()
        if not until:
            self.query_one("#extend-until", Input).focus()
            return
        if not reason:
            self.notify(_("请写明延长的原因"), severity="error", timeout=4)
            return
        self.dismiss((until, reason))

    def action_cancel(self) -> None:
        self.dismiss(None)
