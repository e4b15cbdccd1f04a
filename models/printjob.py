"""PrintJob: every document sent to a printer is a row first, so no job is ever lost."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import LargeBinary, String, Text
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class PrintJob(SQLModel, table=True):
    __tablename__ = "print_job"

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int | None = Field(default=None, foreign_key="campaign.id", index=True)
    document: str = Field(sa_type=String(30))  # receipt, label, notice, slip, tally ...
    payment_id: int | None = Field(default=None, foreign_key="payment.id", index=True)
    dossier_id: int | None = Field(default=None, foreign_key="dossier.id", index=True)
    printer: str = Field(default="", sa_type=String(60))  # the desk's role name: receipt, label
    desk: str = Field(default="", sa_type=String(40), sa_column_kwargs={"server_default": ""})
    copy_no: int = 0  # 0 original; n for 重印 n
    status: str = Field(sa_type=String(16), index=True)  # PrintJobStatus
    attempts: int = 0
    error: str = Field(default="", sa_type=Text)
    payload: bytes = Field(sa_type=LargeBinary)
    payload_sha256: str = Field(sa_type=String(64), sa_column_kwargs={"server_default": ""})
    last_attempt_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    requested_by_id: int | None = Field(default=None, foreign_key="desk_user.id")
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
