"""The Textual app. ``make_app`` is the factory: tests inject a config and an engine."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine
from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from models.config import DeskConfig
from models.errors import DomainError
from models.permissions import Actor

if TYPE_CHECKING:
    from tui.printing import DeskPrinters


@dataclass
class DemoInfo:
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (role label, user, pw)


class PreparingScreen(Screen[None]):
    """Shown while the database opens (and the demo office is seeded) in a worker."""

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static("正在打开数据库……", id="preparing")

    def show_error(self, message: str) -> None:
        self.query_one("#preparing", Static).update(
            f"[b red]无法启动[/]\n\n{message}\n\n按 Ctrl+Q 退出")


class DeskApp(App[None]):
    TITLE = "职称评审 纸质材料受理与收费台"
    CSS_PATH = "styles/desk.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "退出", id="quit", priority=True),
        Binding("f8", "print_jobs", "打印任务", id="print_jobs"),
    ]

    def __init__(self, config: DeskConfig, *, engine: Engine | None = None,
                 demo: bool = False) -> None:
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

    def on_mount(self) -> None:
        self.push_screen(PreparingScreen())
        self.set_interval(15, self.lock_if_idle)
        self.prepare()

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.Paste)):
            self.last_activity = time.monotonic()
        await super().on_event(event)

    def lock_if_idle(self, now: float | None = None) -> bool:
        """Lock the desk (back to the login screen) after ``idle_lock_minutes`` without input."""
        now = time.monotonic() if now is None else now
        if self.actor is None or now - self.last_activity < self.idle_limit:
            return False
        minutes = int(self.idle_limit // 60)
        self.log_out(f"已空闲 {minutes} 分钟，屏幕已锁定：请重新登录（可换人登录）")
        return True

    @work(thread=True, exclusive=True, exit_on_error=False, group="db")
    def prepare(self) -> None:
        from models.db import session_scope
        from models.services.campaigns import list_campaigns
        from models.services.printing import recover_interrupted
        from tui.context import open_database
        from tui.printing import DeskPrinters

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
                    [(u.role.label, u.username, u.password) for u in DEMO_USERS])
            with session_scope(self.engine, readonly=True) as session:
                campaigns = list_campaigns(session)
                if self.campaign_code is None and campaigns:
                    self.campaign_code = campaigns[0].code
        except DomainError as exc:
            self.call_from_thread(self._database_failed, exc.message)
            return
        self.call_from_thread(self._database_ready)

    def _database_failed(self, message: str) -> None:
        screen = self.screen
        if isinstance(screen, PreparingScreen):
            screen.show_error(message)

    def _database_ready(self) -> None:
        from tui.screens.login import LoginScreen

        self.switch_screen(LoginScreen())

    def logged_in(self, actor: Actor) -> None:
        from tui.screens.home import HomeScreen

        self.actor = actor
        self.refresh_bindings()
        self.switch_screen(HomeScreen())
        if self.recovered_jobs:
            self.notify(f"上次程序在打印中途停止：{self.recovered_jobs} 个打印任务标为失败，"
                        "请查看纸张后按 F8 决定是否重试", severity="warning", timeout=20)
            self.recovered_jobs = 0

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "print_jobs":  # only for someone logged in (hidden on the login screen)
            return self.actor is not None
        return True

    def action_print_jobs(self) -> None:
        from tui.screens.print_jobs import PrintJobsScreen

        if self.actor is None or isinstance(self.screen, PrintJobsScreen):
            return
        self.push_screen(PrintJobsScreen())

    def print_job(self, job_id: int, on_done: Callable[[], object] | None = None) -> None:
        """Send a saved job in a worker thread; the outcome is a notification (and the job row)."""
        self._send(job_id, retry=False, on_done=on_done)

    def retry_print(self, job_id: int, on_done: Callable[[], object] | None = None) -> None:
        self._send(job_id, retry=True, on_done=on_done)

    @work(thread=True, exit_on_error=False, group="print")
    def _send(self, job_id: int, *, retry: bool, on_done: Callable[[], object] | None) -> None:
        from models.db import session_scope
        from models.services.printing import request_retry
        from tui.printing import send_job

        assert self.engine is not None and self.printers is not None
        try:
            if retry:
                actor = self.actor
                if actor is None:
                    return
                with session_scope(self.engine) as session:
                    request_retry(session, actor, job_id)
            job = send_job(self.engine, self.printers, job_id)
        except DomainError as exc:
            self.call_from_thread(self.notify, exc.message, severity="error", timeout=8,
                                  markup=False)
        else:
            if job.status == "sent":
                self.call_from_thread(self.notify, f"打印任务 {job_id} 已打印")
            else:
                self.call_from_thread(
                    self.notify, f"打印失败：{job.error}\n按 F8 查看打印任务并重试",
                    severity="error", timeout=15, markup=False)
        if on_done is not None:
            self.call_from_thread(on_done)

    def log_out(self, message: str = "") -> None:
        from tui.screens.login import LoginScreen

        self.actor = None
        self.refresh_bindings()
        self.switch_screen(LoginScreen(message))


def make_app(config: DeskConfig, *, engine: Engine | None = None, demo: bool = False) -> DeskApp:
    return DeskApp(config, engine=engine, demo=demo)
