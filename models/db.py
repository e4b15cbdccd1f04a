"""Engines and sessions. No engine exists at import time: callers make one from a URL.

SQLite (the embedded single-desk default) runs in WAL with foreign keys on and
``synchronous=FULL``; writers take the lock at BEGIN (``BEGIN IMMEDIATE``) so two desks on one
file queue instead of failing half-way. PostgreSQL (psycopg 3) is the multi-desk deployment.
"""

from __future__ import annotations

import contextlib
import time
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from models.errors import DatabaseBusy, DatabaseUnavailable, DomainError
from models.i18n import _
from models.timeouts import DbTimeouts

# SQLite: each attempt to take the writers' lock waits this long inside SQLite; a desk whose
# BEGIN still finds the file busy tries again, backing off, for up to BUSY_RETRY_SECONDS in all,
# then says so in Chinese (DatabaseBusy) instead of raising "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 2_000
BUSY_RETRY_SECONDS = 30.0


_TIMEOUTS: weakref.WeakKeyDictionary[Engine, DbTimeouts] = weakref.WeakKeyDictionary()


def timeouts_of(engine: Engine) -> DbTimeouts:
    return _TIMEOUTS.get(engine, DbTimeouts())


def normalise_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and route them to psycopg 3."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def make_engine(
    url: str, *, echo: bool = False, timeouts: DbTimeouts | None = None, **kwargs: Any
) -> Engine:
    """An engine for ``url``. Its errors never quote a statement's parameters (ID numbers,
    password hashes): ``hide_parameters``, so the error log holds none. On PostgreSQL every
    connection carries ``timeouts`` (the defaults when none are given)."""
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
            from models.files import create_private  # its folder 0700, the file 0600

            # before SQLite opens it: SQLite gives its -wal and -shm files the file's mode. An
            # existing file is left as it is (desk doctor warns); SQLite says why it cannot open
            with contextlib.suppress(OSError):
                create_private(Path(u.database))
        engine = create_engine(url, echo=echo, connect_args=connect_args, **kwargs)
        _install_sqlite_hooks(engine, memory=memory)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    t = timeouts or DbTimeouts()
    args = dict(kwargs.pop("connect_args", {}))
    args.setdefault("connect_timeout", max(1, round(t.connect)))  # libpq: whole seconds
    settings = " ".join(
        f"-c {name}={max(1, round(seconds * 1000))}"
        for name, seconds in (
            ("lock_timeout", t.lock),
            ("statement_timeout", t.statement),
            ("idle_in_transaction_session_timeout", t.idle_in_transaction),
        )
    )
    given = args.get("options") or u.query.get("options")
    args["options"] = f"{given} {settings}" if isinstance(given, str) and given else settings
    engine = create_engine(url, echo=echo, connect_args=args, **kwargs)
    _TIMEOUTS[engine] = t
    return engine


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
        begin_with_retry(
            conn,
            options.get("sqlite_begin", "IMMEDIATE"),
            options.get("busy_retry_seconds", BUSY_RETRY_SECONDS),
        )


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
                    _(
                        "另一台工作站正在写入数据库，已等待 {waited:.0f} 秒仍未完成；本次操作未保存，请稍后再试（若一直如此，请检查是否有程序卡住）"
                    ).format(waited=waited),
                    code="db.busy",
                ) from None
            time.sleep(min(pause, max(0.0, limit - waited)))
            pause = min(pause * 2, 1.0)


def _is_busy(exc: BaseException) -> bool:
    text = str(getattr(exc, "orig", exc)).lower()
    return "database is locked" in text or "database is busy" in text


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextlib.contextmanager
def session_scope(
    engine: Engine, *, readonly: bool = False, snapshot: bool = False
) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception, always close.

    ``readonly=True`` starts a deferred transaction on SQLite so long reads do not hold the
    writers' lock; elsewhere it changes nothing. ``snapshot=True`` makes every statement of the
    unit read the same moment on PostgreSQL (REPEATABLE READ): a check that reads several
    tables (``desk audit verify``) never sees a payment without the event written with it
    (on SQLite a transaction is one snapshot already).
    """
    bind = engine.execution_options(sqlite_begin="DEFERRED") if readonly else engine
    if snapshot and engine.dialect.name == "postgresql":
        bind = bind.execution_options(isolation_level="REPEATABLE READ")
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


def database_problem(
    exc: DBAPIError, engine: Engine, *, committing: bool = False
) -> DomainError | None:
    """A fault of the database rather than of the program, as one Chinese sentence: the server
    went away (restarted, network cut) or could not be reached, or SQLite stayed busy. The
    engine reconnects by itself on the next use (pool_pre_ping; a lost connection invalidates
    the pool). None for anything else (a bug: the caller re-raises it)."""
    if _is_busy(exc):
        return DatabaseBusy(
            _("另一台工作站正在写入数据库，本次操作未保存；请稍后再试"), code="db.busy"
        )
    state = getattr(exc.orig, "sqlstate", None)
    said = str(exc.orig).lower()
    if "database or disk is full" in said or state == "53100":  # SQLITE_FULL, disk_full
        where = (
            engine.url.database
            if engine.dialect.name == "sqlite"
            else _("数据库服务器 {host}").format(host=engine.url.host or "")
        )
        return DatabaseUnavailable(
            _(
                "磁盘已满（{where}）：本次操作未保存，此前保存的记录不受影响；请清理磁盘空间（或请管理员处理）后再做一次"
            ).format(where=where),
            code="db.full",
        )
    if (
        "readonly database" in said or state == "25006"
    ):  # SQLITE_READONLY, read_only_sql_transaction
        where = (
            engine.url.database
            if engine.dialect.name == "sqlite"
            else _("数据库服务器 {host}").format(host=engine.url.host or "")
        )
        return DatabaseUnavailable(
            _(
                "数据库（{where}）只读，不能写入：本次操作未保存；请检查数据库文件和所在文件夹的权限（或服务器是否为只读备用库）"
            ).format(where=where),
            code="db.read_only",
        )
    if state == "55P03":  # lock_not_available: another desk holds the row longer than lock_timeout
        return DatabaseBusy(
            _waiting_for(exc.statement or "").format(seconds=_seconds(timeouts_of(engine).lock)),
            code="db.lock_timeout",
        )
    if state == "57014":  # query_canceled: statement_timeout
        return DatabaseBusy(
            _(
                "数据库在 {seconds} 秒内没有完成这次操作（服务器繁忙，或数据很多），本次操作未保存；请稍后重试，若一直如此，请检查数据库服务器"
            ).format(seconds=_seconds(timeouts_of(engine).statement)),
            code="db.statement_timeout",
        )
    if not isinstance(exc, OperationalError) and not exc.connection_invalidated:
        return None
    where = engine.url.host or _("本机")
    if exc.connection_invalidated or _lost(exc):
        if committing:
            return DatabaseUnavailable(
                _(
                    "提交时与数据库服务器（{where}）的连接中断，本次操作可能已保存，也可能未保存：请重新查询后再决定是否重做（已自动重新连接）"
                ).format(where=where),
                code="db.lost_at_commit",
            )
        return DatabaseUnavailable(
            _(
                "与数据库服务器（{where}）的连接中断（服务器重启或网络中断），本次操作未保存；已自动重新连接，请再做一次"
            ).format(where=where),
            code="db.lost",
        )
    if engine.dialect.name == "sqlite":
        return None
    return DatabaseUnavailable(
        _(
            "无法连接数据库服务器（{where}:{port}）：请检查服务器是否在运行、网络是否连通；恢复后重试即可，本次操作未保存"
        ).format(where=where, port=engine.url.port or 5432),
        code="db.unreachable",
    )


def _seconds(value: float) -> str:
    return f"{value:g}"


def _waiting_for(statement: str) -> str:
    """What the desk was waiting for, by the statement that waited, as a message with
    ``{seconds}``."""
    text = statement.lower()
    if "number_sequence" in text:
        return _(
            "另一窗口正在收费或受理（编号正被占用），已等待 {seconds} 秒；本次操作未保存，请稍候重试"
        )
    if "from dossier" in text or "update dossier" in text:
        return _("另一窗口正在办理这份档案，已等待 {seconds} 秒；本次操作未保存，请稍候重试")
    if "day_close" in text:
        return _("另一窗口正在办理日结，已等待 {seconds} 秒；本次操作未保存，请稍候重试")
    return _("另一窗口正在办理同一笔业务，已等待 {seconds} 秒；本次操作未保存，请稍候重试")


T = TypeVar("T")


def retrying(
    engine: Engine, work: Callable[[Session], T], *, attempts: int = 2, pause: float = 0.5
) -> T:
    """``work`` in a unit of work of its own; when another desk held what it needed for longer
    than the lock timeout, it is tried again (``attempts`` in all, pausing between). Safe for
    work that does nothing outside its transaction (the whole transaction was rolled back) and
    whose repetition is the same act — a payment with its idempotency key."""
    for attempt in range(1, attempts + 1):
        try:
            with session_scope(engine) as session:
                return work(session)
        except DatabaseBusy as exc:
            if exc.code != "db.lock_timeout" or attempt == attempts:
                raise
            time.sleep(pause * attempt)
    raise AssertionError("unreachable")


def _lost(exc: DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return any(
        words in text
        for words in (
            "terminating connection",
            "server closed the connection",
            "connection already closed",
            "consuming input failed",
            "the connection is lost",
            "connection is closed",
            "ssl connection has been closed",
        )
    )
