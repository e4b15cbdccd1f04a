"""Audit-chain figures for docs/reliability.md: events written and sealed per second (in
commits of 1,000), one commit with one event, and ``verify`` over the chain.

    python scripts/audit_chain_bench.py [--events 100000] [--pg postgresql://…/scratch]

SQLite runs on a temporary file. ``--pg`` takes a scratch database: its public schema is
DROPPED and recreated.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text

from models import audit, migrate
from models.audit import verify_chain
from models.db import make_engine, session_scope


def run(url: str, events: int) -> str:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    started = time.perf_counter()
    for b in range(events // 1000):
        with session_scope(engine) as s:
            for i in range(1000):
                audit.record(
                    s,
                    actor_id=None,
                    actor_name="bench",
                    action="bench.write",
                    entity="x",
                    entity_id=f"{b}.{i}",
                    detail={"n": i, "text": "已审核，与原件相符"},
                )
    write = time.perf_counter() - started
    started = time.perf_counter()
    for _ in range(200):
        with session_scope(engine) as s:
            audit.record(s, actor_id=None, actor_name="bench", action="bench.single", entity="x")
    single = (time.perf_counter() - started) / 200
    started = time.perf_counter()
    with engine.execution_options(sqlite_begin="DEFERRED").connect() as conn:
        report = verify_chain(conn)
    seconds = time.perf_counter() - started
    engine.dispose()
    return (
        f"{engine.dialect.name:<10} write+seal {events / write:>7.0f} events/s | one-event "
        f"commit {single * 1000:6.2f} ms | verify {report.events} events in "
        f"{seconds:.2f} s ({report.events / seconds:.0f}/s) | chain ok: {report.ok}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--pg", help="a scratch PostgreSQL database (its schema is dropped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(run(f"sqlite:///{Path(tmp) / 'chain.sqlite3'}", args.events))
    if args.pg:
        print(run(args.pg, args.events))


if __name__ == "__main__":
    main()
