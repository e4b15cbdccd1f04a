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

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
    bindparam,
    column,
    event,
    insert,
    select,
    table,
    text,
    tuple_,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Field, Session, SQLModel

from models.i18n import _
from models.types import UTCDateTime, utcnow

GENESIS = "0" * 64


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"
    __table_args__ = (
        UniqueConstraint("chain_lane", "chain_seq", name="uq_audit_event_chain_lane_seq"),
    )

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
    # the chain: given when the event is written
    chain_lane: int = Field(
        default=0, sa_column=Column(SmallInteger, nullable=False, server_default="0")
    )
    chain_seq: int | None = Field(default=None, sa_type=BigInteger)
    prev_hash: str | None = Field(default=None, sa_type=String(64))
    hash: str | None = Field(default=None, sa_type=String(64))


_TABLE = AuditEvent.__table__  # type: ignore[attr-defined]
_INSERT = insert(_TABLE)
CONTENT_COLUMNS = (
    "at",
    "actor_id",
    "actor_name",
    "action",
    "entity",
    "entity_id",
    "campaign_id",
    "desk",
    "detail",
)  # what an event's hash covers


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
    """Add an audit row to the caller's transaction, sealed into the chain as it is written. A
    plain INSERT, not an ORM object: it is on every state change's path, the payments' too."""
    session.flush()  # the change first (and its ids given), then its audit row
    conn = session.connection()
    content = {
        "at": at or utcnow(),
        "actor_id": actor_id,
        "actor_name": actor_name,
        "action": action,
        "entity": entity,
        "entity_id": str(entity_id),
        "campaign_id": campaign_id,
        "desk": desk,
        "detail": detail or {},
    }
    # hashed as the database will give it back: the detail as JSON does
    hashed = {**content, "detail": json.loads(json.dumps(content["detail"]))}
    if conn.dialect.name == "postgresql":
        conn.execute(
            _PG_INSERT,
            {
                **content,
                "lane": connection_lane(conn),
                "genesis": GENESIS,
                "canon": canonical(hashed),
            },
        )
        return
    lane, seq, prev = _sqlite_end(session, conn)
    seq += 1
    digest = event_hash(prev, seq, hashed)
    conn.execute(
        _INSERT,
        {**content, "chain_lane": lane, "chain_seq": seq, "prev_hash": prev, "hash": digest},
    )
    session.info[_END] = (lane, seq, digest)


# --- the chain ---------------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    return value


def canonical(values: Mapping[str, Any]) -> bytes:
    """The bytes a hash is taken of: sorted keys, no spaces, UTF-8, datetimes in UTC."""
    return json.dumps(
        {k: _plain(v) for k, v in values.items()},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    ).encode()


def event_hash(prev_hash: str, seq: int, content: Mapping[str, Any]) -> str:
    """SHA-256 of the previous hash, ``\\n``, the place, ``\\n`` and the canonical content
    (PostgreSQL computes the same in ``_PG_INSERT``)."""
    h = hashlib.sha256(prev_hash.encode())
    h.update(f"\n{seq}\n".encode())
    h.update(canonical(content))
    return h.hexdigest()


def content_of(row: Any) -> dict[str, Any]:
    """An event row's hashed values."""
    return {name: getattr(row, name) for name in CONTENT_COLUMNS}


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


# --- sealed rows -------------------------------------------------------------------------------

# The columns a seal covers, fixed: a column added to the table later does not change the
# digest of the rows sealed before it; a seal says which version of the list it used ("v").
SEALED_COLUMNS: dict[str, tuple[str, ...]] = {  # version 1 (migration 0007 seals with it)
    "payment": (
        "id",
        "campaign_id",
        "receipt_no",
        "receipt_code",
        "kind",
        "dossier_id",
        "original_id",
        "amount_fen",
        "track",
        "level",
        "method",
        "reference",
        "fiscal_receipt_no",
        "tendered_fen",
        "reason",
        "note",
        "cashier_id",
        "desk",
        "business_date",
        "attempt",
        "idempotency_key",
        "created_at",
    ),
}
SEAL_VERSIONS: dict[tuple[str, int], tuple[str, ...]] = {
    ("payment", 1): SEALED_COLUMNS["payment"],
    ("payment", 2): (*SEALED_COLUMNS["payment"], "reference_seq"),  # migration 0009
}
SEAL_VERSION = {"payment": 2}  # what the desk seals new rows with


def row_digest(table: str, values: Mapping[str, Any], version: int = 1) -> str:
    columns = SEAL_VERSIONS[(table, version)]
    return hashlib.sha256(canonical({k: values[k] for k in columns})).hexdigest()


def row_seal(table: str, values: Mapping[str, Any], version: int = 1) -> dict[str, Any]:
    """What an event's ``detail["row"]`` holds for the row it made: its table, id, the version
    of the sealed columns and the digest."""
    return {
        "table": table,
        "id": values["id"],
        "v": version,
        "sha256": row_digest(table, values, version),
    }


# --- verification ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Break:
    """The first place the chain does not hold."""

    seq: int | None
    event_id: int
    at: dt.datetime | None
    action: str
    problem: str
    lane: int = 0

    def describe(self) -> str:
        if self.seq is None:
            where = _("未入链的一条")
        elif self.lane:
            where = _("第 {lane} 道第 {seq} 条").format(lane=self.lane, seq=self.seq)
        else:
            where = _("第 {seq} 条").format(seq=self.seq)
        when = f"{self.at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC，" if self.at else ""
        return _("{where}（记录号 {event_id}，{when}{action}）：{problem}").format(
            where=where, event_id=self.event_id, when=when, action=self.action, problem=self.problem
        )


@dataclass(frozen=True, slots=True)
class ChainReport:
    events: int  # events checked in the chain
    first_break: Break | None
    unsealed: int  # events without a place in the chain
    lanes: int = 1  # lanes the events are in

    @property
    def ok(self) -> bool:
        return self.first_break is None and self.unsealed == 0


def _walk(conn: Connection, batch: int = 5000) -> Iterator[Any]:
    """Every sealed event, lane by lane, each lane in order."""
    lane, after = -1, 0
    c = _TABLE.c
    while True:
        rows = conn.execute(
            select(_TABLE)
            .where(
                c.chain_seq.is_not(None), tuple_(c.chain_lane, c.chain_seq) > tuple_(lane, after)
            )
            .order_by(c.chain_lane, c.chain_seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        lane, after = int(rows[-1].chain_lane), int(rows[-1].chain_seq)


def verify_chain(conn: Connection) -> ChainReport:
    """Walk each lane from its start; the first event whose links do not hold is reported."""
    lane, prev, expected, count, lanes = -1, GENESIS, 1, 0, 0
    first: Break | None = None
    for row in _walk(conn):
        count += 1
        if row.chain_lane != lane:
            lane, prev, expected, lanes = int(row.chain_lane), GENESIS, 1, lanes + 1
        seq = int(row.chain_seq)
        problem = ""
        if seq != expected:
            problem = (
                _("前面缺少第 {first}–{last} 条：审计记录被删除").format(
                    first=expected, last=seq - 1
                )
                if seq > expected
                else _("序号重复")
            )
        elif row.prev_hash != prev:
            problem = _("与前一条的链接不符：前一条被改动、删除或替换")
        elif row.hash != event_hash(prev, seq, content_of(row)):
            problem = _("内容与其哈希不符：该条审计记录写入后被改动")
        if problem:
            first = Break(seq, int(row.id), row.at, row.action, problem, lane)
            break
        prev, expected = str(row.hash), seq + 1
    unsealed = conn.execute(
        select(_TABLE.c.id, _TABLE.c.at, _TABLE.c.action)
        .where(_TABLE.c.chain_seq.is_(None))
        .order_by(_TABLE.c.id)
    ).all()
    if first is None and unsealed:
        u = unsealed[0]
        first = Break(
            None,
            int(u.id),
            u.at,
            u.action,
            _("不在审计链中：该条记录不是由本程序写入的（手工插入？）"),
        )
    return ChainReport(events=count, first_break=first, unsealed=len(unsealed), lanes=max(lanes, 1))
