"""Row seals: a sealed row's digest over its columns, by seal version."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from models.audit.hashing import canonical

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
