"""Database faults: a PostgreSQL server that drops the desk's connections (a restart does the
same to every client) or cannot be reached, and a SQLite file another desk is writing. Each
gives one Chinese sentence (DatabaseUnavailable / DatabaseBusy), keeps nothing half-written,
and the next operation works once the database is back."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import select

from models.audit import AuditEvent
from models.db import is_sqlite, make_engine, session_scope
from models.errors import DatabaseBusy, DatabaseUnavailable
from models.permissions import SYSTEM
from models.services.users import add_user, count_users
from models.users import User
from models.vocab import Role
from tests.conftest import PG_URL

needs_pg = pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL is not set")


def _hold_write_lock(path: Path, seconds: float, started: threading.Event) -> None:
    """Another desk: takes the writers' lock on the file and keeps it for ``seconds``."""
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute(
        "INSERT INTO desk_user (username, display_name, role, password_hash, active, "
        "failed_attempts, created_at) VALUES ('other', 'other', 'clerk', 'x', 1, 0, "
        "'2021-09-27 00:00:00')"
    )
    started.set()
    time.sleep(seconds)
    other.execute("COMMIT")
    other.close()


def _sqlite(engine: Engine) -> Path:
    if not is_sqlite(engine):
        pytest.skip("SQLite only")
    assert engine.url.database
    return Path(engine.url.database)


@contextmanager
def _another_desk_writing(engine: Engine, seconds: float) -> Iterator[None]:
    """While the block runs another desk holds the SQLite file's writers' lock (``seconds``
    from the start); the block's end waits for that desk to finish."""
    path = _sqlite(engine)
    started = threading.Event()
    holder = threading.Thread(target=_hold_write_lock, args=(path, seconds, started))
    holder.start()
    started.wait(5)
    try:
        yield
    finally:
        holder.join()


def test_sqlite_busy_waits_with_backoff_then_writes(engine: Engine) -> None:
    with _another_desk_writing(engine, 3.0):
        t0 = time.monotonic()
        with session_scope(engine) as s:  # the first BEGIN waits 2 s in SQLite, then we retry
            add_user(s, SYSTEM, username="wang", role=Role.clerk, password="secret-pw")
        waited = time.monotonic() - t0
    assert 2.5 < waited < 10
    with session_scope(engine, readonly=True) as s:
        assert {u.username for u in s.exec(select(User))} == {"other", "wang"}


def test_sqlite_busy_too_long_is_one_chinese_sentence(engine: Engine) -> None:
    impatient = engine.execution_options(busy_retry_seconds=0.5)
    with (
        _another_desk_writing(engine, 3.0),
        pytest.raises(DatabaseBusy) as exc,
        session_scope(impatient) as s,
    ):
        add_user(s, SYSTEM, username="wang", role=Role.clerk, password="secret-pw")
    assert "另一台工作站正在写入数据库" in exc.value.message and "未保存" in exc.value.message
    with session_scope(engine, readonly=True) as s:
        assert "wang" not in {u.username for u in s.exec(select(User))}
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "user.add")).all() == []


def _kill_connections(engine: Engine) -> int:
    """What a server restart does to its clients: every other backend of this database ends."""
    with make_engine(PG_URL).connect() as conn:
        killed = conn.execute(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ).scalar_one()
    return int(killed)


@needs_pg
def test_connection_lost_mid_transaction_keeps_nothing_and_reconnects(engine: Engine) -> None:
    if is_sqlite(engine):
        pytest.skip("PostgreSQL only")
    with pytest.raises(DatabaseUnavailable) as exc, session_scope(engine) as s:
        add_user(s, SYSTEM, username="wang", role=Role.clerk, password="secret-pw")
        assert _kill_connections(engine) >= 1
        add_user(s, SYSTEM, username="li", role=Role.cashier, password="secret-pw")
    assert exc.value.code == "db.lost"
    assert "连接中断" in exc.value.message and "未保存" in exc.value.message
    with session_scope(engine) as s:  # reconnected: nothing of the lost transaction is there
        assert count_users(s) == 0
        add_user(s, SYSTEM, username="wang", role=Role.clerk, password="secret-pw")
    with session_scope(engine, readonly=True) as s:
        assert count_users(s) == 1


@needs_pg
def test_idle_connections_dropped_by_a_restart_are_replaced_unnoticed(engine: Engine) -> None:
    if is_sqlite(engine):
        pytest.skip("PostgreSQL only")
    with session_scope(engine) as s:
        add_user(s, SYSTEM, username="wang", role=Role.clerk, password="secret-pw")
    _kill_connections(engine)
    with session_scope(engine) as s:  # the pool tests the connection before use
        add_user(s, SYSTEM, username="li", role=Role.cashier, password="secret-pw")
    with session_scope(engine, readonly=True) as s:
        assert count_users(s) == 2


def test_an_unreachable_server_is_explained() -> None:
    engine = make_engine("postgresql://desk@127.0.0.1:1/desk?connect_timeout=2")
    with pytest.raises(DatabaseUnavailable) as exc, session_scope(engine) as s:
        count_users(s)
    assert exc.value.code == "db.unreachable"
    assert "无法连接数据库服务器（127.0.0.1:1）" in exc.value.message


@pytest.mark.skipif(
    os.environ.get("DESK_TEST_PG_RESTART") != "1",
    reason="restarts the PostgreSQL cluster: set DESK_TEST_PG_RESTART=1",
)
@needs_pg
def test_a_real_server_restart(engine: Engine) -> None:
    """``DESK_TEST_PG_RESTART=1 pytest -k real_server_restart``: pg_ctlcluster restart between
    two writes and during a transaction (docs/reliability.md)."""
    if is_sqlite(engine):
        pytest.skip("PostgreSQL only")

    def restart() -> None:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"],
            check=True,
            capture_output=True,
        )

    with session_scope(engine) as s:
        add_user(s, SYSTEM, username="wang", role=Role.clerk, password="secret-pw")
    restart()
    with session_scope(engine) as s:
        add_user(s, SYSTEM, username="li", role=Role.cashier, password="secret-pw")
    with pytest.raises(DatabaseUnavailable), session_scope(engine) as s:
        add_user(s, SYSTEM, username="zhao", role=Role.cashier, password="secret-pw")
        restart()
        add_user(s, SYSTEM, username="sun", role=Role.cashier, password="secret-pw")
    with session_scope(engine, readonly=True) as s:
        assert {u.username for u in s.exec(select(User))} == {"wang", "li"}
