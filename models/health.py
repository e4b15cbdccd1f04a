"""The database as ``desk doctor`` finds it: reachable, its schema version against the
program's, SQLite's quick check or the server's clock, the campaigns and the users in it.

``probe`` never raises for a database problem: what it could not learn is left unset and the
reason is in ``error``; the fields are filled in the order they are checked, so a caller that
reports each field set, then the error, reports what was found before the trouble."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from models import migrate
from models.backup import sqlite_file
from models.config import DeskConfig
from models.db import make_engine, session_scope
from models.errors import DomainError
from models.services.campaigns import get_campaign, list_campaigns
from models.services.users import count_users


@dataclass(frozen=True)
class CampaignSeen:
    code: str
    title: str
    timezone: str


@dataclass
class DatabaseHealth:
    shown: str  # the URL without its password
    missing_file: bool = False  # a SQLite file not created yet (nothing else was checked)
    current: str | None = None  # schema revisions, once read
    head: str | None = None
    quick_check: str | None = None  # SQLite: "ok" or what PRAGMA quick_check found
    server_now: dt.datetime | None = None  # PostgreSQL: the server's clock
    counted: bool = False  # the campaigns and users below were read
    campaigns: list[CampaignSeen] = field(default_factory=list)
    users: int = 0
    chosen: CampaignSeen | None = None  # the configured campaign, found
    chosen_error: str | None = None  # … or why not
    error: str | None = None  # the database could not be read (after what is set above)

    @property
    def schema_ok(self) -> bool:
        return self.current == self.head


def shown_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def probe(cfg: DeskConfig) -> DatabaseHealth:
    """Check the configured database (read only), as described above."""
    file = sqlite_file(cfg.database_url)
    if file is not None and not file.exists():  # before an engine: making one creates the file
        return DatabaseHealth(shown_url(cfg.database_url), missing_file=True)
    engine = make_engine(cfg.database_url, timeouts=cfg.timeouts)
    health = DatabaseHealth(engine.url.render_as_string(hide_password=True))
    try:
        health.current, health.head = migrate.current_revision(engine), migrate.head_revision()
        if not health.schema_ok:
            return health
        with session_scope(engine, readonly=True) as session:
            conn = session.connection()
            if engine.dialect.name == "sqlite":
                health.quick_check = str(conn.execute(text("PRAGMA quick_check")).scalar())
            else:
                health.server_now = conn.execute(text("SELECT now()")).scalar()
            campaigns = [CampaignSeen(c.code, c.title, c.timezone) for c in list_campaigns(session)]
            users = count_users(session)
            health.campaigns, health.users, health.counted = campaigns, users, True
            if cfg.campaign:
                try:
                    c = get_campaign(session, cfg.campaign)
                    health.chosen = CampaignSeen(c.code, c.title, c.timezone)
                except DomainError as exc:
                    health.chosen_error = exc.message
    except (DBAPIError, DomainError) as exc:
        health.error = (
            exc.message
            if isinstance(exc, DomainError)
            else str(exc.orig).strip().splitlines()[0]
            if exc.orig
            else str(exc)
        )
    finally:
        engine.dispose()
    return health
