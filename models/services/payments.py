"""The fee desk's rules (收费): the fee of an accepted dossier, one payment per dossier with a
gapless receipt number, voids and refunds that leave the original untouched, and the cashier's
queue (accepted, unpaid).

A payment row is never updated or deleted (the database refuses it, see migration 0004). A void
or a refund is a new row pointing at the original (``original_id``); each takes the next receipt
number, so the day's receipt numbers run 1..N without a gap and every number is a row.

One live payment per dossier: the dossier row is locked first, so two desks on one dossier wait
for each other and the second finds it paid; the database backs this with a unique index on
(dossier, attempt) for payments, where ``attempt`` counts the dossier's earlier payments. A
payment is *live* while it is neither voided nor refunded in full; a dead one no longer pays for
its dossier, which goes back to the cashier's queue.

One live payment per reference: a bank serial, POS slip or QR order number books one payment.
Two desks typing the same serial at the same instant both find it unused, so the database
decides: each payment of a (campaign, method, reference) takes the next place
(``reference_seq``, the number of payments of it before) and a unique index refuses a second
row in one place; the desk that loses is told the reference is used. A void frees the
reference: the next payment of it takes the next place.
Idempotency: the desk sends a key per confirmation (a double Enter or a retry after a crash sends
the same key) and gets back the payment that key made, never a second one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, and_, bindparam, exists, func, insert, text
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased, make_transient_to_detached
from sqlmodel import Session, col, select

from models import audit
from models.campaign import Campaign, FeeRule
from models.dossier import Dossier
from models.errors import Conflict, DomainError, InvalidInput, NotFound
from models.i18n import N_, _
from models.idcard import clean_id_text
from models.money import Money
from models.online import OnlineRecord
from models.payment import Payment
from models.permissions import Action, Actor, require
from models.rules import ANY_METHOD, FeePayment, fee_payment
from models.services.campaigns import Fee, fee_for
from models.services.numbering import allocate, format_number
from models.services.users import shown_name
from models.tally import DayClose
from models.text import shorten, strip_invisible
from models.types import utcnow
from models.vocab import DayStatus, DossierStatus, NumberKind, PaymentKind, PaymentMethod

# Voids: a reason from the list plus a note (both required).
VOID_REASONS: dict[str, str] = {
    "wrong_method": N_("收款方式录错"),
    "wrong_dossier": N_("收错档案（收错人）"),
    "duplicate": N_("重复收费"),
    "wrong_amount": N_("金额错误"),
    "withdrawn": N_("申请人撤回申报"),
    "other": N_("其他"),
}
REFUND_REASONS: dict[str, str] = {
    "withdrawn": N_("申请人撤回申报"),
    "overpaid": N_("多收"),
    "not_reviewed": N_("未能参加评审"),
    "other": N_("其他"),
}
# What the reference is for each method; cash has none.
REFERENCE_LABELS: dict[PaymentMethod, str] = {
    PaymentMethod.transfer: N_("银行流水号"),
    PaymentMethod.card: N_("POS 凭证号/参考号"),
    PaymentMethod.qr: N_("支付单号"),
}
_REFERENCE = re.compile(r"^[0-9A-Za-z\-_/]{4,64}$")
_FISCAL = re.compile(r"^[0-9A-Za-z\-]{4,40}$")


class PaymentRefused(Conflict):
    code = "payment.refused"


def parse_method(text: str) -> PaymentMethod:
    """``cash`` / ``现金`` / ``1`` … → the method, or a Chinese message listing the choices."""
    key = unicodedata.normalize("NFKC", str(text)).strip().lower()
    aliases = {
        "1": "cash",
        "现金": "cash",
        "2": "transfer",
        "银行转账": "transfer",
        "转账": "transfer",
        "3": "card",
        "pos": "card",
        "刷卡": "card",
        "pos刷卡": "card",
        "4": "qr",
        "扫码": "qr",
        "微信": "qr",
        "支付宝": "qr",
        "扫码支付": "qr",
    }
    key = aliases.get(key, key)
    try:
        return PaymentMethod(key)
    except ValueError:
        choices = "、".join(f"{m.value}（{m.label}）" for m in PaymentMethod)
        raise InvalidInput(
            _("收款方式“{text}”不正确，应为：{choices}").format(
                text=shorten(text, 20), choices=choices
            ),
            code="payment.bad_method",
        ) from None


def clean_reference(method: PaymentMethod, reference: str) -> str:
    ref = unicodedata.normalize("NFKC", reference or "").strip().replace(" ", "")
    if method == PaymentMethod.cash:
        if ref:
            raise InvalidInput(_("现金收款不需要流水号"), code="payment.reference_not_needed")
        return ""
    label = _(REFERENCE_LABELS[method])
    if not ref:
        raise InvalidInput(
            _("{method}须填写{reference}").format(method=method.label, reference=label),
            code="payment.reference_required",
        )
    if not _REFERENCE.match(ref):
        raise InvalidInput(
            _("{label}“{ref}”格式不正确：应为 4–64 位字母、数字或 - _ /").format(
                label=label, ref=shorten(ref, 40)
            ),
            code="payment.bad_reference",
        )
    return ref


def _clean_fiscal(text: str) -> str:
    no = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "")
    if no and not _FISCAL.match(no):
        raise InvalidInput(
            _("财政票据号“{no}”格式不正确：应为 4–40 位字母或数字").format(no=shorten(no, 40)),
            code="payment.bad_fiscal_no",
        )
    return no


def business_date(campaign: Campaign, at: dt.datetime) -> dt.date:
    """The office's calendar day of ``at`` (the campaign's time zone)."""
    return at.astimezone(campaign.zone).date()


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


def find_dossier(session: Session, campaign: Campaign, text: str) -> Dossier:
    """A dossier by its number (scanned from the envelope label) or by the applicant's ID."""
    # a NUL or a lone surrogate (a paste, a broken scanner) is no database's to see
    key = strip_invisible(unicodedata.normalize("NFKC", text or "")).strip().upper()
    if not key:
        raise InvalidInput(_("请扫描或输入受理编号"), code="payment.no_dossier")
    d = session.exec(
        select(Dossier).where(Dossier.campaign_id == campaign.id, Dossier.dossier_code == key)
    ).first()
    if d is None and len(key) == 18:
        rec = session.exec(
            select(OnlineRecord).where(
                OnlineRecord.campaign_id == campaign.id,
                OnlineRecord.id_number == clean_id_text(key),
            )
        ).first()
        if rec is not None:
            d = session.exec(
                select(Dossier).where(
                    Dossier.campaign_id == campaign.id, Dossier.online_record_id == rec.id
                )
            ).first()
            if d is None:
                raise NotFound(
                    _("{name} 的纸质材料尚未受理：请先到受理窗口").format(name=rec.name),
                    code="payment.not_accepted",
                )
    if d is None:
        raise NotFound(
            _("本批次没有受理编号为“{key}”的档案").format(key=shorten(key, 40)),
            code="payment.no_such_dossier",
        )
    return d


@dataclass(frozen=True, slots=True)
class FeeCard:
    """What the cashier sees for one dossier: who, what for, how much, and what was paid."""

    dossier_id: int
    dossier_code: str
    status: str
    name: str
    id_last4: str
    unit: str
    track: str
    level: str
    fee: Fee | None
    fee_problem: str  # why there is no fee (unknown or not applicable), for the lead to fix
    paid: Payment | None  # the live payment
    refunded: Money
    history: tuple[Payment, ...]  # every row of this dossier, oldest first
    names: dict[int, str]  # who made each row (user id → the name shown)
    # how the notice says the fee is paid (001 三（二）4: by bank only)
    method_rule: FeePayment = ANY_METHOD
    day_problem: str = ""  # the desk's day is closed or closing: said when the card opens

    @property
    def payable(self) -> bool:
        return (
            self.fee is not None
            and self.paid is None
            and not self.day_problem
            and self.status == DossierStatus.accepted.value
        )


def fee_card(
    session: Session,
    campaign: Campaign,
    dossier: Dossier,
    *,
    desk: str | None = None,
    now: dt.datetime | None = None,
) -> FeeCard:
    """The fee of one dossier. With ``desk``: whether that desk may take fees today (its day
    or the office's closed or being closed is said at once, not after the amount is typed)."""
    assert dossier.id is not None
    rec = session.get(OnlineRecord, dossier.online_record_id)
    assert rec is not None
    fee: Fee | None = None
    problem = ""
    try:
        fee = fee_for(session, campaign.id or 0, dossier.track, dossier.level)
    except DomainError as exc:
        problem = exc.message
    paid = live_payment(session, dossier.id)
    history = tuple(
        session.exec(
            select(Payment)
            .where(Payment.dossier_id == dossier.id)
            .order_by(col(Payment.receipt_no))
        )
    )
    day_problem = ""
    if desk is not None and paid is None:
        try:
            check_day_open(session, campaign, business_date(campaign, now or utcnow()), desk)
        except PaymentRefused as exc:
            day_problem = exc.message
    return FeeCard(
        dossier_id=dossier.id,
        dossier_code=dossier.dossier_code or "",
        status=dossier.status,
        name=rec.name,
        id_last4=rec.id_number[-4:],
        unit=rec.unit,
        track=dossier.track,
        level=dossier.level,
        fee=fee,
        fee_problem=problem,
        paid=paid,
        refunded=Money(refunded_fen(session, paid.id or 0)) if paid else Money(0),
        history=history,
        names={uid: shown_name(session, uid) for uid in {p.cashier_id for p in history}},
        method_rule=fee_payment(campaign),
        day_problem=day_problem,
    )


@dataclass(frozen=True, slots=True)
class QueueLine:
    dossier_id: int
    dossier_code: str
    name: str
    track: str
    level: str
    unit: str
    accepted_at: dt.datetime | None


def cashier_queue(session: Session, campaign: Campaign, *, limit: int = 1000) -> list[QueueLine]:
    """Accepted dossiers without a live payment, in dossier-number order (the cashier's queue)."""
    paid = select(Payment.dossier_id).where(live_clause())
    rows = session.exec(
        select(Dossier, OnlineRecord)
        .join(OnlineRecord, col(OnlineRecord.id) == Dossier.online_record_id)
        .where(
            Dossier.campaign_id == campaign.id,
            Dossier.status == DossierStatus.accepted.value,
            col(Dossier.id).not_in(paid),
        )
        .order_by(col(Dossier.dossier_no))
        .limit(limit)
    ).all()
    return [
        QueueLine(d.id or 0, d.dossier_code or "", r.name, d.track, d.level, r.unit, d.accepted_at)
        for d, r in rows
    ]


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


def check_method(
    actor: Actor, campaign: Campaign, method: PaymentMethod, override_reason: str = ""
) -> dict[str, str]:
    """Refuse a method the notice does not allow, unless a lead overrides it with a reason.
    Returns what the payment's audit event records of an override (nothing without one)."""
    rule = fee_payment(campaign)
    if rule.allows(method):
        return {}
    allowed = "、".join(m.label for m in rule.methods)
    reason = " ".join(override_reason.split())
    if not reason:
        raise PaymentRefused(
            _(
                "本批次通知（{clause}）规定评审费{text}：只收{allowed}，不收{method}。"
                "确需改收{method}的，由负责人说明原因后办理"
            ).format(
                clause=rule.clause,
                text=rule.text or _("按规定方式缴纳"),
                allowed=allowed,
                method=method.label,
            ),
            code="payment.method_not_allowed",
            clause=rule.clause,
        )
    require(actor, Action.payment_method_override)
    if len(reason) > 200:
        raise InvalidInput(_("原因过长（最多 200 个字）"), code="payment.override_reason_long")
    return {
        "method_override": reason,
        "allowed": ",".join(m.value for m in rule.methods),
        "override_clause": rule.clause,
    }


@dataclass(frozen=True, slots=True)
class LineKey:
    """The idempotency key of one line of a batch file for one dossier, and the payment an
    earlier run of the same line made that has since died (voided or refunded in full)."""

    key: str
    replaces: Payment | None
    replaced_because: str


def line_key(session: Session, campaign: Campaign, dossier: Dossier, line: str) -> LineKey:
    """A batch line's key: the campaign, the line's text and the dossier's *generation* (how
    many of its payments are dead). Running the same file again gives the same key while the
    payment it made is live (the desk hands that payment back: nothing is paid twice); once it
    is voided or refunded in full the generation moves on, the key is new and the line is paid
    again. The same dossier code in another campaign is another key."""
    assert dossier.id is not None
    rows = session.exec(
        select(Payment)
        .where(Payment.dossier_id == dossier.id, Payment.kind == PaymentKind.payment.value)
        .order_by(col(Payment.attempt))
    ).all()
    dead = [p for p in rows if dead_reason(session, p)]

    def key_of(generation: int) -> str:
        text = f"{campaign.id}|{campaign.code}|{line}|{generation}"
        return "batch-" + hashlib.sha256(text.encode()).hexdigest()[:40]

    key = key_of(len(dead))
    if dead:
        before = key_of(len(dead) - 1)
        earlier = next((p for p in dead if p.idempotency_key == before), None)
        if earlier is not None:
            return LineKey(key, earlier, dead_reason(session, earlier))
    return LineKey(key, None, "")


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


def _voided(session: Session, p: Payment) -> bool:
    return (
        session.exec(
            select(Payment.id).where(
                Payment.original_id == p.id, Payment.kind == PaymentKind.void.value
            )
        ).first()
        is not None
    )


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
