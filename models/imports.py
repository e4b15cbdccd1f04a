"""Imports of the platform's online-approved list: one batch per file imported, and what each
import changed in a record (so a lead sees what the platform changed, and when)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, String
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batch"

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    kind: str = Field(default="online", sa_type=String(20))
    filename: str = Field(sa_type=String(300))
    sha256: str = Field(sa_type=String(64), index=True)
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    # rejected lines: [{"line": 12, "code": "id.bad_check_digit", "reason": "…", "name": "…"}]
    rejected: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    actor_id: int | None = Field(default=None, foreign_key="desk_user.id")
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OnlineChange(SQLModel, table=True):
    """What one import changed in one online record: {field: [old, new]}."""

    __tablename__ = "online_change"

    id: int | None = Field(default=None, primary_key=True)
    record_id: int = Field(foreign_key="online_record.id", index=True)
    batch_id: int = Field(foreign_key="import_batch.id", index=True)
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
