"""``desk audit verify``: is the audit chain whole, is every payment what its event recorded,
and is every closed day what it was closed with?

It only reads; that it was run, and what it found, is itself an audit event. Streams the chain in
batches, so a campaign's events (hundreds of thousands) are checked in a few seconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlmodel import Session
from sqlmodel import select as sm_select

from models import audit
from models.audit import SEAL_VERSIONS, AuditEvent, ChainReport, row_digest, verify_chain
from models.campaign import Campaign
from models.i18n import _
from models.money import Money
from models.payment import Payment
from models.permissions import Action, Actor, require
from models.services.numbering import format_number
from models.services.tally import (
    CHARGE_RULE,
    _day_view,
    desk_label,
    find_close,
    format_code,
    rows_of_day,
    rows_seal,
)
from models.tally import DayClose
from models.vocab import DayStatus, PaymentMethod

_EVENT = AuditEvent.__table__  # type: ignore[attr-defined]
_PAYMENT = Payment.__table__  # type: ignore[attr-defined]
_SEALING = ("payment.take", "payment.void", "payment.refund", "payment.sealed")
CLOCK_SKEW = dt.timedelta(minutes=5)  # two desks' clocks may differ by this much


@dataclass(frozen=True, slots=True)
class RowProblem:
    receipt_code: str
    payment_id: int
    problem: str

    def describe(self) -> str:
        return _("收据 {receipt_code}（记录号 {payment_id}）：{problem}").format(
            receipt_code=self.receipt_code, payment_id=self.payment_id, problem=self.problem
        )


@dataclass(frozen=True, slots=True)
class DayProblem:
    """A closed day whose rows or close no longer match what was sealed when it was closed."""

    day: dt.date
    desk: str
    problem: str

    def describe(self) -> str:
        return _("营业日 {day:%Y-%m-%d} {desk}：{problem}").format(
            day=self.day, desk=desk_label(self.desk), problem=self.problem
        )


@dataclass(frozen=True, slots=True)
class VerifyReport:
    chain: ChainReport
    payments: int  # payment rows checked against their events
    problems: list[RowProblem] = field(default_factory=list)
    closed_days: int = 0  # closes checked against the figures sealed in their events
    day_problems: list[DayProblem] = field(default_factory=list)
    # each close's code (day, desk, code): compare with the code on the day's filed Z report
    close_codes: list[tuple[dt.date, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.problems and not self.day_problems

    def lines(self) -> list[str]:
        out = []
        if self.chain.first_break is None:
            out.append(
                _("审计链完整：{events} 条记录，逐条哈希相连，无断链").format(
                    events=self.chain.events
                )
            )
        else:
            out.append(
                _("审计链在此处断开：{where}").format(where=self.chain.first_break.describe())
            )
            out.append(
                _("（已检查 {events} 条；未入链的记录 {unsealed} 条）").format(
                    events=self.chain.events, unsealed=self.chain.unsealed
                )
            )
        if not self.problems:
            out.append(
                _("收费记录：{payments} 笔，均与其审计记录一致").format(payments=self.payments)
            )
        else:
            out.append(
                _("收费记录：{payments} 笔，其中 {problems} 笔与审计记录不符：").format(
                    payments=self.payments, problems=len(self.problems)
                )
            )
            out.extend("  " + p.describe() for p in self.problems[:20])
            if len(self.problems) > 20:
                out.append(_("  ……另有 {count} 笔").format(count=len(self.problems) - 20))
        if not self.day_problems:
            out.append(
                _("日结：{days} 个已锁定的营业日，收费记录均与日结时封存的数字一致").format(
                    days=self.closed_days
                )
            )
        else:
            out.append(
                _(
                    "日结：{days} 个已锁定的营业日，其中 {problems} 处与日结时封存的数字不符："
                ).format(days=self.closed_days, problems=len(self.day_problems))
            )
            out.extend("  " + p.describe() for p in self.day_problems[:40])
            if len(self.day_problems) > 40:
                out.append(_("  ……另有 {count} 处").format(count=len(self.day_problems) - 40))
        return out


def verify_payments(conn: Connection) -> tuple[int, list[RowProblem]]:
    """Every payment row against the digest its event sealed; events whose row is gone."""
    sealed: dict[int, tuple[str, int, dict[str, object]]] = {}
    for e in conn.execute(
        select(_EVENT.c.detail).where(_EVENT.c.action.in_(_SEALING), _EVENT.c.entity == "payment")
    ):
        row = (e.detail or {}).get("row")
        if isinstance(row, dict) and row.get("table") == "payment":
            version = row.get("v", 1)
            sealed[int(row["id"])] = (
                str(row.get("sha256", "")),
                version if isinstance(version, int) else 0,
                e.detail,
            )
    problems: list[RowProblem] = []
    count = 0
    for p in conn.execute(select(_PAYMENT).order_by(_PAYMENT.c.id)).mappings():
        count += 1
        seal = sealed.pop(int(p["id"]), None)
        if seal is None:
            problems.append(
                RowProblem(
                    p["receipt_code"],
                    int(p["id"]),
                    _("没有记录它的审计事件：不是由本程序收取的（手工插入？）"),
                )
            )
            continue
        digest, version, detail = seal
        if ("payment", version) not in SEAL_VERSIONS or digest != row_digest(
            "payment", dict(p), version
        ):
            recorded = detail.get("amount_fen")
            if isinstance(recorded, int) and recorded != p["amount_fen"] and p["kind"] == "payment":
                problem = _("写入后被改动：审计记录的金额为 {recorded} 元，现为 {now} 元").format(
                    recorded=Money(recorded).figures(), now=Money(p["amount_fen"]).figures()
                )
            else:
                problem = _("写入后被改动，与审计记录不符")
            problems.append(RowProblem(p["receipt_code"], int(p["id"]), problem))
    for pid in sorted(sealed):
        problems.append(RowProblem("?", pid, _("审计记录中有这笔收费，数据库中已不存在（被删除）")))
    return count, problems


def _as_date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def verify_closed_days(
    session: Session,
) -> tuple[int, list[DayProblem], list[tuple[dt.date, str, str]]]:
    """Every close against its audit event (chained, so its figures cannot be edited unseen):
    the close's row is still there, closed, with the figures the event sealed; the rows dated
    into the day add up to the figures sealed per method, count and receipt range, and are the
    rows sealed (count and digest); no row of the day was written after the close. Each
    difference is named with the day, the receipts and the amounts."""
    problems: list[DayProblem] = []
    campaigns: dict[int, Campaign | None] = {}
    seen: set[tuple[int, dt.date, str]] = set()
    codes: list[tuple[dt.date, str, str]] = []
    events = (
        session.connection()
        .execute(
            select(_EVENT.c.campaign_id, _EVENT.c.at, _EVENT.c.detail, _EVENT.c.hash)
            .where(_EVENT.c.action == str(Action.day_close), _EVENT.c.entity == "day_close")
            .order_by(_EVENT.c.id)
        )
        .all()
    )
    for e in events:
        detail = e.detail or {}
        day = _as_date(detail.get("day"))
        desk = str(detail.get("desk", ""))
        sealed = detail.get("expected") or {}
        cid = e.campaign_id
        if day is None or cid is None or not isinstance(sealed, dict):
            continue
        if cid not in campaigns:
            campaigns[cid] = session.get(Campaign, cid)
        campaign = campaigns[cid]
        if campaign is None:
            continue
        seen.add((cid, day, desk))
        codes.append((day, desk, format_code(str(e.hash or ""))))

        def problem(text: str, day: dt.date = day, desk: str = desk) -> None:
            problems.append(DayProblem(day, desk, text))

        close = find_close(session, campaign, day, desk)
        if close is None or close.status != DayStatus.closed.value:
            problem(
                _(
                    "日结记录已不存在或不再是已锁定状态（审计记录中它已于 {at:%Y-%m-%d %H:%M} 锁定）"
                ).format(at=e.at.astimezone(campaign.zone))
            )
        elif close.expected != sealed:
            problem(_("日结记录中的数字被改动，与日结时的审计记录不符"))
        # closes sealed before rule 2 counted a void at the desk that made it
        rule = sealed.get("rule")
        rule2 = isinstance(rule, int) and rule >= CHARGE_RULE
        view = _day_view(session, campaign, day, desk, charge_to_original=rule2)
        now = view.expected()
        then = sealed.get("methods") or {}
        for method in PaymentMethod:
            was, is_ = int(then.get(method.value, 0)), int(now.get(method.value, 0))
            if was != is_:
                problem(
                    _("{method}日结时为 {was} 元，现为 {now} 元（差 {diff} 元）").format(
                        method=method.label,
                        was=Money(was).figures(),
                        now=Money(is_).figures(),
                        diff=Money(is_ - was).figures(),
                    )
                )
        receipts = sealed.get("receipts") or {}
        if receipts and (receipts.get("first"), receipts.get("last"), receipts.get("count")) != (
            view.receipts.first,
            view.receipts.last,
            view.receipts.count,
        ):
            problem(
                _("收据号日结时为 {was}，现为 {now}").format(
                    was=_range(
                        campaign, receipts.get("first"), receipts.get("last"), receipts.get("count")
                    ),
                    now=view.receipts.range_text,
                )
            )
        rows = rows_of_day(session, campaign, day, desk, charge_to_original=rule2)
        # a row's time is its desk's clock, the close's the closing desk's: a few minutes apart
        # are two clocks, not a row written after the close
        late = [r for r in rows if r.created_at > e.at + CLOCK_SKEW]
        if late:
            problem(
                _("收据 {receipts} 写于日结之后（{first:%Y-%m-%d %H:%M}），却记在这一天").format(
                    receipts="、".join(r.receipt_code for r in late[:10]),
                    first=min(r.created_at for r in late).astimezone(campaign.zone),
                )
            )
        sealed_rows = sealed.get("rows")
        if isinstance(sealed_rows, dict) and sealed_rows != rows_seal(rows):
            problem(
                _("这一天的收费记录与日结时封存的不一致（日结时 {was} 笔，现为 {now} 笔）").format(
                    was=sealed_rows.get("count"), now=len(rows)
                )
            )
    for close in session.exec(sm_select(DayClose).where(DayClose.status == DayStatus.closed.value)):
        if (close.campaign_id, close.business_date, close.desk) not in seen:
            problems.append(
                DayProblem(
                    close.business_date,
                    close.desk,
                    _("已锁定的日结没有对应的审计记录（不是由本程序办理的？）"),
                )
            )
    return len(events), problems, codes


def _range(campaign: Campaign, first: object, last: object, count: object) -> str:
    if not isinstance(first, int) or not isinstance(last, int):
        return _("无")
    return _("{first}–{last}（{count} 张）").format(
        first=format_number(campaign.receipt_prefix, first),
        last=format_number(campaign.receipt_prefix, last),
        count=count,
    )


def verify(session: Session, actor: Actor) -> VerifyReport:
    """Check the chain and the payments in the session's transaction (open it read-only:
    ``session_scope(engine, readonly=True)``), then record that it was checked and the outcome."""
    require(actor, Action.audit_verify)
    conn = session.connection()
    chain = verify_chain(conn)
    count, problems = verify_payments(conn)
    days, day_problems, codes = verify_closed_days(session)
    report = VerifyReport(
        chain=chain,
        payments=count,
        problems=problems,
        closed_days=days,
        day_problems=day_problems,
        close_codes=codes,
    )
    first = chain.first_break
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=str(Action.audit_verify),
        entity="audit_event",
        desk=actor.desk,
        detail={
            "ok": report.ok,
            "events": chain.events,
            "unsealed": chain.unsealed,
            "first_break": first.event_id if first else None,
            "payments": count,
            "payment_problems": len(problems),
            "closed_days": days,
            "day_problems": len(day_problems),
        },
    )
    return report
