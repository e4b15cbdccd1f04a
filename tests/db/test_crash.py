"""Crash safety: a desk process is killed (SIGKILL: no cleanup, no atexit, a power cut as far as
the database can tell) at random points while it accepts dossiers and takes their fees, at
least 50 times per database. After each kill the desk "starts again" (the interrupted print
jobs are recovered) and the database is checked: every payment whole or absent, receipt and
dossier numbers gapless, every receipt job backed by its payment and every payment by its job,
no dossier paid twice, every acceptance with its three print jobs, the audit chain whole and
every payment matching its audit event; SQLite's file passes ``integrity_check``.

``DESK_CRASH_KILLS`` sets the number of kills (default 50); the figures are printed at the end
(``pytest -s``) and recorded in docs/reliability.md."""

from __future__ import annotations

import collections
import datetime as dt
import multiprocessing
import os
import random
import signal
import time
from pathlib import Path

from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine

from models.audit import verify_chain
from models.campaign import NumberSequence
from models.db import is_sqlite, session_scope
from models.dossier import Dossier
from models.payment import Payment
from models.printjob import PrintJob
from models.services.audit_verify import verify_payments
from models.services.printing import recover_interrupted
from models.types import utcnow
from models.vocab import NumberKind
from tests import crash_desk
from tests.factories import AT, applicant, office

KILLS = int(os.environ.get("DESK_CRASH_KILLS", "50"))
SEED = int(os.environ.get("DESK_CRASH_SEED", "20261123"))


def _check(engine: Engine, campaign_id: int) -> tuple[int, int]:
    """The invariants after a kill; returns (payments, accepted dossiers)."""
    with session_scope(engine) as s:  # what the desk does when it starts again
        recover_interrupted(s, desk="1号窗口", now=utcnow() + dt.timedelta(minutes=5))
    with engine.execution_options(sqlite_begin="DEFERRED").connect() as conn:
        if is_sqlite(engine):
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
            assert conn.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        P, D, J, N = (inspect(t).local_table for t in (Payment, Dossier, PrintJob, NumberSequence))
        receipts = list(conn.execute(select(P.c.receipt_no).order_by(P.c.receipt_no)).scalars())
        assert receipts == list(range(1, len(receipts) + 1)), "receipt numbers have a gap"
        numbers = list(
            conn.execute(
                select(D.c.dossier_no).where(D.c.dossier_no.is_not(None)).order_by(D.c.dossier_no)
            ).scalars()
        )
        assert numbers == list(range(1, len(numbers) + 1)), "dossier numbers have a gap"
        seq: dict[str, int] = dict(
            conn.execute(
                select(N.c.kind, N.c.next_value).where(N.c.campaign_id == campaign_id)
            ).all()
        )
        assert seq[NumberKind.receipt.value] == len(receipts) + 1
        assert seq[NumberKind.dossier.value] == len(numbers) + 1
        # every payment taken at the desk (not the factory's no. 1) has exactly one receipt job;
        # every such job has its payment (a foreign key)
        jobs: dict[int, int] = dict(
            conn.execute(
                select(P.c.id, func.count(J.c.id))
                .select_from(P.outerjoin(J, (J.c.payment_id == P.c.id) & (J.c.copy_no == 0)))
                .where(P.c.receipt_no > 1)
                .group_by(P.c.id)
            ).all()
        )
        assert all(n == 1 for n in jobs.values()), "a payment without (or with two) receipt jobs"
        twice = conn.execute(
            select(P.c.dossier_id)
            .where(P.c.kind == "payment")
            .group_by(P.c.dossier_id)
            .having(func.count() > 1)
        ).all()
        assert twice == [], "a dossier paid twice"
        # every acceptance at the counter saved its label and two slips (the factory's did not)
        slips = conn.execute(
            select(D.c.id, func.count(J.c.id))
            .select_from(D.outerjoin(J, J.c.dossier_id == D.c.id))
            .where(D.c.dossier_no > 1)
            .group_by(D.c.id)
        ).all()
        assert all(n == 3 for _, n in slips), "an acceptance without its three print jobs"
        assert (
            conn.execute(
                select(func.count()).select_from(J).where(J.c.status == "sending")
            ).scalar_one()
            == 0
        )
        chain = verify_chain(conn)
        assert chain.ok, chain.first_break and chain.first_break.describe()
        _, problems = verify_payments(conn)
        assert problems == [], [p.describe() for p in problems]
        return len(receipts), len(numbers)


def test_kill_the_desk_at_random_points(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as s:
        o = office(s)
        for n in range(2, 52 + 15 * KILLS):  # ~7 dossiers are done between two kills
            applicant(s, o.campaign, n=n)
        campaign, cid = o.campaign.code, o.campaign.id or 0
        clerk_id, cashier_id = o.clerk.id or 0, o.cashier.id or 0
    url = engine.url.render_as_string(hide_password=False)
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["tests.crash_desk"])
    rng = random.Random(SEED)
    where: collections.Counter[str] = collections.Counter()
    completed = 0
    started = time.monotonic()
    for _ in range(KILLS):
        phase, done = ctx.Value("i", -1, lock=False), ctx.Value("i", 0, lock=False)
        desk = ctx.Process(
            target=crash_desk.run,
            daemon=True,
            args=(url, campaign, clerk_id, cashier_id, AT.isoformat(), str(tmp_path), phase, done),
        )
        desk.start()
        for _ in range(400):  # until it is at work (its engine open), then a random moment
            if phase.value >= 0:
                break
            time.sleep(0.005)
        time.sleep(rng.uniform(0.0, 0.6))
        hit = phase.value
        assert desk.pid is not None
        os.kill(desk.pid, signal.SIGKILL)
        desk.join(10)
        assert desk.exitcode == -signal.SIGKILL, "the desk ended before it was killed"
        where[crash_desk.PHASES.get(hit, "starting")] += 1
        completed += int(done.value)
        payments, accepted = _check(engine, cid)
    seconds = time.monotonic() - started
    print(
        f"\n[crash] {engine.dialect.name}: {KILLS} kills in {seconds:.1f} s; "
        f"{payments} payments and {accepted} acceptances kept, {completed} full rounds "
        f"finished; kills by phase: {dict(where)}"
    )
    assert payments >= 10 and accepted >= 10  # the desk did real work between kills
    in_flight = where["accept transaction"] + where["payment transaction"]
    assert in_flight >= KILLS // 10, f"too few kills inside a transaction: {dict(where)}"
