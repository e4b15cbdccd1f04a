"""现金清点 (a cashier's F6 for their own desk, or the lead's F3): the blind cash count of one
desk (or the office) for one day. F6 begins the close (asked first) when it is not begun (the
desk stops taking payments); then the pieces of each denomination and the other methods' totals
are typed without the expected figures on screen, F9 records them, and only then the comparison
is shown. Every figure and change is the services' (permission-checked, audited)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

from models.db import session_scope
from models.errors import DomainError
from models.i18n import _, pgettext
from models.money import Money
from models.permissions import Action
from models.services.campaigns import get_campaign
from models.services.tally import (
    begin_close,
    desk_label,
    find_close,
    parse_count,
    record_count,
    today,
)
from models.vocab import DENOMINATIONS, DayStatus, PaymentMethod, denomination_label
from tui.base import WorkerGuard, desk_of
from tui.keymap import bind
from tui.screens.tally.tables import comparison
from tui.widgets.dialogs import ConfirmDialog
from tui.widgets.footer import DeskFooter

if TYPE_CHECKING:
    from models.services.tally import CountResult
    from tui.app import DeskApp


def begin_question(day: dt.date, desk: str) -> ModalScreen[bool]:
    """F6 stops a desk's (or the office's) fees: asked first, naming what stops."""
    scope = _("本窗口（{desk}）").format(desk=desk) if desk else _("全办公室各窗口")
    return ConfirmDialog(
        _("开始 {day:%Y-%m-%d} {scope}的日结？").format(day=day, scope=scope),
        _(
            "开始后{scope}停止收费：\n不能再收费、作废或退费，\n直到负责人确认日结（当日锁定）或取消日结。\n"
            "Enter 开始 · Esc 不开始"
        ).format(scope=scope),
    )


class CountScreen(WorkerGuard, Screen[None]):
    """The blind cash count of one desk (or the office) for one day."""

    BINDINGS = [
        Binding("escape", "back", pgettext("key", "返回"), id="count.back"),
        bind("count.begin", "begin", pgettext("key", "开始日结")),
        bind("count.submit", "submit", pgettext("key", "提交清点")),
    ]

    def __init__(self, day: dt.date | None = None, desk: str | None = None) -> None:
        super().__init__()
        self.day, self.desk_name = day, desk
        self.state: str | None = None  # the close's status; None: not begun
        self.busy = False

    @property
    def desk(self) -> DeskApp:
        return desk_of(self)

    def compose(self) -> ComposeResult:
        yield Static(_("现金清点 · 正在读取……"), id="status-line")
        with VerticalScroll(id="count-body"):
            yield Static("", id="count-state")
            with Horizontal(classes="count-grid"):
                with Vertical(classes="count-col"):
                    for d in DENOMINATIONS[:4]:
                        yield from self._piece(d)
                with Vertical(classes="count-col"):
                    for d in DENOMINATIONS[4:]:
                        yield from self._piece(d)
            yield Static("", id="count-cash")
            with Horizontal(classes="count-others"):
                for m in (PaymentMethod.card, PaymentMethod.qr, PaymentMethod.transfer):
                    yield Static(f"{m.label}", classes="count-label")
                    yield Input(
                        placeholder="0.00",
                        id=f"m-{m.value}",
                        max_length=12,
                        classes="count-amount takes-scans",
                    )
            yield Input(
                placeholder=_("差额说明（有差额时负责人确认前须填写）"),
                id="count-note",
                classes="takes-scans",
                max_length=500,
            )
            yield Static("", id="count-result")
        yield Static("", id="count-problem")
        yield DeskFooter()

    def _piece(self, fen: int) -> ComposeResult:
        with Horizontal(classes="count-row"):
            yield Static(denomination_label(fen), classes="count-label")
            yield Input(
                placeholder="0",
                id=f"p-{fen}",
                max_length=6,
                classes="count-pieces takes-scans",
                restrict=r"[0-9０-９]*",
            )

    def on_mount(self) -> None:
        self.load()

    def action_back(self) -> None:
        if not self.busy:
            self.dismiss(None)

    def _problem(self, message: str) -> None:
        self.query_one("#count-problem", Static).update(Text(message, style="bold red"))

    def _target(self, c: Any) -> tuple[dt.date, str]:
        actor = self.desk.actor
        assert actor is not None
        desk = (
            self.desk_name
            if self.desk_name is not None
            else ("" if actor.can(Action.day_close) else actor.desk)
        )
        return self.day or today(c), desk

    @work(thread=True, exclusive=True, exit_on_error=False, group="count")
    def load(self) -> None:

        try:
            engine, _actor, code = self.desk.working()
            with session_scope(engine, readonly=True) as session:
                c = get_campaign(session, code)
                day, desk = self._target(c)
                row = find_close(session, c, day, desk)
                state = row.status if row is not None else None
        except DomainError as exc:
            self.app.call_from_thread(self._problem, exc.message)
            return
        self.app.call_from_thread(self._loaded, day, desk, state)

    def _loaded(self, day: dt.date, desk: str, state: str | None) -> None:
        self.day, self.desk_name, self.state = day, desk, state
        self.refresh_bindings()
        self.query_one("#status-line", Static).update(
            Text(
                _("现金清点 · {day:%Y-%m-%d} · {desk} · ").format(day=day, desk=desk_label(desk))
                + (DayStatus(state).label if state else _("未开始日结"))
            )
        )
        note = {
            None: _("尚未开始日结：F6 开始日结（开始后停止收费），再清点现金。"),
            DayStatus.closing.value: _(
                "已停止收费。请逐项清点（盲点：应有金额在提交后显示），F9 提交。"
            ),
            DayStatus.counted.value: _(
                "已清点过：可重新清点后 F9 再次提交（每次清点都记入审计）。"
            ),
            DayStatus.closed.value: _("当日已日结锁定，不能再清点。"),
        }[state]
        self.query_one("#count-state", Static).update(note)
        open_ = state in (DayStatus.closing.value, DayStatus.counted.value)
        for box in self.query(Input):
            box.disabled = not open_
        if open_:
            self.query_one(f"#p-{DENOMINATIONS[0]}", Input).focus()
        self._update_cash()

    def _pieces(self) -> dict[int, str]:
        return {d: self.query_one(f"#p-{d}", Input).value for d in DENOMINATIONS}

    @on(Input.Changed, ".count-pieces")
    def _update_cash(self) -> None:
        try:
            cash = parse_count(self._pieces()).cash_fen
        except DomainError as exc:
            self.query_one("#count-cash", Static).update(Text(exc.message, style="red"))
            return
        self.query_one("#count-cash", Static).update(
            Text.assemble(
                _("清点现金合计 "), (_("{amount} 元").format(amount=Money(cash).grouped()), "bold")
            )
        )

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        if event.input.id == "count-note":
            self.action_submit()
        else:
            self.focus_next()

    def action_begin(self) -> None:
        if self.busy or self.state is not None or self.day is None or self.desk_name is None:
            return

        def answered(yes: bool | None) -> None:
            if yes and not self.busy and self.state is None:
                self.change("begin", {})

        self.app.push_screen(begin_question(self.day, self.desk_name), callback=answered)

    def action_submit(self) -> None:
        if self.busy or self.state not in (DayStatus.closing.value, DayStatus.counted.value):
            return
        try:
            count = parse_count(
                self._pieces(),
                {
                    m.value: self.query_one(f"#m-{m.value}", Input).value
                    for m in (PaymentMethod.card, PaymentMethod.qr, PaymentMethod.transfer)
                },
            )
        except DomainError as exc:
            self._problem(exc.message)
            return
        self.change("count", {"count": count, "note": self.query_one("#count-note", Input).value})

    @work(thread=True, exclusive=True, exit_on_error=False, group="count-change")
    def change(self, what: str, args: dict[str, Any]) -> None:

        engine, actor, code = self.desk.working()
        assert self.day is not None and self.desk_name is not None
        self.busy = True
        result: CountResult | None = None
        try:
            with session_scope(engine) as session:
                c = get_campaign(session, code)
                if what == "begin":
                    begin_close(session, actor, c, self.day, desk=self.desk_name)
                else:
                    result = record_count(session, actor, c, self.day, desk=self.desk_name, **args)
        except DomainError as exc:
            self.app.call_from_thread(self._problem, exc.message)
            return
        finally:
            self.busy = False
        self.app.call_from_thread(self._changed, result)

    def worker_failed(self, name: str) -> None:
        self.busy = False

    def _changed(self, result: CountResult | None) -> None:
        self.query_one("#count-problem", Static).update("")
        if result is None:
            self.notify(_("已开始日结：本范围停止收费"), timeout=6)
            self.load()
            return
        diff = result.difference_fen
        lead = self.desk.actor is not None and self.desk.actor.can(Action.day_close)
        self.query_one("#count-result", Static).update(
            Group(
                Text(_("清点已记录。应有与清点："), style="bold"),
                comparison(result.expected, result.counted),
                Text(
                    (
                        _("有差额：负责人确认前须填写差额说明。")
                        if diff or result.differences
                        else _("无差额。")
                    )
                    + (_("回到日结页按 F9 确认。") if lead else _("请负责人确认日结。")),
                    style="bold red" if result.differences else "green",
                ),
            )
        )
        self.load()  # the status line says it is counted

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "begin":
            return self.state is None
        if action == "submit":
            return self.state in (DayStatus.closing.value, DayStatus.counted.value)
        return True
