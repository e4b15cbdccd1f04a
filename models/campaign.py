"""A campaign: one committee's paper window for one year, with its fees, windows and checklist.

Every rule row keeps ``clause``: where in the notice it comes from.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from sqlalchemy import JSON, Column, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow
from models.vocab import WINDOW_LABEL


class Campaign(SQLModel, table=True):
    __tablename__ = "campaign"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_type=String(40), unique=True, index=True)
    title: str = Field(sa_type=String(200))
    committee: str = Field(sa_type=String(200))
    office: str = Field(sa_type=String(200))
    room: str = Field(default="", sa_type=String(100))
    address: str = Field(default="", sa_type=String(300))
    timezone: str = Field(default="Asia/Shanghai", sa_type=String(64))
    year: int
    source: str = Field(default="", sa_type=Text)  # the notice: title, number, date
    tracks: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    levels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    series: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    individual_submission: bool = True  # 002: 个人报送材料一律不予受理 → False
    max_online_submissions: int = 3
    defence_levels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    defence_exempt: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    dossier_prefix: str = Field(sa_type=String(16))
    receipt_prefix: str = Field(sa_type=String(16))
    notice_prefix: str = Field(sa_type=String(16))
    contacts: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    header_aliases: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    # The notice's further rules (issue 21), read through models.rules: who may bring the paper
    # (delivery), how the fee is paid (fee_methods), who defends (defence) …
    rules: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    preset_text: str = Field(default="", sa_type=Text)  # the TOML it was loaded from
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def place(self) -> str:
        return f"{self.office}{self.room}"


class PaperWindow(SQLModel, table=True):
    """纸质材料报送时间: [starts_at, ends_at], optionally for one series only. ``kind`` is
    ``paper`` (paper is taken in it) or ``declaration`` (网上申报截止, 001: shown on the card,
    never opens the counter)."""

    __tablename__ = "paper_window"

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    kind: str = Field(default="paper", sa_type=String(16))  # WindowKind
    series: str | None = Field(default=None, sa_type=String(60))  # None: every series
    # only for these levels (001 三（五）1: 中、初级); empty: every level
    levels: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    starts_at: dt.datetime = Field(sa_type=UTCDateTime)
    ends_at: dt.datetime = Field(sa_type=UTCDateTime)
    label: str = Field(default=WINDOW_LABEL, sa_type=String(100))
    clause: str = Field(default="", sa_type=String(200))


class FeeRule(SQLModel, table=True):
    """评审费 for one track × level. ``amount_fen`` None means the notice does not state it:
    the desk refuses to take money until a lead sets it."""

    __tablename__ = "fee_rule"
    __table_args__ = (UniqueConstraint("campaign_id", "track", "level"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    track: str = Field(sa_type=String(16))
    level: str = Field(sa_type=String(16))
    amount_fen: int | None = Field(default=None, sa_column=Column(Integer, nullable=True))
    clause: str = Field(default="", sa_type=String(200))
    set_by_id: int | None = Field(default=None, foreign_key="desk_user.id")
    set_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)


class ChecklistItem(SQLModel, table=True):
    """One line of the material checklist (需要报送的纸质材料)."""

    __tablename__ = "checklist_item"
    __table_args__ = (UniqueConstraint("campaign_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    key: str = Field(sa_type=String(60))
    position: int
    name: str = Field(sa_type=String(200))
    kind: str = Field(sa_type=String(20))  # ItemKind
    copies: int = 1
    needs_stamp: bool = False  # 加盖单位公章
    needs_endorsement: bool = False  # 签署“已审核，与原件相符”
    handwritten: str = Field(default="", sa_type=Text)  # sentence that must be handwritten
    watermark: bool = False  # 有水印为有效 (001, 003)
    double_sided: bool = False  # A4 同一张纸正反面打印
    must_match_online: bool = False  # 须与上报我办表格内容一致
    tracks: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    levels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    when: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    unless: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    optional: bool = False  # counted when brought, never a deficiency when absent
    note: str = Field(default="", sa_type=Text)
    clause: str = Field(default="", sa_type=String(200))
    # scope (person | unit), fill (handwritten | filled), parts (each a verdict), stamp_by,
    # watermark_words, condition: read through models.rules.ItemRules
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class NumberSequence(SQLModel, table=True):
    """The next number to hand out per campaign and kind; locked by the allocating transaction."""

    __tablename__ = "number_sequence"

    campaign_id: int = Field(foreign_key="campaign.id", primary_key=True)
    kind: str = Field(sa_type=String(16), primary_key=True)  # NumberKind
    next_value: int = 1
