"""The Textual app. ``make_app`` is the factory: tests inject a config and an engine."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from models.config import DeskConfig
from models.errors import DomainError
from models.permissions import Actor


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
        from tui.context import open_database

        try:
            if self.engine is None:
                self.engine = open_database(self.config)
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
        self.switch_screen(HomeScreen())

    def log_out(self, message: str = "") -> None:
        from tui.screens.login import LoginScreen

        self.actor = None
        self.switch_screen(LoginScreen(message))


def make_app(config: DeskConfig, *, engine: Engine | None = None, demo: bool = False) -> DeskApp:
    return DeskApp(config, engine=engine, demo=demo)
