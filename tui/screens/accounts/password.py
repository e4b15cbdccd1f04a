"""Change one's own password: from the home screen (F9, anyone logged in), and — after an admin
reset it — straight after the login, before anything else (the new password twice; Esc logs out).
Enter goes to the next field and, on the last one, saves."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from models.db import session_scope
from models.errors import AuthenticationFailed, DomainError
from models.i18n import _, pgettext
from models.permissions import Actor
from models.services.users import change_own_password
from tui import plain
from tui.base import WorkerGuard
from tui.widgets.footer import DeskFooter

if TYPE_CHECKING:
    from tui.app import DeskApp


class PasswordScreen(WorkerGuard, Screen[None]):
    """修改密码. ``current`` given (the login just checked it): the forced step after a reset."""

    BINDINGS = [Binding("escape", "leave", pgettext("key", "取消"), id="password.leave")]
    DEFAULT_CSS = """
    PasswordScreen { align: center top; }
    PasswordScreen #password-box {
        width: 64; max-width: 100%; height: auto; border: round $primary; padding: 0 2;
    }
    PasswordScreen .field-label { width: 12; }
    PasswordScreen #password-title { text-style: bold; }
    PasswordScreen #password-message { color: $error; height: auto; min-height: 1; }
    PasswordScreen #password-help { color: $text-muted; }
    """

    def __init__(self, actor: Actor, *, current: str | None = None) -> None:
        super().__init__()
        self.actor = actor
        self.current = current
        self.forced = current is not None
        self.busy = False

    @property
    def desk(self) -> DeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(
            _("修改密码 · {role} {username}").format(
                role=self.actor.role.label, username=self.actor.username
            ),
            id="status-line",
        )
        with Vertical(id="password-box"):
            if self.forced:
                yield Static(
                    _("您的密码已由管理员重置：请先设置自己的新密码，再开始工作"),
                    id="password-title",
                )
            else:
                yield Static(_("修改自己的密码"), id="password-title")
                with Horizontal(classes="field"):
                    yield Label(_("当前密码"), classes="field-label")
                    yield self._field("pw-current")
            with Horizontal(classes="field"):
                yield Label(_("新密码"), classes="field-label")
                yield self._field("pw-new")
            with Horizontal(classes="field"):
                yield Label(_("再输一次"), classes="field-label")
                yield self._field("pw-again")
            yield Static("", id="password-message")
            yield Static(
                _("Enter 下一项 / 保存 · Esc 退出登录")
                if self.forced
                else _("Enter 下一项 / 保存 · Esc 取消"),
                id="password-help",
            )
        yield DeskFooter()

    @staticmethod
    def _field(field_id: str) -> Input:
        # takes-scans: what is typed here is never taken for a barcode scan
        return Input(password=True, id=field_id, max_length=128, classes="takes-scans")

    def on_mount(self) -> None:
        self.query_one("#pw-new" if self.forced else "#pw-current", Input).focus()
        if self.forced:  # nobody is logged in yet: the desk's idle lock does not watch this step
            self.set_interval(15, self._idle_check)

    def _idle_check(self) -> None:
        if time.monotonic() - self.desk.last_activity >= self.desk.idle_limit:
            self.desk.log_out(
                _("已空闲 {minutes} 分钟，屏幕已锁定：请重新登录（可换人登录）").format(
                    minutes=int(self.desk.idle_limit // 60)
                )
            )

    def _say(self, message: str) -> None:
        self.query_one("#password-message", Static).update(plain.message(message))

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        """Enter saves once every field is typed in (a field cleared after a refusal filled
        again), else goes to the next empty field."""
        fields = [
            self.query_one(f"#{i}", Input)
            for i in ("pw-current", "pw-new", "pw-again")
            if self.query(f"#{i}")
        ]
        empty = [f for f in fields if not f.value]
        if not empty:
            self._save()
            return
        after = fields[fields.index(event.input) + 1 :] if event.input in fields else []
        (next((f for f in after if not f.value), None) or empty[0]).focus()

    def _save(self) -> None:
        if self.busy:
            return
        current = (
            self.current if self.current is not None else self.query_one("#pw-current", Input).value
        )
        new = self.query_one("#pw-new", Input).value
        again = self.query_one("#pw-again", Input).value
        if not current:
            self._say(_("请输入当前密码"))
            self.query_one("#pw-current", Input).focus()
            return
        if not new:
            self._say(_("请输入新密码"))
            self.query_one("#pw-new", Input).focus()
            return
        if new != again:
            self._say(_("两次输入的密码不一致"))
            self.query_one("#pw-again", Input).value = ""
            self.query_one("#pw-again", Input).focus()
            return
        self.busy = True
        self._say(_("正在保存……"))
        self.change(current, new)

    @work(thread=True, exclusive=True, exit_on_error=False, group="password")
    def change(self, current: str, new: str) -> None:
        engine = self.desk.engine
        assert engine is not None
        try:
            with session_scope(engine) as session:
                actor = change_own_password(session, self.actor, current=current, new=new)
        except DomainError as exc:
            wrong_current = isinstance(exc, AuthenticationFailed)
            self.app.call_from_thread(self._failed, exc.message, wrong_current)
            return
        self.app.call_from_thread(self._done, actor)

    def worker_failed(self, name: str) -> None:
        self.busy = False

    def _failed(self, message: str, wrong_current: bool) -> None:
        self.busy = False
        if self.forced and wrong_current:  # locked meanwhile, or disabled: back to the login
            self.desk.log_out(message)
            return
        self._say(message)
        field = "#pw-current" if wrong_current else "#pw-new"
        for f in [field] if wrong_current else ["#pw-new", "#pw-again"]:
            self.query_one(f, Input).value = ""
        self.query_one(field, Input).focus()

    def _done(self, actor: Actor) -> None:
        self.busy = False
        if self.forced:
            self.current = None
            self.desk.logged_in(actor)
            self.desk.notify(_("新密码已设置"), timeout=5)
            return
        self.app.pop_screen()
        self.desk.notify(_("新密码已设置：下次登录请用新密码"), timeout=5)

    def action_leave(self) -> None:
        if self.forced:
            self.current = None
            self.desk.log_out(_("尚未设置新密码：请重新登录"))
        else:
            self.app.pop_screen()
