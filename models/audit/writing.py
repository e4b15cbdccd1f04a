"""Recording an audit event in the caller's transaction, chained to its lane's last hash."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlmodel import Session

from models.audit.events import _INSERT, GENESIS
from models.audit.hashing import canonical, event_hash
from models.audit.lanes import _END, _PG_INSERT, _sqlite_end, connection_lane
from models.types import utcnow


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
