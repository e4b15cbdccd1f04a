"""Starting: `desk --version`, `desk --help`, `desk --demo` to a login that answers a key."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from scripts.benchlib.harness import Figure

_MINIMAL_APP = """
from textual.app import App
from textual.widgets import Input


class Minimal(App):
    def compose(self):
        yield Input(placeholder="演示 baseline")


Minimal().run()
"""


def _pty_ready(
    argv: list[str], env: dict[str, str], ready: bytes, timeout: float = 90.0
) -> tuple[float, float]:
    """Start ``argv`` on an 80×24 pseudo-terminal; return (seconds until ``ready`` was drawn,
    seconds until a key typed then was echoed back): the screen is on and answers keys."""
    import fcntl
    import pty
    import select
    import signal
    import struct
    import termios

    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: the program under test
        os.execvpe(argv[0], argv, env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    buf, shown, mark = b"", 0.0, 0
    try:
        while time.perf_counter() - t0 < timeout:
            if select.select([fd], [], [], 0.002)[0]:
                try:
                    buf += os.read(fd, 1 << 16)
                except OSError:
                    break  # the program ended
            if not shown and ready in buf:
                shown = time.perf_counter()
                os.write(fd, b"z")
                mark = len(buf)
            elif shown and b"z" in buf[mark:]:
                return shown - t0, time.perf_counter() - t0
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)
    raise RuntimeError(
        f"bench startup: {argv[-1]} was not ready in {timeout:.0f} s: {buf[-300:]!r}"
    )


_BARE_TYPER = """import typer
app = typer.Typer()
@app.command()
def hello(name: str = "x") -> None:
    \"\"\"Say hello.\"\"\"
@app.command()
def bye() -> None:
    \"\"\"Say bye.\"\"\"
app()
"""


def bench_cli(quick: bool, workdir: Path) -> list[Figure]:
    """``desk --version`` and ``desk --help`` from exec to exit, against ``python -c pass`` and a
    bare two-command Typer app's ``--help``. Median of 10 (3 with --quick)."""
    runs = 3 if quick else 10
    env = dict(
        os.environ,
        DESK_DATA_DIR=str(workdir / "cli-data"),
        DESK_CONFIG=str(workdir / "none.toml"),
        COLUMNS="80",
    )
    desk = str(Path(sys.executable).with_name("desk"))
    bare = workdir / "bare_typer.py"
    bare.write_text(_BARE_TYPER, encoding="utf-8")

    def run(argv: list[str]) -> float:
        t0 = time.perf_counter()
        subprocess.run(
            argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
        )
        return time.perf_counter() - t0

    def median(argv: list[str]) -> float:
        run(argv)  # warm the file cache
        return statistics.median(run(argv) for _ in range(runs))

    python = median([sys.executable, "-c", "pass"])
    typer_help = median([sys.executable, str(bare), "--help"])
    version = median([desk, "--version"])
    helped = median([desk, "--help"])
    return [
        Figure(
            f"`desk --version` (median of {runs})",
            "≤ 0.15 s",
            f"{version:.3f}",
            f"{python:.3f} python -c pass",
            f"{version / python:.1f}",
            "s",
            ok=version <= 0.15,
        ),
        Figure(
            f"`desk --help` (median of {runs})",
            "≤ 0.4 s",
            f"{helped:.3f}",
            f"{typer_help:.3f} bare Typer app --help",
            f"{helped / typer_help:.1f}",
            "s",
            ok=helped <= 0.4,
        ),
    ]


def bench_startup(quick: bool, workdir: Path) -> list[Figure]:
    """``desk --demo`` on a pseudo-terminal, from exec to the login screen answering a key (the
    demo database is created, migrated and seeded on the way), against a one-Input Textual app
    started the same way. Median of 5 (1 with --quick)."""
    if not hasattr(os, "fork"):
        return [
            Figure(
                "cold start `desk --demo` → login answers a key",
                "—",
                "not run: no pty",
                "",
                "",
                "s",
            )
        ]
    runs = 1 if quick else 5
    env = dict(
        os.environ,
        TERM="xterm-256color",
        COLUMNS="80",
        LINES="24",
        DESK_DATA_DIR=str(workdir / "startup-data"),
        DESK_CONFIG=str(workdir / "none.toml"),
    )
    env.pop("DESK_DATABASE_URL", None)
    desk = str(Path(sys.executable).with_name("desk"))
    minimal = workdir / "minimal_app.py"
    minimal.write_text(_MINIMAL_APP, encoding="utf-8")
    ready = "演示".encode()
    ours = [_pty_ready([desk, "--demo"], env, ready) for _ in range(runs)]
    base = [_pty_ready([sys.executable, str(minimal)], env, ready) for _ in range(runs)]
    med = statistics.median(t for _, t in ours)
    bmed = statistics.median(t for _, t in base)
    return [
        Figure(
            f"cold start `desk --demo` → login screen answers a key (median of {runs}, pty 80×24)",
            "≤ 2.0 s",
            f"{med:.2f} (runs: {', '.join(f'{t:.2f}' for _, t in ours)})",
            f"{bmed:.2f} one-Input Textual app",
            f"{med / bmed:.1f}",
            "s",
            ok=med <= 2.0,
            note="includes creating, migrating and seeding the demo database (sample list and 300 "
            "records imported, 5 dossiers accepted)",
        )
    ]


def _office(workdir: Path) -> str:
    """An office's SQLite database as a desk finds it on an ordinary morning: migrated, the demo
    office in it, the lead's password hashed with the production parameters. Returns its URL."""
    from models import migrate
    from models.db import make_engine, session_scope, sqlite_url
    from models.demo import seed_demo
    from models.services.users import authenticate

    path = workdir / "office" / "desk.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    url = sqlite_url(path)
    engine = make_engine(url)
    migrate.upgrade(engine)
    with session_scope(engine) as session:
        seed_demo(session)
    with session_scope(engine) as session:
        authenticate(session, "lead", "lead123")  # the first login rehashes with strong params
    engine.dispose()
    return url


def bench_existing(quick: bool, workdir: Path) -> list[Figure]:
    """An ordinary morning on an existing database: ``desk`` to a login screen that answers a
    key (against a one-Input Textual app, on a pty), and a read command — ``desk tally show
    --json`` as the lead, password checked with the production argon2 parameters — from exec to
    exit (against a bare Typer app's ``--help``). Medians of 5 (1 and 3 with --quick)."""
    url = _office(workdir)
    env = dict(
        os.environ,
        TERM="xterm-256color",
        COLUMNS="80",
        LINES="24",
        DESK_DATA_DIR=str(workdir / "office"),
        DESK_CONFIG=str(workdir / "none.toml"),
        DESK_PASSWORD="lead123",
    )
    env.pop("DESK_DATABASE_URL", None)
    desk = str(Path(sys.executable).with_name("desk"))
    figures: list[Figure] = []
    if hasattr(os, "fork"):
        runs = 1 if quick else 5
        minimal = workdir / "minimal_app.py"
        minimal.write_text(_MINIMAL_APP, encoding="utf-8")
        ours = [_pty_ready([desk, "--db", url], env, "用户名".encode()) for _ in range(runs)]
        base = [
            _pty_ready([sys.executable, str(minimal)], env, "演示".encode()) for _ in range(runs)
        ]
        med = statistics.median(t for _, t in ours)
        bmed = statistics.median(t for _, t in base)
        figures.append(
            Figure(
                f"`desk` on an existing database → login answers a key (median of {runs}, pty)",
                "≤ 1.0 s",
                f"{med:.2f} (runs: {', '.join(f'{t:.2f}' for _, t in ours)})",
                f"{bmed:.2f} one-Input Textual app",
                f"{med / bmed:.1f}",
                "s",
                ok=med <= 1.0,
            )
        )
    bare = workdir / "bare_typer.py"
    bare.write_text(_BARE_TYPER, encoding="utf-8")
    runs = 3 if quick else 5

    def run(argv: list[str]) -> float:
        t0 = time.perf_counter()
        subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
        return time.perf_counter() - t0

    read = [desk, "--db", url, "tally", "show", "--user", "lead", "--json"]
    run(read)  # warm the file cache
    took = statistics.median(run(read) for _ in range(runs))
    run([sys.executable, str(bare), "--help"])
    typer_help = statistics.median(run([sys.executable, str(bare), "--help"]) for _ in range(runs))
    figures.append(
        Figure(
            f"`desk tally show --json` on SQLite, as the lead (median of {runs})",
            "≤ 1.0 s",
            f"{took:.3f}",
            f"{typer_help:.3f} bare Typer app --help",
            f"{took / typer_help:.1f}",
            "s",
            ok=took <= 1.0,
            note="includes checking the lead's password (argon2, production parameters)",
        )
    )
    return figures
