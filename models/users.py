"""Desk users. Passwords are argon2 hashes; five failures lock the account for five minutes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, false
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class User(SQLModel, table=True):
    __tablename__ = "desk_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(sa_type=String(60), unique=True, index=True)
    display_name: str = Field(default="", sa_type=String(60))
    role: str = Field(sa_type=String(16))  # Role
    password_hash: str = Field(sa_type=String(200))
    active: bool = True
    failed_attempts: int = 0
    locked_until: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_login_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    # set by a reset: the next login must choose a new password before anything else
    must_change_password: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    password_changed_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
    disabled_at: dt.datetime | None = Field(default=None, sa_type=UTCDateTime)
