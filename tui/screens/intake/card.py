"""The intake counter (受理台): find the applicant, judge every item, accept or return.

- ``IntakeScreen``: one box takes a scan or anything typed (ID, last 6, dossier/receipt/notice
  no., name in any middle-dot form, pinyin, initials, unit); results show each person's status.
- ``CardScreen``: the applicant card with the alerts that cannot be missed, and the checklist
  for this track and level — one key per verdict, arrows to move.
- Modals for the conditions (访惠聚 …), the review form compared with the online record, a
  refusal, and the return's confirmation; ``OutcomeScreen`` shows what was printed.

Every rule is the service's (``models.services.intake``); every database and printer call runs in
a worker; every error is one Chinese line."""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.coordinate import Coordinate
from textual.screen import ModalScreen, Screen
from textual.widgets import (
    Checkbox,
    DataTable,
    Footer,
    Input,
    OptionList,
    SelectionList,
    Static,
)
from textual.widgets.option_list import Option

from models.errors import DomainError
from models.i18n import _, pgettext
from models.permissions import Action
from models.vocab import CONDITION_LABELS, Condition, ItemKind
from tui import plain
from tui.base import Refocus, WorkerGuard, desk_of
from tui.keymap import bind
from tui.screens.outcome import OutcomeScreen

if TYPE_CHECKING:
    from models.campaign import ChecklistItem
    from models.services.intake import Card, ItemCheck
    from models.services.search import Hit, SearchResult
    from tui.app import DeskApp
    from tui.work.printing import Queued

YES, NO, UNJUDGED = "✓", "✗", "·"


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
        yield Input(
            placeholder=_("扫描或输入：身份证号 / 后6位 / 受理编号 / 姓名 / 拼音 / 单位"),
            id="search",
        )
        yield Static(_("扫描身份证或档案袋条码即可打开；输入后按 Enter 查找"), id="search-how")
        yield DataTable(id="hits", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#hits", DataTable)
        for label, width in (
            (_("姓名"), 14),
            (_("身份证号"), 18),
            (_("申报"), 12),
            (_("网上状态"), 12),
            (_("纸质材料"), 14),
            (_("工作单位"), 30),
        ):
            table.add_column(label, width=width)
        self.hits: list[Hit] = []

    def action_focus_search(self) -> None:
        box = self.query_one("#search", Input)
        box.focus()
        box.select_all()

    def on_refocus(self, _message: Refocus) -> None:
        box = self.query_one("#search", Input)
        box.value = ""
        box.focus()
        self.query_one("#search-how", Static).update(_("请扫描或输入下一位"))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_unit_batch(self) -> None:
        from tui.screens.batch import UnitBatchScreen

        self.app.push_screen(UnitBatchScreen())

    @on(Input.Changed, "#search")
    def _scrub(self, event: Input.Changed) -> None:
        plain.scrub(event.input)

    @on(Input.Submitted, "#search")
    def _submit(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.query_one("#search-how", Static).update(_("请输入要查找的内容"))
            return
        self.query_one("#search-how", Static).update(_("正在查找……"))
        self.run_search(text)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def run_search(self, text: str) -> None:
        from models.services.search import search

        desk = desk_of(self)
        assert desk.engine is not None
        try:
            with desk.campaign_session(readonly=True) as (session, c):
                result = search(session, c, text)
        except DomainError as exc:
            self.app.call_from_thread(
                self.query_one("#search-how", Static).update, plain.message(exc.message)
            )
            return
        self.app.call_from_thread(self._show, result)

    def _show(self, result: SearchResult) -> None:
        self.hits = result.hits
        table = self.query_one("#hits", DataTable)
        table.clear()
        for h in result.hits:
            status = plain.plain(h.online_status, 12, style="" if h.eligible else "bold red")
            table.add_row(
                plain.name(h.name, 14),
                h.id_masked,
                plain.fee_kind(h.track, h.level),
                status,
                h.paper,
                plain.plain(h.unit, 30),
                key=str(h.record_id),
            )
        how = self.query_one("#search-how", Static)
        if result.problem:  # a malformed ID: what is wrong, and who it may be (never a refusal)
            text = Text(result.problem, style="bold red", end="")
            if result.hits:
                text.append(_("；是否为以下人员（请对照证件核对后 Enter 打开）"), style="")
                table.focus()
                table.move_cursor(row=0)
            how.update(text)
            return
        if not result.hits:
            how.update(
                Text(
                    _("没有找到“{query}”（按{how}查找）").format(
                        query=plain.plain(result.query, 30).plain, how=_(result.how)
                    ),
                    end="",
                )
            )
            return
        how.update(
            _("按{how}找到 {count} 人").format(how=_(result.how), count=len(result.hits))
            + (_("（只显示前 50 人，请输入更多内容）") if len(result.hits) >= 50 else "")
            + _("：↑↓ 选择，Enter 打开")
        )
        if len(result.hits) == 1 and result.how in ("身份证号", "受理编号", "收据号", "告知单号"):
            desk_of(self).open_card(record_id=result.hits[0].record_id)
            return
        table.focus()
        table.move_cursor(row=0)

    @on(DataTable.RowSelected, "#hits")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            desk_of(self).open_card(record_id=int(event.row_key.value))


# ---- the card and its checklist ---------------------------------------------------------------


class CardScreen(WorkerGuard, Screen[None]):
    """申请人信息 + 材料核对. Opened by record id (from a list) or by what was scanned."""

    BINDINGS = [
        Binding("escape", "back", pgettext("key", "返回"), id="card.back"),
        Binding(
            "y,space",
            "verdict('complete')",
            pgettext("key", "齐全"),
            id="card.complete",
            show=False,
        ),
        Binding("n", "verdict('missing')", pgettext("key", "缺"), id="card.missing", show=False),
        Binding(
            "plus,equals_sign", "copies(1)", pgettext("key", "份数+"), id="card.more", show=False
        ),
        Binding("minus", "copies(-1)", pgettext("key", "份数-"), id="card.fewer", show=False),
        Binding(
            "o", "flip('original_checked')", pgettext("key", "原件"), id="card.original", show=False
        ),
        Binding(
            "s",
            "flip('stamped_endorsed')",
            pgettext("key", "盖章签署"),
            id="card.stamp",
            show=False,
        ),
        Binding(
            "h",
            "flip('handwritten_ok')",
            pgettext("key", "手写"),
            id="card.handwritten",
            show=False,
        ),
        Binding(
            "w", "flip('watermark_ok')", pgettext("key", "水印"), id="card.watermark", show=False
        ),
        Binding("p", "parts", pgettext("key", "签字日期公章等"), id="card.parts", show=False),
        Binding("b", "bringer", pgettext("key", "报送人"), id="card.bringer", show=False),
        Binding("m", "mismatch", pgettext("key", "评审表比对"), id="card.mismatch", show=False),
        Binding(
            "x,delete,backspace",
            "verdict('clear')",
            pgettext("key", "清除"),
            id="card.clear",
            show=False,
        ),
        Binding("c", "conditions", pgettext("key", "条件"), id="card.conditions"),
        bind("card.accept", "accept", pgettext("key", "受理")),
        bind("card.return", "return_paper", pgettext("key", "退回补正")),
        bind("card.extend", "extend_window", pgettext("key", "受理时间")),
        bind("card.refuse", "refuse", pgettext("key", "拒收登记")),
        bind("card.reload", "reload", pgettext("key", "刷新"), show=False),
    ]
    JUDGING = {
        "verdict",
        "copies",
        "flip",
        "mismatch",
        "conditions",
        "accept",
        "return_paper",
        "parts",
    }

    def __init__(self) -> None:
        super().__init__()
        self.record_id: int | None = None
        self.query_text: str | None = None
        self.card: Card | None = None
        self.items: list[ChecklistItem] = []
        self.checks: dict[str, ItemCheck] = {}
        self.conditions: set[str] = set()
        self.bringer = ""  # who brought the paper (models.rules.Bringer), "" not recorded
        self.default_bringer = ""  # set by the unit batch: 单位
        self.busy = False
        self.done = False  # accepted or returned: nothing to keep as a draft
        self.generation = 0  # which open() a lookup belongs to: a late answer is not shown

    def open(
        self, *, record_id: int | None = None, query: str | None = None, bringer: str = ""
    ) -> None:
        """Show another applicant on this (one, reused) card: the unfinished checklist of the one
        shown is kept as a draft, nothing of them stays on screen, and the lookup starts at
        once — before the screen is even switched to."""
        self._save_draft()
        self.record_id, self.query_text = record_id, query
        self.card, self.items, self.checks, self.conditions = None, [], {}, set()
        self.bringer, self.default_bringer = "", bringer
        self.busy = self.done = False
        self.generation += 1
        if self.is_mounted:
            self.query_one("#status-line", Static).update(_("正在读取……"))
            self.load()
            # a lookup takes a few ms: the previous applicant is blanked only if it takes longer,
            # which spares a repaint between the two (and nothing of theirs can be acted on: the
            # card, its items and checks are already reset above)
            self.set_timer(0.03, partial(self._blank, self.generation))

    def _blank(self, gen: int) -> None:
        if gen != self.generation or self.card is not None:
            return
        for wid in ("#card-person", "#card-conditions", "#card-detail"):
            self.query_one(wid, Static).update("")
        self.query_one("#card-alerts", Static).display = False
        self.query_one("#checklist", DataTable).clear()

    @property
    def desk(self) -> DeskApp:
        return desk_of(self)

    def compose(self) -> ComposeResult:
        yield Static(_("正在读取……"), id="status-line")
        yield Static("", id="card-person")
        yield Static("", id="card-alerts")
        yield Static("", id="card-conditions")
        yield DataTable(id="checklist", cursor_type="row", zebra_stripes=False)
        yield Static("", id="card-detail")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#checklist", DataTable)
        for label, width in (
            (_("材料"), 26),
            (_("份数"), 5),
            (_("原件"), 4),
            (_("盖章"), 4),
            (_("手写"), 4),
            (pgettext("column", "水印"), 4),
            (_("比对"), 4),
            (_("判定"), 10),
        ):
            table.add_column(label, width=width)
        self.query_one("#card-alerts", Static).display = False
        self.load()

    # -- loading --

    @work(thread=True, exclusive=True, exit_on_error=False, group="card")
    def load(self) -> None:
        from models.services.intake import card_for, load_card

        desk = self.desk
        assert desk.engine is not None and desk.actor is not None
        gen, record_id, query = self.generation, self.record_id, self.query_text
        try:
            with desk.campaign_session(readonly=True) as (session, c):
                if record_id is not None:
                    card = load_card(session, desk.actor, c, record_id=record_id, now=desk.clock())
                else:
                    card = card_for(session, desk.actor, c, query or "", now=desk.clock())
        except DomainError as exc:
            self.app.call_from_thread(self._failed, exc.message, gen)
            return
        self.app.call_from_thread(self._show, card, gen)

    def _failed(self, message: str, gen: int | None = None) -> None:
        if gen is not None and gen != self.generation:
            return  # another applicant was opened meanwhile
        self.query_one("#status-line", Static).update(_("未能打开"))
        self.query_one("#card-person", Static).update(plain.message(message, style="bold red"))

    def _show(self, card: Card, gen: int | None = None) -> None:
        if gen is not None and gen != self.generation:
            return  # another applicant was opened meanwhile
        reloaded = (
            self.card is not None
            and self.card.person is not None
            and card.person is not None
            and self.card.person.record_id == card.person.record_id
        )
        self.card = card
        p = card.person
        if p is not None and not reloaded:
            self.bringer = card.brought_by or self.default_bringer
        if p is not None:
            self.record_id = p.record_id
            self.conditions = set(card.conditions)
            draft = self.desk.drafts.get((card.campaign_code, p.record_id))
            if draft is not None and card.can_judge:
                self.checks, self.conditions = dict(draft[0]), set(draft[1])
                self.notify(_("已恢复上次未完成的核对"), timeout=4)
        name = plain.name(p.name) if p else _("（不在名单）")
        self.query_one("#status-line", Static).update(
            Text.assemble(_("材料核对 · "), name, f" · {self.desk.who()}")
        )
        self._show_alerts()
        self._refresh_items(keep=None if reloaded else 0)  # a new card starts at its first item
        self.refresh_bindings()
        self.query_one("#checklist", DataTable).focus()

    def _show_alerts(self) -> None:
        """The person (with who brought the paper) and the alerts, the bringer's one included:
        re-drawn when the clerk records who brought it."""
        from models.services.intake import delivery_alert

        card = self.card
        if card is None:
            return
        card.alerts = [a for a in card.alerts if a.code != "individual"]
        alert = delivery_alert(card.delivery, self.bringer)
        if alert is not None:
            card.alerts.insert(0, alert)
        self.query_one("#card-person", Static).update(self._person_text(card, self.bringer))
        alerts = self.query_one("#card-alerts", Static)
        if card.alerts:
            text = Text()
            for i, a in enumerate(card.alerts):
                if i:
                    text.append("\n")
                text.append("⛔ " if a.blocking else "⚠ ")
                text.append(plain.message(a.message))
            alerts.update(text)
            alerts.set_class(any(a.blocking for a in card.alerts), "blocking")
            alerts.display = True
        else:
            alerts.display = False

    @staticmethod
    def _person_text(card: Card, bringer: str = "") -> Text:
        p = card.person
        t = Text()
        if p is None:
            if card.suggestions:
                t.append(
                    _("身份证号有误。是否为（请对照证件，在受理台 F4 查找后打开）："), style="bold"
                )
                for s in card.suggestions[:3]:
                    t.append("\n  ")
                    t.append(plain.name(s.name))
                    t.append(f"  {s.id_shown}  {plain.one_line(s.unit)}")
            elif any(a.code == "bad_id" for a in card.alerts):
                t.append(_("身份证号有误，请核对证件后重新扫描或输入"), style="bold")
            else:
                t.append(_("扫描/输入的身份证号不在本批次网上名单中"), style="bold")
            return t
        line = plain.one_line  # imported text: one line, nothing invisible
        t.append(plain.name(p.name, style="bold"))
        t.append(
            _("  {id_shown}  {sex}  电话 {phone}").format(
                id_shown=p.id_shown, sex=line(p.sex), phone=line(p.phone) or "—"
            )
        )
        count = card.submissions or _("提交次数不详")
        t.append(
            _("\n网上：{status}（{count}） · {series} · {specialty} · {track} {grade}").format(
                status=line(_(p.status)),
                count=count,
                series=line(p.series),
                specialty=line(p.specialty),
                track=_(p.track),
                grade=line(p.grade or _(p.level)),
            )
        )
        if card.declaration:
            t.append("\n" + card.declaration, style="dim")
        unit = line(p.unit) + (f"（{line(p.supervising_dept)}）" if p.supervising_dept else "")
        t.append(_("\n单位：") + unit)
        rule = card.delivery
        if rule is not None and (rule.blocks or rule.text):
            from models.rules import Bringer

            who = Bringer(bringer).label if bringer else _("未记录")
            t.append(
                _("\n报送：{who}（b 切换） · 须由{by}报送（{clause}）").format(
                    who=who, by=rule.by_text, clause=rule.clause or _("通知")
                ),
                style="bold" if rule.blocks and not bringer else "",
            )
        for u in card.unit_checks:
            t.append("\n" + u.text, style="" if u.ok else "yellow")
        if card.dossier_code:
            t.append(
                _("\n受理编号 {dossier_code}").format(dossier_code=card.dossier_code), style="bold"
            )
        return t

    # -- the checklist --

    def _refresh_items(self, keep: int | None = None) -> None:
        from models.services.intake import applicable_items, relevant_conditions

        card = self.card
        table = self.query_one("#checklist", DataTable)
        row = table.cursor_row if keep is None else keep
        table.clear()
        if card is None or card.person is None or not card.can_judge:
            self.items = []
            self.query_one("#card-conditions", Static).update("")
            self._detail()
            return
        p = card.person
        self.items = applicable_items(card.items, p.track, p.level, self.conditions)
        self.checks = {k: v for k, v in self.checks.items() if any(i.key == k for i in self.items)}
        for item in self.items:
            table.add_row(*self._cells(item, self.checks.get(item.key)), key=item.key)
        relevant = relevant_conditions(card.items, p.track, p.level, card.extra_conditions)
        chosen = [CONDITION_LABELS[Condition(c)] for c in sorted(self.conditions)]
        self.query_one("#card-conditions", Static).update(
            _("适用条件（C）：{conditions}").format(conditions="、".join(chosen) if chosen else _("无"))
            + ("" if relevant else _("（本类别没有可选条件）"))
        )
        if self.items:
            table.move_cursor(row=min(max(row, 0), len(self.items) - 1))
        self._detail()

    @staticmethod
    def _mark(value: bool | None, applies: bool) -> Text:
        if not applies:
            return Text("")
        if value is None:
            return Text(UNJUDGED, style="dim")
        return Text(YES, style="green") if value else Text(NO, style="bold red")

    def _cells(self, item: ChecklistItem, c: ItemCheck | None) -> tuple[object, ...]:
        from models.services.intake import problems

        name = item.name + (_("（选）") if item.optional else "")
        present = c.present if c else False
        if c is None:
            copies = Text(f"-/{item.copies}", style="dim")
        elif c.present:
            copies = Text(
                f"{c.copies}/{item.copies}", style="bold red" if c.copies < item.copies else ""
            )
        else:
            copies = Text(_("缺"), style="dim" if item.optional else "bold red")
        present = c.present if c else False
        stamp_applies = item.needs_stamp or item.needs_endorsement

        def mark(attr: str, applies: bool) -> Text:
            return self._mark(getattr(c, attr) if c and present else None, applies and present)

        match = self._mark(
            (not c.mismatches) if c and present else None, item.must_match_online and present
        )
        if c is None:
            verdict = Text(_("待核对"), style="yellow")
        else:
            found = problems(item, c, self.conditions)
            if not found:
                verdict = Text(_("合格") if present else _("未带(可选)"), style="green")
            else:
                verdict = Text(
                    _("{NO} 缺").format(NO=NO)
                    if not present
                    else _("{NO} {count} 处").format(NO=NO, count=len(found)),
                    style="bold red",
                )
        return (
            plain.plain(name),
            copies,
            mark("original_checked", item.kind == ItemKind.original_shown.value),
            mark("stamped_endorsed", stamp_applies),
            mark("handwritten_ok", bool(item.handwritten)),
            mark("watermark_ok", item.watermark),
            match,
            verdict,
        )

    def _current(self) -> ChecklistItem | None:
        table = self.query_one("#checklist", DataTable)
        if not self.items or table.cursor_row < 0 or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    KEYS_HINT = _(
        "y/空格 齐全 n 缺 +/- 份数 o 原件 s 盖章签署 h 手写/填写 w 水印 p 签字日期公章等 m 评审表比对 x 清除"
    )

    def _detail(self) -> None:
        from models.rules import item_rules
        from models.services.intake import deficiencies, item_parts, problems, unjudged

        item = self._current()
        text = Text()
        if item is not None:
            rules = item_rules(item.details)
            parts = [item.name, ItemKind(item.kind).label]
            if item.copies:
                parts.append(_("应交 {copies} 份").format(copies=item.copies))
            if item.needs_stamp:
                parts.append(
                    _("须加盖{whose}").format(
                        whose="和".join(rules.stamp_by) + _("的公章")
                        if rules.stamp_by
                        else _("公章")
                    )
                )
            if item.needs_endorsement:
                parts.append(_("须签署“已审核，与原件相符”"))
            if item.double_sided:
                parts.append(_("A4 正反面"))
            if item.watermark:
                parts.append(rules.watermark_words or _("有水印为有效"))
            each = item_parts(item, self.conditions)
            if each:
                parts.append(_("须有：{parts}（p）").format(parts="、".join(each)))
            if rules.condition_text:
                parts.append(_("条件：{text}").format(text=rules.condition_text))
            text.append(" · ".join(parts))
            check = self.checks.get(item.key)
            found = problems(item, check, self.conditions) if check is not None else []
            if found:
                text.append("\n" + "；".join(found), style="bold red")
            elif item.handwritten:
                how = _("须填写") if rules.fill == "filled" else _("须手写")
                text.append(
                    _("\n{how}：{handwritten}").format(how=how, handwritten=item.handwritten)
                )
            elif item.note:
                text.append(f"\n{item.note}")
        if self.items:
            todo = len(unjudged(self.items, self.checks))
            bad = len(deficiencies(self.items, self.checks, self.conditions))
            text.append(
                _("\n共 {count} 项 · 待核对 {todo} · 不符合 {bad} 处 │ ").format(
                    count=len(self.items), todo=todo, bad=bad
                )
            )
            text.append(self.KEYS_HINT, style="dim")
        self.query_one("#card-detail", Static).update(text)

    def _set(self, item: ChecklistItem, check: ItemCheck | None, *, advance: bool) -> None:
        if check is None:
            self.checks.pop(item.key, None)
        else:
            self.checks[item.key] = check
        self._save_draft()
        table = self.query_one("#checklist", DataTable)
        row = table.cursor_row
        for col_no, value in enumerate(self._cells(item, check)):
            table.update_cell_at(Coordinate(row, col_no), value)
        if advance and row + 1 < len(self.items):
            table.move_cursor(row=row + 1)
        self._detail()

    def _save_draft(self) -> None:
        if self.card is not None and self.card.person is not None and not self.done:
            key = (self.card.campaign_code, self.card.person.record_id)
            if self.checks or self.conditions != set(self.card.conditions):
                self.desk.drafts[key] = (dict(self.checks), set(self.conditions))
            else:
                self.desk.drafts.pop(key, None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "extend_window":  # a lead, at a card the closed window blocks
            actor = self.desk.actor
            return (
                actor is not None
                and actor.can(Action.window_extend)
                and self.card is not None
                and any(a.code == "window_closed" for a in self.card.alerts)
            )
        if action in self.JUDGING or action == "refuse":
            actor = self.desk.actor
            if actor is None or not actor.can(Action.intake_accept):
                return False  # a cashier looks, but cannot judge (the service refuses too)
            if action == "refuse":  # never for a malformed ID: it is a misread, not a refusal;
                # nor for a window the notice does not state: the lead sets it (F11)
                card = self.card
                return (
                    card is not None
                    and not card.can_judge
                    and card.dossier_status in (None, "returned")
                    and not any(a.code == "bad_id" for a in card.alerts)
                    and any(
                        a.blocking and not (a.code == "window_closed" and card.window.unset)
                        for a in card.alerts
                    )
                )
            if self.card is None or not self.card.can_judge:
                return None  # shown greyed: the alert says why
        return True

    def action_verdict(self, what: str) -> None:
        from models.services.intake import ItemCheck

        item = self._current()
        if item is None:
            return
        if what == "complete":
            self._set(item, ItemCheck.complete(item), advance=True)
        elif what == "missing":
            self._set(item, ItemCheck.missing(), advance=True)
        else:
            self._set(item, None, advance=False)

    def _base(self, item: ChecklistItem) -> ItemCheck:
        from models.services.intake import ItemCheck

        c = self.checks.get(item.key)
        return c if c is not None and c.present else ItemCheck.complete(item)

    def action_copies(self, delta: int) -> None:
        item = self._current()
        if item is None:
            return
        c = self._base(item)
        self._set(
            item, dataclasses.replace(c, copies=max(0, min(99, c.copies + delta))), advance=False
        )

    def action_flip(self, attr: str) -> None:
        item = self._current()
        if item is None:
            return
        applies = {
            "original_checked": item.kind == ItemKind.original_shown.value,
            "stamped_endorsed": item.needs_stamp or item.needs_endorsement,
            "handwritten_ok": bool(item.handwritten),
            "watermark_ok": item.watermark,
        }[attr]
        if not applies:
            what = {
                "original_checked": _("出示原件"),
                "stamped_endorsed": _("盖章签署"),
                "handwritten_ok": _("手写或填写内容"),
                "watermark_ok": _("水印"),
            }[attr]
            self.notify(
                _("“{name}”不需要{what}").format(name=item.name, what=what),
                severity="warning",
                timeout=3,
                markup=False,
            )
            return
        c = self._base(item)
        flipped: dict[str, bool] = {attr: not getattr(c, attr)}
        self._set(item, dataclasses.replace(c, **flipped), advance=False)  # type: ignore[arg-type]

    def action_parts(self) -> None:
        """Tick the parts that are there (主要领导签字、落款日期、公章 …): each its own verdict."""
        from models.services.intake import item_parts

        item = self._current()
        if item is None:
            return
        each = item_parts(item, self.conditions)
        if not each:
            self.notify(
                _("“{name}”没有需要逐项核对的签字、日期或公章").format(name=item.name),
                severity="warning",
                timeout=3,
                markup=False,
            )
            return
        c = self._base(item)

        def chosen(present: list[str] | None) -> None:
            if present is not None:
                self._set(
                    item,
                    dataclasses.replace(
                        c, missing_parts=tuple(p for p in each if p not in present)
                    ),
                    advance=False,
                )

        self.app.push_screen(
            PickScreen(
                _("{name}：勾选已有的部分（空格勾选，Enter 确定）").format(name=item.name),
                [(p, p, p not in c.missing_parts) for p in each],
            ),
            chosen,
        )

    def action_bringer(self) -> None:
        """Who brought the paper: 单位 → 县市人社局·主管局 → 本人 → 单位 …"""
        from models.rules import Bringer

        if self.card is None or self.card.person is None:
            return
        order = [b.value for b in Bringer]
        self.bringer = (
            order[(order.index(self.bringer) + 1) % len(order)]
            if self.bringer in order
            else order[0]
        )
        self._show_alerts()
        self._refresh_items()
        self.refresh_bindings()

    def action_mismatch(self) -> None:
        from models.services.intake import FORM_FIELDS

        item = self._current()
        if item is None:
            return
        if not item.must_match_online:
            self.notify(
                _("“{name}”不需要与网上申报比对").format(name=item.name),
                severity="warning",
                timeout=3,
                markup=False,
            )
            return
        c = self._base(item)

        def chosen(fields: list[str] | None) -> None:
            if fields is not None:
                self._set(
                    item,
                    dataclasses.replace(c, mismatches=tuple(f for f in FORM_FIELDS if f in fields)),
                    advance=False,
                )

        self.app.push_screen(
            PickScreen(
                _("{name}：与网上申报不一致的内容（空格勾选，Enter 确定）").format(name=item.name),
                [(_(f), f, f in c.mismatches) for f in FORM_FIELDS],
            ),
            chosen,
        )

    def action_conditions(self) -> None:
        from models.services.intake import relevant_conditions

        card = self.card
        if card is None or card.person is None:
            return
        relevant = relevant_conditions(
            card.items, card.person.track, card.person.level, card.extra_conditions
        )
        if not relevant:
            self.notify(_("本申报类别没有可选的适用条件"), timeout=3)
            return

        def chosen(values: list[str] | None) -> None:
            if values is not None:
                self.conditions = set(values)
                self._save_draft()
                self._refresh_items(keep=0)

        self.app.push_screen(
            PickScreen(
                _("适用条件（空格勾选，Enter 确定）：决定哪些材料需要提交"),
                [(c.label, c.value, c.value in self.conditions) for c in relevant],
            ),
            chosen,
        )

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.load()

    # -- outcomes --

    def action_accept(self) -> None:
        from models.services.intake import deficiencies, unjudged

        if self.busy or self.card is None or self.card.person is None:
            return
        todo = unjudged(self.items, self.checks)
        if todo:
            self.notify(
                _("还有 {count} 项未核对：{name}……").format(count=len(todo), name=todo[0].name),
                severity="error",
                timeout=6,
                markup=False,
            )
            self.query_one("#checklist", DataTable).move_cursor(row=self.items.index(todo[0]))
            return
        found = deficiencies(self.items, self.checks, self.conditions)
        if found:
            self.notify(
                _("有 {count} 处不符合要求，不能受理：请按 F10 退回补正").format(count=len(found)),
                severity="error",
                timeout=6,
            )
            return
        self.busy = True
        self.run_outcome("accept")

    def action_return_paper(self) -> None:
        from models.services.intake import deficiencies, unjudged

        if self.busy or self.card is None or self.card.person is None:
            return
        todo = unjudged(self.items, self.checks)
        if todo:
            self.notify(
                _("一次性告知须核对全部材料：还有 {count} 项未核对（{name}……）").format(
                    count=len(todo), name=todo[0].name
                ),
                severity="error",
                timeout=6,
                markup=False,
            )
            self.query_one("#checklist", DataTable).move_cursor(row=self.items.index(todo[0]))
            return
        found = deficiencies(self.items, self.checks, self.conditions)
        if not found:
            self.notify(
                _("所有材料均符合要求，不需要退回：请按 F9 受理"), severity="warning", timeout=5
            )
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.busy = True
                self.run_outcome("return")

        self.app.push_screen(ConfirmReturnScreen(self.card.person.name, found), confirmed)

    def action_refuse(self) -> None:
        if self.card is None:
            return
        from models.services.intake import REFUSAL_REASONS

        # the reason the desk already knows: the first blocking alert that is a refusal reason
        default = next(
            (a.code for a in self.card.alerts if a.blocking and a.code in REFUSAL_REASONS), "other"
        )

        def chosen(result: tuple[str, str] | None) -> None:
            if result is not None:
                self.run_refusal(*result)

        self.app.push_screen(RefuseScreen(default), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="outcome")
    def run_outcome(self, outcome: str) -> None:
        from models.services.intake import accept, return_dossier
        from tui.work.printing import queue_acceptance, queue_notice

        desk = self.desk
        assert desk.engine is not None and desk.actor is not None and desk.printers is not None
        assert self.record_id is not None
        checks, conds, bringer = dict(self.checks), sorted(self.conditions), self.bringer
        try:
            with desk.campaign_session() as (session, c):
                if outcome == "accept":
                    d = accept(
                        session,
                        desk.actor,
                        c,
                        self.record_id,
                        checks=checks,
                        conditions=conds,
                        brought_by=bringer,
                        now=desk.clock(),
                    )
                    queued = queue_acceptance(session, desk.actor, desk.printers, d)
                    title = _(
                        "已受理：受理编号 {dossier_code}，请将材料装袋并贴标签；请申请人到收费窗口缴费"
                    ).format(dossier_code=d.dossier_code)
                else:
                    visit = return_dossier(
                        session,
                        desk.actor,
                        c,
                        self.record_id,
                        checks=checks,
                        conditions=conds,
                        brought_by=bringer,
                        now=desk.clock(),
                    )
                    assert visit.id is not None
                    queued = queue_notice(session, desk.actor, desk.printers, visit.id)
                    title = _(
                        "已退回补正：一次性告知单 {notice_code}，共 {count} 处，请交申请人"
                    ).format(notice_code=visit.notice_code, count=len(visit.deficiencies))
        except DomainError as exc:
            self.app.call_from_thread(self._outcome_failed, exc.message)
            return
        self.app.call_from_thread(self._outcome_done, title, queued)

    def worker_failed(self, name: str) -> None:
        self.busy = False

    def _outcome_failed(self, message: str) -> None:
        self.busy = False
        self.notify(message, severity="error", timeout=10, markup=False)

    def _outcome_done(self, title: str, queued: Queued) -> None:
        self.done = True
        if self.card is not None and self.card.person is not None:
            self.desk.drafts.pop((self.card.campaign_code, self.card.person.record_id), None)
        self.app.switch_screen(OutcomeScreen(title, queued))

    def action_extend_window(self) -> None:
        if self.card is not None and self.card.window.unset:
            series = self.card.person.series if self.card.person else ""

            def chosen_set(result: tuple[str, str, str, bool] | None) -> None:
                if result is not None:
                    self.run_set_window(*result)

            self.app.push_screen(SetWindowScreen(series), chosen_set)
            return

        def chosen(result: tuple[str, str] | None) -> None:
            if result is not None:
                self.run_extension(*result)

        self.app.push_screen(ExtendWindowScreen(), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="outcome")
    def run_set_window(self, start: str, end: str, reason: str, this_series: bool) -> None:
        from models.services.campaigns import set_window, window_text
        from models.services.intake import parse_local_time

        desk = self.desk
        assert desk.engine is not None and desk.actor is not None and self.card is not None
        series = self.card.person.series if this_series and self.card.person else None
        try:
            with desk.campaign_session() as (session, c):
                w = set_window(
                    session,
                    desk.actor,
                    c,
                    starts_at=parse_local_time(start, c, start=True),
                    ends_at=parse_local_time(end, c),
                    reason=reason,
                    series=series or None,
                )
                shown = window_text(c, w)
        except DomainError as exc:
            self.app.call_from_thread(self._outcome_failed, exc.message)
            return
        self.app.call_from_thread(
            self.notify, _("已设定纸质材料报送时间：{when}").format(when=shown), timeout=6
        )
        self.app.call_from_thread(self.load)

    @work(thread=True, exclusive=True, exit_on_error=False, group="outcome")
    def run_extension(self, until: str, reason: str) -> None:
        from models.services.intake import extend_window, parse_local_time

        desk = self.desk
        assert desk.engine is not None and desk.actor is not None
        try:
            with desk.campaign_session() as (session, c):
                w = extend_window(
                    session,
                    desk.actor,
                    c,
                    until=parse_local_time(until, c),
                    reason=reason,
                    now=desk.clock(),
                )
                end = w.ends_at.astimezone(c.zone)
        except DomainError as exc:
            self.app.call_from_thread(self._outcome_failed, exc.message)
            return
        self.app.call_from_thread(
            self.notify, _("已延长受理时间至 {end:%Y-%m-%d %H:%M}").format(end=end), timeout=6
        )
        self.app.call_from_thread(self.load)

    @work(thread=True, exclusive=True, exit_on_error=False, group="outcome")
    def run_refusal(self, reason: str, note: str) -> None:
        from models.services.intake import record_refusal

        desk = self.desk
        assert desk.engine is not None and desk.actor is not None and self.card is not None
        person = self.card.person
        try:
            with desk.campaign_session() as (session, c):
                record_refusal(
                    session,
                    desk.actor,
                    c,
                    reason=reason,
                    note=note,
                    record_id=person.record_id if person else None,
                    scanned=self.card.scanned,
                )
        except DomainError as exc:
            self.app.call_from_thread(self._outcome_failed, exc.message)
            return
        self.app.call_from_thread(
            self.notify, _("已登记拒收（负责人可在纸质核对中查看）"), timeout=5
        )

    def on_screen_suspend(self) -> None:
        self._save_draft()


# ---- modals -----------------------------------------------------------------------------------


class PickScreen(WorkerGuard, ModalScreen[list[str] | None]):
    """Tick some of a few choices: space toggles, Enter confirms, Esc cancels."""

    BINDINGS = [
        Binding("escape", "cancel", pgettext("key", "取消")),
        Binding("enter", "confirm", pgettext("key", "确定"), priority=True),
    ]

    def __init__(self, title: str, choices: list[tuple[str, str, bool]]) -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield SelectionList[str](*self.choices, id="pick")
            yield Static(_("空格 勾选/取消 · Enter 确定 · Esc 取消"), classes="dialog-help")

    def action_confirm(self) -> None:
        self.dismiss(list(self.query_one("#pick", SelectionList).selected))

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmReturnScreen(WorkerGuard, ModalScreen[bool]):
    """The deficiencies the notice will list; Enter prints it, Esc goes back to the checklist."""

    BINDINGS = [
        Binding("escape", "cancel", pgettext("key", "取消")),
        Binding("enter", "confirm", pgettext("key", "打印告知单"), priority=True),
    ]

    def __init__(self, name: str, found: list[dict[str, str]]) -> None:
        super().__init__()
        self.person_name = name
        self.found = found

    def compose(self) -> ComposeResult:
        lines = [f"{i}. {d['item']}：{d['problem']}" for i, d in enumerate(self.found, start=1)]
        with Vertical(classes="dialog"):
            yield Static(
                Text.assemble(
                    _("退回补正："),
                    plain.name(self.person_name),
                    _(" 共 {count} 处").format(count=len(self.found)),
                ),
                classes="dialog-title",
            )
            with VerticalScroll(classes="dialog-body"):
                yield Static(Text("\n".join(lines)))
            yield Static(
                _("一次性告知：以上内容将打印在同一张告知单上。Enter 打印并退回 · Esc 返回核对"),
                classes="dialog-help",
            )

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class RefuseScreen(WorkerGuard, ModalScreen[tuple[str, str] | None]):
    """登记拒收: why the paper was refused outright (listed in the lead's reconciliation)."""

    BINDINGS = [Binding("escape", "cancel", pgettext("key", "取消"))]

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def compose(self) -> ComposeResult:
        from models.services.intake import REFUSAL_REASONS

        with Vertical(classes="dialog"):
            yield Static(
                _("登记拒收：选择原因（↑↓），Tab 到备注，Enter 登记"), classes="dialog-title"
            )
            yield OptionList(
                *[Option(_(text), id=key) for key, text in REFUSAL_REASONS.items()], id="reasons"
            )
            yield Input(placeholder=_("备注（可不填）"), id="refuse-note", max_length=200)

    def on_mount(self) -> None:
        from models.services.intake import REFUSAL_REASONS

        options = self.query_one("#reasons", OptionList)
        keys = list(REFUSAL_REASONS)
        options.highlighted = keys.index(self.default) if self.default in keys else len(keys) - 1
        options.focus()

    @on(OptionList.OptionSelected, "#reasons")
    @on(Input.Submitted, "#refuse-note")
    def _done(self) -> None:
        options = self.query_one("#reasons", OptionList)
        index = options.highlighted
        if index is None:
            return
        key = options.get_option_at_index(index).id or "other"
        self.dismiss((key, self.query_one("#refuse-note", Input).value))

    def action_cancel(self) -> None:
        self.dismiss(None)


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
