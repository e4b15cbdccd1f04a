"""Login: username and password; lockout after five failures is the service's rule."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from models.errors import DomainError
from models.i18n import _, pgettext
from models.permissions import Actor
from tui import plain
from tui.base import WorkerGuard
from tui.screens.accounts.password import PasswordScreen
from tui.widgets.footer import DeskFooter

if TYPE_CHECKING:
    from tui.app import DeskApp


class LoginScreen(WorkerGuard, Screen[None]):
    AUTO_FOCUS = "#username"
    # Enter is a priority binding: the app runs it the moment the key arrives, before it
    # forwards the next keys. A fast typist (or a card reader) sending "name⏎password⏎" in one
    # burst has the password land in the password field, not appended to the name.
    BINDINGS = [Binding("enter", "enter", pgettext("key", "登录"), show=False, priority=True)]

    def __init__(self, message: str = "") -> None:
        super().__init__()
        self.initial_message = message

    @property
    def desk(self) -> DeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(id="login-box"):
            yield Static(_("职称评审 纸质材料受理与收费台"), id="login-title")
            yield Static("", id="login-office")
            with Horizontal(classes="field"):
                yield Label(pgettext("login", "用户名"), classes="field-label")  # 8 cells
                yield Input(placeholder=_("用户名"), id="username", max_length=30)
            with Horizontal(classes="field"):
                yield Label(_("密  码"), classes="field-label")
                yield Input(placeholder=_("密码"), password=True, id="password", max_length=128)
            yield Static(self.initial_message, id="login-error")
            yield Button(_("登录 (Enter)"), id="login", variant="primary")
            info = self.desk.demo_info
            if info is not None:
                lines = [_("[b]演示账户[/b]（临时数据库，退出即删除）")]
                lines += [
                    "  " + plain.pair(role, f"{user} / {pw}") for role, user, pw in info.users
                ]
                yield Static("\n".join(lines), id="demo-users")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.load_office()

    def on_screen_resume(self) -> None:
        # In a browser (desk serve) the app starts without the terminal's focus, and Textual
        # then skips AUTO_FOCUS: the first keys typed would go nowhere.
        if self.focused is None:
            self.set_focus(self.query_one("#username", Input))

    @work(thread=True, exclusive=True, exit_on_error=False, group="login-office")
    def load_office(self) -> None:
        # lazily, in this worker's thread: the desk starts on this screen, which answers a key
        # before the database layer and the services are loaded
        from models.db import session_scope
        from models.services.campaigns import get_campaign

        code = self.desk.campaign_code
        engine = self.desk.engine
        if code is None or engine is None:
            return
        try:
            with session_scope(engine, readonly=True) as session:
                c = get_campaign(session, code)
                text = f"{c.office}{c.room}"
        except DomainError:
            return
        self.app.call_from_thread(self.query_one("#login-office", Static).update, text)

    def action_enter(self) -> None:
        if self.focused is self.query_one("#username", Input):
            self.set_focus(self.query_one("#password", Input))  # at once, not call_later
            return
        # elsewhere Enter goes its normal way, in order after the keys before it: the password
        # field submits (Input.Submitted) once it has every character typed into it
        raise SkipAction()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#login")
    def _submit(self) -> None:
        if self.query_one("#login", Button).disabled:  # already checking the password
            return
        username = self.query_one("#username", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not username:
            self._error(_("请输入用户名"))
            self.set_focus(self.query_one("#username", Input))
            return
        if not password:
            self._error(_("请输入密码"))
            self.set_focus(self.query_one("#password", Input))
            return
        self._error(_("正在验证……"))
        self.query_one("#login", Button).disabled = True
        self.authenticate(username, password)

    @work(thread=True, exclusive=True, exit_on_error=False, group="login")
    def authenticate(self, username: str, password: str) -> None:
        # lazily, in this worker's thread (see load_office)
        from models.db import session_scope
        from models.services.users import authenticate

        engine = self.desk.engine
        assert engine is not None
        try:
            with session_scope(engine) as session:
                actor = authenticate(session, username, password, desk=self.desk.config.desk)
        except DomainError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        self.app.call_from_thread(self._succeeded, actor, password)

    def worker_failed(self, name: str) -> None:
        self.query_one("#login", Button).disabled = False

    def _failed(self, message: str) -> None:
        self._error(message)
        self.query_one("#login", Button).disabled = False
        pw = self.query_one("#password", Input)
        pw.value = ""
        pw.focus()

    def _succeeded(self, actor: Actor, password: str) -> None:
        if actor.must_change_password:  # a reset password: a new one before anything else
            self.app.switch_screen(PasswordScreen(actor, current=password))
            return
        self.desk.logged_in(actor)

    def _error(self, message: str) -> None:
        self.query_one("#login-error", Static).update(message)
