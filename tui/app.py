"""The Textual app. ``make_app`` is the factory: tests inject a config and an engine.

Scanning anywhere is ``tui.scanner`` and sending print jobs ``tui.print_sender``, mixed into
``DeskApp``. The database, the services and the screens are imported inside the methods that
first need them, on purpose: the first frame (``正在打开数据库……``) must not wait for SQLAlchemy,
and a screen's module loads when the screen is first shown."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import _time, events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Static

from models.config import DeskConfig
from models.errors import DomainError
from models.i18n import _, pgettext
from models.permissions import Action, Actor
from models.types import utcnow
from tui.base import DemoInfo, Refocus, WorkerGuard
from tui.keymap import bind
from tui.print_sender import PrintSender
from tui.scanner import ScanAnywhere

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlmodel import Session

    from models.campaign import Campaign
    from tui.screens.fees import FeeScreen
    from tui.screens.intake import CardScreen
    from tui.work.printing import DeskPrinters


class PreparingScreen(Screen[None]):
    """Shown while the database opens (and the demo office is seeded) in a worker. Keys typed
    meanwhile (a browser tab shows the page seconds before) are held for the login screen."""

    def __init__(self) -> None:
        super().__init__()
        self.held: list[events.Key] = []

    def on_key(self, event: events.Key) -> None:
        if event.is_printable or event.key in ("enter", "backspace"):  # a name, a password
            self.held.append(event)

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(_("正在打开数据库……"), id="preparing")

    def show_error(self, message: str) -> None:
        self.query_one("#preparing", Static).update(
            _("[b red]无法启动[/]\n\n{message}\n\n按 Ctrl+Q 退出").format(message=message)
        )


class DeskApp(ScanAnywhere, PrintSender, WorkerGuard, App[None]):
    TITLE = _("职称评审 纸质材料受理与收费台")
    CSS_PATH = "styles/desk.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", pgettext("key", "退出"), id="quit", priority=True),
        bind("help", "help", pgettext("key", "帮助")),
        Binding("ctrl+p", "command_palette", pgettext("key", "命令"), show=False, id="palette"),
        bind("print_jobs", "print_jobs", pgettext("key", "打印任务")),
        # every screen (home shows it in its footer): another person takes over the desk; a
        # card's verdicts and an open fee are the leaving person's and are dropped, nothing is
        # written (log_out)
        Binding("ctrl+l", "log_out", pgettext("key", "注销/换人"), show=False, id="logout"),
        # Tab moves the focus the moment it arrives (a priority binding), not after the keys
        # before it were handed to the field: "name⇥password⏎" sent in one burst (a fast typist,
        # tmux send-keys) puts the password in the password field
        Binding("tab", "move_focus(1)", pgettext("key", "下一项"), show=False, priority=True),
        Binding(
            "shift+tab", "move_focus(-1)", pgettext("key", "上一项"), show=False, priority=True
        ),
    ]
    COMMAND_PALETTE_BINDING = "ctrl+p"

    def __init__(
        self, config: DeskConfig, *, engine: Engine | None = None, demo: bool = False
    ) -> None:
        super().__init__()
        self.config = config
        self.engine: Engine | None = engine
        self.demo = demo
        self.demo_info: DemoInfo | None = None
        self.actor: Actor | None = None
        self.campaign_code: str | None = config.campaign or None
        self.idle_limit = max(1, config.idle_lock_minutes) * 60.0
        self.last_activity = time.monotonic()
        self.printers: DeskPrinters | None = None
        self.recovered_jobs = 0
        self.scan_gap = self.SCAN_GAP
        self._held: list[events.Key] = []
        self._held_at = 0.0
        self._held_timer: Timer | None = None
        # unfinished checklists, per (campaign, record): kept when a scan or Esc leaves a card
        self.drafts: dict[tuple[str, int], tuple[dict[str, Any], set[str]]] = {}
        self._card_screen: CardScreen | None = None
        self._fee_screen: FeeScreen | None = None
        self.job_outcomes: dict[int, tuple[str, str]] = {}  # job id → (status, error)
        self.key_time = 0.0  # monotonic time the key being handled was pressed (Textual's clock)
        self.clock: Callable[[], dt.datetime] = utcnow  # tests fix it; services take ``now``

    def on_mount(self) -> None:
        self.push_screen(PreparingScreen())
        self.set_interval(15, self.lock_if_idle)
        self.prepare()

    @staticmethod
    def key_clock() -> float:
        """Now, on the clock that stamps Textual's events (``event.time``, ``key_time``):
        monotonic, perf_counter on Windows. Textual keeps it in a private module; this is the
        one place that reads it."""
        return _time.get_time()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not self._screen_stack:
            if self.is_running:  # between two screens (switch_screen): the key goes to the next
                self.call_later(self.post_message, event)
            return
        if isinstance(event, (events.Key, events.MouseDown, events.Paste)):
            self.last_activity = time.monotonic()
        if isinstance(event, events.Key) and not event.is_forwarded:
            self.key_time = event.time  # when the key was pressed, not when it is handled
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and self._scanning()
            and await self._scan_key(event)
        ):
            return
        await super().on_event(event)

    # -- scan anywhere --

    def _scanning(self) -> bool:
        from tui.screens.accounts.login import LoginScreen

        if self.focused is not None and self.focused.has_class("takes-scans"):
            return False  # a field that is filled by a scanner (a POS slip's reference)
        return self.actor is not None and not isinstance(
            self.screen, (LoginScreen, PreparingScreen)
        )

    def open_card(
        self, *, record_id: int | None = None, query: str | None = None, bringer: str = ""
    ) -> None:
        """Show an applicant's card on top of the counter: modals are closed, an open card is
        closed with its unfinished checklist kept as a draft. A cashier's scan (and anyone's at
        the fee desk) opens the fee instead."""
        from tui.screens.fees import CashierScreen, FeeScreen
        from tui.screens.intake import CardScreen

        if self.actor is None:
            return
        # someone who takes fees but judges no paper (a cashier): a scan is the fee's
        fees_only = self.actor.can(Action.payment_take) and not self.actor.can(Action.intake_accept)
        if query is not None and (
            fees_only or any(isinstance(s, (CashierScreen, FeeScreen)) for s in self.screen_stack)
        ):
            self.open_fee(query=query)
            return
        card = self._card_screen
        if card is None:  # one card screen, composed once and reused: a scan only refills it
            card = self._card_screen = CardScreen()
            self.install_screen(card, "card")
        # the lookup starts before the switch; a unit's batch says who brought the paper (单位)
        card.open(record_id=record_id, query=query, bringer=bringer)
        self._bring_up(card, keep=1)

    def open_fee(self, *, dossier_id: int | None = None, query: str | None = None) -> None:
        """Show a dossier's fee on top of the fee desk: modals and an earlier outcome are closed
        first (never while a payment is under way). One fee screen, composed once and reused,
        as the card is: a scan only refills it."""
        from tui.screens.fees import FeeScreen

        if self.actor is None:
            return
        fee = self._fee_screen
        if fee is not None and fee.busy:
            self.notify(_("正在收费，请等这一笔完成后再扫下一份"), severity="warning", timeout=4)
            return
        if fee is None:
            fee = self._fee_screen = FeeScreen()
            self.install_screen(fee, "fee")
        fee.open(dossier_id=dossier_id, query=query)  # the lookup starts before the switch
        self._bring_up(fee, keep=2)

    def _bring_up(self, screen: Screen[Any], *, keep: int) -> None:
        """Put a (reused) screen on top: modals are dismissed and an outcome is left, never
        below ``keep`` screens (the home screen, the desk's own list)."""
        from tui.screens.outcome import OutcomeScreen

        while (
            isinstance(self.screen, (ModalScreen, OutcomeScreen)) and len(self.screen_stack) > keep
        ):
            if isinstance(self.screen, ModalScreen):
                self.screen.dismiss(None)
            else:
                self.pop_screen()
        if self.screen is not screen:
            self.push_screen(screen)

    def who(self) -> str:
        """``收费员 cashier · 1号窗口``: who is at this desk, for the screens' status lines."""
        actor = self.actor
        return (
            f"{actor.role.label} {actor.username} · {self.config.desk}"
            if actor
            else self.config.desk
        )

    def working(self) -> tuple[Engine, Actor, str]:
        """What a screen's worker needs: the database, who acts, and the campaign. A desk with
        no campaign chosen yet raises the DomainError the screen shows."""
        engine, actor, code = self.engine, self.actor, self.campaign_code
        assert engine is not None and actor is not None, "workers run for a logged-in desk"
        if code is None:
            raise DomainError(_("尚未选定评审批次"), code="campaign.none")
        return engine, actor, code

    @contextmanager
    def campaign_session(self, *, readonly: bool = False) -> Iterator[tuple[Session, Campaign]]:
        """A worker's session and the desk's campaign in it (one transaction; committed at the
        end unless ``readonly``, rolled back on any error)."""
        from models.db import session_scope
        from models.services.campaigns import get_campaign

        assert self.engine is not None, "the database is open before any screen works"
        with session_scope(self.engine, readonly=readonly) as session:
            yield session, get_campaign(session, self.campaign_code or "")

    def _screen_binds(self, key: str) -> bool:
        """Does the current screen bind ``key`` itself (e.g. Tab to cycle its previews)?"""
        for b in type(self.screen).BINDINGS:
            keys = b.key if isinstance(b, Binding) else b[0]
            if key in (k.strip() for k in keys.split(",")):
                return True
        return False

    def action_move_focus(self, step: int) -> None:
        if step > 0:
            self.screen.focus_next()
        else:
            self.screen.focus_previous()

    def back_to_counter(self) -> None:
        """After an outcome: back to the screen the card was opened from (the counter's search,
        a unit's batch or the home screen), ready for the next scan."""
        self.pop_screen()
        self.screen.post_message(Refocus())

    def action_quit(self) -> None:  # type: ignore[override]
        """Quit at once, unless a thread is still at work (a database write, a backup after a
        close, a print job): it cannot be stopped halfway, and Python would wait for it with
        the screen already gone (issue 24's blank seconds). Then say so and quit when it ends."""
        busy = [w for w in self.workers if w.is_running and getattr(w, "_thread_worker", False)]
        if not busy:
            self.exit()
            return
        self.notify(
            _("正在等待 {count} 项进行中的操作（数据库、备份或打印）完成，完成后自动退出……").format(
                count=len(busy)
            ),
            timeout=60,
        )
        self.run_worker(self._quit_when_done(busy), exclusive=True, group="quit")

    async def _quit_when_done(self, busy: list[Any]) -> None:
        await self.workers.wait_for_complete(busy)
        self.exit()

    def action_help(self) -> None:
        """F1: the screen's keys in the desk's words (``tui.widgets.help``)."""
        from tui.widgets.help import KeysHelp, desk_keys

        if not isinstance(self.screen, KeysHelp):
            self.push_screen(KeysHelp(desk_keys(self.screen)))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The command palette (Ctrl+P) lists every key of the screen, in Chinese."""
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            b = active.binding
            if not active.enabled or not b.description or b.action in seen:
                continue
            seen.add(b.action)
            yield SystemCommand(
                f"{b.description}（{self.get_key_display(b)}）",
                b.action,
                partial(self._run_binding, b.action, active.node),
            )
        yield SystemCommand(_("快捷键说明（F1）"), _("显示/隐藏本屏幕的快捷键"), self.action_help)
        yield SystemCommand(_("退出（Ctrl+Q）"), _("退出程序"), self.action_quit)

    def notify(self, message: str, **kwargs: Any) -> None:
        """A toast wrapped by Chinese rules at its width (``tui.widgets.wrapping``; Textual
        breaks only at spaces: "还有 7 / 项未核对"); a message with markup is left as it is."""
        from tui.widgets.wrapping import wrap

        if not kwargs.get("markup", True) or "[" not in message:
            width = min(60, self.size.width // 2) - 4  # Toast: 60 wide, at most 50%; its edges
            message = "\n".join(wrap(message, width))
        super().notify(message, **kwargs)

    def _run_binding(self, action: str, node: object) -> None:
        self.call_later(self.run_action, action, node)

    def lock_if_idle(self, now: float | None = None) -> bool:
        """Lock the desk (back to the login screen) after ``idle_lock_minutes`` without input."""
        now = time.monotonic() if now is None else now
        if self.actor is None or now - self.last_activity < self.idle_limit:
            return False
        minutes = int(self.idle_limit // 60)
        self.log_out(
            _("已空闲 {minutes} 分钟，屏幕已锁定：请重新登录（可换人登录）").format(minutes=minutes)
        )
        return True

    @work(thread=True, exclusive=True, exit_on_error=False, group="db")
    def prepare(self) -> None:
        from models.db import session_scope
        from models.services.campaigns import list_campaigns
        from models.services.printing import recover_interrupted
        from tui.work.context import open_database
        from tui.work.printing import DeskPrinters

        try:
            self.printers = DeskPrinters.from_config(self.config)
            if self.engine is None:
                self.engine = open_database(self.config)
            with session_scope(self.engine) as session:  # jobs this desk left half-sent
                self.recovered_jobs = recover_interrupted(session, desk=self.config.desk)
            if self.demo:
                from models.demo import DEMO_USERS, seed_demo
                from models.services.users import count_users

                with session_scope(self.engine) as session:
                    if count_users(session) == 0:
                        seed_demo(session)
                self.demo_info = DemoInfo(
                    [(u.role.label, u.username, u.password) for u in DEMO_USERS]
                )
            with session_scope(self.engine, readonly=True) as session:
                campaigns = list_campaigns(session)
                if self.campaign_code is None and campaigns:
                    self.campaign_code = campaigns[0].code
        except DomainError as exc:
            self.call_from_thread(self._database_failed, exc.message)
            return
        # awaited, as the coroutine it is (Textual's annotation infers Never for one)
        self.call_from_thread(self._database_ready)  # type: ignore[arg-type]

    def _database_failed(self, message: str) -> None:
        screen = self.screen
        if isinstance(screen, PreparingScreen):
            screen.show_error(message)

    async def _database_ready(self) -> None:
        from tui.screens.accounts.login import LoginScreen

        held = self.screen.held if isinstance(self.screen, PreparingScreen) else []
        await self.switch_screen(LoginScreen())
        for key in held:  # typed while the database opened: the login's, in order
            self.post_message(events.Key(key.key, key.character))

    def logged_in(self, actor: Actor) -> None:
        from tui.screens.home import HomeScreen

        self.actor = actor
        self.refresh_bindings()
        self.switch_screen(HomeScreen())
        if self.recovered_jobs:
            self.notify(
                _(
                    "上次程序在打印中途停止：{recovered_jobs} 个打印任务标为失败，请查看纸张后按 F8 决定是否重试"
                ).format(recovered_jobs=self.recovered_jobs),
                severity="warning",
                timeout=20,
            )
            self.recovered_jobs = 0

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("print_jobs", "log_out"):  # only for someone logged in
            return self.actor is not None
        if action == "move_focus":  # the screen's own Tab wins, and shows in its footer
            step = parameters[0] if parameters else 1
            return not self._screen_binds("tab" if step == 1 else "shift+tab")
        return True

    def action_log_out(self) -> None:
        self.log_out()

    def action_print_jobs(self) -> None:
        from tui.screens.print_jobs import PrintJobsScreen

        if self.actor is None or isinstance(self.screen, PrintJobsScreen):
            return
        self.push_screen(PrintJobsScreen())

    def log_out(self, message: str = "") -> None:
        from tui.screens.accounts.login import LoginScreen

        self.actor = None
        self._held.clear()
        self.drafts.clear()  # verdicts are the judging clerk's own: the next user starts afresh
        self.refresh_bindings()
        while len(self.screen_stack) > 2:  # cards and modals above the home screen
            self.pop_screen()
        self.switch_screen(LoginScreen(message))
        if self._card_screen is not None:  # the next user gets a new card, nothing of this one's
            card, self._card_screen = self._card_screen, None
            card.done = True  # its checklist is not a draft any more: drafts were cleared
            self.call_after_refresh(self._drop_screen, card)
        if self._fee_screen is not None:  # and a new fee screen
            fee, self._fee_screen = self._fee_screen, None
            self.call_after_refresh(self._drop_screen, fee)

    def _drop_screen(self, screen: Screen[Any]) -> None:
        if screen not in self.screen_stack:
            self.uninstall_screen(screen)
            if screen.is_attached:
                self.call_later(screen.remove)


def make_app(config: DeskConfig, *, engine: Engine | None = None, demo: bool = False) -> DeskApp:
    return DeskApp(config, engine=engine, demo=demo)
