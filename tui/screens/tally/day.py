"""日结: the lead's day view (figures, charts, the close's state) and the blind cash count.

DayScreen (lead, F6 on the home screen): ←/→ another day, D another desk (全办公室 first), 1 the
day's figures, 2 the charts of the day and of the campaign so far; F6 begin the close (after a confirmation naming what stops), F3 count
the cash, F9 confirm (a difference asks for a note), F10 cancel a close that is not confirmed,
P print the Z report, E export it (xlsx).

CountScreen (a cashier's F6 for their own desk, or the lead's F3): F6 begins the close (asked first) when it
is not begun (the desk stops taking payments); then the pieces of each denomination and the
other methods' totals are typed without the expected figures on screen (a blind count), F9
records them, and only then the comparison is shown. Every figure comes from the services;
every change is theirs (permission-checked, audited, one transaction).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.binding import Binding
from textual.widgets import ContentSwitcher

from models.config import data_dir
from models.db import session_scope
from models.errors import DomainError
from models.files import folder_for
from models.i18n import _, pgettext
from models.money import Money
from models.services.campaigns import get_campaign
from models.services.handover import hand_over
from models.services.tally import begin_close, cancel_close, confirm_close, day_view, day_view_xlsx
from models.vocab import DayStatus
from printers.tally import day_tally
from tui.keymap import bind
from tui.screens.tally.count import CountScreen, begin_question
from tui.screens.tally.day_view import DayBase
from tui.widgets.reason_note import ReasonNote, note_dialog
from tui.work.backups import backup_after_close
from tui.work.printing import queue_document
from tui.work.records import tally_data

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from models.permissions import Actor
    from models.services.tally import DayView


class DayScreen(DayBase):
    """The lead's day: figures, charts, and the close."""

    BINDINGS = [
        Binding("escape", "back", pgettext("key", "返回"), id="day.back"),
        Binding("left", "shift_day(-1)", pgettext("key", "前一日"), id="day.prev", show=False),
        Binding("right", "shift_day(1)", pgettext("key", "后一日"), id="day.next", show=False),
        Binding("d", "next_desk", pgettext("key", "窗口"), id="day.desk"),
        Binding("1", "show('figures')", pgettext("key", "报表"), id="day.figures", show=False),
        Binding("2", "show('chart')", pgettext("key", "图表"), id="day.chart", show=False),
        Binding("3", "show('summary')", pgettext("key", "汇总"), id="day.summary", show=False),
        Binding("4", "show('roster')", pgettext("key", "移交"), id="day.roster", show=False),
        Binding("h", "hand_over", pgettext("key", "移交"), id="day.handover", show=False),
        bind("day.begin", "begin", pgettext("key", "开始")),
        bind("day.count", "count", pgettext("key", "清点")),
        bind("day.confirm", "confirm", pgettext("key", "确认")),
        bind("day.cancel", "cancel_close", pgettext("key", "取消")),
        Binding("p", "print_report", pgettext("key", "打印"), id="day.print", show=False),
        Binding("e", "export", pgettext("key", "导出"), id="day.export", show=False),
        bind("day.refresh", "refresh", pgettext("key", "刷新"), show=False),
    ]

    pg_backup_noted: ClassVar[bool] = False  # on PostgreSQL the close says once who backs up

    def action_hand_over(self) -> None:
        current = self.query_one("#day-switcher", ContentSwitcher).current
        if current != "roster" or self.busy or self.roster is None:
            return
        if not self.roster.to_hand_over:
            self._problem(_("没有可移交的档案（须已受理并已缴费）"))
            return

        def given(answer: ReasonNote | None) -> None:
            if answer is not None and answer.note:
                self.hand_over(answer.note)

        self.app.push_screen(
            note_dialog(
                _(
                    "移交 {to_hand_over} 份档案给评审委员会：移交后这些档案只读，不能再作废或退费。请输入接收人姓名"
                ).format(to_hand_over=self.roster.to_hand_over),
                required=True,
                what=_("接收人姓名"),
            ),
            callback=given,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="day-change")
    def hand_over(self, receiver: str) -> None:
        engine, actor, code = self.desk.working()
        self.busy = True
        try:
            with session_scope(engine) as session:
                h = hand_over(session, actor, get_campaign(session, code), receiver=receiver)
                done = _("已移交第 {handover_no} 批 {dossier_count} 份，接收人 {receiver}").format(
                    handover_no=h.handover_no, dossier_count=h.dossier_count, receiver=h.receiver
                )
        except DomainError as exc:
            self.app.call_from_thread(self._problem, exc.message)
            return
        finally:
            self.busy = False
        self.app.call_from_thread(self.notify, done, timeout=10)
        self.app.call_from_thread(self.load_roster)

    # -- the close --------------------------------------------------------------------------

    def _need_view(self) -> DayView | None:
        if self.view is None or self.busy:
            return None
        return self.view

    def action_begin(self) -> None:
        if (view := self._need_view()) is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.change("begin", view.day, view.desk)

        self.app.push_screen(begin_question(view.day, view.desk), callback=answered)

    def action_count(self) -> None:
        if (view := self._need_view()) is None:
            return

        def done(_result: object) -> None:
            self.load()

        self.app.push_screen(CountScreen(view.day, view.desk), callback=done)

    def action_confirm(self) -> None:
        if (view := self._need_view()) is None:
            return
        close = view.close_of()
        if close is None or close.status != DayStatus.counted.value:
            self._problem(_("请先 F6 开始日结、F3 清点现金，再确认"))
            return

        def confirmed(answer: ReasonNote | None) -> None:
            if answer is not None:
                self.change("confirm", view.day, view.desk, answer.note)

        diff = close.difference_fen
        self.app.push_screen(
            note_dialog(
                _("确认 {day:%Y-%m-%d} 日结：确认后当日锁定，不能再收费、作废或退费。").format(
                    day=view.day
                )
                + (
                    _("差额 {amount} 元，须填写说明。").format(amount=Money(diff).figures())
                    if diff
                    else ""
                ),
                required=bool(diff) and not close.note,
                value=close.note,
            ),
            callback=confirmed,
        )

    def action_cancel_close(self) -> None:
        if (view := self._need_view()) is None:
            return

        def cancelled(answer: ReasonNote | None) -> None:
            if answer is not None:
                self.change("cancel", view.day, view.desk, answer.note)

        self.app.push_screen(
            note_dialog(_("取消尚未确认的日结（该范围恢复收费）：请写明原因"), required=True),
            callback=cancelled,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="day-change")
    def change(self, what: str, day: dt.date, desk: str, note: str = "") -> None:
        engine, actor, code = self.desk.working()
        self.busy = True
        campaign_id = None
        try:
            with session_scope(engine) as session:
                c = get_campaign(session, code)
                campaign_id = c.id
                if what == "begin":
                    begin_close(session, actor, c, day, desk=desk)
                elif what == "confirm":
                    confirm_close(session, actor, c, day, desk=desk, note=note)
                else:
                    cancel_close(session, actor, c, day, desk=desk, reason=note)
        except DomainError as exc:
            self.app.call_from_thread(self._problem, exc.message)
            return
        finally:
            self.busy = False
        done = {
            "begin": _("已开始日结：停止收费"),
            "confirm": _("已确认日结，当日已锁定"),
            "cancel": _("已取消日结，恢复收费"),
        }[what]
        self.app.call_from_thread(self.notify, done, timeout=6)
        self.app.call_from_thread(self.load)
        if what == "confirm":  # committed above: whatever the backup does, the day stays closed
            self._backup_after_close(engine, actor, code, campaign_id, day)

    def _backup_after_close(
        self, engine: Engine, actor: Actor, code: str, campaign_id: int | None, day: dt.date
    ) -> None:
        """The automatic backup of the confirmed day (in the worker's thread): its path, or the
        failure as a warning, in a notification; on PostgreSQL who backs up, once a session."""
        saved = backup_after_close(
            engine, self.desk.config, actor, campaign_code=code, campaign_id=campaign_id, day=day
        )
        if saved.path is None and saved.ok:
            if DayScreen.pg_backup_noted:
                return
            DayScreen.pg_backup_noted = True
        self.app.call_from_thread(
            self.notify,
            saved.text,
            markup=False,
            severity="information" if saved.ok else "warning",
            timeout=8 if saved.ok else 20,
        )

    def worker_failed(self, name: str) -> None:
        self.busy = False

    # -- the Z report -----------------------------------------------------------------------

    def action_print_report(self) -> None:
        if (view := self._need_view()) is not None:
            self.report(view.day, view.desk, None)

    def action_export(self) -> None:
        if self.query_one("#day-switcher", ContentSwitcher).current == "roster":
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            path = (
                data_dir()
                / "exports"
                / _("移交花名册-{campaign_code}-{stamp}.xlsx").format(
                    campaign_code=self.desk.campaign_code, stamp=stamp
                )
            )
            self.load_roster(export=path)  # the folder is made there, off this thread
            return
        if (view := self._need_view()) is None:
            return
        path = (
            data_dir()
            / "exports"
            / _("日结报表-{campaign_code}-{day:%Y%m%d}-{desk}.xlsx").format(
                campaign_code=self.desk.campaign_code,
                day=view.day,
                desk=view.desk or _("全办公室"),
            )
        )
        self.report(view.day, view.desk, path)  # the folder is made there, off this thread

    @work(thread=True, exclusive=True, exit_on_error=False, group="day-report")
    def report(self, day: dt.date, desk: str, path: Path | None) -> None:
        engine, actor, code = self.desk.working()
        try:
            with session_scope(engine) as session:
                c = get_campaign(session, code)
                view = day_view(session, actor, c, day, desk=desk)
                if path is not None:
                    folder_for(path.parent)  # the data folder's exports/, 0700
                    day_view_xlsx(path, view)
                    job_id = None
                else:
                    assert self.desk.printers is not None
                    job_id = queue_document(
                        session,
                        actor,
                        self.desk.printers,
                        day_tally(tally_data(session, c, view)),
                        "receipt",
                        campaign_id=c.id,
                    ).id
        except DomainError as exc:
            self.app.call_from_thread(self._problem, exc.message)
            return
        if path is not None:
            self.app.call_from_thread(
                self.notify, _("已导出：{path}").format(path=path), markup=False, timeout=15
            )
        elif job_id is not None:
            self.app.call_from_thread(self.desk.print_job, job_id)
