"""Taking a payment: the dossier locked first, one live payment per dossier and per reference, the gapless receipt number."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ScalarSelect, and_, bindparam, exists, func, insert, text
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, select

from models import audit
from models.campaign import Campaign, FeeRule
from models.dossier import Dossier
from models.errors import InvalidInput, NotFound
from models.i18n import _
from models.money import Money
from models.payment import Payment
from models.permissions import Action, Actor, require
from models.services.campaigns import fee_for
from models.services.numbering import allocate, format_number
from models.services.payments.live import check_day_open, dead_reason, live_payment
from models.services.payments.rules import (
    REFERENCE_LABELS,
    PaymentRefused,
    _clean_fiscal,
    business_date,
    check_method,
    clean_reference,
    parse_method,
)
from models.tally import DayClose
from models.types import utcnow
from models.vocab import DossierStatus, NumberKind, PaymentKind, PaymentMethod


def _lock_dossier(session: Session, campaign: Campaign, dossier_id: int) -> Dossier:
    d = session.exec(select(Dossier).where(Dossier.id == dossier_id).with_for_update()).first()
    if d is None or d.campaign_id != campaign.id:
        raise NotFound(_("本批次没有这份档案"), code="payment.no_such_dossier")
    return d


def _new_row(
    session: Session, campaign: Campaign, actor: Actor, **values: object
) -> tuple[Payment, dict[str, Any]]:
    """Allocate the next receipt number and insert the row: both come last in the
    transaction, so the number's lock (held until commit) is held for the shortest time.
    Returns the row and its seal (``audit.row_seal``) for the audit event that records it."""
    assert actor.user_id is not None, "money is taken by a logged-in user"
    n = allocate(session, campaign.id or 0, NumberKind.receipt)
    row: dict[str, Any] = {c.name: None for c in _PAYMENT.columns if c.name != "id"}
    row.update(
        campaign_id=campaign.id or 0,
        receipt_no=n,
        receipt_code=format_number(campaign.receipt_prefix, n),
        cashier_id=actor.user_id,
        desk=actor.desk,
        reference="",
        fiscal_receipt_no="",
        reason="",
        note="",
        attempt=0,
        original_id=None,
        track="",
        level="",
        reference_seq=None,
    )
    row.update(values)
    pid = session.connection().execute(_INSERT_PAYMENT, row).scalar_one()
    p = Payment(id=pid, **row)
    make_transient_to_detached(p)  # the row is in the database: attach it without an INSERT
    session.add(p)
    return p, audit.row_seal("payment", {"id": pid, **row}, audit.SEAL_VERSION["payment"])


# The payment's checks in two round trips, built once (a statement built per call costs more
# than the query). First the dossier is locked (a second desk on it waits here). Then, in a
# statement of its own — on PostgreSQL each statement sees what was committed before it began,
# so a count taken in the locking statement would miss the payment the first desk just
# committed — its fee, how many payments and voids it has (live = more payments than voids:
# each void voids one payment, once), whether the idempotency key was used, and the day-close
# state of this desk and of the office.
_PAYMENT = Payment.__table__  # type: ignore[attr-defined]
_DOSSIER = Dossier.__table__  # type: ignore[attr-defined]
_FEE = FeeRule.__table__  # type: ignore[attr-defined]
_DAY = DayClose.__table__  # type: ignore[attr-defined]


def _count(kind: PaymentKind) -> ScalarSelect[int]:
    return (
        sa_select(func.count())
        .select_from(_PAYMENT)
        .where(_PAYMENT.c.dossier_id == _DOSSIER.c.id, _PAYMENT.c.kind == kind.value)
        .scalar_subquery()
    )


_LOCK = (
    sa_select(
        _DOSSIER.c.campaign_id,
        _DOSSIER.c.status,
        _DOSSIER.c.track,
        _DOSSIER.c.level,
        _DOSSIER.c.dossier_code,
    )
    .where(_DOSSIER.c.id == bindparam("dossier"))
    .with_for_update()
)
_REFUNDS = _PAYMENT.alias("refunds")
_VOIDS = _PAYMENT.alias("voids")
# the dossier's payments that still pay for it: neither voided nor refunded in full
_LIVE = (
    sa_select(func.count())
    .select_from(_PAYMENT)
    .where(
        _PAYMENT.c.dossier_id == _DOSSIER.c.id,
        _PAYMENT.c.kind == PaymentKind.payment.value,
        ~exists().where(
            _VOIDS.c.original_id == _PAYMENT.c.id, _VOIDS.c.kind == PaymentKind.void.value
        ),
        _PAYMENT.c.amount_fen
        > sa_select(func.coalesce(func.sum(_REFUNDS.c.amount_fen), 0))
        .where(_REFUNDS.c.original_id == _PAYMENT.c.id, _REFUNDS.c.kind == PaymentKind.refund.value)
        .scalar_subquery(),
    )
    .scalar_subquery()
)
_CHECK = (
    sa_select(
        _FEE.c.amount_fen,
        _FEE.c.clause,
        _count(PaymentKind.payment).label("payments"),
        _LIVE.label("live"),
        sa_select(_PAYMENT.c.id)
        .where(_PAYMENT.c.idempotency_key == bindparam("key"))
        .scalar_subquery()
        .label("key_used"),
        sa_select(func.count())
        .select_from(_DAY)
        .where(
            _DAY.c.campaign_id == _DOSSIER.c.campaign_id,
            _DAY.c.business_date == bindparam("day"),
            _DAY.c.desk.in_([bindparam("desk"), ""]),
        )
        .scalar_subquery()
        .label("closing"),
    )
    .select_from(
        _DOSSIER.outerjoin(
            _FEE,
            and_(
                _FEE.c.campaign_id == _DOSSIER.c.campaign_id,
                _FEE.c.track == _DOSSIER.c.track,
                _FEE.c.level == _DOSSIER.c.level,
            ),
        )
    )
    .where(_DOSSIER.c.id == bindparam("dossier"))
)
_VOID = _PAYMENT.alias("void")
_REF_PAYMENTS = and_(
    _PAYMENT.c.campaign_id == bindparam("campaign"),
    _PAYMENT.c.method == bindparam("method"),
    _PAYMENT.c.reference == bindparam("reference"),
    # the partial index's condition word for word (literal, not bound): its range is read
    text("payment.kind = 'payment' AND payment.reference <> ''"),
)
# the payments of one reference, and how many of them are not voided (a refund does not free a
# reference: the money did arrive by it)
_REFERENCE_PAYMENTS = sa_select(
    func.count().label("payments"),
    func.count()
    .filter(
        ~exists().where(
            _VOID.c.original_id == _PAYMENT.c.id, _VOID.c.kind == PaymentKind.void.value
        )
    )
    .label("live"),
).where(_REF_PAYMENTS)


def _reference_used(method: PaymentMethod, reference: str) -> PaymentRefused:
    return PaymentRefused(
        _("{label} {reference} 已用于另一笔收费").format(
            label=_(REFERENCE_LABELS[method]), reference=reference
        ),
        code="payment.reference_used",
    )


_INSERT_PAYMENT = insert(_PAYMENT).returning(_PAYMENT.c.id)


def take_payment(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    dossier_id: int,
    *,
    method: PaymentMethod | str,
    reference: str = "",
    fiscal_receipt_no: str = "",
    tendered: Money | None = None,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
    override_reason: str = "",
) -> Payment:
    """Take the review fee of an accepted dossier. Returns the payment (an earlier one when the
    same ``idempotency_key`` already made it). The caller commits; nothing is half-written.

    A method the campaign's notice does not allow (001 三（二）4: by bank only) is refused with
    its clause; a lead may take it anyway with ``override_reason`` (audited with the payment)."""
    require(actor, Action.payment_take)
    now = now or utcnow()
    method = method if isinstance(method, PaymentMethod) else parse_method(method)
    reference = clean_reference(method, reference)
    fiscal = _clean_fiscal(fiscal_receipt_no)
    key = (idempotency_key or "").strip() or None
    if key is not None and len(key) > 64:
        raise InvalidInput(_("幂等键过长（最多 64 个字符）"), code="payment.bad_key")
    day = business_date(campaign, now)
    conn = session.connection()
    d = conn.execute(_LOCK, {"dossier": dossier_id}).first()
    if d is None or d.campaign_id != campaign.id:
        raise NotFound(_("本批次没有这份档案"), code="payment.no_such_dossier")
    row = conn.execute(
        _CHECK, {"dossier": dossier_id, "key": key, "day": day, "desk": actor.desk}
    ).one()
    if row.key_used is not None:
        earlier = session.get(Payment, row.key_used)
        assert earlier is not None
        if earlier.dossier_id != dossier_id or earlier.kind != PaymentKind.payment.value:
            raise PaymentRefused(_("该确认码已用于另一笔收费"), code="payment.key_reused")
        dead = dead_reason(session, earlier)
        if dead:  # never hand back a dead receipt as if it paid the fee
            raise PaymentRefused(
                _(
                    "该确认码收取的收据 {receipt_code} {dead}，不再有效：如需重新收费，请重新确认"
                ).format(receipt_code=earlier.receipt_code, dead=dead),
                code="payment.key_dead",
                receipt_code=earlier.receipt_code,
            )
        return earlier  # the same confirmation again: the payment it made
    override = check_method(actor, campaign, method, override_reason)
    if d.status != DossierStatus.accepted.value:
        refusal = {
            DossierStatus.returned.value: _("档案 {dossier_code} 已退回补正，尚未受理，不能收费"),
            DossierStatus.handed_over.value: _("档案 {dossier_code} 已移交评委会，不能收费"),
        }.get(d.status, _("档案 {dossier_code} 尚未受理，不能收费"))
        raise PaymentRefused(
            refusal.format(dossier_code=d.dossier_code or ""), code="payment.not_accepted"
        )
    if row.live:
        paid = live_payment(session, dossier_id)
        assert paid is not None
        raise PaymentRefused(
            _(
                "档案 {dossier_code} 已于 {created_at:%m-%d %H:%M} 缴费，收据号 {receipt_code}：不能重复收费"
            ).format(
                dossier_code=d.dossier_code,
                created_at=paid.created_at.astimezone(campaign.zone),
                receipt_code=paid.receipt_code,
            ),
            code="payment.already_paid",
            receipt_code=paid.receipt_code,
        )
    if row.amount_fen is None:  # no rule, or the notice does not state the fee: its message
        fee_for(session, campaign.id or 0, d.track, d.level)
        raise AssertionError("fee_for raises for a missing or unknown fee")
    amount = Money(row.amount_fen)
    if method == PaymentMethod.cash:
        if tendered is not None and tendered < amount:
            raise InvalidInput(
                _("实收 {tendered} 元少于应收 {amount} 元").format(
                    tendered=tendered, amount=amount
                ),
                code="payment.short_tendered",
            )
    elif tendered is not None:
        raise InvalidInput(_("只有现金收款才记录实收金额"), code="payment.tendered_not_cash")
    # a transfer recorded on the wrong dossier and voided is recorded again on the right one;
    # the payments of a reference take places 0, 1, 2 … and the database refuses a second
    # payment in one place (two desks booking it at the same instant: see uq_payment_reference_seq)
    reference_seq: int | None = None
    if reference:
        ref = conn.execute(
            _REFERENCE_PAYMENTS,
            {"campaign": campaign.id, "method": method.value, "reference": reference},
        ).one()
        if ref.live:
            raise _reference_used(method, reference)
        reference_seq = int(ref.payments)
    if row.closing:
        check_day_open(session, campaign, day, actor.desk)  # raises with the reason
    try:
        p, sealed = _new_row(
            session,
            campaign,
            actor,
            kind=PaymentKind.payment.value,
            dossier_id=dossier_id,
            amount_fen=amount.fen,
            method=method.value,
            reference=reference,
            reference_seq=reference_seq,
            fiscal_receipt_no=fiscal,
            tendered_fen=tendered.fen if tendered is not None else None,
            business_date=day,
            idempotency_key=key,
            attempt=int(row.payments),
            track=d.track,
            level=d.level,
            created_at=now,
        )
    except IntegrityError as exc:
        # another desk booked the reference after we looked and committed (or is committing):
        # the database kept it to one. The transaction is to be rolled back (the caller's
        # session_scope does); nothing of it is kept, the receipt number neither.
        if "reference_seq" in str(exc.orig) or "uq_payment_reference_seq" in str(exc.orig):
            raise _reference_used(method, reference) from None
        raise
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=str(Action.payment_take),
        entity="payment",
        entity_id=p.receipt_code,
        campaign_id=campaign.id,
        desk=actor.desk,
        at=now,
        detail={
            "dossier": d.dossier_code,
            "amount_fen": p.amount_fen,
            "method": p.method,
            "reference": reference,
            "fiscal": fiscal,
            "track": d.track,
            "level": d.level,
            "clause": row.clause,
            "row": sealed,
            **override,
        },
    )
    if override:  # its own event as well: what a reconciliation of overrides lists
        audit.record(
            session,
            actor_id=actor.user_id,
            actor_name=actor.username,
            action=str(Action.payment_method_override),
            entity="payment",
            entity_id=p.receipt_code,
            campaign_id=campaign.id,
            desk=actor.desk,
            at=now,
            detail={
                "dossier": d.dossier_code,
                "method": p.method,
                "reason": override["method_override"],
                "allowed": override["allowed"],
                "clause": override["override_clause"],
            },
        )
    return p
