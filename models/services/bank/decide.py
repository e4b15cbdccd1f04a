"""The cashier's decision on a line: confirm it as a transfer payment, or dismiss it as not a review fee."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from models import audit
from models.bank import BankLine, BankLineDismissal, BankMatch
from models.campaign import Campaign
from models.dossier import Dossier
from models.errors import Conflict, InvalidInput, NotFound
from models.i18n import _
from models.money import Money
from models.payment import Payment
from models.permissions import Action, Actor, require
from models.services.bank.parse import bank_reference
from models.services.bank.records import DISMISS_REASONS
from models.services.campaigns import fee_for
from models.services.payments import take_payment
from models.types import utcnow
from models.vocab import PaymentKind, PaymentMethod

# -- decisions --------------------------------------------------------------------------------


def _lock_line(session: Session, campaign: Campaign, line_id: int) -> BankLine:
    """The line, locked: two desks deciding on one line take turns."""
    line = session.exec(select(BankLine).where(BankLine.id == line_id).with_for_update()).first()
    if line is None or line.campaign_id != campaign.id:
        raise NotFound(_("本批次没有这条银行流水"), code="bank.no_such_line")
    return line


def _live_match(session: Session, line_id: int) -> tuple[int, Payment | None]:
    """How many matches the line has, and the payment of the one still live (if any)."""
    rows = session.exec(
        select(BankMatch, Payment)
        .join(Payment, col(Payment.id) == BankMatch.payment_id)
        .where(BankMatch.line_id == line_id)
        .order_by(col(BankMatch.attempt))
    ).all()
    if not rows:
        return 0, None
    voided = set(
        session.exec(
            select(Payment.original_id).where(
                col(Payment.original_id).in_([p.id for _match, p in rows]),
                Payment.kind == PaymentKind.void.value,
            )
        ).all()
    )
    live = [p for _match, p in rows if p.id not in voided]
    return len(rows), (live[0] if live else None)


def _dismissal(session: Session, line_id: int) -> BankLineDismissal | None:
    return session.exec(
        select(BankLineDismissal).where(BankLineDismissal.line_id == line_id)
    ).first()


def _where(line: BankLine) -> str:
    return _("第 {statement} 号流水第 {line} 行（{serial}）").format(
        statement=line.statement_id, line=line.line_no, serial=line.serial
    )


def confirm_line(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    line_id: int,
    dossier_id: int,
    *,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> Payment:
    """The cashier confirms that a credit line paid a dossier's fee: a transfer payment with the
    line's serial as reference (``bank_reference``) and a ``BankMatch``. The amount must equal
    the fee; partial and multi-person transfers are handled by hand. The same idempotency key
    again returns the same payment. The caller commits and queues the receipt."""
    require(actor, Action.bank_match)
    now = now or utcnow()
    line = _lock_line(session, campaign, line_id)
    attempts, paid = _live_match(session, line_id)
    if paid is not None:
        key = (idempotency_key or "").strip()
        if key and paid.idempotency_key == key and paid.dossier_id == dossier_id:
            return paid  # the same confirmation again
        raise Conflict(
            _("{line} 已确认为收据 {receipt_code}：不能重复确认").format(
                line=_where(line), receipt_code=paid.receipt_code
            ),
            code="bank.already_matched",
            receipt_code=paid.receipt_code,
        )
    d = _dismissal(session, line_id)
    if d is not None:
        raise Conflict(
            _("{line} 已剔除（{reason}）：不能再确认为评审费").format(
                line=_where(line), reason=_(DISMISS_REASONS.get(d.reason, d.reason))
            ),
            code="bank.dismissed",
        )
    if line.amount_fen <= 0:
        raise InvalidInput(
            _("{line} 是支出（借方）流水，不是缴费").format(line=_where(line)), code="bank.debit"
        )
    dossier = session.get(Dossier, dossier_id)
    if dossier is None or dossier.campaign_id != campaign.id:
        raise NotFound(_("本批次没有这份档案"), code="bank.no_such_dossier")
    fee = fee_for(session, campaign.id or 0, dossier.track, dossier.level)
    if fee.amount.fen != line.amount_fen:
        raise InvalidInput(
            _(
                "流水金额 {amount_fen} 元与档案 {dossier} 的评审费 {amount} 元不符：部分缴费或一笔多人的转账请人工处理"
            ).format(
                amount_fen=Money(line.amount_fen),
                dossier=dossier.dossier_code or "",
                amount=fee.amount,
            ),
            code="bank.amount_mismatch",
            amount_fen=line.amount_fen,
            fee_fen=fee.amount.fen,
        )
    reference = bank_reference(line.serial)
    payment = take_payment(
        session,
        actor,
        campaign,
        dossier_id,
        method=PaymentMethod.transfer,
        reference=reference,
        idempotency_key=idempotency_key,
        now=now,
    )
    if payment.reference != reference:  # the key had made another payment of this dossier
        raise Conflict(_("该确认码已用于另一笔收费"), code="bank.key_reused")
    if payment.amount_fen != line.amount_fen:  # the fee changed since it was compared above
        raise Conflict(
            _(
                "流水金额 {amount_fen} 元与实收评审费 {amount_fen2} 元不符：收费标准刚被修改，请刷新后再确认"
            ).format(amount_fen=Money(line.amount_fen), amount_fen2=Money(payment.amount_fen)),
            code="bank.amount_mismatch",
        )
    assert actor.user_id is not None and payment.id is not None
    session.add(
        BankMatch(
            line_id=line_id,
            attempt=attempts,
            payment_id=payment.id,
            confirmed_by=actor.user_id,
            confirmed_at=now,
        )
    )
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=str(Action.bank_match),
        entity="bank_line",
        entity_id=line.serial,
        campaign_id=campaign.id,
        desk=actor.desk,
        at=now,
        detail={
            "statement": line.statement_id,
            "line_no": line.line_no,
            "dossier": dossier.dossier_code,
            "receipt": payment.receipt_code,
            "amount_fen": line.amount_fen,
            "reference": reference,
            "payer": line.payer_name,
            "attempt": attempts,
        },
    )
    return payment


def dismiss_line(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    line_id: int,
    *,
    reason: str,
    note: str,
    now: dt.datetime | None = None,
) -> BankLineDismissal:
    """Set a credit line aside as not a review fee (a reason from ``DISMISS_REASONS`` and a
    note): it no longer shows as unmatched. Final, like every decision on a line."""
    require(actor, Action.bank_match)
    now = now or utcnow()
    if reason not in DISMISS_REASONS:
        raise InvalidInput(
            _("请选择剔除原因：{reasons}").format(
                reasons="、".join(_(r) for r in DISMISS_REASONS.values())
            ),
            code="bank.dismiss_reason",
        )
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("剔除须写明说明（经办情况）"), code="bank.note_required")
    if len(note) > 500:
        raise InvalidInput(_("说明最多 500 字"), code="bank.note_too_long")
    line = _lock_line(session, campaign, line_id)
    if line.amount_fen <= 0:
        raise InvalidInput(
            _("{line} 是支出（借方）流水，无需剔除").format(line=_where(line)), code="bank.debit"
        )
    _match, paid = _live_match(session, line_id)
    if paid is not None:
        raise Conflict(
            _("{line} 已确认为收据 {receipt_code}：如需剔除请先由负责人作废收据").format(
                line=_where(line), receipt_code=paid.receipt_code
            ),
            code="bank.already_matched",
        )
    if _dismissal(session, line_id) is not None:
        raise Conflict(_("{line} 已剔除").format(line=_where(line)), code="bank.already_dismissed")
    assert actor.user_id is not None
    row = BankLineDismissal(
        line_id=line_id, reason=reason, note=note, dismissed_by=actor.user_id, dismissed_at=now
    )
    session.add(row)
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action="bank.dismiss",
        entity="bank_line",
        entity_id=line.serial,
        campaign_id=campaign.id,
        desk=actor.desk,
        at=now,
        detail={
            "statement": line.statement_id,
            "line_no": line.line_no,
            "amount_fen": line.amount_fen,
            "payer": line.payer_name,
            "reason": reason,
            "note": note,
        },
    )
    return row
