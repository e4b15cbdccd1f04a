"""Upgrading a multi-desk office (issue 25): the database records which desk version brought it
to its schema, and a desk older than the schema refuses to start, naming the version to
install — on both databases, from the service and from the command line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

from models import migrate
from models.backup import describe
from models.config import data_dir
from models.release import DeskRelease, SchemaNewer
from models.version import package_version, schema_head
from tui.cli import app


def _releases(engine: Engine) -> list[tuple[str, str]]:
    with Session(engine) as s:
        rows = s.exec(select(DeskRelease).order_by(col(DeskRelease.id))).all()
        return [(r.version, r.revision) for r in rows]


def test_the_database_records_the_desk_version_that_brought_it_to_its_schema(
    engine: Engine,
) -> None:
    migrate.upgrade(engine)  # nothing to apply: the release is recorded if none is
    recorded = _releases(engine)
    assert recorded and recorded[-1] == (package_version(), schema_head())
    migrate.upgrade(engine)  # the same desk again: no second row
    assert _releases(engine) == recorded


@pytest.fixture
def newer(engine: Engine) -> Iterator[Engine]:
    """The database as a newer desk (9.9.0) left it: a schema revision this desk lacks."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with Session(engine) as s:
        s.add(DeskRelease(version="9.9.0", revision="9999"))
        s.commit()
    try:
        yield engine
    finally:
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE alembic_version SET version_num = :head"), {"head": schema_head()}
            )


def test_an_older_desk_refuses_a_newer_schema_and_names_the_version(newer: Engine) -> None:
    with pytest.raises(SchemaNewer) as exc:
        migrate.upgrade(newer)  # before: Alembic's "Can't locate revision identified by '9999'"
    assert "受理台 9.9.0" in exc.value.message and package_version() in exc.value.message
    url = newer.url.render_as_string(hide_password=False)
    for argv in (["campaign", "list", "--db", url], ["db", "upgrade", "--db", url]):
        r = CliRunner().invoke(app, argv)
        assert r.exit_code == 1, r.output
        assert "请在本机安装受理台 9.9.0 或更新的版本" in r.output and "Traceback" not in r.output


def test_an_upgrade_takes_a_backup_first(engine: Engine, tmp_path: Path) -> None:
    """A newer desk on an older schema: ``desk db upgrade`` backs the database up as it is
    (SQLite copy or pg_dump) before it changes the schema; --no-backup skips it."""
    migrate.downgrade(engine, "0010")
    url = engine.url.render_as_string(hide_password=False)
    try:
        r = CliRunner().invoke(app, ["db", "upgrade", "--db", url])
    finally:
        migrate.upgrade(engine)
    assert r.exit_code == 0, r.output
    assert "升级前已备份到" in r.output and "升级到" in r.output
    backups = list((data_dir() / "backups").glob("upgrade-0010-*"))
    assert len(backups) == 1
    if engine.dialect.name == "sqlite":
        assert describe(backups[0]).revision == "0010"
    else:
        assert backups[0].read_bytes()[:5] == b"PGDMP"
    # already current: nothing to back up
    r = CliRunner().invoke(app, ["db", "upgrade", "--db", url])
    assert r.exit_code == 0 and "升级前已备份到" not in r.output
