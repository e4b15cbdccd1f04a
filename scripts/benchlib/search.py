"""Search at the counter: by ID, name, pinyin, initials, unit."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from scripts.benchlib import harness
from scripts.benchlib.data import HEADER, _fresh_sqlite, online_rows
from scripts.benchlib.harness import Figure, _bench_pg_database, _drop_pg_database, ms, p95


def _search_db(path: Path, n: int, engine=None):  # type: ignore[no-untyped-def]
    """n online records (bulk-inserted as the importer does) and a dossier for every tenth, in
    a fresh SQLite file at ``path`` or in ``engine`` (a fresh, migrated database)."""
    from sqlalchemy import insert, update
    from sqlalchemy import text as sa_text
    from sqlmodel import col

    from models.campaign import NumberSequence
    from models.db import session_scope
    from models.dossier import Dossier
    from models.online import OnlineRecord
    from models.online_columns import clean_row as clean
    from models.online_columns import find_columns
    from models.services.campaigns import get_campaign
    from models.services.online_import import _bulk_insert
    from models.types import utcnow

    if engine is None:
        engine = _fresh_sqlite(path)
    else:
        from models.permissions import SYSTEM
        from models.services.campaigns import load_campaign, read_preset

        with session_scope(engine) as s:
            filename, text = read_preset("000")
            load_campaign(s, SYSTEM, text, filename=filename)
    rows: list[list[object]] = [list(HEADER), *online_rows(n, seed=11)]
    cols = find_columns(rows)
    now = utcnow()
    with session_scope(engine) as s:
        c = get_campaign(s, "bz-vocational-2021")
        values = []
        for i, row in enumerate(rows[1:], start=2):
            v = clean(
                row, i, cols, tracks=list(c.tracks), levels=list(c.levels), default_track="评审"
            ).values
            v.update(campaign_id=c.id, imported_at=now, updated_at=now)
            values.append(v)
        _bulk_insert(s, OnlineRecord.__table__, values)  # type: ignore[attr-defined]
        if engine.dialect.name == "postgresql":
            s.execute(sa_text("ANALYZE online_record"))
        ids = [r for (r,) in s.execute(sa_text("SELECT id FROM online_record ORDER BY id"))]
        s.execute(
            insert(Dossier),
            [
                {
                    "campaign_id": c.id,
                    "online_record_id": rid,
                    "status": "accepted",
                    "track": "评审",
                    "level": "中级",
                    "dossier_no": k + 1,
                    "dossier_code": f"ZJ21S{k + 1:05d}",
                    "conditions": [],
                    "online_snapshot": {},
                    "created_at": now,
                }
                for k, rid in enumerate(ids[::10])
            ],
        )
        # the dossiers above hold numbers 1 … n/10: the counter goes on after them
        s.execute(
            update(NumberSequence)
            .where(col(NumberSequence.campaign_id) == c.id, col(NumberSequence.kind) == "dossier")
            .values(next_value=len(ids[::10]) + 1)
        )
    return engine, values


def bench_search(quick: bool, workdir: Path) -> list[Figure]:
    """Search by full ID, last 6, dossier no. and pinyin initials over n records, on SQLite and
    (given a server) PostgreSQL, against scanning the rows in Python."""
    n = 10_000 if quick else 200_000
    figures = _search_backend(_search_db(workdir / "search.sqlite3", n), n, quick, "SQLite")
    if harness.PG_URL:
        name = "desk_bench_search"
        try:
            engine = _bench_pg_database(harness.PG_URL, name)
            figures += _search_backend(_search_db(workdir, n, engine), n, quick, "PostgreSQL")
        finally:
            _drop_pg_database(harness.PG_URL, name)
    else:
        figures.append(
            Figure(
                "search over 200,000 records (PostgreSQL)",
                "p95 ≤ 20 ms",
                "not run: no --pg URL or TEST_DATABASE_URL",
                "—",
                "—",
                "ms",
            )
        )
    return figures


def _search_backend(built, n: int, quick: bool, backend: str) -> list[Figure]:  # type: ignore[no-untyped-def]
    import random

    from models.db import session_scope
    from models.permissions import Actor
    from models.services.campaigns import get_campaign
    from models.services.search import search
    from models.vocab import Role

    CLERK = Actor(user_id=None, username="clerk", role=Role.clerk)  # the counter's search

    engine, values = built
    rnd = random.Random(3)
    picks = [values[rnd.randrange(len(values))] for _ in range(200 if quick else 1000)]
    dossiers = max(1, n // 10)
    queries = {
        "full ID": [str(v["id_number"]) for v in picks],
        "last 6 of ID": [str(v["id_number"])[-6:] for v in picks],
        "dossier no.": [f"ZJ21S{rnd.randint(1, dossiers):05d}" for _ in picks],
        "pinyin initials": [str(v["pinyin_initials"]) for v in picks],
    }
    figures = []
    with session_scope(engine, readonly=True) as s:
        c = get_campaign(s, "bz-vocational-2021")
        for label, qs in queries.items():
            times = []
            for q in qs:
                t0 = time.perf_counter()
                r = search(s, CLERK, c, q)
                times.append(time.perf_counter() - t0)
                assert r.hits, (label, q)
            # baseline: the same question answered by scanning the rows in Python
            t0 = time.perf_counter()
            for q in qs[:20]:
                if label == "pinyin initials":
                    [v for v in values if str(v["pinyin_initials"]).startswith(q)]
                elif label == "last 6 of ID":
                    [v for v in values if str(v["id_number"]).endswith(q)]
                else:
                    [v for v in values if v["id_number"] == q]
            scan = (time.perf_counter() - t0) / 20
            figures.append(
                Figure(
                    f"search {label} over {n:,} records ({backend})",
                    "p95 ≤ 20 ms" if n == 200_000 else "—",
                    f"{ms(statistics.median(times))} (p95 {ms(p95(times))})",
                    f"{ms(scan)} scan of the rows in Python",
                    f"{p95(times) / scan:.3f}",
                    "ms",
                    ok=(p95(times) <= 0.020) if n == 200_000 else None,
                )
            )
    engine.dispose()
    return figures
