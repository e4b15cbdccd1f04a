"""Importing the online-approved list (100,000 rows) against a bare SQLAlchemy import."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from scripts.benchlib.data import _fresh_sqlite, write_online_xlsx
from scripts.benchlib.harness import Figure


def _baseline_import(engine, xlsx: Path) -> int:  # type: ignore[no-untyped-def]
    """The straightforward way: openpyxl reads the sheet, each row becomes an ORM object and is
    inserted on its own (session.add + flush), one transaction."""
    import openpyxl

    from models.db import session_scope
    from models.online import build_online_record
    from models.services.campaigns import get_campaign

    wb = openpyxl.load_workbook(xlsx, read_only=True)
    ws = wb.worksheets[0]
    n = 0
    with session_scope(engine) as s:
        cid = get_campaign(s, "bz-vocational-2021").id
        it = ws.iter_rows(values_only=True)
        header = [str(h) for h in next(it)]
        ix = {h: header.index(h) for h in header}
        for row in it:
            s.add(
                build_online_record(
                    campaign_id=cid,
                    id_number=str(row[ix["身份证号"]]),
                    name=str(row[ix["姓名"]]),
                    level=str(row[ix["申报级别"]]),
                    track=str(row[ix["申报类型"]]),
                    status=str(row[ix["审核状态"]]),
                    unit=str(row[ix["工作单位"]]),
                )
            )
            s.flush()
            n += 1
    wb.close()
    return n


def bench_import(quick: bool, workdir: Path) -> list[Figure]:
    from models.db import session_scope
    from models.permissions import Actor
    from models.services.online_import import import_online
    from models.vocab import Role

    n = 5_000 if quick else 100_000
    xlsx = write_online_xlsx(workdir / f"online-{n}.xlsx", n)
    lead = Actor(user_id=None, username="bench", role=Role.lead)
    ours = []
    for k in range(1 if quick else 3):
        engine = _fresh_sqlite(workdir / f"import-{k}.sqlite3")
        t0 = time.perf_counter()
        with session_scope(engine) as s:
            summary = import_online(s, lead, "bz-vocational-2021", xlsx)
        ours.append(time.perf_counter() - t0)
        assert summary.inserted == n, summary.counts()
        engine.dispose()
    engine = _fresh_sqlite(workdir / "baseline.sqlite3")
    t0 = time.perf_counter()
    done = _baseline_import(engine, xlsx)
    base = time.perf_counter() - t0
    engine.dispose()
    assert done == n
    med = statistics.median(ours)
    target = "≤ 5 s" if n == 100_000 else "— (quick size)"
    return [
        Figure(
            f"import {n:,}-row xlsx, SQLite (validate + upsert)",
            target,
            f"{med:.2f} (runs: {', '.join(f'{x:.2f}' for x in ours)})",
            f"{base:.2f} openpyxl + ORM insert per row",
            f"{med / base:.3f}",
            "s",
            ok=(med <= 5.0) if n == 100_000 else None,
        )
    ]
