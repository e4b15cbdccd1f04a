"""The applicant card (申请人信息 + 材料核对): opened by record id (from a list) or by what was
scanned; the alerts that cannot be missed, and the checklist for this track and level — one key
per verdict, arrows to move. Here: its keys, what each may do, and the outcomes (accept, return
with the one-time notice, refuse, a lead's paper window), each in a worker. Every rule is the
service's (``models.services.intake``); every error is one Chinese line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.binding import Binding
from textual.widgets import DataTable

from models.errors import DomainError
from models.i18n import _, pgettext
from models.permissions import Action
from models.services.campaigns import set_window, window_text
from models.services.intake import (
    REFUSAL_REASONS,
    accept,
    deficiencies,
    extend_window,
    parse_local_time,
    record_refusal,
    return_dossier,
    unjudged,
)
from tui.keymap import bind
from tui.screens.intake.card_keys import ChecklistKeys
from tui.screens.intake.return_notice import ConfirmReturnScreen
from tui.screens.intake.window import ExtendWindowScreen, SetWindowScreen
from tui.screens.outcome import OutcomeScreen
from tui.widgets.reason_note import ReasonNote, ReasonNoteDialog
from tui.work.printing import queue_acceptance, queue_notice

if TYPE_CHECKING:
    from tui.work.printing import Queued


class CardScreen(ChecklistKeys):
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

    # -- outcomes --

    def action_accept(self) -> None:
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
        # the reason the desk already knows: the first blocking alert that is a refusal reason
        default = next(
            (a.code for a in self.card.alerts if a.blocking and a.code in REFUSAL_REASONS), "other"
        )

        def chosen(result: ReasonNote | None) -> None:
            if result is not None:
                self.run_refusal(result.reason, result.note)

        self.app.push_screen(refuse_dialog(default), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="outcome")
    def run_outcome(self, outcome: str) -> None:
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


def refuse_dialog(default: str) -> ReasonNoteDialog:
    """登记拒收: why the paper was refused outright (listed in the lead's reconciliation): Enter
    on a reason registers it, or Tab to a note first."""
    return ReasonNoteDialog(
        _("登记拒收：选择原因（↑↓），Tab 到备注，Enter 登记"),
        reasons=REFUSAL_REASONS,
        default=default,
        placeholder=_("备注（可不填）"),
        max_length=200,
        reason_submits=True,
    )
