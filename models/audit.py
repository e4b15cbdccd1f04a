"""AuditEvent: one row per state change, written in the same transaction as the change, and
chained: each sealed event carries the hash of the one before it.

How the chain is kept
    ``record`` inserts the event at once (unsealed: no ``chain_seq`` yet) and notes its id on the
    session. When that session commits, ``_seal`` numbers the transaction's events after the
    last sealed one and stores ``prev_hash`` and ``hash`` = SHA-256 of the previous hash and the
    event's canonical JSON, as read back from the database. Sealing is the last thing before
    COMMIT and waits on nothing once it holds the chain: on PostgreSQL a transaction-scoped
    advisory lock (released by the commit), on SQLite the writer's lock every write transaction
    already holds (BEGIN IMMEDIATE). Events of a transaction that rolls back are never sealed.

What the chain proves (``verify_chain``)
    An event edited after it was sealed no longer matches its hash; an event deleted leaves a
    gap in ``chain_seq`` or a ``prev_hash`` that no longer matches; an event inserted by hand is
    not sealed. A row of a table whose rows are never changed (payments) is *sealed* by the
    event that made it: the event's ``detail["row"]`` holds the digest of the row's columns
    (``row_seal``), so a payment edited in the database no longer matches its event
    (``verify_rows``). The database also refuses UPDATE of a sealed event and any DELETE
    (triggers, migration 0007); the chain catches what is done after dropping them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    String,
    bindparam,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Field, Session, SQLModel

from models.types import UTCDateTime, utcnow

GENESIS = "0" * 64
CHAIN_LOCK = 0x6465736B  # the advisory lock's key on PostgreSQL ("desk")
_PENDING = "audit_unsealed"  # session.info key: ids of this transaction's events


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

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
    # the chain: given when the event's transaction commits
    chain_seq: int | None = Field(default=None, sa_type=BigInteger, unique=True)
    prev_hash: str | None = Field(default=None, sa_type=String(64))
    hash: str | None = Field(default=None, sa_type=String(64))


_TABLE = AuditEvent.__table__  # type: ignore[attr-defined]
_INSERT = insert(_TABLE).returning(_TABLE.c.id)
_CONTENT = [c for c in _TABLE.c if c.name not in ("id", "chain_seq", "prev_hash", "hash")]


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
    """Add an audit row to the caller's transaction (written at once, sealed into the chain when
    the transaction commits). A plain INSERT, not an ORM object: it is on every state change's
    path, the payments' too."""
    session.flush()  # the change first (and its ids given), then its audit row
    new_id = session.connection().execute(_INSERT, {
        "at": at or utcnow(), "actor_id": actor_id, "actor_name": actor_name, "action": action,
        "entity": entity, "entity_id": str(entity_id), "campaign_id": campaign_id, "desk": desk,
        "detail": detail or {}}).scalar_one()
    session.info.setdefault(_PENDING, []).append(int(new_id))


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
    return json.dumps({k: _plain(v) for k, v in values.items()}, sort_keys=True,
                      ensure_ascii=False, separators=(",", ":"), default=str).encode()


def event_hash(prev_hash: str, seq: int, content: Mapping[str, Any]) -> str:
    h = hashlib.sha256(prev_hash.encode())
    h.update(f"\n{seq}\n".encode())
    h.update(canonical(content))
    return h.hexdigest()


def _content(row: Any) -> dict[str, Any]:
    return {c.name: getattr(row, c.name) for c in _CONTENT}


_LAST = (select(_TABLE.c.chain_seq, _TABLE.c.hash).where(_TABLE.c.chain_seq.is_not(None))
         .order_by(_TABLE.c.chain_seq.desc()).limit(1))
_SEAL = (update(_TABLE).where(_TABLE.c.id == bindparam("_id"))
         .values(chain_seq=bindparam("_seq"), prev_hash=bindparam("_prev"), hash=bindparam("_hash")))


def seal(conn: Connection, ids: list[int]) -> int:
    """Chain the events ``ids`` (this transaction's) after the last sealed one. The caller holds
    the chain (``lock_chain``) until it commits. Returns how many were sealed."""
    if not ids:
        return 0
    last = conn.execute(_LAST).first()
    seq, prev = (int(last.chain_seq), str(last.hash)) if last is not None else (0, GENESIS)
    rows = conn.execute(select(_TABLE).where(_TABLE.c.id.in_(ids), _TABLE.c.chain_seq.is_(None))
                        .order_by(_TABLE.c.id)).all()
    params = []
    for row in rows:
        seq += 1
        digest = event_hash(prev, seq, _content(row))
        params.append({"_id": row.id, "_seq": seq, "_prev": prev, "_hash": digest})
        prev = digest
    if params:
        conn.execute(_SEAL, params)
    return len(params)


def lock_chain(conn: Connection) -> None:
    """Hold the chain's end until this transaction ends (PostgreSQL; SQLite's writer lock
    already serialises every write transaction)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK})


@event.listens_for(OrmSession, "before_commit")
def _seal_on_commit(session: OrmSession) -> None:
    if not session.info.get(_PENDING):
        return
    session.flush()  # every change first: sealing must be the last lock the transaction takes
    ids = session.info.pop(_PENDING)
    conn = session.connection()
    lock_chain(conn)
    seal(conn, ids)


@event.listens_for(OrmSession, "after_rollback")
def _forget_on_rollback(session: OrmSession) -> None:
    session.info.pop(_PENDING, None)


# --- sealed rows -------------------------------------------------------------------------------

# The columns a seal covers, fixed: a column added to the table later does not change the
# digest of the rows sealed before it (a new version of this list would be "v": 2).
SEALED_COLUMNS: dict[str, tuple[str, ...]] = {
    "payment": ("id", "campaign_id", "receipt_no", "receipt_code", "kind", "dossier_id",
                "original_id", "amount_fen", "track", "level", "method", "reference",
                "fiscal_receipt_no", "tendered_fen", "reason", "note", "cashier_id", "desk",
                "business_date", "attempt", "idempotency_key", "created_at"),
}


def row_digest(table: str, values: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical({k: values[k] for k in SEALED_COLUMNS[table]})).hexdigest()


def row_seal(table: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """What an event's ``detail["row"]`` holds for the row it made: its table, id and digest."""
    return {"table": table, "id": values["id"], "v": 1, "sha256": row_digest(table, values)}


# --- verification ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Break:
    """The first place the chain does not hold."""

    seq: int | None
    event_id: int
    at: dt.datetime | None
    action: str
    problem: str

    def describe(self) -> str:
        where = f"第 {self.seq} 条" if self.seq is not None else "未入链的一条"
        when = f"{self.at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC，" if self.at else ""
        return f"{where}（记录号 {self.event_id}，{when}{self.action}）：{self.problem}"


@dataclass(frozen=True, slots=True)
class ChainReport:
    events: int  # events checked in the chain
    first_break: Break | None
    unsealed: int  # events committed without a place in the chain

    @property
    def ok(self) -> bool:
        return self.first_break is None and self.unsealed == 0


def _walk(conn: Connection, batch: int = 5000) -> Iterator[Any]:
    after = 0
    while True:
        rows = conn.execute(select(_TABLE).where(_TABLE.c.chain_seq > after)
                            .order_by(_TABLE.c.chain_seq).limit(batch)).all()
        if not rows:
            return
        yield from rows
        after = int(rows[-1].chain_seq)


def pending(session: OrmSession) -> list[int]:
    """The events this session wrote that its commit will seal."""
    return list(session.info.get(_PENDING, []))


def verify_chain(conn: Connection, pending: Collection[int] = ()) -> ChainReport:
    """Walk the chain from the start; the first event whose links do not hold is reported.
    ``pending``: events of the caller's own open transaction (sealed when it commits)."""
    prev, expected, count = GENESIS, 1, 0
    first: Break | None = None
    for row in _walk(conn):
        count += 1
        seq = int(row.chain_seq)
        problem = ""
        if seq != expected:
            problem = (f"前面缺少第 {expected}–{seq - 1} 条：审计记录被删除"
                       if seq > expected else "序号重复")
        elif row.prev_hash != prev:
            problem = "与前一条的链接不符：前一条被改动、删除或替换"
        elif row.hash != event_hash(prev, seq, _content(row)):
            problem = "内容与其哈希不符：该条审计记录写入后被改动"
        if problem:
            first = Break(seq, int(row.id), row.at, row.action, problem)
            break
        prev, expected = str(row.hash), seq + 1
    unsealed = [u for u in conn.execute(select(_TABLE.c.id, _TABLE.c.at, _TABLE.c.action)
                                        .where(_TABLE.c.chain_seq.is_(None))
                                        .order_by(_TABLE.c.id)) if u.id not in set(pending)]
    if first is None and unsealed:
        u = unsealed[0]
        first = Break(None, int(u.id), u.at, u.action,
                      "不在审计链中：该条记录不是由本程序在提交时写入的（手工插入？）")
    return ChainReport(events=count, first_break=first, unsealed=len(unsealed))
