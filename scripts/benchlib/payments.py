"""Payments per second, several desk processes on PostgreSQL."""

from __future__ import annotations

import time
from pathlib import Path

from scripts.benchlib import harness
from scripts.benchlib.harness import Figure, _bench_pg_database, _drop_pg_database


def _pay_desk(url: str, code: str, actor, dossiers: list[int], at, start, results):  # type: ignore[no-untyped-def]
    """One desk's process in the payments bench: waits for the start, then pays its dossiers
    one transaction each, exactly as the fee desk does (payment, audit, receipt job), then
    renders the receipt's bytes and preview as the desk does after the commit."""
    import time

    from sqlmodel import select

    from models.campaign import Campaign
    from models.db import make_engine, session_scope
    from models.services.payments import take_payment
    from printers.config import parse_printers
    from tui.work.printing import DeskPrinters, queue_receipt, render_receipt_job

    engine = make_engine(url)
    printers = DeskPrinters(parse_printers({}))
    with session_scope(engine, readonly=True) as s:
        s.exec(select(Campaign)).first()  # connected before the clock starts
    errors: list[str] = []
    start.wait()
    t0 = time.perf_counter()
    for did in dossiers:
        try:
            with session_scope(engine) as s:
                camp = s.exec(select(Campaign).where(Campaign.code == code)).one()
                p = take_payment(
                    s,
                    actor,
                    camp,
                    did,
                    method="cash",
                    now=at,
                    idempotency_key=f"{actor.desk}-{did}",
                )
                job = queue_receipt(s, actor, printers, p)
            # then, as the desk does before showing and sending it: the receipt's bytes and
            # its on-screen preview, rendered outside the payment's transaction
            render_receipt_job(engine, printers, job)
        except Exception as exc:
            errors.append(repr(exc))
    t1 = time.perf_counter()
    engine.dispose()
    results.put((t0, t1, errors))


def bench_payments(quick: bool, workdir: Path) -> list[Figure]:
    """Payments per second, 4 desks at once on PostgreSQL, each payment as the fee desk makes it:
    dossier locked, fee, gapless receipt number, payment + audit + the receipt's print job
    (rendered ESC/POS bytes), committed. Baseline: one desk alone, same run."""
    import datetime as dt

    from sqlalchemy import insert
    from sqlalchemy import text as sa_text
    from sqlmodel import select as sm_select

    from models.db import session_scope
    from models.dossier import Dossier
    from models.idcard import make_check_digit
    from models.online import OnlineRecord, build_online_record
    from models.permissions import SYSTEM, Actor
    from models.services.campaigns import load_campaign, read_preset
    from models.services.users import add_user
    from models.types import utcnow
    from models.vocab import Role

    name = "payments, 4 desks at once (PostgreSQL)"
    if not harness.PG_URL:
        return [
            Figure(
                name,
                "≥ 300 /s",
                "not run: no --pg URL or TEST_DATABASE_URL",
                "—",
                "—",
                "payments/s",
            )
        ]
    per_desk = 50 if quick else 1000
    db = "desk_bench_payments"
    engine = _bench_pg_database(harness.PG_URL, db)
    at = dt.datetime(2021, 9, 27, 3, 0, tzinfo=dt.UTC)
    try:
        with session_scope(engine) as s:
            filename, body = read_preset("000")
            c = load_campaign(s, SYSTEM, body, filename=filename)
            actors = []
            for i in range(5):
                u = add_user(
                    s, SYSTEM, username=f"cashier{i}", role=Role.cashier, password="secret-pw"
                )
                actors.append(
                    Actor(user_id=u.id, username=u.username, role=Role.cashier, desk=f"{i}号窗口")
                )
            now = utcnow()
            total = per_desk * 5  # 4 desks, then one desk alone for the baseline
            recs = []
            for k in range(total):
                first17 = f"65280119{60 + k % 40:02d}0101{k // 40:03d}"
                recs.append(
                    build_online_record(
                        campaign_id=c.id or 0,
                        id_number=first17 + make_check_digit(first17),
                        name=f"申请人{k}",
                        level="中级",
                        track="评审",
                        status="通过形式审核",
                        unit="巴州红旗高级技工学校",
                        series="中职、技工类院校教师",
                        specialty="机电技术应用",
                    ).model_dump(exclude={"id"})
                )
            s.execute(insert(OnlineRecord), recs)
            ids = [r.id for r in s.exec(sm_select(OnlineRecord).order_by(OnlineRecord.id))]  # type: ignore[arg-type]
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
                        "accepted_at": at,
                        "created_at": now,
                    }
                    for k, rid in enumerate(ids)
                ],
            )
            dossier_ids = [d for (d,) in s.execute(sa_text("SELECT id FROM dossier ORDER BY id"))]
            code = c.code

        def run(groups: list[tuple[Actor, list[int]]]) -> tuple[float, int, list[str]]:
            """One process per desk, as at the office (each counter PC runs its own desk)."""
            import multiprocessing as mp

            ctx = mp.get_context("spawn")
            url = engine.url.render_as_string(hide_password=False)
            start, results = ctx.Event(), ctx.Queue()
            procs = [
                ctx.Process(target=_pay_desk, args=(url, code, a, m, at, start, results))
                for a, m in groups
            ]
            for proc in procs:
                proc.start()
            time.sleep(2)  # every desk process started and connected
            start.set()
            got = [results.get(timeout=600) for _ in procs]
            for proc in procs:
                proc.join()
            first = min(b for b, _, _ in got)
            last = max(e for _, e, _ in got)
            return (
                last - first,
                sum(len(m) for _, m in groups),
                [e for _, _, errs in got for e in errs],
            )

        one_s, one_n, e1 = run([(actors[4], dossier_ids[4 * per_desk :])])
        four_s, four_n, e4 = run(
            [(actors[i], dossier_ids[i * per_desk : (i + 1) * per_desk]) for i in range(4)]
        )
        if e1 or e4:
            raise RuntimeError(f"bench payments: {len(e1) + len(e4)} errors, first: {(e1 + e4)[0]}")
        with engine.connect() as conn:
            nos = [
                n
                for (n,) in conn.execute(
                    sa_text("SELECT receipt_no FROM payment ORDER BY receipt_no")
                )
            ]
        assert nos == list(range(1, len(nos) + 1)) and len(nos) == one_n + four_n, "gap"
    finally:
        engine.dispose()
        _drop_pg_database(harness.PG_URL, db)
    rate, base = four_n / four_s, one_n / one_s
    return [
        Figure(
            f"{name}, {four_n:,} payments with receipt jobs, numbers 1..N checked",
            "≥ 300 /s" if not quick else "—",
            f"{rate:.0f}",
            f"{base:.0f} one desk alone",
            f"{rate / base:.2f}",
            "payments/s",
            ok=(rate >= 300) if not quick else None,
        )
    ]
