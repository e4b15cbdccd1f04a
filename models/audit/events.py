"""The audit event table and the columns an event's hash covers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    SmallInteger,
    String,
    UniqueConstraint,
    insert,
)
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow

GENESIS = "0" * 64


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        UniqueConstraint("chain_lane", "chain_seq", name="uq_audit_event_chain_lane_seq"),
    )

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor_id: int | None = Field(default=None, foreign_key="desk_user.id")
    actor_name: str = Field(sa_type=String(60))
    action: str = Field(sa_type=String(60), index=True)
    entity: str = Field(sa_type=String(40))
    entity_id: str = Field(default="", sa_type=String(60))
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id")
    desk: str = Field(default="", sa_type=String(40))
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # the chain: given when the event is written
    chain_lane: int = Field(
        default=0, sa_column=Column(SmallInteger, nullable=False, server_default="0")
    )
    chain_seq: int | None = Field(default=None, sa_type=BigInteger)
    prev_hash: str | None = Field(default=None, sa_type=String(64))
    hash: str | None = Field(default=None, sa_type=String(64))


_TABLE = AuditEvent.__table__  # type: ignore[attr-defined]
_INSERT = insert(_TABLE)
CONTENT_COLUMNS = (
    "at",
    "actor_id",
    "actor_name",
    "action",
    "entity",
    "entity_id",
    "campaign_id",
    "desk",
    "detail",
)  # what an event's hash covers
