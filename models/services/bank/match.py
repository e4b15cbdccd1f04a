"""Matching one line: the evidence that ties a transfer to a dossier (ID number, dossier number, name) and the rules (one fitting dossier, ambiguous, partial)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, exists
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from models.bank import BankLine, LineStatus
from models.campaign import Campaign, FeeRule
from models.dossier import Dossier
from models.i18n import _
from models.idcard import mask_id
from models.money import Money
from models.names import display_name, key_of_display, name_key
from models.online import OnlineRecord
from models.payment import Payment
from models.services.bank.parse import _ID_IN_TEXT, bank_reference
from models.services.bank.records import (
    _STRENGTH,
    EVIDENCE_CODE,
    EVIDENCE_ID,
    EVIDENCE_NAME,
    Candidate,
    LineProposal,
)
from models.services.numbering import format_number
from models.services.payments import live_clause
from models.vocab import DossierStatus, PaymentKind, PaymentMethod

# -- matching ---------------------------------------------------------------------------------


def _live(payment: type[Payment] | Any = Payment) -> ColumnElement[bool]:
    """SQL: this payment row is a payment and has not been voided (a bank line it was matched to
    stays accounted for after a refund)."""
    void = aliased(Payment)
    return and_(
        col(payment.kind) == PaymentKind.payment.value,
        ~exists().where(
            col(void.original_id) == col(payment.id), col(void.kind) == PaymentKind.void.value
        ),
    )


@dataclass(slots=True)
class _Person:
    record_id: int
    name: str
    id_number: str
    track: str
    level: str
    dossier_id: int | None = None
    dossier_code: str = ""
    status: str = ""
    fee_fen: int | None = None
    paid_receipt: str = ""


@dataclass
class _Index:
    """What the matcher needs of the campaign, loaded once."""

    people: dict[int, _Person]
    by_id: dict[str, int]
    by_code: dict[str, int]
    by_name: dict[str, list[int]]
    name_lengths: list[int]
    code_re: re.Pattern[str]
    prefix: str
    by_reference: dict[str, tuple[int, str]]  # live transfer's reference → (dossier, receipt)
    dossier_record: dict[int, int]


def _index(session: Session, campaign: Campaign) -> _Index:
    cid = campaign.id
    fees = {
        (r.track, r.level): r.amount_fen
        for r in session.exec(select(FeeRule).where(FeeRule.campaign_id == cid))
    }
    people: dict[int, _Person] = {}
    by_id: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    for rid, number, name, key, track, level in session.execute(
        sa_select(
            col(OnlineRecord.id),
            col(OnlineRecord.id_number),
            col(OnlineRecord.name),
            col(OnlineRecord.name_key),
            col(OnlineRecord.track),
            col(OnlineRecord.level),
        ).where(col(OnlineRecord.campaign_id) == cid)
    ):
        people[rid] = _Person(rid, name, number, track, level, fee_fen=fees.get((track, level)))
        by_id[number] = rid
        if key:
            by_name.setdefault(key, []).append(rid)
    by_code: dict[str, int] = {}
    dossier_record: dict[int, int] = {}
    for did, rid, status, code, track, level in session.execute(
        sa_select(
            col(Dossier.id),
            col(Dossier.online_record_id),
            col(Dossier.status),
            col(Dossier.dossier_code),
            col(Dossier.track),
            col(Dossier.level),
        ).where(col(Dossier.campaign_id) == cid)
    ):
        p = people.get(rid)
        if p is None:
            continue
        p.dossier_id, p.dossier_code, p.status = did, code or "", status
        p.track, p.level, p.fee_fen = track, level, fees.get((track, level))
        dossier_record[did] = rid
        if code:
            by_code[code.upper()] = rid
    by_reference: dict[str, tuple[int, str]] = {}
    # a reference is used while its payment is not voided (a refund does not free it); a
    # dossier is paid while its payment is live (a payment refunded in full pays for nothing)
    for did, receipt, method, reference in session.exec(
        select(Payment.dossier_id, Payment.receipt_code, Payment.method, Payment.reference).where(
            Payment.campaign_id == cid, _live()
        )
    ).all():
        if method == PaymentMethod.transfer.value and reference:
            by_reference[reference] = (did, receipt)
    for did, receipt in session.exec(
        select(Payment.dossier_id, Payment.receipt_code).where(
            Payment.campaign_id == cid, live_clause()
        )
    ).all():
        rid = dossier_record.get(did)
        if rid is not None:
            people[rid].paid_receipt = receipt
    prefix = campaign.dossier_prefix.upper()
    return _Index(
        people=people,
        by_id=by_id,
        by_code=by_code,
        by_name=by_name,
        name_lengths=sorted({len(k) for k in by_name if len(k) >= 2}, reverse=True),
        code_re=re.compile(re.escape(prefix) + r"[0-9]{1,8}"),
        prefix=prefix,
        by_reference=by_reference,
        dossier_record=dossier_record,
    )


def _names_in(text: str, ix: _Index) -> set[int]:
    """Applicants whose name (key) appears in the text; a name inside a longer name that also
    appears there does not count (张伟 inside 张伟明)."""
    key = key_of_display(display_name(text))
    spans: list[tuple[int, int, str]] = []
    n = len(key)
    for start in range(n):
        if key[start].isdigit():
            continue
        for length in ix.name_lengths:
            end = start + length
            if end <= n and key[start:end] in ix.by_name:
                spans.append((start, end, key[start:end]))
    found: set[int] = set()
    for s, e, k in spans:
        if any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) for s2, e2, _ in spans):
            continue
        found.update(ix.by_name[k])
    return found


def _evidence(line: BankLine, ix: _Index) -> dict[int, set[str]]:
    """record id → what points at it."""
    found: dict[int, set[str]] = {}
    text = unicodedata.normalize("NFKC", line.memo).upper()
    for m in _ID_IN_TEXT.finditer(text.replace(" ", "")):
        rid = ix.by_id.get(m.group(0))
        if rid is not None:
            found.setdefault(rid, set()).add(EVIDENCE_ID)
    for m in ix.code_re.finditer(text.replace(" ", "")):
        digits = m.group(0)[len(ix.prefix) :]
        rid = ix.by_code.get(format_number(ix.prefix, int(digits)))
        if rid is not None:
            found.setdefault(rid, set()).add(EVIDENCE_CODE)
    names = _names_in(line.memo, ix) if line.memo else set()
    if line.payer_name:
        names.update(ix.by_name.get(name_key(line.payer_name), ()))
    for rid in names:
        found.setdefault(rid, set()).add(EVIDENCE_NAME)
    return found


def _candidate(p: _Person, amount: int, kinds: Iterable[str]) -> Candidate:
    return Candidate(
        record_id=p.record_id,
        dossier_id=p.dossier_id,
        dossier_code=p.dossier_code,
        name=p.name,
        id_masked=mask_id(p.id_number),
        track=p.track,
        level=p.level,
        dossier_status=p.status,
        fee=Money(p.fee_fen) if p.fee_fen is not None else None,
        difference=Money(amount - p.fee_fen) if p.fee_fen is not None else None,
        evidence=tuple(sorted(kinds, key=_STRENGTH.__getitem__)),
        paid_receipt=p.paid_receipt,
    )


def _strongest(kinds: Iterable[str]) -> str:
    return min(kinds, key=_STRENGTH.__getitem__, default="")


def _propose(line: BankLine, ix: _Index) -> LineProposal:
    assert line.id is not None
    amount = line.amount_fen
    base: dict[str, Any] = {
        "line_id": line.id,
        "statement_id": line.statement_id,
        "line_no": line.line_no,
        "txn_date": line.txn_date,
        "amount": Money(amount),
        "payer_name": line.payer_name,
        "payer_account": line.payer_account,
        "memo": line.memo,
        "serial": line.serial,
    }
    booked = ix.by_reference.get(bank_reference(line.serial))
    if booked is not None:  # recorded by hand at the desk with this serial
        did, receipt = booked
        p = ix.people[ix.dossier_record[did]]
        return LineProposal(
            **base,
            status=LineStatus.already_paid,
            evidence="",
            weak=False,
            candidates=(_candidate(p, amount, ()),),
            dossier_id=did,
            note=_("该流水号已登记收费：收据 {receipt}（档案 {dossier_code}）").format(
                receipt=receipt, dossier_code=p.dossier_code
            ),
            receipt_code=receipt,
        )
    found = _evidence(line, ix)
    if not found:
        return LineProposal(
            **base,
            status=LineStatus.unmatched,
            evidence="",
            weak=False,
            candidates=(),
            dossier_id=None,
            note=_("摘要和付款人中没有本批次申报人的身份证号、受理编号或姓名"),
        )
    strong = {rid: k for rid, k in found.items() if k - {EVIDENCE_NAME}}
    chosen = strong or found
    people = sorted(
        (ix.people[rid] for rid in chosen),
        key=lambda p: (_strongest(chosen[p.record_id]), p.dossier_code, p.record_id),
    )
    cands = tuple(_candidate(p, amount, chosen[p.record_id]) for p in people)
    evidence = _strongest(k for kinds in chosen.values() for k in kinds)
    weak = evidence == EVIDENCE_NAME
    payable = [
        c for c in cands if c.dossier_status == DossierStatus.accepted.value and not c.paid_receipt
    ]
    fitting = [c for c in payable if c.fee is not None and c.fee.fen == amount]
    common: dict[str, Any] = {**base, "candidates": cands}
    if len(fitting) == 1:
        c = fitting[0]
        return LineProposal(
            **common,
            status=LineStatus.proposed,
            evidence=_strongest(c.evidence),
            weak=_strongest(c.evidence) == EVIDENCE_NAME,
            dossier_id=c.dossier_id,
            note=_("仅姓名相符，请核对付款人") if _strongest(c.evidence) == EVIDENCE_NAME else "",
        )
    if len(fitting) > 1:
        who = "、".join(f"{c.name}（{c.dossier_code}）" for c in fitting)
        return LineProposal(
            **common,
            status=LineStatus.ambiguous,
            evidence=evidence,
            weak=weak,
            dossier_id=None,
            note=_("{count} 份档案都相符：{who}，请人工选择").format(count=len(fitting), who=who),
        )
    if payable:
        known = [c.fee.fen for c in payable if c.fee is not None]
        if len(payable) > 1 and len(known) == len(payable) and sum(known) == amount:
            note = _("金额等于 {count} 人评审费之和：一笔转账含多人，请人工处理").format(
                count=len(payable)
            )
        elif not known:
            note = _("评审费尚未设定：请负责人先设定收费标准")
        else:
            diffs = "；".join(
                _("{name} 应缴 {fee}，差额 {difference}").format(
                    name=c.name, fee=c.fee, difference=c.difference
                )
                for c in payable
                if c.fee is not None
            )
            note = _("金额与评审费不符（{differences}）：部分缴费或一笔多人，请人工处理").format(
                differences=diffs
            )
        return LineProposal(
            **common,
            status=LineStatus.partial,
            evidence=evidence,
            weak=weak,
            dossier_id=None,
            note=note,
        )
    waiting = [c for c in cands if not c.paid_receipt]
    if waiting:
        who = "、".join(c.name for c in waiting)
        return LineProposal(
            **common,
            status=LineStatus.not_accepted,
            evidence=evidence,
            weak=weak,
            dossier_id=None,
            note=_("{who} 的纸质材料尚未受理：受理后再确认").format(who=who),
        )
    paid = "、".join(
        _("{name}（收据 {receipt}）").format(name=c.name, receipt=c.paid_receipt) for c in cands
    )
    return LineProposal(
        **common,
        status=LineStatus.already_paid,
        evidence=evidence,
        weak=weak,
        dossier_id=cands[0].dossier_id if len(cands) == 1 else None,
        note=_("已缴费：{paid}；如重复转账请退回或剔除").format(paid=paid),
    )
