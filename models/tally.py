"""The day's close (日结) and the committee's handover (移交).

``DayClose``: one row per (campaign, business day, desk); ``desk = ""`` is the office-wide close.
Its status runs ``closing`` (the desk takes no new payment) → ``counted`` (a blind cash count is
recorded) → ``closed`` (the lead confirmed: the day is locked). A closed row is never edited or
deleted, and no payment row can be dated into its day (migration 0006 backs both in the
database).

``Handover``: the dossiers handed to the review committee in one go — who, when, to whom, how
many and which. A handed-over dossier is read-only (the database refuses to change it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class DayClose(SQLModel, table=True):
    __tablename__ = "day_close"
    __table_args__ = (UniqueConstraint("campaign_id", "business_date", "desk"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    business_date: dt.date
    desk: str = Field(default="", sa_type=String(40))
    status: str = Field(sa_type=String(16))  # DayStatus: closing / counted / closed
    # method → {"count", "fen"} and the day's totals, taken when counted and again when closed
    expected: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # {"cash": {denomination fen: pieces}, "methods": {method: fen}}
    counted: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    difference_fen: int = 0  # counted − expected, all methods
    note: str = Field(default="", sa_type=Text)
    begun_by_id: int = Field(foreign_key="desk_user.id")
    begun_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    counted_by_id: int | None = Field(default=None, foreign_key="desk_user.id")
    counted_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by_id: int | None = Field(default=None, foreign_key="desk_user.id")
    closed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class Handover(SQLModel, table=True):
    """移交: dossiers handed to the review committee. Insert-only."""

    __tablename__ = "handover"
    __table_args__ = (UniqueConstraint("campaign_id", "handover_no"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    handover_no: int  # 1, 2 … within the campaign
    receiver: str = Field(sa_type=String(100))  # who signed for the committee
    dossier_count: int
    dossier_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", sa_type=Text)
    handed_by_id: int = Field(foreign_key="desk_user.id")
    handed_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
