"""The cashier's view of the statement: every line with its proposal, the unmatched lines and the unpaid dossiers."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from sqlmodel import Session, col, select

from models.bank import BankLine, BankLineDismissal, BankMatch, LineStatus
from models.campaign import Campaign
from models.i18n import _
from models.idcard import mask_ids_in
from models.money import Money
from models.payment import Payment
from models.permissions import FULL_ID_ROLES, Action, Actor, require
from models.services.bank.match import _candidate, _index, _live, _propose
from models.services.bank.records import DISMISS_REASONS, LineProposal
from models.services.payments import QueueLine, cashier_queue


def proposals(
    session: Session, actor: Actor, campaign: Campaign, statement_id: int | None = None
) -> list[LineProposal]:
    """Every credit line of the campaign (or of one statement) with what the matcher says, in
    statement and line order: confirmed and dismissed lines with their outcome, the others with
    their candidates. Reads only; a fixed number of queries whatever the number of lines.

    Needs ``bank.match`` (memos carry names and ID numbers). The lines are as ``actor`` may see
    them: an ID number a payer wrote in the memo (or in a name or note) is masked
    (652801********1234) unless the actor is a lead (``FULL_ID_ROLES``). The matching reads the
    real memo."""
    require(actor, Action.bank_match)
    cid = campaign.id
    q = select(BankLine).where(BankLine.campaign_id == cid, col(BankLine.amount_fen) > 0)
    if statement_id is not None:
        q = q.where(BankLine.statement_id == statement_id)
    lines = list(session.exec(q.order_by(col(BankLine.statement_id), col(BankLine.line_no))))
    if not lines:
        return []
    matched: dict[int, tuple[int, str, int]] = {}  # line → live payment (id, receipt, dossier)
    for line_id, pid, receipt, did in session.exec(
        select(BankMatch.line_id, Payment.id, Payment.receipt_code, Payment.dossier_id)
        .join(Payment, col(Payment.id) == BankMatch.payment_id)
        .join(BankLine, col(BankLine.id) == BankMatch.line_id)
        .where(BankLine.campaign_id == cid, _live())
    ).all():
        assert pid is not None
        matched[line_id] = (pid, receipt, did)
    dismissed = {
        d.line_id: d
        for d in session.exec(
            select(BankLineDismissal)
            .join(BankLine, col(BankLine.id) == BankLineDismissal.line_id)
            .where(BankLine.campaign_id == cid)
        )
    }
    ix = _index(session, campaign)
    out: list[LineProposal] = []
    for line in lines:
        assert line.id is not None
        base: dict[str, Any] = {
            "line_id": line.id,
            "statement_id": line.statement_id,
            "line_no": line.line_no,
            "txn_date": line.txn_date,
            "amount": Money(line.amount_fen),
            "payer_name": line.payer_name,
            "payer_account": line.payer_account,
            "memo": line.memo,
            "serial": line.serial,
            "evidence": "",
            "weak": False,
        }
        if line.id in matched:
            pid, receipt, did = matched[line.id]
            rid = ix.dossier_record.get(did)
            cands = (_candidate(ix.people[rid], line.amount_fen, ()),) if rid is not None else ()
            out.append(
                LineProposal(
                    **base,
                    status=LineStatus.confirmed,
                    candidates=cands,
                    dossier_id=did,
                    note="",
                    payment_id=pid,
                    receipt_code=receipt,
                )
            )
        elif line.id in dismissed:
            d = dismissed[line.id]
            out.append(
                LineProposal(
                    **base,
                    status=LineStatus.dismissed,
                    candidates=(),
                    dossier_id=None,
                    note=_(DISMISS_REASONS.get(d.reason, d.reason)),
                    dismissal_reason=d.reason,
                    dismissal_note=d.note,
                )
            )
        else:
            out.append(_propose(line, ix))
    proposed = Counter(p.dossier_id for p in out if p.status == LineStatus.proposed)
    for i, p in enumerate(out):
        if p.status == LineStatus.proposed and proposed[p.dossier_id] > 1:
            others = [
                str(q.line_no)
                for q in out
                if q.status == LineStatus.proposed
                and q.dossier_id == p.dossier_id
                and q.line_id != p.line_id
            ]
            note = _("第 {lines} 行流水也指向该档案，可能重复转账").format(lines="、".join(others))
            out[i] = replace(p, note=f"{p.note}；{note}" if p.note else note)
    if actor.role in FULL_ID_ROLES:
        return out
    return [
        replace(
            p,
            memo=mask_ids_in(p.memo),
            payer_name=mask_ids_in(p.payer_name),
            note=mask_ids_in(p.note),
            dismissal_note=mask_ids_in(p.dismissal_note),
        )
        for p in out
    ]


def unmatched_lines(
    session: Session, actor: Actor, campaign: Campaign, statement_id: int | None = None
) -> list[LineProposal]:
    """Credit lines neither confirmed nor set aside (whatever the matcher proposes for them)."""
    return [
        p
        for p in proposals(session, actor, campaign, statement_id)
        if p.status not in (LineStatus.confirmed, LineStatus.dismissed)
    ]


def unpaid_dossiers(
    session: Session, actor: Actor, campaign: Campaign, *, limit: int = 100_000
) -> list[QueueLine]:
    """Accepted dossiers without a live payment (the cashier's queue). Needs ``bank.match``."""
    require(actor, Action.bank_match)
    return cashier_queue(session, actor, campaign, limit=limit)
