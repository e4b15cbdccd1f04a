"""受理台 (the intake counter's search): one box takes a scan or anything typed (ID, last 6,
dossier/receipt/notice no., name in any middle-dot form, pinyin, initials, unit); the list shows
each person's status, and Enter on one opens the card."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from models.errors import DomainError
from models.i18n import _, pgettext
from models.services.search import search
from tui import plain
from tui.base import Refocus, WorkerGuard, desk_of
from tui.keymap import bind
from tui.screens.intake.batch import UnitBatchScreen
from tui.widgets.columns import NAME_MOST, Column
from tui.widgets.footer import DeskFooter
from tui.widgets.search_list import SearchList

if TYPE_CHECKING:
    from models.services.search import Hit, SearchResult


class IntakeScreen(WorkerGuard, Screen[None]):
    """受理台: search or scan, then Enter on a person opens the card."""

    AUTO_FOCUS = "#search"
    BINDINGS = [
        bind("intake.search", "focus_search", pgettext("key", "查找")),
        Binding("ctrl+b", "unit_batch", pgettext("key", "单位批量"), id="intake.batch"),
        Binding("escape", "back", pgettext("key", "返回"), id="intake.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(_("受理台 · {who}").format(who=desk_of(self).who()), id="status-line")
        yield SearchList(
            placeholder=_("扫描或输入：身份证号 / 后6位 / 受理编号 / 姓名 / 拼音 / 单位"),
            columns=(
                Column(_("姓名"), NAME_MOST, least=8, gives=0, name=True),
                Column(_("身份证号"), 18, least=18, gives=1),
                Column(_("申报"), 12, least=8, gives=3),
                Column(_("网上状态"), 12, least=12, gives=2),
                Column(_("纸质材料"), 14, least=6, gives=4),
                Column(_("工作单位"), 30, spills=True),
            ),
            box_id="search",
            how_id="search-how",
            list_id="hits",
            how=_("扫描身份证或档案袋条码即可打开；输入后按 Enter 查找"),
        )
        yield DeskFooter()

    def on_mount(self) -> None:
        self.hits: list[Hit] = []

    @property
    def search_list(self) -> SearchList:
        return self.query_one(SearchList)

    def action_focus_search(self) -> None:
        self.search_list.focus_box()

    def on_refocus(self, _message: Refocus) -> None:
        self.search_list.clear_box()
        self.search_list.say(_("请扫描或输入下一位"))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_unit_batch(self) -> None:
        self.app.push_screen(UnitBatchScreen())

    @on(SearchList.Submitted)
    def _submit(self, event: SearchList.Submitted) -> None:
        if not event.text:
            self.search_list.say(_("请输入要查找的内容"))
            return
        self.search_list.say(_("正在查找……"))
        self.run_search(event.text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def run_search(self, text: str) -> None:
        desk = desk_of(self)
        assert desk.engine is not None and desk.actor is not None
        try:
            with desk.campaign_session(readonly=True) as (session, c):
                result = search(session, desk.actor, c, text)
        except DomainError as exc:
            self.app.call_from_thread(self.search_list.say, plain.message(exc.message))
            return
        self.app.call_from_thread(self._show, result)

    def _show(self, result: SearchResult) -> None:
        self.hits = result.hits
        found = self.search_list
        found.show(
            [
                (
                    str(h.record_id),
                    (
                        h.name,
                        h.id_masked,
                        plain.fee_kind(h.track, h.level),
                        plain.plain(h.online_status, style="" if h.eligible else "bold red"),
                        h.paper,
                        h.unit,
                    ),
                )
                for h in result.hits
            ]
        )
        if result.problem:  # a malformed ID: what is wrong, and who it may be (never a refusal)
            text = Text(result.problem, style="bold red", end="")
            if result.hits:
                text.append(_("；是否为以下人员（请对照证件核对后 Enter 打开）"), style="")
                found.focus_list()
            found.say(text)
            return
        if not result.hits:
            found.say(
                Text(
                    _("没有找到“{query}”（按{how}查找）").format(
                        query=plain.plain(result.query, 30).plain, how=_(result.how)
                    ),
                    end="",
                )
            )
            return
        found.say(
            _("按{how}找到 {count} 人").format(how=_(result.how), count=len(result.hits))
            + (_("（只显示前 50 人，请输入更多内容）") if len(result.hits) >= 50 else "")
            + _("：↑↓ 选择，Enter 打开")
        )
        if len(result.hits) == 1 and result.how in ("身份证号", "受理编号", "收据号", "告知单号"):
            desk_of(self).open_card(record_id=result.hits[0].record_id)
            return
        found.focus_list()

    @on(SearchList.Opened)
    def _open(self, event: SearchList.Opened) -> None:
        desk_of(self).open_card(record_id=int(event.key))
