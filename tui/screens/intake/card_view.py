"""The applicant card's view (申请人信息 + 材料核对): what the card holds (the person, the
checklist for this track and level, the checks made so far, the conditions, who brought the
paper), its loading in a worker, and its drawing. The keys that judge are ``card_keys``'; the
outcomes, ``card``'s; the texts, ``card_text``'s."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.coordinate import Coordinate
from textual.screen import Screen
from textual.widgets import DataTable, Static

from models.errors import DomainError
from models.i18n import _, pgettext
from models.services.intake import (
    applicable_items,
    card_for,
    delivery_alert,
    load_card,
    relevant_conditions,
)
from tui import plain
from tui.base import WorkerGuard, desk_of
from tui.screens.intake.card_text import conditions_line, detail_text, item_cells, person_text
from tui.widgets.footer import DeskFooter

if TYPE_CHECKING:
    from models.campaign import ChecklistItem
    from models.services.intake import Card, ItemCheck
    from tui.app import DeskApp


class CardView(WorkerGuard, Screen[None]):
    """One applicant's card, reused for the next (``open``); what is unfinished stays a draft."""

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
        yield DeskFooter()

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
        card = self.card
        if card is None:
            return
        card.alerts = [a for a in card.alerts if a.code != "individual"]
        alert = delivery_alert(card.delivery, self.bringer)
        if alert is not None:
            card.alerts.insert(0, alert)
        self.query_one("#card-person", Static).update(person_text(card, self.bringer))
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

    # -- the checklist --

    def _refresh_items(self, keep: int | None = None) -> None:
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
            table.add_row(
                *item_cells(item, self.checks.get(item.key), self.conditions), key=item.key
            )
        relevant = relevant_conditions(card.items, p.track, p.level, card.extra_conditions)
        self.query_one("#card-conditions", Static).update(
            conditions_line(self.conditions, bool(relevant))
        )
        if self.items:
            table.move_cursor(row=min(max(row, 0), len(self.items) - 1))
        self._detail()

    def _current(self) -> ChecklistItem | None:
        table = self.query_one("#checklist", DataTable)
        if not self.items or table.cursor_row < 0 or table.cursor_row >= len(self.items):
            return None
        return self.items[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def _detail(self) -> None:
        self.query_one("#card-detail", Static).update(
            detail_text(self._current(), self.items, self.checks, self.conditions)
        )

    def _set(self, item: ChecklistItem, check: ItemCheck | None, *, advance: bool) -> None:
        if check is None:
            self.checks.pop(item.key, None)
        else:
            self.checks[item.key] = check
        self._save_draft()
        table = self.query_one("#checklist", DataTable)
        row = table.cursor_row
        for col_no, value in enumerate(item_cells(item, check, self.conditions)):
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

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.load()

    def on_screen_suspend(self) -> None:
        self._save_draft()
