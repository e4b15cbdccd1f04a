#!/usr/bin/env python3
"""Set up the project's environment from uv.lock and run it. Standard library only, so it
works on a fresh machine with nothing but Python >= 3.11.

    python3 scripts/bootstrap.py demo    # set up, then start the demo desk (embedded SQLite)
    python3 scripts/bootstrap.py test    # set up, then run the whole test suite
    python3 scripts/bootstrap.py lint    # ruff check, ruff format --check, mypy, import-linter (CI too)
    python3 scripts/bootstrap.py install # a counter PC: the runtime only into .venv (no test tools)

``test`` runs every database test on SQLite and on PostgreSQL: it uses TEST_DATABASE_URL if
set, otherwise it creates a throw-away database on a PostgreSQL at 127.0.0.1:5432 (user
postgres) and drops it afterwards. Without PostgreSQL it runs the SQLite half and says so;
with CI=true it fails instead. The tests run in parallel, one worker per CPU (``-n 0`` runs
them in one process; any ``-n`` given is used).
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
TOOLS = ROOT / ".venv-bootstrap"
BIN = "Scripts" if os.name == "nt" else "bin"
EXE = ".exe" if os.name == "nt" else ""
LOCAL_PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def say(msg: str) -> None:
    print(f"[bootstrap] {msg}", flush=True)


def find_uv() -> str:
    found = shutil.which("uv")
    if found:
        return found
    uv = TOOLS / BIN / f"uv{EXE}"
    if not uv.exists():
        say("installing uv into .venv-bootstrap (once)")
        venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS)
        subprocess.run(
            [str(TOOLS / BIN / f"python{EXE}"), "-m", "pip", "install", "--quiet", "uv>=0.5"],
            check=True,
        )
    return str(uv)


def sync(uv: str, runtime_only: bool = False) -> None:
    dev = ["--no-dev"] if runtime_only else []
    say(
        "installing the locked "
        + ("runtime " if runtime_only else "")
        + "dependencies into .venv (uv sync --frozen --compile-bytecode"
        + (" --no-dev)" if runtime_only else ")")
    )
    env = dict(os.environ, UV_PROJECT_ENVIRONMENT=str(VENV))
    # compiled at install, as pip does: with PYTHONDONTWRITEBYTECODE set (as on this machine)
    # nothing is ever compiled otherwise, and every start (each test's subprocess too) pays
    # ~1.2 s recompiling SQLAlchemy, Textual & co.
    subprocess.run(
        [uv, "sync", "--frozen", "--compile-bytecode", *dev, "--python", sys.executable],
        cwd=ROOT,
        env=env,
        check=True,
    )


def venv_tool(name: str) -> str:
    return str(VENV / BIN / f"{name}{EXE}")


def pg_database() -> tuple[str | None, str | None]:
    """(url for the tests, name of a database we created and must drop)."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        return url, None
    name = f"desk_test_{secrets.token_hex(4)}"
    code = (
        "import psycopg,sys\n"
        f"c=psycopg.connect({LOCAL_PG!r}, autocommit=True, connect_timeout=3)\n"
        f"c.execute('CREATE DATABASE {name}')\n"
    )
    proc = subprocess.run([venv_tool("python"), "-c", code], capture_output=True, text=True)
    if proc.returncode != 0:
        return None, None
    return f"postgresql://postgres@127.0.0.1:5432/{name}", name


def drop_database(name: str) -> None:
    code = (
        "import psycopg\n"
        f"c=psycopg.connect({LOCAL_PG!r}, autocommit=True, connect_timeout=3)\n"
        f"c.execute('DROP DATABASE IF EXISTS {name} WITH (FORCE)')\n"
    )
    subprocess.run([venv_tool("python"), "-c", code], capture_output=True)


def run_tests(extra: list[str]) -> int:
    url, created = pg_database()
    env = dict(os.environ)
    in_ci = env.get("CI", "").lower() in ("true", "1", "yes")
    if url:
        env["TEST_DATABASE_URL"] = url
        say(f"PostgreSQL for tests: {url}")
    elif in_ci:
        say("CI=true and no PostgreSQL at 127.0.0.1:5432 (nor TEST_DATABASE_URL): failing")
        return 1
    else:
        say(
            "no PostgreSQL found: running the SQLite half only "
            "(start PostgreSQL or set TEST_DATABASE_URL for the whole suite)"
        )
    # in parallel, one worker per CPU (pytest-xdist; each worker has a PostgreSQL database of its
    # own, see tests/conftest.py), unless the command line says otherwise
    if not any(a.startswith(("-n", "--numprocesses", "--dist")) for a in extra):
        extra = ["-n", "auto", *extra]
    # The desk's own modules compiled once: the suite starts the desk in hundreds of
    # subprocesses, and where PYTHONDONTWRITEBYTECODE is set each would compile them again.
    subprocess.run(
        [venv_tool("python"), "-m", "compileall", "-q", "-j", "0", "models", "printers", "tui"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )
    try:
        return subprocess.run(
            [venv_tool("python"), "-m", "pytest", *extra], cwd=ROOT, env=env
        ).returncode
    finally:
        if created:
            drop_database(created)


def run_lint() -> int:
    status = 0
    for cmd in (
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy"],
        ["lint-imports"],
    ):
        say("running " + " ".join(cmd))
        status |= subprocess.run([venv_tool(cmd[0]), *cmd[1:]], cwd=ROOT).returncode
    return status


def main(argv: list[str]) -> int:
    if sys.version_info < (3, 11):  # noqa: UP036 - run by whatever python3 a newcomer has
        print("committee-desk needs Python 3.11 or newer; this is " + sys.version.split()[0])
        return 2
    if not argv or argv[0] not in ("demo", "test", "lint", "setup", "install"):
        print(__doc__)
        return 2
    if argv[0] == "install":  # no pytest, mypy, playwright …: what a counter PC runs
        sync(find_uv(), runtime_only=True)
        say(f"done: {venv_tool('desk')} (desk --demo to try it, desk doctor to check)")
        return 0
    sync(find_uv())
    command, extra = argv[0], argv[1:]
    if command == "demo":
        desk = venv_tool("desk")
        if os.name == "nt":
            return subprocess.run([desk, "--demo", *extra]).returncode
        os.execv(desk, [desk, "--demo", *extra])
    if command == "test":
        return run_tests(extra)
    if command == "lint":
        return run_lint()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
