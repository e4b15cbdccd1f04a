"""Issue 20 (12): a full disk and a read-only database file are one Chinese sentence saying
what was and was not saved, never "database or disk is full" in a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from models.db import is_sqlite, session_scope
from models.errors import DomainError
from models.permissions import SYSTEM
from models.services.users import add_user, count_users
from tui.cli import app


@contextmanager
def _every_sqlite_connection(pragma: str) -> Iterator[None]:
    """Every SQLite connection made meanwhile (the command line's too) runs ``pragma`` first:
    ``max_page_count`` makes the file full at its current size, ``query_only`` read-only."""

    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        if "sqlite" in type(dbapi_conn).__module__:
            if pragma == "full":
                pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
                dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")
            else:
                dbapi_conn.execute("PRAGMA query_only = ON")

    event.listen(Engine, "connect", on_connect)
    try:
        yield
    finally:
        event.remove(Engine, "connect", on_connect)


def _sqlite_only(engine: Engine) -> None:
    if not is_sqlite(engine):
        pytest.skip("SQLite: the file on this desk's disk")


def _fill(engine: Engine) -> None:
    engine.dispose()  # the next connections are made under the pragma


def test_a_full_disk_is_one_sentence_and_nothing_half_saved(engine: Engine) -> None:
    _sqlite_only(engine)
    with _every_sqlite_connection("full"):
        _fill(engine)
        with pytest.raises(DomainError) as full, session_scope(engine) as s:
            for i in range(200):  # more than the file has room for
                add_user(
                    s,
                    SYSTEM,
                    username=f"user{i}",
                    role="clerk",
                    password="secret-pw",
                    display_name="x" * 50,
                )
        assert full.value.code == "db.full"
        assert full.value.message.startswith("磁盘已满") and "未保存" in full.value.message
    engine.dispose()
    with session_scope(engine, readonly=True) as s:
        assert count_users(s) == 0  # all or nothing


def test_a_read_only_database_says_so(engine: Engine) -> None:
    _sqlite_only(engine)
    with _every_sqlite_connection("read-only"):
        _fill(engine)
        with pytest.raises(DomainError) as ro, session_scope(engine) as s:
            add_user(s, SYSTEM, username="wang", role="clerk", password="secret-pw")
        assert ro.value.code == "db.read_only"
        assert "只读" in ro.value.message and "未保存" in ro.value.message
    engine.dispose()


def test_the_command_line_on_a_full_disk_exits_1_with_the_sentence(
    engine: Engine, db_url: str
) -> None:
    _sqlite_only(engine)
    r = CliRunner().invoke(app, ["campaign", "new", "bz21", "--from", "000", "--db", db_url])
    assert r.exit_code == 0, r.output
    sample = Path(__file__).parents[1] / "data" / "online_approved_bz_vocational_2021.xlsx"
    with _every_sqlite_connection("full"):
        _fill(engine)
        r = CliRunner().invoke(
            app, ["import", "online", str(sample), "--campaign", "bz21", "--db", db_url]
        )
    assert r.exit_code == 1, r.output
    assert "磁盘已满" in r.output and "程序出错" not in r.output
