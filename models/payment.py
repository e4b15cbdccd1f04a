"""Payments. A row is never updated or deleted: a void or a refund is a new row that points at
the original (``original_id``)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class Payment(SQLModel, table=True):
    __tablename__ = "payment"
    __table_args__ = (
        UniqueConstraint("campaign_id", "receipt_no"),
        # one live payment per dossier: a new payment after a void has the next attempt number
        Index(
            "uq_payment_dossier_attempt",
            "dossier_id",
            "attempt",
            unique=True,
            sqlite_where=text("kind = 'payment'"),
            postgresql_where=text("kind = 'payment'"),
        ),
        # a live payment's reference (bank serial, POS or QR number) is used once: each payment
        # of a reference takes the next place (reference_seq = how many payments of it came
        # before); a second desk booking it at the same instant takes the same place and the
        # database refuses it. A void lets the next payment of the reference take the next place.
        Index(
            "uq_payment_reference_seq",
            "campaign_id",
            "method",
            "reference",
            "reference_seq",
            unique=True,
            sqlite_where=text("kind = 'payment' AND reference <> ''"),
            postgresql_where=text("kind = 'payment' AND reference <> ''"),
        ),
        # a payment is voided at most once
        Index(
            "uq_payment_one_void",
            "original_id",
            unique=True,
            sqlite_where=text("kind = 'void'"),
            postgresql_where=text("kind = 'void'"),
        ),
        # the day's tally reads only this index (no table rows): one range per business day
        Index(
            "ix_payment_day",
            "campaign_id",
            "business_date",
            "kind",
            "method",
            "desk",
            "cashier_id",
            "track",
            "level",
            "amount_fen",
            "receipt_no",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    receipt_no: int
    receipt_code: str = Field(sa_type=String(40), index=True)
    kind: str = Field(sa_type=String(16))  # PaymentKind
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    original_id: int | None = Field(default=None, foreign_key="payment.id", index=True)
    amount_fen: int  # positive; the kind says which way the money went
    # the fee's track and level when the money was taken (the tally groups by them)
    track: str = Field(default="", sa_type=String(16), sa_column_kwargs={"server_default": ""})
    level: str = Field(default="", sa_type=String(16), sa_column_kwargs={"server_default": ""})
    method: str = Field(sa_type=String(16))  # PaymentMethod
    reference: str = Field(default="", sa_type=String(100))
    fiscal_receipt_no: str = Field(default="", sa_type=String(60))  # 财政票据号
    tendered_fen: int | None = None
    reason: str = Field(default="", sa_type=String(60))
    note: str = Field(default="", sa_type=Text)
    cashier_id: int = Field(foreign_key="desk_user.id")
    desk: str = Field(default="", sa_type=String(40))
    business_date: dt.date = Field(index=True)
    attempt: int = 0  # payments: how many earlier payments of this dossier there are (all dead)
    # payments with a reference: how many payments of the same (campaign, method, reference)
    # came before (all voided, or the database refuses this one)
    reference_seq: int | None = None
    idempotency_key: str | None = Field(default=None, sa_type=String(64), unique=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
