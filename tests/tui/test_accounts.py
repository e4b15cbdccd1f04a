"""Accounts at the desk (issue 20), driven with Pilot at 80×24 on the demo office: a disabled
cashier cannot log in; a reset password sends the next login to a "new password" step before
the home screen; anyone changes their own password with F11 (设定, tui/keymap.py); the admin's 用户管理 (Ctrl+U) disables,
adds and, for a lead, asks another lead's approval."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, OptionList, Static
from textual.widgets._footer import FooterKey  # not exported by textual.widgets

from models.audit import AuditEvent
from models.db import session_scope
from models.permissions import SYSTEM
from models.services.users import authenticate, disable_user, reset_password
from models.users import User
from tests.pilot import SIZE, DeskPilot, demo_app, login, settle, static_text
from tui.screens.accounts.forms import AddUserDialog, ApproveDialog
from tui.screens.accounts.login import LoginScreen
from tui.screens.accounts.password import PasswordScreen
from tui.screens.accounts.users import UsersScreen
from tui.screens.home import HomeScreen
from tui.widgets.dialogs import ConfirmDialog


def _fits(screen: Screen[Any]) -> None:
    """Every widget shown lies inside 80×24."""
    for w in screen.query("*"):
        if w.display and w.region.area:
            assert w.region.right <= SIZE[0] and w.region.bottom <= SIZE[1], (w, w.region)


def _footer_shows(screen: Screen[Any], *keys: str) -> None:
    """These keys are in the footer, whole, left of the command palette's ^p."""
    shown = {k.key_display: k.region for k in screen.query_one(Footer).query(FooterKey)}
    palette = shown.pop("^p")
    for key in keys:
        assert key in shown and shown[key].right <= palette.x, (key, shown)


async def _type(pilot: DeskPilot, *text: str) -> None:
    for t in text:
        await pilot.press(*t, "enter")


async def test_a_disabled_cashier_cannot_log_in_at_the_desk(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        with session_scope(engine) as s:
            disable_user(s, SYSTEM, "cashier")
        await login(app, pilot, "cashier", "cashier123")
        assert isinstance(app.screen, LoginScreen) and app.actor is None
        assert (
            static_text(app.screen, "#login-error") == "用户名或密码不正确"
        )  # as a wrong password
        await login(app, pilot, "clerk", "wrong")
        assert static_text(app.screen, "#login-error") == "用户名或密码不正确"


async def test_a_reset_password_must_be_replaced_before_the_home_screen(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        with session_scope(engine) as s:
            reset_password(s, SYSTEM, "cashier", password="temp-123")
        await login(app, pilot, "cashier", "temp-123")
        screen = app.screen
        assert isinstance(screen, PasswordScreen) and app.actor is None
        assert not screen.query("#pw-current")  # the login just checked it
        _fits(screen)
        assert screen.focused is screen.query_one("#pw-new", Input)
        await _type(pilot, "new-cash-pw", "something-else")
        await settle(app, pilot)
        assert "两次输入的密码不一致" in static_text(screen, "#password-message")
        assert isinstance(app.screen, PasswordScreen)
        await _type(pilot, "new-cash-pw")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.actor is not None and not app.actor.must_change_password
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        await login(app, pilot, "cashier", "new-cash-pw")  # straight home now
        assert isinstance(app.screen, HomeScreen)


async def test_esc_on_the_new_password_step_logs_out(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        with session_scope(engine) as s:
            reset_password(s, SYSTEM, "clerk", password="temp-123")
        await login(app, pilot, "clerk", "temp-123")
        assert isinstance(app.screen, PasswordScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen) and app.actor is None
        assert "尚未设置新密码" in static_text(app.screen, "#login-error")


async def test_anyone_changes_their_own_password_with_f11(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await login(app, pilot, "clerk", "clerk123")
        assert isinstance(app.screen, HomeScreen)
        assert "F11 改密码" in static_text(app.screen, "#status-line")
        await pilot.press("f11")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, PasswordScreen)
        _fits(screen)
        await _type(pilot, "not-mine", "clerk-new-pw", "clerk-new-pw")
        await settle(app, pilot)
        assert "用户名或密码不正确" in static_text(screen, "#password-message")
        assert screen.focused is screen.query_one("#pw-current", Input)
        await _type(pilot, "clerk123")  # the new ones are still typed in
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
    with session_scope(engine) as s:
        assert authenticate(s, "clerk", "clerk-new-pw").username == "clerk"


async def test_every_home_screen_has_f11_and_the_admin_s_ctrl_u(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for user in ("lead", "admin", "cashier", "clerk"):
            await login(app, pilot, user, f"{user}123")
            assert isinstance(app.screen, HomeScreen)
            assert "F11 改密码" in static_text(app.screen, "#status-line")
            keys = {b.binding.action for b in app.screen.active_bindings.values() if b.enabled}
            assert "password" in keys
            assert ("users" in keys) == (user == "admin")
            if user == "admin":
                _footer_shows(app.screen, "^u")
            await pilot.press("ctrl+l")
            await settle(app, pilot)


async def test_the_admin_disables_a_cashier_and_adds_a_lead_with_a_lead_s_approval(
    engine: Engine,
) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await login(app, pilot, "admin", "admin123")
        await pilot.press("ctrl+u")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, UsersScreen)
        _fits(screen)
        _footer_shows(screen, "f5", "esc")
        assert "D 停用" in static_text(screen, "#users-keys")
        table = screen.query_one("#users", DataTable)
        names = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert names == ["clerk", "cashier", "lead", "admin"]
        # the departed cashier: D on their line, Enter to confirm
        table.move_cursor(row=1)
        await pilot.press("d")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, UsersScreen)
        assert "已停用用户 cashier" in static_text(screen, "#users-message")
        assert str(table.get_row_at(1)[3]) == "已停用"
        # disabling oneself is refused, in one sentence
        table.move_cursor(row=3)
        await pilot.press("d", "enter")
        await settle(app, pilot)
        assert "不能停用自己的账户" in static_text(screen, "#users-message")
        # a new lead: the service asks for a lead's approval, typed by that lead
        await pilot.press("a")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, AddUserDialog)
        _fits(dialog)
        await _type(pilot, "zhao", "负责人赵")
        dialog.query_one("#add-role", OptionList).highlighted = 2  # 负责人
        await pilot.press("enter")
        await _type(pilot, "lead-pw-1", "lead-pw-1")
        await settle(app, pilot)
        approve = app.screen
        assert isinstance(approve, ApproveDialog)
        _fits(approve)
        assert "另一位负责人核准" in str(approve.query_one(".dialog-title", Static).render())
        await _type(pilot, "lead", "lead123")
        await settle(app, pilot)
        assert isinstance(app.screen, UsersScreen)
        assert "已添加用户 zhao（负责人）" in static_text(screen, "#users-message")
        assert table.row_count == 5
    with session_scope(engine) as s:
        zhao = s.exec(select(User).where(User.username == "zhao")).one()
        assert zhao.role == "lead" and zhao.display_name == "负责人赵"
        [added] = [
            e
            for e in s.exec(select(AuditEvent).where(AuditEvent.action == "user.add"))
            if e.detail["username"] == "zhao"
        ]
        assert added.actor_name == "admin" and added.detail["approver"] == "lead"
        assert s.exec(select(User).where(User.username == "cashier")).one().disabled_at
