"""An audit event's canonical content and its hash in the chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from typing import Any

from models.audit.events import CONTENT_COLUMNS

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
