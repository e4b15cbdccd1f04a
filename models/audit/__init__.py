"""AuditEvent: one row per state change, written in the same transaction as the change, and
chained: each event carries the hash of the one before it in its lane.

How the chain is kept
    ``record`` inserts the event already sealed: its place (``chain_lane``, ``chain_seq``), the
    hash of the event before it in the lane (``prev_hash``) and its own ``hash`` = SHA-256 of the
    previous hash, its place and its canonical JSON (the values as the database gives them
    back). An event is never written unsealed and never updated; a transaction that rolls back
    takes its events with it, and its lane's end is where it was.

    Lanes let desks write at once without waiting on one another. On PostgreSQL each database
    connection takes a lane of its own the first time it writes an event (a session-level
    advisory lock, taken without waiting and held while the connection lives), and the INSERT
    reads the lane's last event and computes the new hash on the server: no statement more per
    transaction, no lock to wait for, no deadlock with the receipt counter's row lock. On SQLite
    the writers' lock that every write transaction holds (BEGIN IMMEDIATE) already makes writers
    one at a time: one lane, its end read once per transaction.

What the chain proves (``verify_chain``)
    An event edited after it was written no longer matches its hash; an event deleted leaves a
    gap in its lane's ``chain_seq`` or a ``prev_hash`` that no longer matches; an event inserted
    by hand is not sealed. A row of a table whose rows are never changed (payments) is *sealed*
    by the event that made it: the event's ``detail["row"]`` holds the digest of the row's
    columns (``row_seal``), so a payment edited in the database no longer matches its event
    (``verify_rows``). The database also refuses UPDATE of a sealed event and any DELETE
    (triggers, migration 0007); the chain catches what is done after dropping them.
"""

from __future__ import annotations

from models.audit.events import CONTENT_COLUMNS, GENESIS, AuditEvent
from models.audit.hashing import canonical, content_of, event_hash
from models.audit.lanes import (
    LANE_LOCK,
    LANES,
    chain_in_id_order,
    connection_lane,
    single_chain_table,
)
from models.audit.seal import SEAL_VERSION, SEAL_VERSIONS, SEALED_COLUMNS, row_digest, row_seal
from models.audit.verify import Break, ChainReport, verify_chain
from models.audit.writing import record

__all__ = [
    "CONTENT_COLUMNS",
    "GENESIS",
    "LANES",
    "LANE_LOCK",
    "SEALED_COLUMNS",
    "SEAL_VERSION",
    "SEAL_VERSIONS",
    "AuditEvent",
    "Break",
    "ChainReport",
    "canonical",
    "chain_in_id_order",
    "connection_lane",
    "content_of",
    "event_hash",
    "record",
    "row_digest",
    "row_seal",
    "single_chain_table",
    "verify_chain",
]
