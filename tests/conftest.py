"""Shared fixtures. Every test that takes ``engine`` (or ``session``) runs on SQLite and on
PostgreSQL (``TEST_DATABASE_URL``). With ``CI=true`` a missing PostgreSQL fails the run."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session

import models.services.users.hashing as _users  # where the services find the hasher
from models import migrate
from models.db import make_engine
from printers.errors import FontMissing
from printers.fonts import FontRef, find_cjk_font

# Cheap argon2 in this process's tests only: a demo office's four users cost ~0.6 s with the
# production parameters, and a Pilot test seeds one each. The production parameters are the
# strong ones (tests/unit/test_passwords.py::test_the_desk_hashes_with_strong_parameters, in a
# fresh process); a desk started as a subprocess by a test uses those.
_users._hasher = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
_users._DUMMY_HASH = _users._hasher.hash("committee-desk-dummy-password")

BASE_PG_URL = os.environ.get("TEST_DATABASE_URL", "").strip()
# pytest-xdist: each worker (gw0, gw1 …) has a database of its own, beside the one named
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")


def _worker_url(url: str, worker: str) -> str:
    if not url or not worker:
        return url
    from sqlalchemy.engine import make_url

    u = make_url(url)
    return u.set(database=f"{u.database}_{worker}").render_as_string(hide_password=False)


PG_URL = _worker_url(BASE_PG_URL, WORKER)
IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]


def pytest_configure(config: pytest.Config) -> None:
    if IN_CI and not PG_URL:
        raise pytest.UsageError(
            "CI=true but TEST_DATABASE_URL is not set: the PostgreSQL half of the suite must run in CI"
        )


def pytest_report_header(config: pytest.Config) -> str:
    return f"database backends: {', '.join(BACKENDS)}" + (
        "" if PG_URL else "  (set TEST_DATABASE_URL to add PostgreSQL)"
    )


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()  # the last connection to close checkpoints the WAL into the file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(scope="session")
def pg_engine() -> Iterator[Engine]:
    if not PG_URL:
        pytest.fail("TEST_DATABASE_URL is not set")
    if PG_URL != BASE_PG_URL:
        _create_worker_database()
    engine = make_engine(PG_URL)
    with engine.begin() as conn:  # a clean schema, then the migrations
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    yield engine
    engine.dispose()
    if PG_URL != BASE_PG_URL:
        _drop_worker_database()


def _admin() -> Engine:
    return make_engine(BASE_PG_URL)


def _worker_db() -> str:
    from sqlalchemy.engine import make_url

    name = make_url(PG_URL).database
    assert name and name.replace("_", "").isalnum(), name
    return name


def _create_worker_database() -> None:
    admin = _admin()
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{_worker_db()}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{_worker_db()}"'))
    finally:
        admin.dispose()


def _drop_worker_database() -> None:
    admin = _admin()
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{_worker_db()}" WITH (FORCE)'))
    finally:
        admin.dispose()


def _truncate_pg(engine: Engine) -> None:
    from models.tables import metadata

    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        # a tamper test disables a table's guard triggers: every test starts with them on
        for t in ("payment", "audit_event", "day_close"):
            conn.execute(text(f'ALTER TABLE "{t}" ENABLE TRIGGER USER'))


@pytest.fixture(params=BACKENDS)
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        path = tmp_path / "desk.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
    else:
        eng = request.getfixturevalue("pg_engine")
        _truncate_pg(eng)
        try:
            yield eng
        finally:
            _truncate_pg(eng)


@pytest.fixture
def db_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture(autouse=True)
def _isolated_desk_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the developer's real config or data directory."""
    monkeypatch.setenv("DESK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DESK_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.delenv("DESK_DATABASE_URL", raising=False)
    monkeypatch.delenv("DESK_PASSWORD", raising=False)


# The printing tests need a CJK font (PNG previews, raster lines of rare characters, image
# mode). CI installs Debian's fonts-noto-cjk; elsewhere a missing font skips those tests with
# the reason, and in CI it fails them.
@pytest.fixture(scope="session")
def cjk_font() -> FontRef:
    try:
        return find_cjk_font()
    except FontMissing as exc:
        if IN_CI:
            pytest.fail(f"CI needs a CJK font: {exc.message}")
        pytest.skip(f"no CJK font on this machine: {exc.message}")
        raise
