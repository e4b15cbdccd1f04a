"""DayClose: a day's tally, begun then closed, per desk or office-wide (desk = "")."""

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
    status: str = Field(sa_type=String(16))  # closing / closed
    expected: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    counted: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    difference_fen: int = 0
    note: str = Field(default="", sa_type=Text)
    begun_by_id: int = Field(foreign_key="desk_user.id")
    begun_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_by_id: int | None = Field(default=None, foreign_key="desk_user.id")
    closed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
