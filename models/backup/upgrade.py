"""The backup ``desk db upgrade`` takes before it changes an existing database's schema: a
SQLite copy or a ``pg_dump`` in the backups folder, named after the schema it holds, never
pruned with the day-close backups (their names start with ``desk-``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy.engine import Engine

from models.backup.make import backup_sqlite
from models.backup.pg import pg_dump_backup
from models.backup.records import Snapshot
from models.files import private_dir
from models.opening import current_revision
from models.version import schema_head, schema_revisions


def backup_before_upgrade(
    engine: Engine, directory: Path, now: dt.datetime | None = None
) -> Snapshot | None:
    """A backup of the database as it is, when an upgrade is about to change its schema (an
    empty or a current database, or one newer than this desk, needs none: None)."""
    current = current_revision(engine)
    if current is None or current == schema_head() or current not in schema_revisions():
        return None
    private_dir(directory)
    stamp = f"{(now or dt.datetime.now()):%Y%m%d-%H%M%S}"
    if engine.dialect.name == "postgresql":
        return pg_dump_backup(engine, directory / f"upgrade-{current}-{stamp}.dump")
    return backup_sqlite(engine, directory / f"upgrade-{current}-{stamp}.sqlite3")
