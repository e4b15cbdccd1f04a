"""Paper dossiers, every check at the counter, and the verdict on each checklist item."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class Dossier(SQLModel, table=True):
    """One applicant's paper dossier in one campaign. ``dossier_no`` is given on acceptance."""

    __tablename__ = "dossier"
    __table_args__ = (
        UniqueConstraint("campaign_id", "online_record_id"),
        UniqueConstraint("campaign_id", "dossier_no"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    online_record_id: int = Field(foreign_key="online_record.id", index=True)
    status: str = Field(sa_type=String(16), index=True)  # DossierStatus
    dossier_no: int | None = None
    dossier_code: str | None = Field(default=None, sa_type=String(40), index=True)
    track: str = Field(sa_type=String(16))
    level: str = Field(sa_type=String(16))
    conditions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    online_snapshot: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    accepted_by_id: int | None = Field(default=None, foreign_key="desk_user.id")
    accepted_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    handed_over_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    handover_id: int | None = Field(default=None, foreign_key="handover.id", index=True)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class DossierVisit(SQLModel, table=True):
    """One check of the paper at the counter: accepted, or returned with one notice."""

    __tablename__ = "dossier_visit"
    # the day's tally counts a day's visits of one campaign from this index alone
    __table_args__ = (Index("ix_dossier_visit_day", "campaign_id", "at", "outcome", "desk"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    dossier_id: int = Field(foreign_key="dossier.id", index=True)
    outcome: str = Field(sa_type=String(16))  # DossierStatus.accepted / returned
    notice_no: int | None = None
    notice_code: str | None = Field(default=None, sa_type=String(40))
    deficiencies: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    note: str = Field(default="", sa_type=Text)
    brought_by: str = Field(default="", sa_type=String(16))  # Bringer; "" before issue 21
    clerk_id: int = Field(foreign_key="desk_user.id")
    desk: str = Field(default="", sa_type=String(40))
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ItemVerdict(SQLModel, table=True):
    """The verdict on one checklist item during one visit."""

    __tablename__ = "item_verdict"
    __table_args__ = (UniqueConstraint("visit_id", "item_key"),)

    id: int | None = Field(default=None, primary_key=True)
    visit_id: int = Field(foreign_key="dossier_visit.id", index=True)
    item_key: str = Field(sa_type=String(60))
    present: bool = False
    copies: int = 0
    original_checked: bool | None = None  # 原件已核对退还
    stamped_endorsed: bool | None = None  # 已盖章并签署“已审核，与原件相符”
    handwritten_ok: bool | None = None
    matches_online: bool | None = None
    watermark_ok: bool | None = None  # 有水印 (001, 003)
    parts: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    note: str = Field(default="", sa_type=Text)


class UnitItemCheck(SQLModel, table=True):
    """A unit's own item (001's 花名册, 003's 公示情况报告), checked once for the unit's batch;
    every member's card shows the latest check of the unit."""

    __tablename__ = "unit_item_check"
    __table_args__ = (Index("ix_unit_item_check_unit", "campaign_id", "unit", "item_key"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id")
    unit: str = Field(sa_type=String(200))
    item_key: str = Field(sa_type=String(60))
    present: bool = False
    copies: int = 0
    problems: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    note: str = Field(default="", sa_type=Text)
    clerk_id: int = Field(foreign_key="desk_user.id")
    desk: str = Field(default="", sa_type=String(40))
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
