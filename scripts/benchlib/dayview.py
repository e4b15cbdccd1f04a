"""The day view with a million payments, on SQLite and PostgreSQL."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from scripts.benchlib import harness
from scripts.benchlib.data import _fresh_sqlite
from scripts.benchlib.dayview_data import DV_DAYS, DV_DESKS, _dayview_load, _explain, _naive_day
from scripts.benchlib.harness import (
    Figure,
    _bench_pg_database,
    _drop_pg_database,
    ms,
    p95,
    timings,
)


def _dayview_backend(engine, backend: str, quick: bool, n: int) -> list[Figure]:  # type: ignore[no-untyped-def]
    import datetime as dt

    from models.db import session_scope
    from models.money import Money
    from models.services import tally
    from models.services.campaigns import get_campaign
    from models.services.tally import (
        Count,
        begin_close,
        campaign_days,
        confirm_close,
        day_bounds,
        day_view,
        record_count,
    )
    from models.vocab import DENOMINATIONS, PaymentMethod

    sqlite = engine.dialect.name == "sqlite"
    info = _dayview_load(engine, n)
    code, cid, lead, rows = info["code"], info["cid"], info["lead"], info["rows"]
    first = dt.date(2021, 9, 25)
    day = first + dt.timedelta(days=DV_DAYS // 2)  # a day in the middle
    last = first + dt.timedelta(days=DV_DAYS - 1)
    desk = DV_DESKS[1]
    runs, base_runs = 20, (5 if quick else 3)
    full = not quick
    target = "≤ 300 ms" if full else "— (quick size)"
    figures = [
        Figure(
            f"day view data: {n:,} dossiers + visits, {rows:,} payment rows over {DV_DAYS} days "
            f"({backend}, INSERT … SELECT on the migrated schema, triggers on)",
            "— (not a target)",
            f"{info['load_s']:.1f}",
            "—",
            "—",
            "s",
            note="load by step: " + ", ".join(f"{k} {v:.1f} s" for k, v in info["steps"].items()),
        )
    ]

    def view(of: str) -> Callable[[], object]:
        def run() -> object:  # a fresh session each time, as the tally screen's worker opens one
            with session_scope(engine, readonly=True) as s:
                return day_view(s, lead, get_campaign(s, code), day, desk=of)

        return run

    # the statements' plans and each one's time, for the note (where the time goes)
    with session_scope(engine, readonly=True) as s:
        c = get_campaign(s, code)
        office = day_view(s, lead, c, day)
        start, end = day_bounds(c, day)
    lo, hi = office.receipts.first, office.receipts.last
    statements = {
        "grouped": (tally._GROUPED, {"campaign": cid, "day": day}),
        "corrections": (tally._CORRECTIONS, {"campaign": cid, "day": day}),
        "visits": (tally._VISITS, {"campaign": cid, "start": start, "end": end}),
        "in_range": (tally._IN_RANGE, {"campaign": cid, "lo": lo, "hi": hi}),
    }
    explained = {k: _explain(engine, stmt, p) for k, (stmt, p) in statements.items()}
    plans = {k: lines for k, (lines, _) in explained.items()}
    scans = {k: whole for k, (_, whole) in explained.items()}
    grouped_ok = (
        ("USING COVERING INDEX ix_payment_day" in " ".join(plans["grouped"]))
        if sqlite
        else ("ix_payment_day" in " ".join(plans["grouped"]) and not scans["grouped"])
    )
    per_query = {}
    ro = engine.execution_options(sqlite_begin="DEFERRED")
    for k, (stmt, p) in statements.items():

        def once(stmt=stmt, p=p) -> None:  # type: ignore[no-untyped-def]
            with ro.connect() as conn:
                conn.execute(stmt, p).all()
                conn.rollback()

        per_query[k] = statistics.median(timings(once, 10, warmup=2))
    office_t, desk_t = timings(view(""), runs), timings(view(desk), runs)
    if sqlite:
        shown_plan = next((ln for ln in plans["grouped"] if "payment" in ln), plans["grouped"][0])
    else:
        shown_plan = next(
            (ln for ln in plans["grouped"] if "ix_payment_day" in ln or "Scan" in ln),
            plans["grouped"][0],
        )
    # a whole read of payment fails the figure; another table's (the planner's choice for the
    # visits' join on a small database, say) is reported
    scan_note = "; ".join(
        f"whole-table read in {k}: {' | '.join(ln for _, ln in v)}" for k, v in scans.items() if v
    )
    note = (
        f"plan of the grouped read: {shown_plan}"
        + ("" if grouped_ok else " — NOT the covering index")
        + ". Per statement (median of 10, ms): "
        + ", ".join(f"{k} {ms(v)}" for k, v in per_query.items())
        + f"; the rest (campaign, closes, names, Python) ≈ "
        f"{ms(statistics.median(office_t) - sum(per_query.values()))}."
        + (f" {scan_note}." if scan_note else "")
        + f" {office.total.count:,} payments, {len(office.corrections)} corrections, "
        f"{office.visits:,} visits that day; receipts {office.receipts.gap_text}."
    )

    # the baseline in the same run, checked against the view's own figures
    checks = {}
    base = {}
    for of, shown in (("", office), (desk, None)):
        got = _naive_day(engine, code, day, of)
        with session_scope(engine, readonly=True) as s:
            want = (shown or day_view(s, lead, get_campaign(s, code), day, desk=of)).totals()
        assert {k: got[k] for k in want} == want, (backend, of, got, want)
        assert got["gaps"] == 0, got
        checks[of] = got
        base[of] = timings(lambda of=of: _naive_day(engine, code, day, of), base_runs, warmup=1)
    ok_plan = grouped_ok and not any(t == "payment" for v in scans.values() for t, _ in v)
    for label, of, ts in (("office-wide", "", office_t), (f"one desk ({desk})", desk, desk_t)):
        figures.append(
            Figure(
                f"day view {day:%m-%d}, {label}, {rows:,} payment rows ({backend})",
                target,
                f"{ms(statistics.median(ts))} (p95 {ms(p95(ts))})",
                f"{ms(statistics.median(base[of]))} ORM rows + dossiers summed in Python "
                f"({checks[of]['payments']:,} payments, same totals)",
                f"{statistics.median(ts) / statistics.median(base[of]):.3f}",
                "ms",
                ok=((p95(ts) <= 0.300) and ok_plan) if full else (None if ok_plan else False),
                note=note
                if not of
                else "the same statements (the desk is picked from the office's groups in Python)",
            )
        )

    # the campaign's days: first with nothing closed (every day from its rows) as the baseline,
    # then with days 1..19 closed office-wide through the service, read from their closes
    def days() -> list:  # type: ignore[type-arg]
        with session_scope(engine, readonly=True) as s:
            return campaign_days(s, lead, get_campaign(s, code), last)

    open_days = days()
    open_t = timings(days, base_runs if quick else 2, warmup=1 if quick else 0)
    now = dt.datetime.combine(last, dt.time(12), tzinfo=dt.UTC)
    t0 = time.perf_counter()
    for k in range(DV_DAYS - 1):
        d = first + dt.timedelta(days=k)
        with session_scope(engine) as s:
            begin_close(s, lead, get_campaign(s, code), d, desk="", now=now)
        with session_scope(engine) as s:
            c = get_campaign(s, code)
            expected = day_view(s, lead, c, d).expected()  # the bench counts what is there
            cash, left = {}, expected[PaymentMethod.cash.value]
            for denomination in DENOMINATIONS:
                cash[denomination], left = divmod(left, denomination)
            assert left == 0, expected
            count = Count(
                cash=cash,
                others={m: Money(f) for m, f in expected.items() if m != PaymentMethod.cash.value},
            )
            assert not record_count(s, lead, c, d, desk="", count=count, now=now).differences
            confirm_close(s, lead, c, d, desk="", now=now)
    close_s = time.perf_counter() - t0
    closed_days = days()
    assert len(closed_days) == DV_DAYS and sum(x.closed for x in closed_days) == DV_DAYS - 1, (
        closed_days
    )
    assert [(x.day, x.payments, x.net_fen, x.visits) for x in closed_days] == [
        (x.day, x.payments, x.net_fen, x.visits) for x in open_days
    ]
    days_t = timings(days, runs)
    # where campaign_days' time goes: the first day's two minimums, the closes, the open day
    firsts = {
        "min(payment day)": tally._FIRST_PAYMENT_DAY.params(campaign=cid),
        "min(visit at)": tally._FIRST_VISIT.params(campaign=cid),
    }
    first_t = {}
    first_scans = {}
    for k, stmt in firsts.items():

        def once(stmt=stmt) -> None:  # type: ignore[no-untyped-def]
            with ro.connect() as conn:
                conn.execute(stmt).all()
                conn.rollback()

        first_t[k] = statistics.median(timings(once, 10, warmup=2))
        # min() over an index reads its first entry: only a scan counts here
        first_scans[k] = [
            (t, ln)
            for t, ln in _explain(engine, stmt, {})[1]
            if ln.startswith(("SCAN", "Seq Scan"))
        ]
    figures.append(
        Figure(
            f"campaign's {DV_DAYS} days, {DV_DAYS - 1} closed office-wide (past days read from their "
            f"closes, the open day from its rows; {backend})",
            target,
            f"{ms(statistics.median(days_t))} (p95 {ms(p95(days_t))})",
            f"{ms(statistics.median(open_t))} the same with no day closed ({DV_DAYS} day views)",
            f"{statistics.median(days_t) / statistics.median(open_t):.3f}",
            "ms",
            ok=(p95(days_t) <= 0.300) if full else None,
            note="per statement (median of 10, ms): "
            + ", ".join(f"{k} {ms(v)}" for k, v in first_t.items())
            + f", plus one day view (the open day). {DV_DAYS - 1} closes through the service "
            f"(begin, count, confirm) took {close_s:.1f} s."
            + "".join(
                f" Whole-table read in {k}: {' | '.join(ln for _, ln in v)}."
                for k, v in first_scans.items()
                if v
            ),
        )
    )
    return figures


def bench_dayview(quick: bool, workdir: Path) -> list[Figure]:
    """The day view (issue 7) over n payments: office-wide and for one desk, on SQLite and, with
    --pg, PostgreSQL; the naive ORM sum of the same day as the baseline; the plans checked to
    read ix_payment_day; the campaign's days with all but the last closed."""
    n = 12_000 if quick else 1_000_000
    engine = _fresh_sqlite(workdir / "dayview.sqlite3")
    try:
        figures = _dayview_backend(engine, "SQLite", quick, n)
    finally:
        engine.dispose()
    if not harness.PG_URL:
        return [
            *figures,
            Figure(
                "day view (PostgreSQL)",
                "≤ 300 ms",
                "not run: no --pg URL or TEST_DATABASE_URL",
                "—",
                "—",
                "ms",
            ),
        ]
    db = "desk_bench_dayview"
    engine = _bench_pg_database(harness.PG_URL, db)
    try:
        figures += _dayview_backend(engine, "PostgreSQL", quick, n)
    finally:
        engine.dispose()
        _drop_pg_database(harness.PG_URL, db)
    return figures
