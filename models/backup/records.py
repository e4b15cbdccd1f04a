"""What backups and restores return and raise: a snapshot, the PostgreSQL commands, a restore's result, and the errors; the file names and magic they rely on."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from models.errors import DomainError

SQLITE_MAGIC = b"SQLite format 3\x00"
MAIN_TABLES = ("payment", "dossier", "audit_event")  # the figures a backup's summary shows
BOOKKEEPING = ("desk_release",)  # which desk version migrated it: not data (like alembic_version)
AUTO_PREFIX = "desk-"
AUTO_SUFFIX = ".sqlite3"
_AUTO_NAME = re.compile(r"^desk-(\d{8}-\d{6})-.*\.sqlite3$")
_UNSAFE = re.compile(r"[^\w.-]+")  # \w keeps Chinese; path separators and spaces go
_SIDE_FILES = ("", "-journal", "-wal", "-shm")


class BackupFailed(DomainError):
    code = "backup.failed"


class BadBackup(DomainError):
    code = "backup.invalid"


class RestoreRefused(DomainError):
    code = "backup.restore_refused"


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A database file as written or restored: its size, digest, schema version and rows."""

    path: Path
    bytes: int
    sha256: str
    revision: str | None
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(n for t, n in self.counts.items() if t not in BOOKKEEPING)

    def count(self, table: str) -> int:
        return self.counts.get(table, 0)


@dataclass(frozen=True, slots=True)
class PgCommands:
    """The server's tools for a PostgreSQL database (no password: PGPASSWORD or ~/.pgpass)."""

    database: str
    dump: str  # pg_dump -Fc …
    create: str  # createdb … (a fresh database to restore into)
    restore: str  # pg_restore …


@dataclass(frozen=True, slots=True)
class Restored:
    source: Snapshot  # the backup as checked
    target: Snapshot  # the database now (with the restore's own audit row when audited)
    audited: bool  # False when the backup's schema is older: upgrade it before use
    seconds: float
