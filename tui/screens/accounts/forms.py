"""The account dialogs of 用户管理: add a user, reset a password, change a role, and a lead's
approval. Each is a form of fields (Enter to the next, on the last it submits) that gives a
``Change`` (or an ``Approval``) back; the service makes the change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from models.i18n import _, pgettext
from models.services.users import Approval
from models.vocab import Role
from tui import plain
from tui.base import WorkerGuard

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
