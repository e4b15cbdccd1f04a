"""``desk audit verify``: 0 when the chain and the payments hold; 1 naming the first broken link
and the receipt edited by hand; clerks may not run it."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from models.db import is_sqlite, session_scope
from tests.factories import office_with_money
from tests.support import drop_audit_guard
from tui.cli import app

runner = CliRunner()
ENV = {"DESK_PASSWORD": "secret-pw"}


def test_verify_passes_then_catches_a_hand_edited_payment(engine: Engine, db_url: str) -> None:
    office_with_money(engine)
    r = runner.invoke(app, ["audit", "verify", "--user", "lead", "--db", db_url], env=ENV)
    assert r.exit_code == 0, r.output
    assert "审计链完整" in r.output and "收费记录：5 笔，均与其审计记录一致" in r.output

    r = runner.invoke(app, ["audit", "verify", "--user", "clerk", "--db", db_url], env=ENV)
    assert r.exit_code == 1 and "受理员无权核验审计记录" in r.output

    with engine.begin() as conn:
        conn.execute(
            text(
                "DROP TRIGGER payment_no_update"
                if is_sqlite(engine)
                else "ALTER TABLE payment DISABLE TRIGGER payment_immutable"
            )
        )
        conn.execute(text("UPDATE payment SET method = 'card' WHERE receipt_code = 'ZJ21F00002'"))
    r = runner.invoke(app, ["audit", "verify", "--user", "lead", "--db", db_url], env=ENV)
    assert r.exit_code == 1
    assert "收据 ZJ21F00002" in r.output and "写入后被改动，与审计记录不符" in r.output

    with engine.begin() as conn:
        for sql in drop_audit_guard(engine):
            conn.execute(text(sql))
        conn.execute(text("UPDATE audit_event SET detail = '{}' WHERE chain_seq = 3"))
    r = runner.invoke(app, ["audit", "verify", "--user", "lead", "--json", "--db", db_url], env=ENV)
    assert r.exit_code == 1
    got = json.loads(r.output)
    assert got["ok"] is False and got["first_break"]["seq"] == 3
    assert "写入后被改动" in got["first_break"]["text"]
    with session_scope(engine, readonly=True) as s:  # each run was recorded, with its outcome
        runs = (
            s.connection()
            .execute(text("SELECT count(*) FROM audit_event WHERE action = 'audit.verify'"))
            .one()
        )
    assert runs[0] == 3


def test_options_before_the_command_hold_for_it(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    """``desk --db URL audit verify`` reads URL (it once read the configured database, where
    the lead did not exist); ``--demo`` is refused with a command."""
    office_with_money(engine)
    env = {**ENV, "DESK_DATA_DIR": str(tmp_path), "DESK_DATABASE_URL": "", "DESK_CONFIG": ""}
    r = runner.invoke(app, ["--db", db_url, "audit", "verify", "--user", "lead"], env=env)
    assert r.exit_code == 0, r.output
    assert "收费记录：5 笔，均与其审计记录一致" in r.output
    r = runner.invoke(app, ["--demo", "audit", "verify"], env=env)
    assert r.exit_code == 2 and "--demo 只用于启动受理台界面" in r.output
