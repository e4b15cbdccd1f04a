"""OnlineRecord: one row of the platform's list of applicants (通过形式审核 and others)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class OnlineRecord(SQLModel, table=True):
    __tablename__ = "online_record"
    __table_args__ = (
        UniqueConstraint("campaign_id", "id_number"),
        Index("ix_online_record_campaign_last6", "campaign_id", "id_last6"),
        Index("ix_online_record_campaign_name_key", "campaign_id", "name_key"),
        Index("ix_online_record_campaign_initials", "campaign_id", "pinyin_initials"),
        Index("ix_online_record_campaign_pinyin", "campaign_id", "pinyin_full"),
    )

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    id_number: str = Field(sa_type=String(18))
    id_last6: str = Field(sa_type=String(6))
    name: str = Field(sa_type=String(200))
    name_key: str = Field(sa_type=String(200))
    pinyin_full: str = Field(sa_type=String(400))
    pinyin_initials: str = Field(sa_type=String(200))
    sex: str = Field(default="", sa_type=String(4))
    unit: str = Field(default="", sa_type=String(200))  # 工作单位
    supervising_dept: str = Field(default="", sa_type=String(200))  # 主管部门
    county: str = Field(default="", sa_type=String(60))
    series: str = Field(default="", sa_type=String(60))  # 系列
    specialty: str = Field(default="", sa_type=String(100))  # 专业
    level: str = Field(sa_type=String(16))  # Level
    grade: str = Field(default="", sa_type=String(40))  # as written: 助理级, 中级（讲师）
    track: str = Field(sa_type=String(16))  # Track
    status: str = Field(sa_type=String(40))  # 审核状态, e.g. 通过形式审核
    submission_count: int | None = None
    application_no: str = Field(default="", sa_type=String(60))  # 申报编号
    phone: str = Field(default="", sa_type=String(40))
    extra: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    imported_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


def build_online_record(
    *,
    campaign_id: int,
    id_number: str,
    name: str,
    level: str,
    track: str,
    status: str,
    grade: str = "",
    **fields: Any,
) -> OnlineRecord:
    """An OnlineRecord with its derived search keys (name key, pinyin, last 6, sex)."""
    from models.idcard import ResidentId
    from models.names import display_name, name_key, pinyin_keys

    rid = ResidentId.parse(id_number)
    shown = display_name(name)
    keys = pinyin_keys(shown)
    fields.setdefault("sex", rid.sex.value)
    return OnlineRecord(
        campaign_id=campaign_id,
        id_number=rid.number,
        id_last6=rid.last6,
        name=shown,
        name_key=name_key(shown),
        pinyin_full=keys.full,
        pinyin_initials=keys.initials,
        level=level,
        grade=grade or level,
        track=track,
        status=status,
        **fields,
    )
