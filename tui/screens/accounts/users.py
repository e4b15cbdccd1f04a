"""用户管理 (the admin's): the accounts with their role and state; add, disable, enable, reset a
password, change a role — each a key on the selected line, each change made by the service in a
worker (permission, the rules of docs/adr/0005-accounts.md, the audit). When a change gives
someone a lead's powers the service asks for a lead's approval: a dialog takes that lead's user
name and password, typed by the lead, and the change is tried again with them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

from models.db import session_scope
from models.errors import DomainError
from models.i18n import _, pgettext
from models.services import users as accounts
from models.services.users import Approval, list_users
from models.vocab import Role
from tui import plain
from tui.base import WorkerGuard
from tui.keymap import bind
from tui.screens.accounts.forms import (
    AddUserDialog,
    ApproveDialog,
    Change,
    ResetPasswordDialog,
    RoleDialog,
)
from tui.widgets.dialogs import ConfirmDialog
from tui.widgets.footer import DeskFooter
from tui.work.accounts import state, when

if TYPE_CHECKING:
    from models.services.users import UserRow
    from tui.app import DeskApp


class UsersScreen(WorkerGuard, Screen[None]):
    """用户管理."""

    # the letters are listed on the line above the footer (they would not fit in it)
    BINDINGS = [
        Binding("a", "add", pgettext("key", "添加"), id="users.add", show=False),
        Binding("d", "disable", pgettext("key", "停用"), id="users.disable", show=False),
        Binding("e", "enable", pgettext("key", "启用"), id="users.enable", show=False),
        Binding("p", "reset", pgettext("key", "重置密码"), id="users.reset", show=False),
        Binding("r", "role", pgettext("key", "改角色"), id="users.role", show=False),
        bind("users.refresh", "refresh", pgettext("key", "刷新")),
        Binding("escape", "back", pgettext("key", "返回"), id="users.back"),
    ]
    DEFAULT_CSS = """
    UsersScreen #users { height: 1fr; }
    UsersScreen #users-message { height: auto; padding: 0 1; }
    UsersScreen #users-keys { height: 1; padding: 0 1; color: $text-muted; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[UserRow] = []
        self.busy = False

    @property
    def desk(self) -> DeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(_("用户管理 · {who}").format(who=self.desk.who()), id="status-line")
        yield DataTable(id="users", cursor_type="row", zebra_stripes=True)
        yield Static("", id="users-message")
        yield Static(_("A 添加 · D 停用 · E 启用 · P 重置密码 · R 改角色"), id="users-keys")
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one("#users", DataTable)
        for key, label, width in (
            ("name", _("用户名"), 12),
            ("shown", _("显示名"), 12),
            ("role", _("角色"), 8),
            ("state", _("状态"), 12),
            ("last", _("最近登录"), 16),
        ):
            table.add_column(label, key=key, width=width)
        table.focus()
        self.load()

    # -- reading --

    @work(thread=True, exclusive=True, exit_on_error=False, group="users")
    def load(self, select: str | None = None) -> None:
        engine, actor = self.desk.engine, self.desk.actor
        assert engine is not None and actor is not None
        try:
            with session_scope(engine, readonly=True) as session:
                rows = list_users(session, actor)
        except DomainError as exc:
            self.app.call_from_thread(self._say, exc.message, True)
            return
        self.app.call_from_thread(self._show, rows, select)

    def _show(self, rows: list[UserRow], select: str | None) -> None:
        self.rows = rows
        table = self.query_one("#users", DataTable)
        at = table.cursor_row
        table.clear()
        for r in rows:
            table.add_row(
                plain.plain(r.username),
                plain.plain(r.display_name),
                r.role.label,
                state(r),
                when(r.last_login_at),
                key=r.username,
            )
        names = [r.username for r in rows]
        if select in names:
            at = names.index(select)
        if rows:
            table.move_cursor(row=min(max(at, 0), len(rows) - 1))

    def _selected(self) -> UserRow | None:
        table = self.query_one("#users", DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            self._say(_("没有选中的用户"), True)
            return None
        return self.rows[table.cursor_row]

    def _say(self, message: str, error: bool = False) -> None:
        self.query_one("#users-message", Static).update(
            plain.message(message, style="b red" if error else "")
        )

    # -- the admin's keys --

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_add(self) -> None:
        self.app.push_screen(AddUserDialog(), callback=self._run)

    def action_disable(self) -> None:
        row = self._selected()
        if row is None:
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._run(Change("disable", row.username))

        self.app.push_screen(
            ConfirmDialog(
                _("停用用户 {username}（{role}）？停用后不能在任何地方登录，记录保留。").format(
                    username=row.username, role=row.role.label
                ),
                _("Enter 停用 · Esc 取消"),
            ),
            callback=confirmed,
        )

    def action_enable(self) -> None:
        row = self._selected()
        if row is not None:
            self._run(Change("enable", row.username))

    def action_reset(self) -> None:
        row = self._selected()
        if row is not None:
            self.app.push_screen(ResetPasswordDialog(row.username), callback=self._run)

    def action_role(self) -> None:
        row = self._selected()
        if row is not None:
            self.app.push_screen(RoleDialog(row.username, row.role), callback=self._run)

    # -- changing --

    def _run(self, change: Change | None, approval: Approval | None = None) -> None:
        if change is None or self.busy:
            return
        self.busy = True
        self._say(_("正在保存……"))
        self.apply(change, approval)

    @work(thread=True, exclusive=True, exit_on_error=False, group="users-change")
    def apply(self, change: Change, approval: Approval | None) -> None:
        engine, actor = self.desk.engine, self.desk.actor
        assert engine is not None and actor is not None
        name = change.username
        try:
            with session_scope(engine) as session:
                if change.kind == "add":
                    user = accounts.add_user(
                        session,
                        actor,
                        username=name,
                        role=change.role,
                        password=change.password,
                        display_name=change.display_name,
                        approval=approval,
                    )
                    done = _("已添加用户 {username}（{role}）").format(
                        username=user.username, role=Role(user.role).label
                    )
                elif change.kind == "disable":
                    accounts.disable_user(session, actor, name, approval=approval)
                    done = _("已停用用户 {username}").format(username=name)
                elif change.kind == "enable":
                    accounts.enable_user(session, actor, name, approval=approval)
                    done = _("已启用用户 {username}").format(username=name)
                elif change.kind == "reset":
                    accounts.reset_password(
                        session, actor, name, password=change.password, approval=approval
                    )
                    done = _(
                        "已重置 {username} 的密码：请把临时密码交给本人，其下次登录须设置新密码"
                    ).format(username=name)
                else:
                    user = accounts.set_role(session, actor, name, change.role, approval=approval)
                    done = _("已把 {username} 的角色改为{role}").format(
                        username=name, role=Role(user.role).label
                    )
        except DomainError as exc:
            if exc.code == accounts.NEEDS_APPROVAL and approval is None:
                self.app.call_from_thread(self._ask_approval, change, exc.message)
            else:
                self.app.call_from_thread(self._failed, exc.message)
            return
        self.app.call_from_thread(self._done, done, name if change.kind != "add" else None)

    def worker_failed(self, name: str) -> None:
        self.busy = False

    def _failed(self, message: str) -> None:
        self.busy = False
        self._say(message, True)

    def _done(self, message: str, select: str | None) -> None:
        self.busy = False
        self._say(message)
        self.load(select)

    def _ask_approval(self, change: Change, message: str) -> None:
        self.busy = False
        self._say(message, True)

        def approved(approval: Approval | None) -> None:
            if approval is None:
                self._say(_("已取消：未经负责人核准，没有更改"))
                return
            self._run(change, approval)

        self.app.push_screen(ApproveDialog(message), callback=approved)
