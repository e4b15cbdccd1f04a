"""``desk audit verify``: is the audit chain whole, and is every payment what its event recorded?

It only reads; that it was run, and what it found, is itself an audit event. Streams the chain in
batches, so a campaign's events (hundreds of thousands) are checked in a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from models import audit
from models.audit import AuditEvent, ChainReport, row_digest, verify_chain
from models.i18n import _
from models.money import Money
from models.payment import Payment
from models.permissions import Action, Actor, require

_EVENT = AuditEvent.__table__  # type: ignore[attr-defined]
_PAYMENT = Payment.__table__  # type: ignore[attr-defined]
_SEALING = ("payment.take", "payment.void", "payment.refund", "payment.sealed")


@dataclass(frozen=True, slots=True)
class RowProblem:
    receipt_code: str
    payment_id: int
    problem: str

    def describe(self) -> str:
        return _("收据 {receipt_code}（记录号 {payment_id}）：{problem}").format(
            receipt_code=self.receipt_code, payment_id=self.payment_id, problem=self.problem)


@dataclass(frozen=True, slots=True)
class VerifyReport:
    chain: ChainReport
    payments: int  # payment rows checked against their events
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.problems

    def lines(self) -> list[str]:
        out = []
        if self.chain.first_break is None:
            out.append(_("审计链完整：{events} 条记录，逐条哈希相连，无断链").format(
                events=self.chain.events))
        else:
            out.append(_("审计链在此处断开：{where}").format(where=self.chain.first_break.describe()))
            out.append(_("（已检查 {events} 条；未入链的记录 {unsealed} 条）").format(
                events=self.chain.events, unsealed=self.chain.unsealed))
        if not self.problems:
            out.append(_("收费记录：{payments} 笔，均与其审计记录一致").format(payments=self.payments))
        else:
            out.append(_("收费记录：{payments} 笔，其中 {problems} 笔与审计记录不符：").format(
                payments=self.payments, problems=len(self.problems)))
            out.extend("  " + p.describe() for p in self.problems[:20])
            if len(self.problems) > 20:
                out.append(_("  ……另有 {count} 笔").format(count=len(self.problems) - 20))
        return out


def verify_payments(conn: Connection) -> tuple[int, list[RowProblem]]:
    """Every payment row against the digest its event sealed; events whose row is gone."""
    sealed: dict[int, tuple[str, dict[str, object]]] = {}
    for e in conn.execute(select(_EVENT.c.detail).where(_EVENT.c.action.in_(_SEALING),
                                                        _EVENT.c.entity == "payment")):
        row = (e.detail or {}).get("row")
        if isinstance(row, dict) and row.get("table") == "payment":
            sealed[int(row["id"])] = (str(row.get("sha256", "")), e.detail)
    problems: list[RowProblem] = []
    count = 0
    for p in conn.execute(select(_PAYMENT).order_by(_PAYMENT.c.id)).mappings():
        count += 1
        seal = sealed.pop(int(p["id"]), None)
        if seal is None:
            problems.append(RowProblem(p["receipt_code"], int(p["id"]),
                                       _("没有记录它的审计事件：不是由本程序收取的（手工插入？）")))
            continue
        digest, detail = seal
        if digest != row_digest("payment", dict(p)):
            recorded = detail.get("amount_fen")
            if isinstance(recorded, int) and recorded != p["amount_fen"] and p["kind"] == "payment":
                problem = _("写入后被改动：审计记录的金额为 {recorded} 元，现为 {now} 元").format(
                    recorded=Money(recorded).figures(), now=Money(p["amount_fen"]).figures())
            else:
                problem = _("写入后被改动，与审计记录不符")
            problems.append(RowProblem(p["receipt_code"], int(p["id"]), problem))
    for pid in sorted(sealed):
        problems.append(RowProblem("?", pid, _("审计记录中有这笔收费，数据库中已不存在（被删除）")))
    return count, problems


def verify(session: Session, actor: Actor) -> VerifyReport:
    """Check the chain and the payments in the session's transaction (open it read-only:
    ``session_scope(engine, readonly=True)``), then record that it was checked and the outcome."""
    require(actor, Action.audit_verify)
    conn = session.connection()
    chain = verify_chain(conn)
    count, problems = verify_payments(conn)
    report = VerifyReport(chain=chain, payments=count, problems=problems)
    first = chain.first_break
    audit.record(session, actor_id=actor.user_id, actor_name=actor.username,
                 action=str(Action.audit_verify), entity="audit_event", desk=actor.desk,
                 detail={"ok": report.ok, "events": chain.events, "unsealed": chain.unsealed,
                         "first_break": first.event_id if first else None,
                         "payments": count, "payment_problems": len(problems)})
    return report
