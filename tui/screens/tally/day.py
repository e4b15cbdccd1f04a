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
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import ContentSwitcher, Footer, Input, Static
from textual_plotext import PlotextPlot

from models.errors import DomainError
from models.i18n import _, pgettext
from models.money import Money
from models.permissions import Action
from models.vocab import DENOMINATIONS, DayStatus, PaymentMethod, denomination_label
from tui import plain
from tui.base import WorkerGuard, desk_of
from tui.keymap import bind
from tui.screens.users import ConfirmDialog

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from models.permissions import Actor
    from models.services.tally import CountResult, DayFigures, DayView
    from tui.app import DeskApp


def _money(fen: int) -> str:
    return Money(fen).grouped()


def breakdown(title: str, lines: Any, total: Any = None) -> Table:
    t = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=None,
        pad_edge=False,
        padding=(0, 1),
        expand=False,
    )
    for i, (head, width) in enumerate(
        (
            (_("项目"), 16),
            (_("笔数"), 5),
            (_("收费"), 11),
            (_("作废"), 9),
            (_("退费"), 9),
            (_("净额"), 11),
        )
    ):
        t.add_column(
            head,
            justify="left" if i == 0 else "right",
            width=width,
            no_wrap=True,
            overflow="ellipsis",
        )
    for x in (*lines, *([total] if total is not None and lines else [])):
        t.add_row(
            plain.plain(x.label),
            str(x.count),
            _money(x.paid_fen),
            _money(x.voided_fen),
            _money(x.refunded_fen),
            _money(x.net_fen),
            style="bold" if x is total else None,
        )
    return t


def comparison(expected: dict[str, int], counted: dict[str, int]) -> Table:
    t = Table(box=None, pad_edge=False, padding=(0, 1))
    for i, (head, width) in enumerate(
        ((_("方式"), 10), (_("应有"), 12), (_("清点"), 12), (_("差额"), 12))
    ):
        t.add_column(head, justify="left" if i == 0 else "right", width=width)
    for m in PaymentMethod:
        e, c = expected.get(m.value, 0), counted.get(m.value, 0)
        diff = c - e
        t.add_row(
            m.label, _money(e), _money(c), Text(_money(diff), style="bold red" if diff else "green")
        )
    return t


class DayScreen(WorkerGuard, Screen[None]):
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

    def __init__(self, day: dt.date | None = None) -> None:
        super().__init__()
        self.day = day
        self.desk_name = ""  # "" = the whole office
        self.view: DayView | None = None
        self.days: list[DayFigures] = []
        self.known_desks: set[str] = set()  # desks seen in the office's views (D cycles them)
        self.roster: Any = None
        self.busy = False

    @property
    def desk(self) -> DeskApp:
        return desk_of(self)

    def compose(self) -> ComposeResult:
        yield Static(_("日结 · 正在统计……"), id="status-line")
        with ContentSwitcher(initial="figures", id="day-switcher"):
            with VerticalScroll(id="figures"):
                yield Static("", id="day-head")
                yield Static("", id="day-tables")
                yield Static("", id="day-close")
            with Vertical(id="chart"):
                yield PlotextPlot(id="chart-day")
                yield PlotextPlot(id="chart-campaign")
            with VerticalScroll(id="summary"):
                yield Static("", id="summary-table")
            with VerticalScroll(id="roster"):
                yield Static("", id="roster-table")
        yield Static("", id="day-problem")
        yield Static(
            _("←→ 换日 · D 窗口 · 1 报表 2 图表 3 汇总 4 移交 · P 打印 E 导出 · F5"), id="day-keys"
        )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.load()

    def action_back(self) -> None:
        if not self.busy:
            self.app.pop_screen()

    def action_refresh(self) -> None:
        self.load()

    def action_show(self, which: str) -> None:
        self.query_one("#day-switcher", ContentSwitcher).current = which
        if which == "summary":
            self.load_summary()
        elif which == "roster":
            self.load_roster()

    @work(thread=True, exclusive=True, exit_on_error=False, group="day-roster")
    def load_roster(self, export: Path | None = None) -> None:
        """移交花名册: accepted and paid dossiers by series, specialty and level."""
        from models.db import session_scope
        from models.services.campaigns import get_campaign
        from models.services.handover import roster

        try:
            engine, actor, code = self.desk.working()
            with session_scope(engine) as session:
                r = roster(session, actor, get_campaign(session, code), include_handed_over=True)
            if export is not None:
                from models.files import folder_for
                from printers.roster import roster_xlsx, write_roster_html

                folder_for(export.parent)  # the data folder's exports/, 0700
                roster_xlsx(export, r)
                write_roster_html(export.with_suffix(".html"), r)
        except DomainError as exc:
            self.app.call_from_thread(self._problem, exc.message)
            return
        self.app.call_from_thread(self._show_roster, r, export)

    def _show_roster(self, r: Any, export: Path | None) -> None:
        self.roster = r
        head = Text(
            _(
                "移交花名册：可移交 {to_hand_over} 份（共 {total} 份，须答辩 {must_defend} 人）· 未缴费等未列入 {count} 份 · H 移交评审委员会 · E 导出花名册"
            ).format(
                to_hand_over=r.to_hand_over,
                total=r.total,
                must_defend=r.must_defend,
                count=len(r.left_out),
            ),
            style="bold",
        )
        tables: list[Any] = []
        for g in r.groups:
            t = Table(
                title=plain.plain(
                    _(
                        "{series} · {specialty} · {level}（{count} 人，须答辩 {must_defend} 人）"
                    ).format(
                        series=g.series,
                        specialty=g.specialty,
                        level=g.level,
                        count=len(g.lines),
                        must_defend=g.must_defend,
                    )
                ),
                title_justify="left",
                title_style="bold",
                box=None,
                pad_edge=False,
                padding=(0, 1),
            )
            for name, width in (
                (_("受理编号"), 10),
                (_("姓名"), 10),
                (_("单位"), 18),
                (_("级别"), 4),
                (_("答辩"), 18),
                (_("移交"), 5),
            ):
                t.add_column(name, width=width, no_wrap=True, overflow="ellipsis")
            for x in g.lines:
                t.add_row(
                    x.dossier_code,
                    plain.name(x.name, 10),
                    plain.plain(x.unit),
                    plain.short_level(x.level),
                    plain.plain(x.defence_text),
                    _("第{handover_no}批").format(handover_no=x.handover_no)
                    if x.handover_no
                    else "",
                )
            tables.append(t)
        from rich.console import Group

        left = [
            Text.assemble(
                _("未列入：{dossier_code} ").format(dossier_code=x.dossier_code),
                plain.name(x.name),
                f"（{x.reason}）",
                style="yellow",
            )
            for x in r.left_out[:20]
        ]
        self.query_one("#roster-table", Static).update(Group(head, *tables, *left))
        if export is not None:
            self.notify(
                _("已导出：{export} 及 {name}（可打印）").format(
                    export=export, name=export.with_suffix(".html").name
                ),
                markup=False,
                timeout=15,
            )

    def action_hand_over(self) -> None:
        current = self.query_one("#day-switcher", ContentSwitcher).current
        if current != "roster" or self.busy or self.roster is None:
            return
        if not self.roster.to_hand_over:
            self._problem(_("没有可移交的档案（须已受理并已缴费）"))
            return

        def given(receiver: str | None) -> None:
            if receiver:
                self.hand_over(receiver)

        self.app.push_screen(
            NoteScreen(
                _(
                    "移交 {to_hand_over} 份档案给评审委员会：移交后这些档案只读，不能再作废或退费。请输入接收人姓名"
                ).format(to_hand_over=self.roster.to_hand_over),
                required=True,
            ),
            callback=given,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="day-change")
    def hand_over(self, receiver: str) -> None:
        from models.db import session_scope
        from models.services.campaigns import get_campaign
        from models.services.handover import hand_over

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

    @work(thread=True, exclusive=True, exit_on_error=False, group="day-summary")
    def load_summary(self) -> None:
        """The campaign to date against the online-approved counts, per county and unit."""
        from models.db import session_scope
        from models.services.summary import campaign_summary

        try:
            engine, actor, code = self.desk.working()
            with session_scope(engine) as session:  # the reading is audited
                summary = campaign_summary(session, actor, code)
        except DomainError as exc:
            self.app.call_from_thread(self._problem, exc.message)
            return
        self.app.call_from_thread(self._show_summary, summary)

    def _show_summary(self, summary: Any) -> None:
        t = Table(
            title=plain.plain(
                _("本批次汇总（与网上通过形式审核名单核对）· {campaign_title}").format(
                    campaign_title=summary.campaign_title
                )
            ),
            title_justify="left",
            title_style="bold",
            box=None,
            pad_edge=False,
            padding=(0, 1),
        )
        for i, (head, width) in enumerate(
            (
                (_("县市 / 单位"), 22),
                (_("通过"), 5),
                (_("受理"), 5),
                (_("退回"), 4),
                (_("未报送"), 6),
                (_("已缴费"), 6),
                (_("移交"), 4),
                (_("净收费"), 10),
            )
        ):
            t.add_column(
                head,
                width=width,
                no_wrap=True,
                overflow="ellipsis",
                justify="left" if i == 0 else "right",
            )

        def row(label: str, f: Any, style: str | None = None) -> None:
            t.add_row(
                plain.plain(label),
                str(f.approved),
                str(f.accepted),
                str(f.returned),
                str(f.no_paper),
                str(f.paid),
                str(f.handed_over),
                Money(f.fee_net_fen).grouped(),
                style=style,
            )

        for county in summary.counties:
            row(county.county, county.figures, "bold")
            for unit in county.units:
                row("  " + unit.unit, unit.figures)
        row(_("合计"), summary.total, "bold")
        self.query_one("#summary-table", Static).update(t)

    def action_shift_day(self, by: int) -> None:
        if self.day is not None:
            self.day += dt.timedelta(days=by)
            self.load()

    def action_next_desk(self) -> None:
        if self.view is None:
            return
        desks = ["", *sorted(self.known_desks - {""})]
        self.desk_name = desks[(desks.index(self.desk_name) + 1) % len(desks)]
        self.load()

    def _problem(self, message: str) -> None:
        self.query_one("#day-problem", Static).update(Text(message, style="bold red"))

    @work(thread=True, exclusive=True, exit_on_error=False, group="day")
    def load(self) -> None:
        from models.db import session_scope
        from models.services.campaigns import get_campaign
        from models.services.tally import campaign_days, day_view, today

        try:
            engine, actor, code = self.desk.working()
            with session_scope(engine, readonly=True) as session:
                c = get_campaign(session, code)
                day = self.day or today(c)
                view = day_view(session, actor, c, day, desk=self.desk_name)
                days = campaign_days(session, actor, c, max(day, today(c)))
        except DomainError as exc:
            self.app.call_from_thread(self._problem, exc.message)
            return
        self.app.call_from_thread(self._show, view, days)

    def _show(self, view: DayView, days: list[DayFigures]) -> None:
        from models.services.tally import desk_label

        self.day, self.view, self.days = view.day, view, days
        self.known_desks |= {x.key for x in view.by_desk} | {c.desk for c in view.closes}
        if self.desk.actor is not None:
            self.known_desks.add(self.desk.actor.desk)
        close = view.close_of()
        office = view.close_of("")
        state = (
            DayStatus(close.status).label
            if close
            else (_("全办公室") + DayStatus(office.status).label if office else _("未日结"))
        )
        self.query_one("#status-line", Static).update(
            Text(
                _("日结 · {day:%Y-%m-%d} · {desk} · {state}").format(
                    day=view.day, desk=desk_label(view.desk), state=state
                )
            )
        )
        self.query_one("#day-problem", Static).update("")
        r = view.receipts
        gap_style = "green" if r.ok else "bold red"
        head = Text.assemble(
            _("报送 {visits} 次 · 受理 {accepted} 份 · 退回补正 {returned} 份\n").format(
                visits=view.visits, accepted=view.accepted, returned=view.returned
            ),
            _("收费 {count} 笔 {amount} 元 · 净额 ").format(
                count=view.total.count, amount=_money(view.total.paid_fen)
            ),
            (_("{amount} 元").format(amount=_money(view.total.net_fen)), "bold"),
            "\n",
            _("收据号 {range_text} · ").format(range_text=r.range_text),
            (r.gap_text, gap_style),
        )
        self.query_one("#day-head", Static).update(head)
        tables: list[Any] = [
            breakdown(_("按缴费方式"), view.by_method, view.total),
            breakdown(_("按申报类型与级别"), view.by_fee),
            breakdown(_("按收费员"), view.by_cashier),
        ]
        if not view.desk:
            tables.append(breakdown(_("按窗口"), view.by_desk))
        if view.corrections:
            t = Table(
                title=_("作废与退费"),
                title_justify="left",
                title_style="bold",
                box=None,
                pad_edge=False,
                padding=(0, 1),
            )
            from models.services.payments import REFUND_REASONS, VOID_REASONS

            for i, (head_, width) in enumerate(
                (
                    (_("单号"), 10),
                    (_("原收据"), 10),
                    (_("原日期"), 5),
                    (_("金额"), 9),
                    (_("经办"), 8),
                    (_("原收款"), 8),
                    (_("原因/说明"), 14),
                )
            ):
                t.add_column(
                    head_,
                    width=width,
                    no_wrap=True,
                    overflow="ellipsis",
                    justify="right" if i == 3 else "left",
                )
            for c in view.corrections:
                reasons = VOID_REASONS if c.kind == "void" else REFUND_REASONS
                t.add_row(
                    c.code,
                    c.original_code,
                    f"{c.original_date:%m-%d}",
                    ("-" if c.kind == "void" else _("退")) + Money(c.fen).figures(),
                    plain.plain(c.who),
                    plain.plain(c.charged_to),
                    plain.plain(f"{_(reasons.get(c.reason, c.reason))} {c.note}"),
                )
            tables.append(t)
        from rich.console import Group

        self.query_one("#day-tables", Static).update(Group(*tables))
        self._show_close(view)
        self._plot(view, days)

    def _show_close(self, view: DayView) -> None:
        from models.services.tally import desk_label

        lines: list[Any] = []
        for c in view.closes:
            lines.append(
                Text(
                    plain.pair(desk_label(c.desk), DayStatus(c.status).label)
                    + (
                        _("，差额 {amount} 元").format(amount=Money(c.difference_fen).figures())
                        if c.difference_fen
                        else ""
                    )
                    + (_("，说明：{note}").format(note=c.note) if c.note else ""),
                    style="green" if c.status == DayStatus.closed.value else "yellow",
                )
            )
        close = view.close_of()
        if close is not None and close.counted:
            lines.append(
                comparison(close.expected.get("methods", {}), close.counted.get("methods", {}))
            )
        if view.close_code:  # on the Z report too: desk audit verify --codes lists the same
            lines.append(Text(plain.pair(_("日结校验码"), view.close_code), style="dim"))
        if not lines:
            lines.append(
                Text(_("未开始日结：F6 开始日结（该范围停止收费）→ F3 清点 → F9 确认"), style="dim")
            )
        from rich.console import Group

        self.query_one("#day-close", Static).update(Group(Text(_("日结"), style="bold"), *lines))

    def _plot(self, view: DayView, days: list[DayFigures]) -> None:
        day_plot = self.query_one("#chart-day", PlotextPlot)
        plt = day_plot.plt
        plt.clear_data()
        plt.clear_figure()
        labels = [x.label for x in view.by_method] or ["-"]
        plt.bar(labels, [x.net_fen / 100 for x in view.by_method] or [0])
        plt.title(_("{day:%m-%d} 各缴费方式净额（元）").format(day=view.day))
        day_plot.refresh()
        camp = self.query_one("#chart-campaign", PlotextPlot)
        plt = camp.plt
        plt.clear_data()
        plt.clear_figure()
        if days:
            shown = days[-14:]
            xs = [f"{d.day:%m-%d}" for d in shown]
            plt.bar(xs, [d.net_fen / 100 for d in shown])
            plt.title(_("本批次每日净额（元，近 14 日）"))
        camp.refresh()

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

        def confirmed(note: str | None) -> None:
            if note is not None:
                self.change("confirm", view.day, view.desk, note)

        diff = close.difference_fen
        self.app.push_screen(
            NoteScreen(
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

        def cancelled(reason: str | None) -> None:
            if reason is not None:
                self.change("cancel", view.day, view.desk, reason)

        self.app.push_screen(
            NoteScreen(_("取消尚未确认的日结（该范围恢复收费）：请写明原因"), required=True),
            callback=cancelled,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="day-change")
    def change(self, what: str, day: dt.date, desk: str, note: str = "") -> None:
        from models.db import session_scope
        from models.services.campaigns import get_campaign
        from models.services.tally import begin_close, cancel_close, confirm_close

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
        from tui.work.backups import backup_after_close

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
        from models.config import data_dir

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
        from models.db import session_scope
        from models.services.campaigns import get_campaign
        from models.services.tally import day_view, day_view_xlsx
        from printers.tally import day_tally
        from tui.work.printing import queue_document
        from tui.work.records import tally_data

        engine, actor, code = self.desk.working()
        try:
            with session_scope(engine) as session:
                c = get_campaign(session, code)
                view = day_view(session, actor, c, day, desk=desk)
                if path is not None:
                    from models.files import folder_for

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


class NoteScreen(ModalScreen[str | None]):
    """A line of text for a confirmation: Enter to go on, Esc to step back."""

    BINDINGS = [Binding("escape", "cancel", pgettext("key", "取消"))]

    def __init__(self, title: str, *, required: bool, value: str = "") -> None:
        super().__init__()
        self.title_text, self.required, self.value = title, required, value

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Input(
                value=self.value,
                placeholder=_("说明") + (_("（必填）") if self.required else _("（可不填）")),
                id="note",
                max_length=500,
            )
            yield Static(_("Enter 确定 · Esc 取消"), classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#note", Input).focus()

    @on(Input.Submitted, "#note")
    def _done(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if self.required and not text:
            self.notify(_("须填写说明"), severity="error", timeout=4)
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


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
        yield Footer(compact=True)

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
        from models.services.tally import today

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
        from models.db import session_scope
        from models.services.campaigns import get_campaign
        from models.services.tally import find_close

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
        from models.services.tally import desk_label

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
        from models.services.tally import parse_count

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
        from models.services.tally import parse_count

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
        from models.db import session_scope
        from models.services.campaigns import get_campaign
        from models.services.tally import begin_close, record_count

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
        from rich.console import Group

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
