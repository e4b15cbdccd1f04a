"""Drive the real app with Pilot at 80×24: the demo login screen, a failed and a good login,
the role home screen, log out."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from textual.widgets import Input, Static

from models.config import DeskConfig
from tests.pilot import SIZE, demo_app, login, settle, signed_in, static_text
from tui.app import make_app
from tui.screens.accounts.login import LoginScreen
from tui.screens.home import HomeScreen


async def test_demo_login_screen_is_chinese_and_shows_credentials(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        assert "受理与收费台" in static_text(screen, "#login-title")
        assert "529办公室" in static_text(screen, "#login-office")
        demo = static_text(screen, "#demo-users")
        for role, user in (
            ("受理员", "clerk"),
            ("收费员", "cashier"),
            ("负责人", "lead"),
            ("管理员", "admin"),
        ):
            assert f"{role}：{user} / {user}123" in demo
        # everything fits 80×24: the demo box ends above the footer
        box = screen.query_one("#demo-users").region
        assert box.bottom <= SIZE[1] - 1


async def test_wrong_password_then_typing_login_as_lead(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await login(app, pilot, "lead", "wrong")
        assert isinstance(app.screen, LoginScreen)
        assert "用户名或密码不正确" in static_text(app.screen, "#login-error")
        assert app.screen.query_one("#password", Input).value == ""
        # type it the way a person does: name, Enter, password, Enter
        app.screen.query_one("#username", Input).value = ""
        app.screen.query_one("#username", Input).focus()
        await pilot.press(*"lead", "enter", *"lead123", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.actor is not None and app.actor.username == "lead"
        assert "负责人 lead" in static_text(app.screen, "#status-line")
        assert "2021年度自治州中职" in static_text(app.screen, "#campaign")
        assert "进行中" in static_text(app.screen, "#campaign")
        figures = static_text(app.screen, "#figures")
        assert "网上通过形式审核" in figures
        fees = static_text(app.screen, "#fees")
        assert "评审中级：380.00 元" in fees
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen) and app.actor is None


async def test_each_role_reaches_its_home(engine: Engine) -> None:
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for user in ("clerk", "cashier", "lead", "admin"):
            await login(app, pilot, user, f"{user}123")
            assert isinstance(app.screen, HomeScreen), user
            has_system = bool(app.screen.query("#system"))
            assert has_system == (user == "admin")
            await pilot.press("ctrl+l")
            await settle(app, pilot)


async def test_database_failure_is_shown_not_a_traceback() -> None:
    cfg = DeskConfig(database_url="postgresql://nobody@127.0.0.1:1/none?connect_timeout=2")
    app = make_app(cfg)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = str(app.screen.query_one("#preparing", Static).render())
        assert "无法连接数据库" in text


async def test_idle_desk_locks_and_another_user_takes_over(engine: Engine) -> None:
    cfg = DeskConfig(database_url="unused", desk="1号窗口", idle_lock_minutes=10)
    app = make_app(cfg, engine=engine, demo=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await login(app, pilot, "clerk", "clerk123")
        assert isinstance(app.screen, HomeScreen)
        assert app.lock_if_idle(now=app.last_activity + 9 * 60) is False
        assert app.lock_if_idle(now=app.last_activity + 10 * 60 + 0.5) is True  # float-safe
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen) and app.actor is None
        assert "屏幕已锁定" in static_text(app.screen, "#login-error")
        await login(app, pilot, "cashier", "cashier123")
        assert isinstance(app.screen, HomeScreen) and signed_in(app) == "cashier"


@pytest.mark.parametrize("between", ["enter", "tab"])
async def test_a_burst_of_keys_lands_in_the_right_fields(engine: Engine, between: str) -> None:
    """A fast typist, a card reader or `tmux send-keys`: "cashier⏎cashier123⏎" (or with Tab in
    the middle) arrives before the app has drawn anything. The key in the middle must move to
    the password field at once, before the next keys are handed to a field."""
    from textual import events

    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        for key in [*"cashier", between, *"cashier123", "enter"]:
            app.post_message(events.Key(key, {"enter": "\r", "tab": "\t"}.get(key, key)))
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen), static_text(app.screen, "#login-error")
        assert app.actor is not None and app.actor.username == "cashier"
