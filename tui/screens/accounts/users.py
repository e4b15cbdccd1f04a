"""用户管理 (the admin's): the accounts with their role and state; add, disable, enable, reset a
password, change a role — each a key on the selected line, each change made by the service in a
worker (permission, the rules of docs/adr/0005-accounts.md, the audit). When a change gives
someone a lead's powers the service asks for a lead's approval: a dialog takes that lead's user
name and password, typed by the lead, and the change is tried again with them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from models.errors import DomainError
from models.i18n import _, pgettext
from models.services.users import Approval
from models.vocab import Role
from tui import plain
from tui.base import WorkerGuard
from tui.keymap import bind

if TYPE_CHECKING:
    from models.services.users import UserRow
    from tui.app import DeskApp

T = TypeVar("T")


@dataclass(frozen=True)
class Change:
    """One account change the admin asked for."""

    kind: str  # add, disable, enable, reset, role
    username: str
    role: str = ""
    password: str = ""
    display_name: str = ""


FORM_CSS = """
.user-form .form-row { height: 1; margin-bottom: 1; }
.user-form .form-roles { height: auto; margin-bottom: 1; }
.user-form .form-label { width: 14; }
.user-form Input, .user-form Input:focus {
    border: none; height: 1; width: 1fr; padding: 0 1; background: $boost;
}
.user-form Input:focus { background: $primary 30%; }
.user-form OptionList, .user-form OptionList:focus {
    border: none; padding: 0; height: auto; width: 1fr; background: $boost;
}
.user-form .form-message { color: $error; height: auto; }
.user-form .dialog-title { margin-bottom: 1; }
"""


def _field(field_id: str, *, password: bool = False, max_length: int = 60) -> Input:
    # takes-scans: what is typed here is never taken for a barcode scan
    return Input(id=field_id, password=password, max_length=max_length, classes="takes-scans")


def _row(label: str, field: Input) -> Horizontal:
    return Horizontal(Label(label, classes="form-label"), field, classes="form-row")


def _roles(field_id: str) -> Horizontal:
    roles = OptionList(*[Option(r.label, id=r.value) for r in Role], id=field_id)
    return Horizontal(Label(_("角色"), classes="form-label"), roles, classes="form-roles")


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
        yield Footer(compact=True)

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
        from models.db import session_scope
        from models.services.users import list_users

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
        from tui.work.accounts import state, when

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
        from models.db import session_scope
        from models.services import users as accounts

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


# ---- dialogs ----------------------------------------------------------------------------------


class _Form(WorkerGuard, ModalScreen[T | None], Generic[T]):
    """A dialog of fields: Enter goes to the next field and, on the last, submits; Esc cancels."""

    BINDINGS = [Binding("escape", "cancel", pgettext("key", "取消"))]
    DEFAULT_CSS = FORM_CSS

    def _order(self) -> list[str]:
        return [w.id for w in self.query("Input, OptionList") if w.id]

    def _next_after(self, here: str) -> None:
        order = self._order()
        if here in order and order.index(here) < len(order) - 1:
            self.query_one(f"#{order[order.index(here) + 1]}").focus()
        else:
            self.submit()

    @on(Input.Submitted)
    def _entered(self, event: Input.Submitted) -> None:
        event.stop()
        self._next_after(event.input.id or "")

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._next_after(event.option_list.id or "")

    def _say(self, message: str) -> None:
        self.query_one(".form-message", Static).update(plain.message(message))

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value

    def _passwords_match(self, first: str, second: str) -> str | None:
        new, again = self._value(first), self._value(second)
        if not new:
            self._say(_("请输入密码"))
            self.query_one(f"#{first}", Input).focus()
            return None
        if new != again:
            self._say(_("两次输入的密码不一致"))
            self.query_one(f"#{second}", Input).value = ""
            self.query_one(f"#{second}", Input).focus()
            return None
        return new

    def submit(self) -> None:
        raise NotImplementedError

    def action_cancel(self) -> None:
        self.dismiss(None)


class AddUserDialog(_Form[Change]):
    """添加用户: name, display name, role, first password (twice)."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog user-form"):
            yield Static(_("添加用户：用户名、显示名、角色和初始密码"), classes="dialog-title")
            yield _row(_("用户名"), _field("add-name", max_length=30))
            yield _row(_("显示名"), _field("add-shown"))
            yield _roles("add-role")
            yield _row(_("密码"), _field("add-pw", password=True, max_length=128))
            yield _row(_("再输一次"), _field("add-again", password=True, max_length=128))
            yield Static("", classes="form-message")
            yield Static(_("Enter 下一项 / 添加 · ↑↓ 选角色 · Esc 取消"), classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#add-role", OptionList).highlighted = 0
        self.query_one("#add-name", Input).focus()

    def submit(self) -> None:
        name = self._value("add-name").strip()
        if not name:
            self._say(_("请输入用户名"))
            self.query_one("#add-name", Input).focus()
            return
        roles = self.query_one("#add-role", OptionList)
        if roles.highlighted is None:
            roles.focus()
            return
        password = self._passwords_match("add-pw", "add-again")
        if password is None:
            return
        role = roles.get_option_at_index(roles.highlighted).id or Role.clerk.value
        self.dismiss(
            Change(
                "add",
                name,
                role=role,
                password=password,
                display_name=self._value("add-shown").strip(),
            )
        )


class ResetPasswordDialog(_Form[Change]):
    """重置密码: a temporary password (twice); the user must change it at the next login."""

    def __init__(self, username: str) -> None:
        super().__init__()
        self.username = username

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog user-form"):
            yield Static(
                Text(
                    _(
                        "重置 {username} 的密码：设一个临时密码交给本人，其下次登录须设置新密码"
                    ).format(username=self.username)
                ),
                classes="dialog-title",
            )
            yield _row(_("临时密码"), _field("reset-pw", password=True, max_length=128))
            yield _row(_("再输一次"), _field("reset-again", password=True, max_length=128))
            yield Static("", classes="form-message")
            yield Static(_("Enter 下一项 / 重置 · Esc 取消"), classes="dialog-help")

    def on_mount(self) -> None:
        self.query_one("#reset-pw", Input).focus()

    def submit(self) -> None:
        password = self._passwords_match("reset-pw", "reset-again")
        if password is not None:
            self.dismiss(Change("reset", self.username, password=password))


class RoleDialog(_Form[Change]):
    """改角色: pick the new role."""

    def __init__(self, username: str, role: Role) -> None:
        super().__init__()
        self.username = username
        self.role = role

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog user-form"):
            yield Static(
                Text(
                    _("更改 {username} 的角色（现为{role}）").format(
                        username=self.username, role=self.role.label
                    )
                ),
                classes="dialog-title",
            )
            yield _roles("role-pick")
            yield Static("", classes="form-message")
            yield Static(_("↑↓ 选角色 · Enter 确定 · Esc 取消"), classes="dialog-help")

    def on_mount(self) -> None:
        roles = self.query_one("#role-pick", OptionList)
        roles.highlighted = list(Role).index(self.role)
        roles.focus()

    def submit(self) -> None:
        roles = self.query_one("#role-pick", OptionList)
        if roles.highlighted is not None:
            role = roles.get_option_at_index(roles.highlighted).id or self.role.value
            self.dismiss(Change("role", self.username, role=role))


class ApproveDialog(_Form[Approval]):
    """A lead approves: their own user name and password, typed by them at this desk."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog user-form"):
            yield Static(Text(self.message), classes="dialog-title")
            yield _row(_("负责人用户名"), _field("approver-name", max_length=30))
            yield _row(_("负责人密码"), _field("approver-pw", password=True, max_length=128))
            yield Static("", classes="form-message")
            yield Static(
                _("由核准的负责人本人输入 · Enter 下一项 / 核准 · Esc 取消"), classes="dialog-help"
            )

    def on_mount(self) -> None:
        self.query_one("#approver-name", Input).focus()

    def submit(self) -> None:
        name, password = self._value("approver-name").strip(), self._value("approver-pw")
        if not name:
            self._say(_("请输入负责人的用户名"))
            self.query_one("#approver-name", Input).focus()
            return
        if not password:
            self._say(_("请输入密码"))
            self.query_one("#approver-pw", Input).focus()
            return
        self.dismiss(Approval(name, password))


class ConfirmDialog(WorkerGuard, ModalScreen[bool]):
    """A yes or no: Enter confirms, Esc cancels."""

    BINDINGS = [
        Binding("escape", "cancel", pgettext("key", "取消")),
        Binding("enter", "confirm", pgettext("key", "确定"), priority=True),
    ]

    def __init__(self, question: str, help_text: str) -> None:
        super().__init__()
        self.question = question
        self.help_text = help_text

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Text(self.question), classes="dialog-title")
            yield Static(self.help_text, classes="dialog-help")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
