"""What the accounts' services take and return: a lead's approval and a user's row."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, func, select

from models.users import User
from models.vocab import Role


@dataclass(frozen=True, slots=True)
class Approval:
    """A lead's user name and password, typed by that lead at the desk, approving a change that
    gives someone a lead's powers."""

    username: str
    password: str


@dataclass(frozen=True, slots=True)
class UserRow:
    """An account as the admin's list shows it."""

    id: int
    username: str
    display_name: str
    role: Role
    active: bool
    locked: bool
    must_change_password: bool
    created_at: dt.datetime
    last_login_at: dt.datetime | None
    disabled_at: dt.datetime | None


def shown_name(session: Session, user_id: int | None) -> str:
    """The name printed and shown for a user (display name, else username; "" if none)."""
    user = session.get(User, user_id) if user_id is not None else None
    return (user.display_name or user.username) if user else ""


def count_users(session: Session) -> int:
    return int(session.exec(select(func.count()).select_from(User)).one())
