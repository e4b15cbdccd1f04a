"""AuditEvent: one row per state change, written in the same transaction as the change."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, String, insert
from sqlmodel import Field, Session, SQLModel

from models.types import UTCDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

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


def record(
    session: Session,
    *,
    actor_id: int | None,
    actor_name: str,
    action: str,
    entity: str,
    entity_id: object = "",
    campaign_id: int | None = None,
    desk: str = "",
    detail: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> None:
    """Add an audit row to the caller's transaction (written at once, committed with it). A
    plain INSERT, not an ORM object: it is on every state change's path, the payments' too."""
    session.flush()  # the change first (and its ids given), then its audit row
    session.connection().execute(_INSERT, {
        "at": at or utcnow(), "actor_id": actor_id, "actor_name": actor_name, "action": action,
        "entity": entity, "entity_id": str(entity_id), "campaign_id": campaign_id, "desk": desk,
        "detail": detail or {}})


_INSERT = insert(AuditEvent.__table__)  # type: ignore[attr-defined]
