"""The statements the day's tally reads with, built once: payments by day over the covering index, corrections, visits, receipt numbers."""

from __future__ import annotations

from sqlalchemy import bindparam, func
from sqlalchemy import select as sa_select

from models import audit
from models.dossier import DossierVisit
from models.payment import Payment
from models.vocab import (
    PaymentKind,
)

_PAY = Payment.__table__  # type: ignore[attr-defined]
_EVENTS = audit.AuditEvent.__table__  # type: ignore[attr-defined]
_VISIT = DossierVisit.__table__  # type: ignore[attr-defined]

# the day's rows, grouped: served from ix_payment_day alone
_GROUPED = (
    sa_select(
        _PAY.c.kind,
        _PAY.c.method,
        _PAY.c.desk,
        _PAY.c.cashier_id,
        _PAY.c.track,
        _PAY.c.level,
        func.count().label("n"),
        func.sum(_PAY.c.amount_fen).label("fen"),
        func.min(_PAY.c.receipt_no).label("lo"),
        func.max(_PAY.c.receipt_no).label("hi"),
    )
    .where(_PAY.c.campaign_id == bindparam("campaign"), _PAY.c.business_date == bindparam("day"))
    .group_by(
        _PAY.c.kind, _PAY.c.method, _PAY.c.desk, _PAY.c.cashier_id, _PAY.c.track, _PAY.c.level
    )
)
_ORIGINAL = _PAY.alias("original")
_CORRECTIONS = (
    sa_select(
        _PAY.c.receipt_code,
        _PAY.c.kind,
        _PAY.c.amount_fen,
        _PAY.c.method,
        _PAY.c.reason,
        _PAY.c.note,
        _PAY.c.cashier_id,
        _PAY.c.desk,
        _PAY.c.created_at,
        _PAY.c.track,
        _PAY.c.level,
        _ORIGINAL.c.receipt_code.label("original_code"),
        _ORIGINAL.c.business_date.label("original_date"),
        _ORIGINAL.c.cashier_id.label("original_cashier_id"),
        _ORIGINAL.c.desk.label("original_desk"),
    )
    .join_from(_PAY, _ORIGINAL, _ORIGINAL.c.id == _PAY.c.original_id)
    .where(
        _PAY.c.campaign_id == bindparam("campaign"),
        _PAY.c.business_date == bindparam("day"),
        _PAY.c.kind.in_([PaymentKind.void.value, PaymentKind.refund.value]),
    )
    # "+ 0": sort the day's few rows, not walk the campaign in (campaign_id, receipt_no) order
    .order_by(_PAY.c.receipt_no + 0)
)
# the day's visits: one range of ix_dossier_visit_day (campaign, at, outcome, desk)
_VISITS = (
    sa_select(_VISIT.c.outcome, _VISIT.c.desk, func.count().label("n"))
    .where(
        _VISIT.c.campaign_id == bindparam("campaign"),
        _VISIT.c.at >= bindparam("start"),
        _VISIT.c.at < bindparam("end"),
    )
    .group_by(_VISIT.c.outcome, _VISIT.c.desk)
)
# where the campaign's days begin: both are one end of an index
_FIRST_PAYMENT_DAY = sa_select(func.min(_PAY.c.business_date)).where(
    _PAY.c.campaign_id == bindparam("campaign")
)
_FIRST_VISIT = sa_select(func.min(_VISIT.c.at)).where(_VISIT.c.campaign_id == bindparam("campaign"))
_IN_RANGE = (
    sa_select(func.count())
    .select_from(_PAY)
    .where(
        _PAY.c.campaign_id == bindparam("campaign"),
        _PAY.c.receipt_no.between(bindparam("lo"), bindparam("hi")),
    )
)
_NUMBERS = sa_select(_PAY.c.receipt_no).where(
    _PAY.c.campaign_id == bindparam("campaign"),
    _PAY.c.receipt_no.between(bindparam("lo"), bindparam("hi")),
)
_EXISTS = sa_select(_PAY.c.id).where(
    _PAY.c.campaign_id == bindparam("campaign"), _PAY.c.receipt_no == bindparam("n")
)
