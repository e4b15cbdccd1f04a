"""Backups of a PostgreSQL database with the server's own tools, run by the desk: ``pg_dump`` in
its custom format to a file, checked with ``pg_restore --list``; a restore with ``pg_restore``
into an empty database only. The password goes in ``PGPASSWORD`` (never on a command line), and
a missing tool is one Chinese line saying how to install it."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Engine, make_url

from models.backup.records import BackupFailed, BadBackup, RestoreRefused, Snapshot
from models.backup.sqlite import _fsync, _fsync_dir, _sha256, pg_commands
from models.db import make_engine
from models.i18n import _
from models.opening import current_revision

TIMEOUT = 3600  # seconds: a dump or a restore may be long, never endless
_WINDOWS_BIN = "C:/Program Files/PostgreSQL"


def pg_tool(name: str) -> str:
    """The path of ``pg_dump``/``pg_restore``: on the PATH, else under the PostgreSQL installer's
    folder on Windows; BackupFailed with how to install the client tools when there is none."""
    found = shutil.which(name)
    if found is None and os.name == "nt":
        versions = sorted(Path(_WINDOWS_BIN).glob("*/bin"), reverse=True)
        found = next(
            (str(b / f"{name}.exe") for b in versions if (b / f"{name}.exe").exists()), None
        )
    if found is None:
        raise BackupFailed(
            _(
                "本机没有 PostgreSQL 客户端工具 {name}：Debian/Ubuntu/UOS/麒麟 运行 apt install postgresql-client；Windows 用 PostgreSQL 安装程序只装“Command Line Tools”；装好后再运行本命令"
            ).format(name=name),
            code="backup.no_pg_tools",
        )
    return found


def _env(url: str) -> dict[str, str]:
    env = dict(os.environ, PGCONNECT_TIMEOUT="10")
    password = make_url(url).password
    if password:
        env["PGPASSWORD"] = str(password)
    return env


def _run(argv: list[str], url: str) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            argv, env=_env(url), capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise BackupFailed(
            _("{tool} 超过 {seconds} 秒仍未结束，已停止").format(tool=argv[0], seconds=TIMEOUT),
            code="backup.pg_timeout",
        ) from exc


def _first_error(proc: subprocess.CompletedProcess[str]) -> str:
    lines = [ln.strip() for ln in (proc.stderr or proc.stdout or "").splitlines() if ln.strip()]
    return lines[0] if lines else _("退出码 {code}").format(code=proc.returncode)


def listed_tables(path: Path, url: str) -> set[str]:
    """The tables whose data ``path`` (a custom-format dump) holds; BadBackup when it is none."""
    proc = _run([pg_tool("pg_restore"), "--list", str(path)], url)
    if proc.returncode != 0:
        raise BadBackup(
            _("{path} 不是 pg_dump 的备份文件（{reason}）").format(
                path=path, reason=_first_error(proc)
            ),
            code="backup.not_pg_dump",
        )
    tables = set()
    for line in proc.stdout.splitlines():
        parts = line.split()
        # "123; 0 16425 TABLE DATA public payment postgres"
        if "TABLE" in parts and "DATA" in parts:
            i = parts.index("DATA")
            if i + 2 < len(parts):
                tables.add(parts[i + 2])
    return tables


def pg_dump_backup(engine: Engine, target: Path, *, force: bool = False) -> Snapshot:
    """``pg_dump -Fc`` of the engine's database to ``target``: written beside it under a
    temporary name, checked (``pg_restore --list`` must list the main tables' data), made
    readable by its owner only, synced and renamed. Nothing is left on failure."""
    url = engine.url.render_as_string(hide_password=False)
    if target.exists() and not force:
        raise BackupFailed(
            _("{path} 已存在：换一个文件名，或加 --force 覆盖").format(path=target),
            code="backup.exists",
        )
    started = time.perf_counter()
    revision = current_revision(engine)
    counts = {}
    with engine.connect() as conn:
        for table in ("payment", "dossier", "audit_event"):
            if inspect(conn).has_table(table):
                counts[table] = int(
                    conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
                )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.partial")
    u = make_url(url)
    argv = [pg_tool("pg_dump"), "-Fc", "--no-password", "-f", str(tmp)]
    argv += ["-h", u.host or "localhost", "-p", str(u.port or 5432)]
    if u.username:
        argv += ["-U", u.username]
    argv += ["-d", u.database or ""]
    try:
        proc = _run(argv, url)
        if proc.returncode != 0:
            raise BackupFailed(
                _("pg_dump 失败：{reason}").format(reason=_first_error(proc)), code="backup.pg_dump"
            )
        missing = {"payment", "dossier", "audit_event"} - listed_tables(tmp, url)
        if missing:
            raise BackupFailed(
                _("备份文件缺少 {tables} 的数据：没有保留").format(
                    tables="、".join(sorted(missing))
                ),
                code="backup.pg_incomplete",
            )
        tmp.chmod(0o600)
        _fsync(tmp)
        tmp.replace(target)
        _fsync_dir(target.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return Snapshot(
        path=target,
        bytes=target.stat().st_size,
        sha256=_sha256(target),
        revision=revision,
        counts=counts,
        seconds=time.perf_counter() - started,
    )


def pg_restore_into(url: str, source: Path) -> float:
    """Restore ``source`` (a ``pg_dump -Fc`` file) into the database at ``url``, which must be
    empty (``createdb`` a new one): RestoreRefused otherwise. Returns the seconds taken."""
    listed_tables(source, url)  # a dump, or BadBackup before anything is touched
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
    finally:
        engine.dispose()
    if tables:
        raise RestoreRefused(
            _(
                "数据库 {database} 不是空库（已有 {count} 张表）：只恢复到新建的空数据库（先运行 {create}）"
            ).format(
                database=make_url(url).database,
                count=len(tables),
                create=pg_commands(url, source).create,
            ),
            code="backup.pg_not_empty",
        )
    started = time.perf_counter()
    u = make_url(url)
    argv = [pg_tool("pg_restore"), "--no-owner", "--exit-on-error", "--no-password"]
    argv += ["-h", u.host or "localhost", "-p", str(u.port or 5432)]
    if u.username:
        argv += ["-U", u.username]
    argv += ["-d", u.database or "", str(source)]
    proc = _run(argv, url)
    if proc.returncode != 0:
        raise BackupFailed(
            _("pg_restore 失败：{reason}").format(reason=_first_error(proc)),
            code="backup.pg_restore",
        )
    return time.perf_counter() - started
