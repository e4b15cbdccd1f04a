"""收费台 (the fee desk): the queue of accepted dossiers not yet paid; a scan of the envelope label
(or the ID card), a number typed, or Enter on a line opens the fee."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from models.errors import DomainError
from models.i18n import _, pgettext
from models.money import Money
from models.permissions import Action
from models.services.campaigns import fee_rules
from models.services.payments import QueueLine, cashier_queue
from tui import plain
from tui.base import Refocus, WorkerGuard, desk_of
from tui.keymap import bind
from tui.widgets.columns import NAME_MOST, Column
from tui.widgets.footer import DeskFooter
from tui.widgets.search_list import SearchList


class CashierScreen(WorkerGuard, Screen[None]):
    """收费台: the queue of accepted, unpaid dossiers; scan or pick to open one."""

    AUTO_FOCUS = "#pay-search"
    BINDINGS = [
        bind("fees.search", "focus_search", pgettext("key", "查找")),
        bind("fees.reload", "reload", pgettext("key", "刷新")),
        bind("fees.bank", "bank", pgettext("key", "银行流水")),
        Binding("escape", "back", pgettext("key", "返回"), id="fees.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(_("收费台 · {who}").format(who=desk_of(self).who()), id="status-line")
        yield SearchList(
            placeholder=_("扫描档案袋条码，或输入受理编号 / 身份证号"),
            columns=(
                Column(_("受理编号"), 11, least=11, gives=1),
                Column(_("姓名"), NAME_MOST, least=8, gives=0, name=True),
                Column(_("申报"), 12, least=8, gives=2),
                Column(_("应收"), 8, least=6, gives=1),
                Column(_("工作单位"), 30, spills=True),
            ),
            box_id="pay-search",
            how_id="queue-title",
            list_id="queue",
            how=_("待缴费：正在读取……"),
        )
        yield DeskFooter()

    def on_mount(self) -> None:
        self.load()

    @property
    def search_list(self) -> SearchList:
        return self.query_one(SearchList)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "bank":
            actor = desk_of(self).actor
            return actor is not None and actor.can(Action.bank_match)
        return True

    def action_focus_search(self) -> None:
        self.search_list.focus_box()

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_bank(self) -> None:
        # lazily: the bank's statements (and their readers) load only when a cashier opens them
        from tui.screens.fees.bank import BankScreen

        self.app.push_screen(BankScreen())

    def on_refocus(self, _message: Refocus) -> None:
        self.search_list.clear_box()
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue")
    def load(self) -> None:
        desk = desk_of(self)
        assert desk.engine is not None and desk.actor is not None
        try:
            with desk.campaign_session(readonly=True) as (session, c):
                lines = cashier_queue(session, desk.actor, c, limit=500)
                fees = {(r.track, r.level): r.amount_fen for r in fee_rules(session, c.id or 0)}
        except DomainError as exc:
            self.app.call_from_thread(self.search_list.say, Text(exc.message, style="bold red"))
            return
        self.app.call_from_thread(self._show, lines, fees)

    def _show(self, lines: list[QueueLine], fees: dict[tuple[str, str], int | None]) -> None:
        rows: list[tuple[str | None, tuple[object, ...]]] = []
        for q in lines:
            fen = fees.get((q.track, q.level))
            rows.append(
                (
                    str(q.dossier_id),
                    (
                        q.dossier_code,
                        q.name,
                        plain.fee_kind(q.track, q.level),
                        Money(fen).figures()
                        if fen is not None
                        else Text(_("未定"), style="yellow"),
                        q.unit,
                    ),
                )
            )
        self.search_list.show(rows)
        more = _("（只列前 500 份）") if len(lines) >= 500 else ""
        self.search_list.say(
            _("待缴费 {count} 份{more}：↑↓ 选择，Enter 收费").format(count=len(lines), more=more)
            if lines
            else _("没有待缴费的档案：受理后的档案会出现在这里")
        )

    @on(SearchList.Submitted)
    def _submit(self, event: SearchList.Submitted) -> None:
        if not event.text:
            self.search_list.table.focus()
            return
        desk_of(self).open_fee(query=event.text)

    @on(SearchList.Opened)
    def _open(self, event: SearchList.Opened) -> None:
        desk_of(self).open_fee(dossier_id=int(event.key))
