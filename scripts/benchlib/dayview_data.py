"""The day view's data: a campaign's payments generated, the plans, a naive baseline."""

from __future__ import annotations

import time

DV_DAYS = 20


DV_DESKS = ("1号窗口", "2号窗口", "3号窗口", "4号窗口")


# share of the dossiers (cumulative %, by id mod 100): the fee rules of preset 000
DV_FEES = (
    (45, "评审", "中级"),
    (80, "评审", "初级"),
    (90, "初次确定", "初级"),
    (96, "初次确定", "中级"),
    (100, "授予", "中级"),
)


DV_METHODS = ((50, "cash"), (80, "qr"), (92, "card"), (100, "transfer"))


class _DvSQL:
    """The few spellings that differ between the backends in the generated INSERT … SELECTs.
    Times are seconds from 2021-09-25 00:00 UTC (the first business day; Asia/Shanghai is
    UTC+8, so 02:00–10:05 UTC is the same calendar day at the office)."""

    def __init__(self, dialect: str) -> None:
        self.pg = dialect == "postgresql"

    def series(self, n: int) -> tuple[str, str]:
        """(prefix, FROM item) giving k = 1..n."""
        if self.pg:
            return "", f"generate_series(1, {n}) AS g(k)"
        return (
            f"WITH RECURSIVE g(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM g WHERE k < {n}) ",
            "g",
        )

    def pad(self, expr: str, width: int) -> str:
        """At least ``width`` digits, as ``format_number`` writes them (never cut)."""
        if self.pg:
            return f"lpad(({expr})::text, greatest({width}, length(({expr})::text)), '0')"
        return f"substr('{'0' * width}' || ({expr}), -max({width}, length({expr})))"

    def day(self, d: str) -> str:
        return (
            f"(DATE '2021-09-25' + ({d}))" if self.pg else f"date('2021-09-25', ({d}) || ' days')"
        )

    def ts(self, secs: str) -> str:
        if self.pg:
            return f"(TIMESTAMPTZ '2021-09-25 00:00:00+00' + ({secs}) * INTERVAL '1 second')"
        # SQLAlchemy's SQLite DATETIME text: naive UTC with six fractional digits
        return (
            f"(strftime('%Y-%m-%d %H:%M:%S', '2021-09-25 00:00:00', ({secs}) || ' seconds') "
            "|| '.000000')"
        )

    def json(self, literal: str) -> str:
        return f"CAST('{literal}' AS JSON)" if self.pg else f"'{literal}'"

    @staticmethod
    def case(expr: str, buckets: tuple[tuple[int, str], ...]) -> str:
        whens = " ".join(f"WHEN {expr} < {upto} THEN '{v}'" for upto, v in buckets[:-1])
        return f"(CASE {whens} ELSE '{buckets[-1][1]}' END)"


def _dayview_load(engine, n: int) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """The preset's campaign, a lead, a clerk and 4 cashiers (through the service), then n online
    records, n accepted dossiers with their visits (every 10th returned once before) and their
    n payments over DV_DAYS business days, ~1 % voided the same day and ~0.5 % refunded the
    next day (extra rows pointing at the original), receipt numbers 1..M without a gap in time
    order — all generated in SQL on the migrated schema, its triggers and constraints in force;
    then ANALYZE. Returns what the bench needs."""
    from sqlmodel import select

    from models.campaign import Campaign
    from models.db import session_scope
    from models.permissions import SYSTEM, Actor
    from models.services.campaigns import fee_for, load_campaign, read_preset
    from models.services.users import add_user
    from models.vocab import Role

    per_day = n // DV_DAYS
    assert n % DV_DAYS == 0 and per_day % 200 == 0, n
    voids, refunds = per_day // 100, per_day // 200  # per day (refunds from day 2 on)
    rows = DV_DAYS * (per_day + voids) + (DV_DAYS - 1) * refunds
    t0 = time.perf_counter()
    with session_scope(engine) as s:
        filename, body = read_preset("000")
        c = s.exec(select(Campaign)).first()  # _fresh_sqlite loads it, a new PG database not
        if c is None:
            c = load_campaign(s, SYSTEM, body, filename=filename)
        cid, code, prefix = c.id or 0, c.code, c.receipt_prefix
        dossier_prefix = c.dossier_prefix
        users = {
            name: add_user(
                s, SYSTEM, username=name, role=role, password="bench-secret", display_name=shown
            )
            for name, role, shown in (
                ("dv_lead", Role.lead, "负责人"),
                ("dv_clerk", Role.clerk, "受理员"),
                *((f"dv_cashier{i}", Role.cashier, f"收费员{i}") for i in range(1, 5)),
            )
        }
        uid = {name: u.id or 0 for name, u in users.items()}
        fen = {
            (track, level): fee_for(s, cid, track, level).amount.fen for _, track, level in DV_FEES
        }
    lead = Actor(user_id=uid["dv_lead"], username="dv_lead", role=Role.lead)
    q = _DvSQL(engine.dialect.name)
    pre, src = q.series(n)
    track = q.case("k % 100", tuple((u, t) for u, t, _ in DV_FEES))
    level = q.case("k % 100", tuple((u, lv) for u, _, lv in DV_FEES))
    amount = (
        "(CASE "
        + " ".join(
            f"WHEN d.track = '{t}' AND d.level = '{lv}' THEN {f}" for (t, lv), f in fen.items()
        )
        + " END)"
    )
    # dossier k is seen and paid on day (k-1) / per_day, the j-th of its day
    day_of, j_of = f"((d.id - 1) / {per_day})", f"((d.id - 1) % {per_day})"
    seen = f"({day_of} * 86400 + 7200 + {j_of} * 28800 / {per_day})"  # 10:00–18:00 at the office
    desk = (
        "(CASE "
        + " ".join(f"WHEN {j_of} % 4 = {i} THEN '{name}'" for i, name in enumerate(DV_DESKS))
        + " END)"
    )
    cashier = (
        f"(CASE WHEN d.id % 53 = 0 THEN {uid['dv_lead']} "
        + " ".join(f"WHEN {j_of} % 4 = {i} THEN {uid[f'dv_cashier{i + 1}']}" for i in range(4))
        + " END)"
    )
    method = q.case("((d.id * 7) % 100)", DV_METHODS)
    # receipt numbers in time order: a day's refunds at opening, then its payments, each void
    # right after the payment it voids (j % 100 = 37); every number 1..rows is a row
    refunds_before = f"(CASE WHEN {day_of} > 0 THEN {day_of} - 1 ELSE 0 END) * {refunds}"
    base = f"({day_of} * {per_day + voids} + {refunds_before})"
    today_refunds = f"(CASE WHEN {day_of} > 0 THEN {refunds} ELSE 0 END)"
    pay_no = f"({base} + {today_refunds} + {j_of} + ({j_of} + 62) / 100 + 1)"
    # a refund dated day d+1 of a payment of day d (j % 200 = 113), numbered at d+1's opening
    next_base = f"(({day_of} + 1) * {per_day + voids} + {day_of} * {refunds})"
    refund_no = f"({next_base} + {j_of} / 200 + 1)"
    cols = (
        "id, campaign_id, receipt_no, receipt_code, kind, dossier_id, original_id, amount_fen, "
        "track, level, method, reference, fiscal_receipt_no, reason, note, cashier_id, desk, "
        "business_date, attempt, created_at"
    )

    def pay_insert(
        kind: str,
        no: str,
        original: str,
        day: str,
        at: str,
        where: str,
        reason: str = "",
        note: str = "",
    ) -> str:
        return (
            f"INSERT INTO payment ({cols}) SELECT {no}, {cid}, {no}, "
            f"'{prefix}' || {q.pad(no, 5)}, '{kind}', d.id, {original}, {amount}, d.track, "
            f"d.level, {method}, '', '', '{reason}', '{note}', {cashier}, {desk}, "
            f"{q.day(day)}, 0, {q.ts(at)} FROM dossier d WHERE d.campaign_id = {cid} "
            f"AND {where} ORDER BY d.id"
        )

    statements = [
        (
            "online_record",
            f"{pre}INSERT INTO online_record (id, campaign_id, id_number, id_last6, name, name_key, "
            "pinyin_full, pinyin_initials, sex, unit, supervising_dept, county, series, specialty, "
            "level, grade, track, status, submission_count, application_no, phone, extra, "
            "imported_at, updated_at) "
            f"SELECT k, {cid}, '652801' || {q.pad('k', 12)}, {q.pad('k % 1000000', 6)}, "
            "'申请人' || k, '申请人' || k, 'shenqingren' || k, 'sqr', '男', '巴州红旗高级技工学校', "
            f"'巴州教育局', '库尔勒市', '中职、技工类院校教师', '机电技术应用', {level}, {level}, {track}, "
            f"'通过形式审核', 1, 'BZ' || {q.pad('k', 8)}, '13900000000', {q.json('{}')}, {q.ts('0')}, "
            f"{q.ts('0')} FROM {src}",
        ),
        (
            "dossier",
            "INSERT INTO dossier (id, campaign_id, online_record_id, status, dossier_no, dossier_code, "
            "track, level, conditions, online_snapshot, accepted_by_id, accepted_at, created_at) "
            f"SELECT d.id, {cid}, d.id, 'accepted', d.id, '{dossier_prefix}' || {q.pad('d.id', 5)}, "
            f"d.track, d.level, {q.json('[]')}, {q.json('{}')}, {uid['dv_clerk']}, {q.ts(seen)}, {q.ts(seen)} "
            f"FROM online_record d WHERE d.campaign_id = {cid} ORDER BY d.id",
        ),
        # every 10th dossier was returned once, two hours before it was accepted
        (
            "dossier_visit",
            "INSERT INTO dossier_visit (campaign_id, dossier_id, outcome, deficiencies, note, clerk_id, desk, at) "
            f"SELECT {cid}, d.id, 'returned', {q.json('[]')}, '', {uid['dv_clerk']}, {desk}, "
            f"{q.ts(f'{seen} - 7200')} FROM dossier d WHERE d.campaign_id = {cid} AND d.id % 10 = 3 "
            "ORDER BY d.id",
        ),
        (
            "dossier_visit",
            "INSERT INTO dossier_visit (campaign_id, dossier_id, outcome, deficiencies, note, clerk_id, desk, at) "
            f"SELECT {cid}, d.id, 'accepted', {q.json('[]')}, '', {uid['dv_clerk']}, {desk}, {q.ts(seen)} "
            f"FROM dossier d WHERE d.campaign_id = {cid} ORDER BY d.id",
        ),
        (
            "payment",
            pay_insert(
                "payment", pay_no, "CAST(NULL AS INTEGER)", day_of, f"{seen} + 300", "1 = 1"
            ),
        ),
        (
            "payment",
            pay_insert(
                "void",
                f"({pay_no} + 1)",
                pay_no,
                day_of,
                f"{seen} + 360",
                f"{j_of} % 100 = 37",
                "duplicate",
                "重复收费",
            ),
        ),
        (
            "payment",
            pay_insert(
                "refund",
                refund_no,
                pay_no,
                f"{day_of} + 1",
                f"({day_of} + 1) * 86400 + 7000 + {j_of} / 200",
                f"{j_of} % 200 = 113 AND {day_of} < {DV_DAYS - 1}",
                "withdrawn",
                "申请人撤回申报",
            ),
        ),
        (
            "counters",
            f"UPDATE number_sequence SET next_value = {n + 1} WHERE campaign_id = {cid} "
            "AND kind = 'dossier'",
        ),
        (
            "counters",
            f"UPDATE number_sequence SET next_value = {rows + 1} "
            f"WHERE campaign_id = {cid} AND kind = 'receipt'",
        ),
    ]
    if q.pg:  # explicit ids: the serial sequences go on after them
        statements += [
            (
                "counters",
                f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))",
            )
            for t in ("online_record", "dossier", "payment")
        ]
    step: dict[str, float] = {}
    with engine.begin() as conn:
        for what, sql in statements:
            t1 = time.perf_counter()
            conn.exec_driver_sql(sql.replace("%", "%%") if q.pg else sql)  # psycopg's %s
            step[what] = step.get(what, 0.0) + time.perf_counter() - t1
        got = conn.exec_driver_sql(
            f"SELECT count(*), min(receipt_no), max(receipt_no), "
            f"sum(CASE WHEN kind = 'void' THEN 1 ELSE 0 END), "
            f"sum(CASE WHEN kind = 'refund' THEN 1 ELSE 0 END) "
            f"FROM payment WHERE campaign_id = {cid}"
        ).one()
    assert tuple(got) == (rows, 1, rows, DV_DAYS * voids, (DV_DAYS - 1) * refunds), (got, rows)
    t1 = time.perf_counter()
    if q.pg:  # VACUUM: the visibility map, so that the day's read can be an index-only scan
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE")
    step["analyze"] = time.perf_counter() - t1
    return {
        "cid": cid,
        "code": code,
        "lead": lead,
        "rows": rows,
        "per_day": per_day,
        "load_s": time.perf_counter() - t0,
        "steps": step,
    }


_TABLES = {
    "payment": "payment",
    "original": "payment",
    "dossier_visit": "dossier_visit",
    "dossier": "dossier",
}


def _explain(engine, stmt, params: dict) -> tuple[list[str], list[tuple[str, str]]]:  # type: ignore[no-untyped-def,type-arg]
    """The plan of one of the tally's statements with these parameters: its lines, and
    (table, step) for every step that reads a whole table of payment, dossier_visit or dossier
    — a scan, or an index searched on campaign_id alone (every row of the campaign)."""
    sqlite = engine.dialect.name == "sqlite"
    compiled = stmt.compile(dialect=engine.dialect)
    state = compiled.construct_expanded_state(params)  # IN (…) lists spelled out
    # the values as SQLAlchemy would send them (on SQLite, times as its naive-UTC text)
    procs = {**compiled._bind_processors, **state.processors}
    values = {k: procs[k](v) if k in procs else v for k, v in state.parameters.items()}
    args = tuple(values[k] for k in state.positiontup or []) if compiled.positional else values
    whole: list[tuple[str, str]] = []
    with engine.connect() as conn:
        if sqlite:
            lines = [
                str(r[-1]).strip()
                for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + state.statement, args)
            ]
            for ln in lines:
                words = ln.split()
                if (
                    len(words) > 1
                    and words[1] in _TABLES
                    and (words[0] == "SCAN" or ln.endswith("(campaign_id=?)"))
                ):
                    whole.append((_TABLES[words[1]], ln))
        else:
            lines = [str(r[0]) for r in conn.exec_driver_sql("EXPLAIN " + state.statement, args)]
            plan = conn.exec_driver_sql(
                "EXPLAIN (FORMAT JSON) " + state.statement, args
            ).scalar_one()

            def walk(node: dict, cond: str = "") -> None:  # type: ignore[type-arg]
                children = node.get("Plans", [])
                table = node.get("Relation Name")
                if table in _TABLES:
                    if node["Node Type"] == "Bitmap Heap Scan":
                        cond = " ".join(c.get("Index Cond", "") for c in children)
                    cond = node.get("Index Cond", cond)
                    keys = {
                        w
                        for w in ("business_date", "receipt_no", "at", "id")
                        if f"{w} " in cond or f"{w})" in cond
                    }
                    if node["Node Type"] == "Seq Scan" or (not keys and "campaign_id" in cond):
                        whole.append(
                            (
                                _TABLES[table],
                                f"{node['Node Type']} on {table}" + (f" ({cond})" if cond else ""),
                            )
                        )
                for child in children:
                    walk(child)

            walk((plan[0] if isinstance(plan, list) else plan)["Plan"])
        conn.rollback()
    return lines, whole


def _naive_day(engine, code: str, day, desk: str) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """What a first version would do: the day's payment rows as ORM objects joined to their
    dossiers (the track and level from the dossier), summed in Python; the visits likewise."""
    import itertools
    from collections import defaultdict

    from sqlmodel import col, select

    from models.db import session_scope
    from models.dossier import Dossier, DossierVisit
    from models.payment import Payment
    from models.services.campaigns import get_campaign
    from models.services.tally import day_bounds

    with session_scope(engine, readonly=True) as s:
        c = get_campaign(s, code)
        stmt = (
            select(Payment, Dossier)
            .join(Dossier, col(Dossier.id) == Payment.dossier_id)
            .where(Payment.campaign_id == c.id, Payment.business_date == day)
        )
        if desk:
            stmt = stmt.where(Payment.desk == desk)
        sums: dict[tuple[str, object], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        numbers = []
        for p, d in s.exec(stmt):
            slot = {"payment": 1, "void": 2, "refund": 3}[p.kind]
            for key in (
                ("method", p.method),
                ("fee", f"{d.track}·{d.level}"),
                ("cashier", p.cashier_id),
                ("desk", p.desk),
                ("total", ""),
            ):
                sums[key][slot] += p.amount_fen
                sums[key][0] += slot == 1
            numbers.append(p.receipt_no)
        numbers.sort()
        gaps = [a for a, b in itertools.pairwise(numbers) if b != a + 1]
        start, end = day_bounds(c, day)
        visits = [
            v
            for v in s.exec(
                select(DossierVisit)
                .join(Dossier, col(Dossier.id) == DossierVisit.dossier_id)
                .where(Dossier.campaign_id == c.id, DossierVisit.at >= start, DossierVisit.at < end)
            )
            if not desk or v.desk == desk
        ]
        n, paid, voided, refunded = sums[("total", "")]
        return {
            "visits": len(visits),
            "accepted": sum(v.outcome == "accepted" for v in visits),
            "returned": sum(v.outcome == "returned" for v in visits),
            "payments": n,
            "paid_fen": paid,
            "voided_fen": voided,
            "refunded_fen": refunded,
            "net_fen": paid - voided - refunded,
            "gaps": len(gaps) if not desk else 0,
        }
