"""Engines and sessions. No engine exists at import time: callers make one from a URL.

SQLite (the embedded single-desk default) runs in WAL with foreign keys on and
``synchronous=FULL``; writers take the lock at BEGIN (``BEGIN IMMEDIATE``) so two desks on one
file queue instead of failing half-way. PostgreSQL (psycopg 3) is the multi-desk deployment.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from models.errors import DatabaseBusy, DatabaseUnavailable, DomainError
from models.i18n import _

# SQLite: each attempt to take the writers' lock waits this long inside SQLite; a desk whose
# BEGIN still finds the file busy tries again, backing off, for up to BUSY_RETRY_SECONDS in all,
# then says so in Chinese (DatabaseBusy) instead of raising "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 2_000
BUSY_RETRY_SECONDS = 30.0


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and route them to psycopg 3."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_engine(url: str, *, echo: bool = False, **kwargs: Any) -> Engine:
    """An engine for ``url``. Its errors never quote a statement's parameters (ID numbers,
    password hashes): ``hide_parameters``, so the error log holds none."""
    # Every table must be in the metadata before the first flush: an AuditEvent points at
    # campaign, and SQLAlchemy resolves that foreign key when it orders the inserts, even in a
    # command (``desk user add``) that never touched a campaign.
    import models.tables  # noqa: F401

    kwargs.setdefault("hide_parameters", True)
    url = normalise_url(url)
    u = make_url(url)
    if u.get_backend_name() == "sqlite":
        memory = u.database in (None, "", ":memory:")
        connect_args = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
        # Let us issue BEGIN ourselves (pysqlite's implicit BEGIN cannot be IMMEDIATE).
        connect_args["isolation_level"] = None  # type: ignore[assignment]
        if memory:
            kwargs.setdefault("poolclass", StaticPool)
        if u.database and not memory:
            Path(u.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args=connect_args, **kwargs)
        _install_sqlite_hooks(engine, memory=memory)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, echo=echo, **kwargs)


def _install_sqlite_hooks(engine: Engine, *, memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        if not memory:
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA cache_size=-65536")  # 64 MB: index upkeep in large imports
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        begin_with_retry(conn, options.get("sqlite_begin", "IMMEDIATE"),
                         options.get("busy_retry_seconds", BUSY_RETRY_SECONDS))


def begin_with_retry(conn: Any, mode: str, limit: float) -> None:
    """BEGIN on SQLite; while another desk holds the writers' lock, wait and try again (0.05 s,
    doubling to 1 s between tries) until ``limit`` seconds have passed."""
    started = time.monotonic()
    pause = 0.05
    while True:
        try:
            conn.exec_driver_sql(f"BEGIN {mode}")
            return
        except OperationalError as exc:
            if not _is_busy(exc):
                raise
            waited = time.monotonic() - started
            if waited >= limit:
                raise DatabaseBusy(
                    _("另一台工作站正在写入数据库，已等待 {waited:.0f} 秒仍未完成；本次操作未保存，请稍后再试（若一直如此，请检查是否有程序卡住）").format(waited=waited), code="db.busy") from None
            time.sleep(min(pause, max(0.0, limit - waited)))
            pause = min(pause * 2, 1.0)


def _is_busy(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database is busy" in text


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextlib.contextmanager
def session_scope(engine: Engine, *, readonly: bool = False) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception, always close.

    ``readonly=True`` starts a deferred transaction on SQLite so long reads do not hold the
    writers' lock; elsewhere it changes nothing.
    """
    bind = engine.execution_options(sqlite_begin="DEFERRED") if readonly else engine
    with Session(bind, expire_on_commit=False) as session:
        committing = False
        try:
            yield session
            committing = True
            session.commit()
        except DBAPIError as exc:
            _rollback_quietly(session)
            problem = database_problem(exc, engine, committing=committing)
            if problem is None:
                raise
            raise problem from exc
        except BaseException:
            _rollback_quietly(session)
            raise


def _rollback_quietly(session: Session) -> None:
    with contextlib.suppress(DBAPIError):  # the connection is gone: the server rolled back
        session.rollback()


def database_problem(exc: DBAPIError, engine: Engine, *, committing: bool = False
                     ) -> DomainError | None:
    """A fault of the database rather than of the program, as one Chinese sentence: the server
    went away (restarted, network cut) or could not be reached, or SQLite stayed busy. The
    engine reconnects by itself on the next use (pool_pre_ping; a lost connection invalidates
    the pool). None for anything else (a bug: the caller re-raises it)."""
    if _is_busy(exc):
        return DatabaseBusy(_("另一台工作站正在写入数据库，本次操作未保存；请稍后再试"), code="db.busy")
    if not isinstance(exc, OperationalError) and not exc.connection_invalidated:
        return None
    where = engine.url.host or _("本机")
    if exc.connection_invalidated or _lost(exc):
        if committing:
            return DatabaseUnavailable(
                _("提交时与数据库服务器（{where}）的连接中断，本次操作可能已保存，也可能未保存：请重新查询后再决定是否重做（已自动重新连接）").format(where=where), code="db.lost_at_commit")
        return DatabaseUnavailable(
            _("与数据库服务器（{where}）的连接中断（服务器重启或网络中断），本次操作未保存；已自动重新连接，请再做一次").format(where=where), code="db.lost")
    if engine.dialect.name == "sqlite":
        return None
    return DatabaseUnavailable(
        _("无法连接数据库服务器（{where}:{value}）：请检查服务器是否在运行、网络是否连通；恢复后重试即可，本次操作未保存").format(where=where, value=engine.url.port or 5432), code="db.unreachable")


def _lost(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return any(words in text for words in (
        "terminating connection", "server closed the connection", "connection already closed",
        "consuming input failed", "the connection is lost", "connection is closed",
        "ssl connection has been closed"))
