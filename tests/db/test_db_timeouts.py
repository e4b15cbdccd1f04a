"""Issue 20 (6): one stuck desk never stops every desk (PostgreSQL). A desk waits a few seconds
for a lock, tens for a statement and five to connect (configurable), then says in one Chinese
sentence what happened; a payment is retried where that is safe; a desk frozen inside a
transaction is cut off by the server so the others go on."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select
from typer.testing import CliRunner

from models.campaign import Campaign
from models.config import load_config
from models.db import make_engine, retrying, session_scope
from models.errors import DatabaseBusy, DatabaseUnavailable, DomainError
from models.permissions import Actor
from models.services.payments import take_payment
from models.timeouts import DbTimeouts
from models.users import User
from models.vocab import Role
from tests.conftest import PG_URL
from tests.factories import AT, accepted, office
from tui.cli import app

pytestmark = pytest.mark.skipif(not PG_URL, reason="TEST_DATABASE_URL is not set")


@contextmanager
def _receipt_counter_held(engine: Engine) -> Iterator[None]:
    """Another desk, stopped in the middle of a payment: it holds the receipt counter's row."""
    conn = engine.connect()
    tx = conn.begin()
    conn.execute(text("SELECT next_value FROM number_sequence WHERE kind = 'receipt' FOR UPDATE"))
    try:
        yield
    finally:
        tx.rollback()
        conn.close()


def _desk(engine: Engine, **timeouts: float) -> Engine:
    return make_engine(
        engine.url.render_as_string(hide_password=False), timeouts=DbTimeouts(**timeouts)
    )


def _pay(desk: Engine, dossier_id: int, key: str) -> str:
    def pay(s: Session) -> str:
        c = s.exec(select(Campaign)).one()
        u = s.exec(select(User).where(User.username == "cashier")).one()
        actor = Actor(user_id=u.id, username="cashier", role=Role.cashier, desk="2号窗口")
        return take_payment(
            s, actor, c, dossier_id, method="cash", idempotency_key=key, now=AT
        ).receipt_code

    return retrying(desk, pay)


def test_a_desk_holding_the_receipt_counter_costs_another_desk_seconds_not_minutes(
    engine: Engine,
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL: several desks on one server")
    with session_scope(engine) as s:
        o = office(s)
        d = accepted(s, o, n=2)
    desk = _desk(engine, lock=1)
    try:
        with _receipt_counter_held(engine):
            started = time.monotonic()
            with pytest.raises(DatabaseBusy) as busy:
                _pay(desk, d.id or 0, "desk2-0001")
            waited = time.monotonic() - started
        assert busy.value.code == "db.lock_timeout"
        assert "另一窗口正在收费" in busy.value.message and "未保存" in busy.value.message
        assert waited < 10, waited  # two tries of a second each, with a pause
        # the other desk let go: the same confirmation goes through
        assert _pay(desk, d.id or 0, "desk2-0001") == "ZJ21F00002"
    finally:
        desk.dispose()


def test_a_desk_frozen_inside_a_transaction_is_cut_off_and_the_others_go_on(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL: several desks on one server")
    with session_scope(engine) as s:
        o = office(s)
        d = accepted(s, o, n=2)
    frozen = _desk(engine, idle_in_transaction=1)
    desk = _desk(engine, lock=3)
    try:
        conn = frozen.connect()
        conn.begin()
        conn.execute(
            text("SELECT next_value FROM number_sequence WHERE kind = 'receipt' FOR UPDATE")
        )  # …and the desk hangs
        started = time.monotonic()
        assert _pay(desk, d.id or 0, "desk2-0002") == "ZJ21F00002"
        assert time.monotonic() - started < 8
        with pytest.raises(DBAPIError):  # the server ended the frozen desk's session
            conn.execute(text("SELECT 1"))
        conn.close()
    finally:
        frozen.dispose()
        desk.dispose()


def test_a_statement_that_runs_too_long_is_stopped_with_a_sentence(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL")
    desk = _desk(engine, statement=1)
    try:
        with pytest.raises(DomainError) as slow, session_scope(desk) as s:
            s.connection().execute(text("SELECT pg_sleep(3)"))
        assert slow.value.code == "db.statement_timeout"
        assert "1 秒" in slow.value.message and "未保存" in slow.value.message
    finally:
        desk.dispose()


@contextmanager
def _silent_server() -> Iterator[int]:
    """A listener on 127.0.0.1 that accepts connections and never says a word."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        srv.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(srv.accept()[0])
            except OSError:
                continue

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        yield srv.getsockname()[1]
    finally:
        stop.set()
        t.join()
        for c in held:
            c.close()
        srv.close()


def test_a_server_that_accepts_and_never_answers_costs_seconds(engine: Engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("once")
    with _silent_server() as port:
        desk = make_engine(
            f"postgresql://desk@127.0.0.1:{port}/desk", timeouts=DbTimeouts(connect=2)
        )
        started = time.monotonic()
        with pytest.raises(DatabaseUnavailable) as down, session_scope(desk) as s:
            s.connection().execute(text("SELECT 1"))
        assert time.monotonic() - started < 10
        assert "127.0.0.1" in down.value.message
        desk.dispose()


def test_the_timeouts_are_settings(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        "db_lock_timeout = 2\ndb_statement_timeout = 20\ndb_connect_timeout = 3\n"
        "db_idle_transaction_timeout = 45\n",
        encoding="utf-8",
    )
    t = load_config(cfg).timeouts
    assert (t.lock, t.statement, t.connect, t.idle_in_transaction) == (2, 20, 3, 45)
    cfg.write_text("db_lock_timeout = 0\n", encoding="utf-8")
    with pytest.raises(DomainError) as bad:
        load_config(cfg)
    assert bad.value.code == "config.bad_value"


def test_desk_pay_on_the_command_line_waits_seconds_then_says_so(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL: several desks on one server")
    with session_scope(engine) as s:
        o = office(s)
        accepted(s, o, n=2)
    cfg = tmp_path / "config.toml"
    cfg.write_text('desk = "2号窗口"\ndb_lock_timeout = 1\n', encoding="utf-8")
    args = [
        "pay",
        "ZJ21S00002",
        "--method",
        "cash",
        "--no-print",
        "--user",
        "cashier",
        "--config",
        str(cfg),
        "--db",
        db_url,
    ]
    with _receipt_counter_held(engine):
        started = time.monotonic()
        r = CliRunner().invoke(app, args, env={"DESK_PASSWORD": "secret-pw"})
        assert time.monotonic() - started < 15
    assert r.exit_code == 1 and "另一窗口正在收费" in r.output, r.output
    r = CliRunner().invoke(app, args, env={"DESK_PASSWORD": "secret-pw"})
    assert r.exit_code == 0 and "ZJ21F00002" in r.output, r.output


def test_an_upgrade_while_a_desk_holds_a_payment_row_waits_then_says_so(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    """``desk db upgrade`` while an older desk is still working: a sentence (close the desks
    first), not a traceback; the database stays as it was."""
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL: several desks on one server")
    from models import migrate

    with session_scope(engine) as s:
        office(s)
    migrate.downgrade(engine, "0008")
    cfg = tmp_path / "config.toml"
    cfg.write_text("db_lock_timeout = 1\n", encoding="utf-8")
    conn = engine.connect()
    tx = conn.begin()
    conn.execute(text("SELECT id FROM payment FOR UPDATE"))
    try:
        started = time.monotonic()
        r = CliRunner().invoke(app, ["db", "upgrade", "--config", str(cfg), "--db", db_url])
        waited = time.monotonic() - started
    finally:
        tx.rollback()
        conn.close()
    assert r.exit_code == 1, r.output
    assert "请先关闭所有受理台" in r.output and "Traceback" not in r.output
    assert waited < 30, waited
    assert migrate.current_revision(engine) == "0008"
    migrate.upgrade(engine)
