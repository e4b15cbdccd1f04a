"""The harness: a figure, timing helpers, the table, the PostgreSQL database a figure uses."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_SCRIPT = ROOT / "scripts" / "bench.py"  # its --rss-child runs a figure's own process


@dataclass
class Figure:
    name: str
    target: str
    measured: str
    baseline: str
    ratio: str
    unit: str = ""
    ok: bool | None = None  # against the target, where it is a number
    note: str = ""


def timings(fn: Callable[[], object], n: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


def ms(x: float) -> str:
    return f"{x * 1000:.2f}"


PG_URL = ""  # set by main() from --pg / TEST_DATABASE_URL


def _bench_pg_database(url: str, name: str):  # type: ignore[no-untyped-def]
    """A fresh, migrated database ``name`` on the server of ``url`` (dropped first if left over
    from an earlier run); returns its engine."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from models import migrate
    from models.db import DbTimeouts, make_engine

    base = make_url(url)
    admin = create_engine(base.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    # generating a million rows is one statement: the desk's statement timeout is not for it
    engine = make_engine(
        base.set(database=name).render_as_string(hide_password=False),
        timeouts=DbTimeouts(statement=3600, idle_in_transaction=3600),
    )
    migrate.upgrade(engine)
    return engine


def _drop_pg_database(url: str, name: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(
        make_url(url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def table(figures: list[Figure]) -> str:
    from rich.console import Console
    from rich.table import Table

    t = Table(title="committee-desk bench", show_lines=False)
    for col in ("figure", "target", "measured", "baseline (same run)", "ratio", "unit", "meets"):
        t.add_column(col, overflow="fold")
    for f in figures:
        meets = "—" if f.ok is None else ("yes" if f.ok else "NO")
        t.add_row(f.name, f.target, f.measured, f.baseline, f.ratio, f.unit, meets)
    console = Console(width=160, file=io.StringIO(), record=True)
    console.print(t)
    return console.export_text()
