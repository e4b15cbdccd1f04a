"""PostgreSQL backups run by the desk (issue 25): ``pg_dump -Fc`` to a private file, checked;
restored with ``pg_restore`` into an empty database only; without the client tools, one
Chinese line saying how to install them. Against the PostgreSQL on this machine."""

from __future__ import annotations

import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from models.backup import backup, listed_tables, pg_restore_into
from models.backup.records import BackupFailed, BadBackup, RestoreRefused
from models.db import make_engine
from models.vocab import Role
from tests.factories import office


@pytest.fixture
def pg(engine: Engine) -> Engine:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's own backup (SQLite's is tests/db/test_backup.py)")
    return engine


@pytest.fixture
def empty_database(pg: Engine) -> Iterator[str]:
    """A new, empty database on the same server; dropped afterwards."""
    name = f"desk_restore_{secrets.token_hex(4)}"
    admin = make_engine(pg.url.set(database="postgres").render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield pg.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _counts(url: str) -> dict[str, int]:
    eng = make_engine(url)
    try:
        with eng.connect() as conn:
            return {
                t: int(conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
                for t in ("payment", "dossier", "audit_event", "online_record")
            }
    finally:
        eng.dispose()


def test_pg_backup_and_restore_into_an_empty_database(
    pg: Engine, empty_database: str, tmp_path: Path
) -> None:
    with Session(pg) as session:
        o = office(session)
        lead = o.actor(Role.lead)
        session.commit()
    target = tmp_path / "desk.dump"
    snap = backup(pg, lead, target)
    assert target.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert {"payment", "dossier", "audit_event"} <= listed_tables(target, empty_database)
    assert snap.count("payment") >= 1 and snap.revision
    before = _counts(pg.url.render_as_string(hide_password=False))

    pg_restore_into(empty_database, target)
    after = _counts(empty_database)
    # the backup's own audit row was written after the dump
    assert after == before | {"audit_event": before["audit_event"] - 1}
    # a database that is not empty is never restored into
    with pytest.raises(RestoreRefused) as exc:
        pg_restore_into(empty_database, target)
    assert "不是空库" in exc.value.message and "createdb" in exc.value.message
    # a backup is not overwritten without --force; a file that is no dump is refused
    with pytest.raises(BackupFailed):
        backup(pg, lead, target)
    junk = tmp_path / "junk.dump"
    junk.write_bytes(b"not a dump")
    with pytest.raises(BadBackup):
        pg_restore_into(empty_database, junk)


def test_without_the_client_tools_the_desk_says_how_to_install_them(
    pg: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(pg) as session:
        lead = office(session).actor(Role.lead)
        session.commit()
    monkeypatch.setattr("models.backup.pg.shutil.which", lambda name: None)
    with pytest.raises(BackupFailed) as exc:
        backup(pg, lead, tmp_path / "desk.dump")
    assert exc.value.code == "backup.no_pg_tools"
    assert "apt install postgresql-client" in exc.value.message
    assert not list(tmp_path.iterdir())
    assert make_url(pg.url).database  # the database untouched
