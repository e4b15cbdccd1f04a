"""The chain's lanes: which lane a connection writes to, and how a lane's last hash is kept in order on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Integer,
    bindparam,
    column,
    event,
    select,
    table,
    text,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session

from models.audit.events import _TABLE, CONTENT_COLUMNS, GENESIS
from models.audit.hashing import event_hash
from models.types import UTCDateTime

# PostgreSQL: the event chained on the server after its lane's last one (the lane is this
# connection's alone, so no other transaction appends to it meanwhile); the hash as event_hash
# computes it, of the canonical content the client sends.
_PG_INSERT = text("""
WITH last AS (
  SELECT chain_seq, hash FROM audit_event
  WHERE chain_lane = CAST(:lane AS smallint) AND chain_seq IS NOT NULL
  ORDER BY chain_seq DESC LIMIT 1),
end_ AS (
  SELECT COALESCE((SELECT chain_seq FROM last), 0) + 1 AS seq,
         COALESCE((SELECT hash FROM last), CAST(:genesis AS varchar)) AS prev)
INSERT INTO audit_event (at, actor_id, actor_name, action, entity, entity_id, campaign_id, desk,
                         detail, chain_lane, chain_seq, prev_hash, hash)
SELECT :at, CAST(:actor_id AS integer), CAST(:actor_name AS varchar), CAST(:action AS varchar),
       CAST(:entity AS varchar), CAST(:entity_id AS varchar), CAST(:campaign_id AS integer),
       CAST(:desk AS varchar), :detail, CAST(:lane AS smallint), end_.seq, end_.prev,
       encode(sha256(convert_to(end_.prev || E'\\n' || end_.seq || E'\\n', 'UTF8')
                     || CAST(:canon AS bytea)), 'hex')
FROM end_
""").bindparams(bindparam("at", type_=UTCDateTime()), bindparam("detail", type_=JSON()))

_LANE = "audit_lane"  # Connection.info key (lives as long as the database connection)
LANE_LOCK = 0x6465736B  # the lanes' advisory locks on PostgreSQL: (LANE_LOCK, lane); "desk"
LANES = 32767  # smallint
# The first free lane, taken without waiting: the filter runs row by row under the LIMIT, so the
# scan stops at the first lock it gets.
_TAKE_LANE = text(
    "SELECT g FROM generate_series(0, :n - 1) AS g WHERE pg_try_advisory_lock(:key, g) LIMIT 1"
)


def connection_lane(conn: Connection) -> int:
    """PostgreSQL: the lane this database connection writes its events to, taken the first
    time it is needed and held until the connection closes (the server releases a session's
    advisory locks when it ends, a killed desk's too)."""
    lane: int | None = conn.info.get(_LANE)
    if lane is None:
        got = conn.execute(_TAKE_LANE, {"n": LANES, "key": LANE_LOCK}).scalar()
        if got is None:
            raise RuntimeError(f"all {LANES} audit lanes are held by open connections")
        lane = conn.info[_LANE] = int(got)
    return lane


_LAST = (
    select(_TABLE.c.chain_seq, _TABLE.c.hash)
    .where(_TABLE.c.chain_lane == bindparam("lane"), _TABLE.c.chain_seq.is_not(None))
    .order_by(_TABLE.c.chain_seq.desc())
    .limit(1)
)
_END = "audit_chain_end"  # session.info key (SQLite): (lane, seq, hash) of this transaction's end


def _sqlite_end(session: Session, conn: Connection) -> tuple[int, int, str]:
    """SQLite: the chain's end, read at the transaction's first event (the writers' lock, held
    since BEGIN IMMEDIATE, keeps it) and followed on for its later ones."""
    end: tuple[int, int, str] | None = session.info.get(_END)
    if end is None:
        last = conn.execute(_LAST, {"lane": 0}).first()
        end = (0, int(last.chain_seq), str(last.hash)) if last is not None else (0, 0, GENESIS)
    return end


@event.listens_for(OrmSession, "after_commit")
def _forget_after_commit(session: OrmSession) -> None:
    session.info.pop(_END, None)


@event.listens_for(OrmSession, "after_soft_rollback")
def _forget_after_rollback(session: OrmSession, _previous: Any) -> None:
    # a transaction or a savepoint rolled back: the events written since are gone; the next
    # event reads the chain's end again
    session.info.pop(_END, None)


# --- migrations: one chain in id order ---------------------------------------------------------


def single_chain_table() -> Any:
    """audit_event as migrations 0007 and 0008 (downgrade) see it: one chain, no lanes."""
    return table(
        "audit_event",
        column("id", Integer),
        column("at", UTCDateTime()),
        *(
            column(n)
            for n in (
                "actor_id",
                "actor_name",
                "action",
                "entity",
                "entity_id",
                "campaign_id",
                "desk",
            )
        ),
        column("detail", JSON),
        column("chain_seq", BigInteger),
        column("prev_hash"),
        column("hash"),
    )


def chain_in_id_order(conn: Connection, batch: int = 5000) -> None:
    """Chain every unsealed event after the last sealed one, in id order (a migration's work:
    the events written before there was a chain, or the lanes made one chain again)."""
    event = single_chain_table()
    c = event.c
    last_row = conn.execute(
        select(c.chain_seq, c.hash)
        .where(c.chain_seq.is_not(None))
        .order_by(c.chain_seq.desc())
        .limit(1)
    ).first()
    seq, prev = (
        (int(last_row.chain_seq), str(last_row.hash)) if last_row is not None else (0, GENESIS)
    )
    after = 0
    while True:
        rows = conn.execute(
            select(c.id, *(c[n] for n in CONTENT_COLUMNS))
            .where(c.id > after, c.chain_seq.is_(None))
            .order_by(c.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        params = []
        for row in rows:
            seq += 1
            digest = event_hash(prev, seq, {n: getattr(row, n) for n in CONTENT_COLUMNS})
            params.append({"_id": row.id, "_seq": seq, "_prev": prev, "_hash": digest})
            prev = digest
        conn.execute(
            update(event)
            .where(c.id == bindparam("_id"))
            .values(
                chain_seq=bindparam("_seq"), prev_hash=bindparam("_prev"), hash=bindparam("_hash")
            ),
            params,
        )
        after = int(rows[-1].id)
