"""Whether a day is open for payments and whether a payment is live (neither voided nor refunded in full)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, and_, exists, func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from models.campaign import Campaign
from models.i18n import _
from models.payment import Payment
from models.services.payments.rules import PaymentRefused
from models.tally import DayClose
from models.vocab import DayStatus, PaymentKind


def check_day_open(session: Session, campaign: Campaign, day: dt.date, *desks: str) -> None:
    """No payment, void or refund into a day one of ``desks`` has begun closing or the office
    has closed. A void or refund names two desks: where it is made, and the desk that took the
    payment it corrects (its figures change)."""
    rows = session.exec(
        select(DayClose).where(
            DayClose.campaign_id == campaign.id,
            DayClose.business_date == day,
            col(DayClose.desk).in_([*desks, ""]),
        )
    ).all()
    own = desks[0] if desks else ""
    for r in sorted(rows, key=lambda r: r.status != DayStatus.closed.value):  # closed first
        if r.status == DayStatus.closed.value:
            if not r.desk:
                closed = _(
                    "{day:%Y-%m-%d} 全办已日结，不能再收费、作废或退费；更正请在下一个营业日办理"
                )
            elif r.desk == own:
                closed = _(
                    "{day:%Y-%m-%d} 本窗口已日结，不能再收费、作废或退费；更正请在下一个营业日办理"
                )
            else:
                closed = _(
                    "{day:%Y-%m-%d} {desk}已日结：该窗口收取的款项不能再作废或退费；更正请在下一个营业日办理"
                )
            raise PaymentRefused(closed.format(day=day, desk=r.desk), code="day.closed")
        if r.status in (DayStatus.closing.value, DayStatus.counted.value):  # not yet confirmed
            if not r.desk:
                closing = _(
                    "全办已开始 {day:%Y-%m-%d} 日结，不能再收费（如需继续收费，请负责人取消日结）"
                )
            elif r.desk == own:
                closing = _(
                    "本窗口已开始 {day:%Y-%m-%d} 日结，不能再收费（如需继续收费，请负责人取消日结）"
                )
            else:
                closing = _(
                    "{desk}已开始 {day:%Y-%m-%d} 日结：该窗口收取的款项暂不能作废或退费（如需办理，请负责人先取消该窗口的日结）"
                )
            raise PaymentRefused(closing.format(day=day, desk=r.desk), code="day.closing")


def live_clause() -> ColumnElement[bool]:
    """SQL: this payment row is a payment, not voided and not refunded in full (a dead payment
    no longer pays for its dossier: the dossier is back in the cashier's queue)."""
    void = aliased(Payment)
    refund = aliased(Payment)
    return and_(
        col(Payment.kind) == PaymentKind.payment.value,
        ~exists().where(
            col(void.original_id) == col(Payment.id), col(void.kind) == PaymentKind.void.value
        ),
        col(Payment.amount_fen)
        > sa_select(func.coalesce(func.sum(refund.amount_fen), 0))
        .where(
            col(refund.original_id) == col(Payment.id), col(refund.kind) == PaymentKind.refund.value
        )
        .scalar_subquery(),
    )


def dead_reason(session: Session, payment: Payment) -> str:
    """Why a payment no longer pays for its dossier ("" while it does): voided, or refunded in
    full."""
    if payment.kind != PaymentKind.payment.value:
        return ""
    if _voided(session, payment):
        return _("已作废")
    if refunded_fen(session, payment.id or 0) >= payment.amount_fen:
        return _("已全额退费")
    return ""


def live_payment(session: Session, dossier_id: int) -> Payment | None:
    return session.exec(
        select(Payment).where(Payment.dossier_id == dossier_id, live_clause())
    ).first()


def refunded_fen(session: Session, payment_id: int) -> int:
    total = session.exec(
        select(func.coalesce(func.sum(Payment.amount_fen), 0)).where(
            Payment.original_id == payment_id, Payment.kind == PaymentKind.refund.value
        )
    ).one()
    return int(total)


def _voided(session: Session, p: Payment) -> bool:
    return (
        session.exec(
            select(Payment.id).where(
                Payment.original_id == p.id, Payment.kind == PaymentKind.void.value
            )
        ).first()
        is not None
    )
