"""Backups of the embedded SQLite database, restores into a fresh one, and the automatic backup
at each day close. PostgreSQL is backed up with the server's tools, run by the desk (``pg``).

How a backup is written (``backup_sqlite``)
    SQLite's online backup API (``sqlite3.Connection.backup``) copies the database in one step
    from a read snapshot: in WAL mode other desks keep writing meanwhile and the copy holds the
    database as it was when the step began, never half of a transaction. The copy goes to a
    temporary file beside the target, is switched to a plain (rollback-journal) file so that it
    is one self-contained file, checked by reopening it and running ``PRAGMA integrity_check``,
    synced, and only then renamed to the target: a failed backup leaves no half file. The file
    is readable by its owner only (it holds every applicant's personal data).

How a backup is restored (``restore_sqlite``)
    Only into a fresh database: the target must not exist or must hold no rows (a new file, or
    a migrated schema nobody has used). The backup is checked first (a SQLite file, integrity
    ok, a schema version this program knows), then copied with the same backup API.

The automatic backup (``auto_backup``) runs after the lead's confirmation of a day close has
committed, in its own steps: a failure there never undoes the close. The audit row of a backup
is written after the file, in its own small transaction, so the backup does not hold it.
"""

from __future__ import annotations

from models.backup.auto import (
    auto_backup,
    auto_name,
    automatic_backups,
    backup_directory,
    day_close_backup,
    prune,
)
from models.backup.make import backup, backup_sqlite, record_backup
from models.backup.pg import listed_tables, pg_dump_backup, pg_restore_into, pg_tool
from models.backup.records import (
    AUTO_PREFIX,
    AUTO_SUFFIX,
    MAIN_TABLES,
    SQLITE_MAGIC,
    BackupFailed,
    BadBackup,
    PgCommands,
    Restored,
    RestoreRefused,
    Snapshot,
)
from models.backup.restore import (
    check_backup,
    known_revisions,
    occupied,
    record_restore,
    restore_sqlite,
)
from models.backup.sqlite import describe, is_sqlite_url, pg_commands, sqlite_file

__all__ = [
    "AUTO_PREFIX",
    "AUTO_SUFFIX",
    "MAIN_TABLES",
    "SQLITE_MAGIC",
    "BackupFailed",
    "BadBackup",
    "PgCommands",
    "RestoreRefused",
    "Restored",
    "Snapshot",
    "auto_backup",
    "auto_name",
    "automatic_backups",
    "backup",
    "backup_directory",
    "backup_sqlite",
    "check_backup",
    "day_close_backup",
    "describe",
    "is_sqlite_url",
    "known_revisions",
    "listed_tables",
    "occupied",
    "pg_commands",
    "pg_dump_backup",
    "pg_restore_into",
    "pg_tool",
    "prune",
    "record_backup",
    "record_restore",
    "restore_sqlite",
    "sqlite_file",
]
