"""The home screen of each role: the campaign, its window, today's figures and the fees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from models.errors import DomainError
from models.i18n import _, pgettext
from models.permissions import Action
from tui import plain
from tui.base import WorkerGuard
from tui.keymap import bind
from tui.widgets.footer import DeskFooter

if TYPE_CHECKING:
    from models.services.overview import CampaignCounts
    from tui.app import DeskApp


@dataclass
class HomeData:
    campaign_title: str
    place: str
    window: str
    window_open: bool
    counts: CampaignCounts
    fees: list[tuple[str, str, str, bool]]  # track, level, shown, unknown
    users: int
    schema: str
    database: str


class HomeScreen(WorkerGuard, Screen[None]):
    BINDINGS = [
        bind("home.refresh", "refresh", pgettext("key", "刷新")),
        bind("home.counter", "counter", pgettext("key", "受理台")),
        bind("home.fees", "fees", pgettext("key", "收费台")),
        bind("home.day", "day_close", pgettext("key", "日结")),
        bind("home.import", "import_list", pgettext("key", "导入名单")),
        bind("home.reconcile", "reconcile", pgettext("key", "纸质核对")),
        Binding("ctrl+u", "users", pgettext("key", "用户管理"), id="home.users"),
        # after the F-keys: the footer keeps the first ones that fit (the lead's has no room
        # for it; the status line names it)
        Binding("ctrl+l", "log_out", pgettext("key", "注销/换人"), id="home.logout"),
        # shown on the status line (the lead's footer is full): "F11 改密码"
        bind("home.password", "password", pgettext("key", "改密码"), show=False),
    ]

    # what each key opens needs: the permission the screen's work takes (models.permissions)
    NEEDS = {
        "import_list": Action.online_import,
        "reconcile": Action.reconcile,
        "counter": Action.intake_accept,
        "fees": Action.payment_take,
        "day_close": Action.day_count,
        "users": Action.user_list,
    }

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        actor = self.desk.actor
        if action == "import_list":  # the import screen is the lead's (it reconciles too)
            return (
                actor is not None
                and actor.can(Action.online_import)
                and actor.can(Action.reconcile)
            )
        if action in self.NEEDS:
            return actor is not None and actor.can(self.NEEDS[action])
        return True

    def action_password(self) -> None:
        from tui.screens.accounts.password import PasswordScreen  # lazily: loaded when first opened

        actor = self.desk.actor
        if actor is not None:
            self.app.push_screen(PasswordScreen(actor))

    def action_users(self) -> None:
        from tui.screens.accounts.users import UsersScreen  # lazily: loaded when first opened

        self.app.push_screen(UsersScreen())

    def action_counter(self) -> None:
        from tui.screens.intake import IntakeScreen  # lazily: loaded when first opened

        self.app.push_screen(IntakeScreen())

    def action_fees(self) -> None:
        from tui.screens.fees import CashierScreen  # lazily: loaded when first opened

        self.app.push_screen(CashierScreen())

    def action_day_close(self) -> None:
        """日结: the lead's day view; a cashier counts the cash of their own desk."""
        from tui.screens.tally import CountScreen, DayScreen  # lazily: loaded when first opened

        actor = self.desk.actor
        assert actor is not None
        # the lead sees the day's figures (tally.view); a cashier counts their own desk's cash
        self.app.push_screen(DayScreen() if actor.can(Action.tally_view) else CountScreen())

    def action_import_list(self) -> None:
        from tui.screens.lead import ImportScreen  # lazily: loaded when first opened

        def reload(_result: None) -> None:
            self.load()

        self.app.push_screen(ImportScreen(), callback=reload)

    def action_reconcile(self) -> None:
        from tui.screens.lead import ReconcileScreen  # lazily: loaded when first opened

        self.app.push_screen(ReconcileScreen())

    @property
    def desk(self) -> DeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        actor = self.desk.actor
        assert actor is not None
        yield Static(
            _("{label} {username} · 窗口 {desk}").format(
                label=actor.role.label, username=actor.username, desk=self.desk.config.desk
            )
            + " · "
            + _("F11 改密码")
            + " · "
            + _("Ctrl+L 注销/换人"),
            id="status-line",
        )
        with VerticalScroll(id="home-body"):
            yield Static(_("正在读取……"), id="campaign", classes="panel")
            yield Static("", id="figures", classes="panel")
            yield Static("", id="fees", classes="panel")
            if actor.can(Action.user_list):  # the accounts and the database: the admin's
                yield Static("", id="system", classes="panel")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_log_out(self) -> None:
        self.desk.log_out()

    @work(thread=True, exclusive=True, exit_on_error=False, group="home")
    def load(self) -> None:
        # lazily, in this worker's thread: the menu draws at login before the services load
        from models import migrate
        from models.db import session_scope
        from models.money import Money
        from models.services.campaigns import fee_rules, get_campaign, window_status
        from models.services.overview import campaign_counts
        from models.services.users import count_users

        engine = self.desk.engine
        assert engine is not None
        code = self.desk.campaign_code
        try:
            with session_scope(engine, readonly=True) as session:
                users = count_users(session)
                if code is None:
                    data = None
                else:
                    c = get_campaign(session, code)
                    assert c.id is not None
                    ws = window_status(session, c)
                    fees = [
                        (
                            r.track,
                            r.level,
                            _("未载明（暂不收费）")
                            if r.amount_fen is None
                            else _("{amount} 元").format(amount=Money(r.amount_fen).figures()),
                            r.amount_fen is None,
                        )
                        for r in fee_rules(session, c.id)
                    ]
                    data = HomeData(
                        campaign_title=c.title,
                        place=c.address or c.place,
                        window=ws.message,
                        window_open=ws.open,
                        counts=campaign_counts(session, c),
                        fees=fees,
                        users=users,
                        schema=migrate.current_revision(engine) or "",
                        database=engine.url.render_as_string(hide_password=True),
                    )
        except DomainError as exc:
            self.app.call_from_thread(self._show_error, exc.message)
            return
        self.app.call_from_thread(self._show, data)

    def _show_error(self, message: str) -> None:
        self.query_one("#campaign", Static).update(plain.message(message, style="b red"))

    def _show(self, data: HomeData | None) -> None:
        actor = self.desk.actor
        assert actor is not None
        if data is None:
            self.query_one("#campaign", Static).update(
                _("[b]尚未载入评审批次[/]\n负责人请在命令行运行：desk campaign new 代码 --from 000")
            )
            return
        mark = "[green]●[/]" if data.window_open else "[b red]●[/]"
        self.query_one("#campaign", Static).update(
            _("[b]{campaign_title}[/]\n受理地点：{place}\n{mark} {window}").format(
                campaign_title=data.campaign_title, place=data.place, mark=mark, window=data.window
            )
        )
        c = data.counts
        lines = [
            _("[b]本批次概况[/]"),
            _("网上通过形式审核 {online_approved} 人（名单共 {online_total} 人）").format(
                online_approved=c.online_approved, online_total=c.online_total
            ),
            _("纸质材料已受理 {accepted} 份 · 退回补正 {returned} 份").format(
                accepted=c.accepted, returned=c.returned
            ),
            _("已缴费 {paid} 份 · 待缴费 {awaiting_payment} 份").format(
                paid=c.paid, awaiting_payment=c.awaiting_payment
            ),
        ]
        self.query_one("#figures", Static).update("\n".join(lines))
        fee_lines = [_("[b]评审费[/]")]
        for track, level, shown, unknown in data.fees:
            style = "[yellow]" if unknown else ""
            end = "[/]" if unknown else ""
            fee_lines.append(
                "  " + plain.pair(plain.fee_kind(track, level), f"{style}{shown}{end}")
            )
        if any(f[3] for f in data.fees) and actor.can(Action.payment_take):
            fee_lines.append(
                _("[yellow]未载明的收费标准须由负责人设定后才能收费（desk campaign set-fee）[/]")
            )
        self.query_one("#fees", Static).update("\n".join(fee_lines))
        if actor.can(Action.user_list):
            self.query_one("#system", Static).update(
                _("[b]系统[/]\n数据库：{database}\n结构版本：{schema} · 用户 {users} 个").format(
                    database=data.database, schema=data.schema, users=data.users
                )
            )
