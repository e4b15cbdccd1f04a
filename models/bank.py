"""Bank statements (银行流水) imported at the fee desk, their lines, and what the cashier decided
about each line: matched to a payment (``BankMatch``) or set aside as not a review fee
(``BankLineDismissal``).

Every row here is insert-only (the database refuses UPDATE and DELETE, see migration 0005): a
line is stored as the bank wrote it; a decision is a new row. A match whose payment is later
voided no longer counts, and the line may be matched again with the next ``attempt`` number
(the same pattern as payments of a dossier)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.i18n import N_, _
from models.types import UTCDateTime, utcnow


class BankStatement(SQLModel, table=True):
    """One imported statement file. The same file (sha256) is imported once per campaign."""

    __tablename__ = "bank_statement"
    __table_args__ = (UniqueConstraint("campaign_id", "sha256"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    filename: str = Field(sa_type=String(300))
    sha256: str = Field(sa_type=String(64))
    account: str = Field(
        default="", sa_type=String(60)
    )  # the office's account, if the file shows it
    imported_by: int = Field(foreign_key="desk_user.id")
    imported_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    line_count: int = 0  # lines stored (credits and debits)
    credit_count: int = 0  # of which credits (money in): the candidates for review fees


class BankLine(SQLModel, table=True):
    """One transaction of a statement. ``amount_fen`` is positive for a credit (收入/贷方) and
    negative for a debit (支出/借方); only credits can be review fees. ``serial`` is the bank's
    serial number, or ``BK…`` derived from the line's content when the file has none."""

    __tablename__ = "bank_line"
    __table_args__ = (
        UniqueConstraint("campaign_id", "serial"),
        Index("ix_bank_line_statement_line", "statement_id", "line_no"),
    )

    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(foreign_key="bank_statement.id")
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    line_no: int  # row number in the file (1-based, as Excel and WPS show it)
    txn_date: dt.date
    amount_fen: int
    payer_name: str = Field(default="", sa_type=String(200))
    payer_account: str = Field(default="", sa_type=String(60))
    memo: str = Field(default="", sa_type=Text)  # 摘要 / 附言 / 用途 / 备注, joined
    serial: str = Field(sa_type=String(100))
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BankMatch(SQLModel, table=True):
    """The cashier confirmed that a line paid a dossier's fee: the payment it made. A line has
    one match per ``attempt``; a new attempt is possible only after the payment was voided."""

    __tablename__ = "bank_match"
    __table_args__ = (UniqueConstraint("line_id", "attempt"),)

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = Field(foreign_key="bank_line.id")
    attempt: int = 0  # how many earlier matches of this line had their payment voided
    payment_id: int = Field(foreign_key="payment.id", unique=True)
    confirmed_by: int = Field(foreign_key="desk_user.id")
    confirmed_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class BankLineDismissal(SQLModel, table=True):
    """A line set aside as not a review fee (a reason from the list and a note)."""

    __tablename__ = "bank_line_dismissal"

    id: int | None = Field(default=None, primary_key=True)
    line_id: int = Field(foreign_key="bank_line.id", unique=True)
    reason: str = Field(sa_type=String(40))
    note: str = Field(default="", sa_type=Text)
    dismissed_by: int = Field(foreign_key="desk_user.id")
    dismissed_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class LineStatus(StrEnum):
    """What the matcher says about a credit line."""

    proposed = "proposed"  # one accepted, unpaid dossier with evidence and the right fee
    ambiguous = "ambiguous"  # several dossiers fit equally: the cashier chooses, never automatic
    partial = (
        "partial"  # identity evidence, but the amount is not the fee (part, or several people)
    )
    not_accepted = "not_accepted"  # the person's paper dossier is not accepted (yet)
    already_paid = "already_paid"  # the dossier (or this serial) already has a live payment
    unmatched = "unmatched"  # nothing in the line points at anyone of this campaign
    confirmed = "confirmed"  # matched to a live payment
    dismissed = "dismissed"  # set aside: not a review fee

    @property
    def label(self) -> str:
        return _(LINE_STATUS_LABELS[self])


LINE_STATUS_LABELS = {
    LineStatus.proposed: N_("建议匹配"),
    LineStatus.ambiguous: N_("多人相符，须人工选择"),
    LineStatus.partial: N_("金额与评审费不符"),
    LineStatus.not_accepted: N_("纸质材料未受理"),
    LineStatus.already_paid: N_("已缴费"),
    LineStatus.unmatched: N_("未找到对应申报人"),
    LineStatus.confirmed: N_("已确认"),
    LineStatus.dismissed: N_("非评审费，已剔除"),
}
