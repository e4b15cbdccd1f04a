"""What the fee desk reads: a dossier by its number, its fee card, and the cashier's queue (accepted, unpaid)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from sqlmodel import Session, col, select

from models.campaign import Campaign
from models.dossier import Dossier
from models.errors import DomainError, InvalidInput, NotFound
from models.i18n import _
from models.idcard import clean_id_text
from models.money import Money
from models.online import OnlineRecord
from models.payment import Payment
from models.permissions import Action, Actor, require
from models.rules import ANY_METHOD, FeePayment, fee_payment
from models.services.campaigns import Fee, fee_for
from models.services.payments.live import check_day_open, live_clause, live_payment, refunded_fen
from models.services.payments.rules import PaymentRefused, business_date
from models.services.users import shown_name
from models.text import shorten, strip_invisible
from models.types import utcnow
from models.vocab import DossierStatus


def find_dossier(session: Session, actor: Actor, campaign: Campaign, text: str) -> Dossier:
    """A dossier by its number (scanned from the envelope label) or by the applicant's ID.
    Needs ``payment.take`` (an ID number says who applied)."""
    require(actor, Action.payment_take)
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
    actor: Actor,
    campaign: Campaign,
    dossier: Dossier,
    *,
    desk: str | None = None,
    now: dt.datetime | None = None,
) -> FeeCard:
    """The fee of one dossier. With ``desk``: whether that desk may take fees today (its day
    or the office's closed or being closed is said at once, not after the amount is typed).
    Needs ``payment.take``."""
    require(actor, Action.payment_take)
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


def cashier_queue(
    session: Session, actor: Actor, campaign: Campaign, *, limit: int = 1000
) -> list[QueueLine]:
    """Accepted dossiers without a live payment, in dossier-number order (the cashier's queue).
    Needs ``payment.take``."""
    require(actor, Action.payment_take)
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
