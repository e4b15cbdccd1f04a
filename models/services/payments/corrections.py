"""Voids and refunds: new rows pointing at the original, which stays untouched."""

from __future__ import annotations

import datetime as dt
import unicodedata

from sqlmodel import Session, select

from models import audit
from models.campaign import Campaign
from models.errors import InvalidInput, NotFound
from models.i18n import _
from models.money import Money
from models.payment import Payment
from models.permissions import Action, Actor, require
from models.services.payments.live import _voided, check_day_open, refunded_fen
from models.services.payments.rules import (
    REFUND_REASONS,
    VOID_REASONS,
    PaymentRefused,
    business_date,
    clean_reference,
    parse_method,
)
from models.services.payments.take import _lock_dossier, _new_row
from models.types import utcnow
from models.vocab import DossierStatus, PaymentKind, PaymentMethod


def _original(session: Session, campaign: Campaign, receipt_code: str) -> Payment:
    code = unicodedata.normalize("NFKC", receipt_code or "").strip().upper()
    p = session.exec(
        select(Payment).where(Payment.campaign_id == campaign.id, Payment.receipt_code == code)
    ).first()
    if p is None:
        raise NotFound(
            _("本批次没有收据号为“{code}”的缴费记录").format(code=code), code="payment.not_found"
        )
    if p.kind != PaymentKind.payment.value:
        raise InvalidInput(
            _("{code} 是{label}记录，不是缴费收据").format(
                code=code, label=PaymentKind(p.kind).label
            ),
            code="payment.not_a_payment",
        )
    # lock the dossier: a void, a refund and a new payment of one dossier happen one at a time
    d = _lock_dossier(session, campaign, p.dossier_id)
    if d.status == DossierStatus.handed_over.value:
        raise PaymentRefused(
            _("档案 {dossier_code} 已移交评审委员会，收费记录不能再作废或退费").format(
                dossier_code=d.dossier_code
            ),
            code="payment.handed_over",
        )
    return p


def _reason(reasons: dict[str, str], reason: str, note: str, kind: PaymentKind) -> tuple[str, str]:
    void = kind == PaymentKind.void
    if reason not in reasons:
        choose = _("请选择作废原因：{reasons}") if void else _("请选择退费原因：{reasons}")
        raise InvalidInput(
            choose.format(reasons="、".join(_(r) for r in reasons.values())),
            code=f"payment.{kind.value}_reason",
        )
    note = (note or "").strip()
    if not note:
        raise InvalidInput(
            _("作废须写明说明（经办情况）") if void else _("退费须写明说明（经办情况）"),
            code="payment.note_required",
        )
    if len(note) > 500:
        raise InvalidInput(_("说明最多 500 字"), code="payment.note_too_long")
    return reason, note


def void_payment(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    receipt_code: str,
    *,
    reason: str,
    note: str,
    now: dt.datetime | None = None,
) -> Payment:
    """A lead voids a receipt: a void row points at it; the original stays as it was and its
    number is never reused. The dossier goes back to the cashier's queue."""
    require(actor, Action.payment_void)
    now = now or utcnow()
    reason, note = _reason(VOID_REASONS, reason, note, PaymentKind.void)
    p = _original(session, campaign, receipt_code)
    if _voided(session, p):
        raise PaymentRefused(
            _("收据 {receipt_code} 已作废").format(receipt_code=p.receipt_code),
            code="payment.already_void",
        )
    if refunded_fen(session, p.id or 0):
        raise PaymentRefused(
            _("收据 {receipt_code} 已有退费，不能再作废").format(receipt_code=p.receipt_code),
            code="payment.refunded",
        )
    day = business_date(campaign, now)
    check_day_open(session, campaign, day, actor.desk, p.desk)
    v, sealed = _new_row(
        session,
        campaign,
        actor,
        kind=PaymentKind.void.value,
        dossier_id=p.dossier_id,
        original_id=p.id,
        amount_fen=p.amount_fen,
        method=p.method,
        reason=reason,
        note=note,
        business_date=day,
        track=p.track,
        level=p.level,
        created_at=now,
    )
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=str(Action.payment_void),
        entity="payment",
        entity_id=p.receipt_code,
        campaign_id=campaign.id,
        desk=actor.desk,
        detail={
            "void_receipt": v.receipt_code,
            "amount_fen": p.amount_fen,
            "reason": reason,
            "note": note,
            "original_date": p.business_date.isoformat(),
            "row": sealed,
        },
    )
    return v


def refund_payment(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    receipt_code: str,
    *,
    amount: Money,
    reason: str,
    note: str,
    method: PaymentMethod | str | None = None,
    reference: str = "",
    now: dt.datetime | None = None,
) -> Payment:
    """A lead refunds part or all of a payment; refunds never exceed what was paid."""
    require(actor, Action.payment_refund)
    now = now or utcnow()
    reason, note = _reason(REFUND_REASONS, reason, note, PaymentKind.refund)
    p = _original(session, campaign, receipt_code)
    if _voided(session, p):
        raise PaymentRefused(
            _("收据 {receipt_code} 已作废，不能退费").format(receipt_code=p.receipt_code),
            code="payment.already_void",
        )
    if amount.fen <= 0:
        raise InvalidInput(_("退费金额应大于零"), code="payment.refund_not_positive")
    left = p.amount_fen - refunded_fen(session, p.id or 0)
    if amount.fen > left:
        raise InvalidInput(
            _("退费 {amount} 元超过可退金额 {left} 元（实收 {amount_fen} 元）").format(
                amount=amount, left=Money(left), amount_fen=Money(p.amount_fen)
            ),
            code="payment.refund_too_much",
        )
    m = (
        PaymentMethod(p.method)
        if method is None
        else (method if isinstance(method, PaymentMethod) else parse_method(method))
    )
    ref = clean_reference(m, reference) if m != PaymentMethod.cash or reference else ""
    day = business_date(campaign, now)
    check_day_open(session, campaign, day, actor.desk, p.desk)
    r, sealed = _new_row(
        session,
        campaign,
        actor,
        kind=PaymentKind.refund.value,
        dossier_id=p.dossier_id,
        original_id=p.id,
        amount_fen=amount.fen,
        method=m.value,
        reference=ref,
        reason=reason,
        note=note,
        business_date=day,
        track=p.track,
        level=p.level,
        created_at=now,
    )
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=str(Action.payment_refund),
        entity="payment",
        entity_id=p.receipt_code,
        campaign_id=campaign.id,
        desk=actor.desk,
        detail={
            "refund_receipt": r.receipt_code,
            "amount_fen": amount.fen,
            "left_fen": left - amount.fen,
            "reason": reason,
            "note": note,
            "row": sealed,
        },
    )
    return r
