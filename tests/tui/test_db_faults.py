"""The desk while PostgreSQL is away: a clear sentence on screen, keys still answered, and the
desk works again as soon as the server is back (no restart of the desk)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from textual.widgets import Static

from models.db import is_sqlite, make_engine
from tests.conftest import PG_URL
from tests.pilot import SIZE, demo_app, login, settle
from tui.screens.accounts.login import LoginScreen
from tui.screens.home import HomeScreen


def _allow_connections(allowed: bool) -> None:
    """Stop (or resume) every connection to the test database, from the maintenance database;
    stopping also ends the connections already open, as a server restart does."""
    url = make_url(PG_URL)
    admin = make_engine(url.set(database="postgres").render_as_string(hide_password=False))
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(
                text(
                    f'ALTER DATABASE "{url.database}" '
                    f"WITH ALLOW_CONNECTIONS {'true' if allowed else 'false'}"
                )
            )
            if not allowed:
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :db AND pid <> pg_backend_pid()"
                    ),
                    {"db": url.database},
                )
    finally:
        admin.dispose()


async def test_server_away_then_back(engine: Engine) -> None:
    if is_sqlite(engine):
        pytest.skip("PostgreSQL only")
    app = demo_app(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await login(app, pilot, "lead", "lead123")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        _allow_connections(False)
        try:
            await login(app, pilot, "cashier", "cashier123")
            assert isinstance(app.screen, LoginScreen)
            shown = str(app.screen.query_one("#login-error", Static).render())
            assert "无法连接数据库服务器" in shown and "恢复后重试即可" in shown
            await pilot.press("tab")  # the desk still answers keys
            await settle(app, pilot)
        finally:
            _allow_connections(True)
        await login(app, pilot, "cashier", "cashier123")  # back: no restart of the desk
        assert isinstance(app.screen, HomeScreen) and app.actor is not None
        assert app.actor.username == "cashier"
