"""Gapless numbers per campaign (dossier, receipt, notice), allocated inside the caller's
transaction.

The counter row is incremented with ``UPDATE … RETURNING``: on PostgreSQL the row lock makes a
second desk wait until the first commits or rolls back (a rollback gives the number back, so
there is no gap); on SQLite every writing transaction starts with ``BEGIN IMMEDIATE``.
"""

from __future__ import annotations

from sqlalchemy import bindparam, update
from sqlmodel import Session

from models.campaign import Campaign, NumberSequence
from models.errors import NotFound
from models.i18n import _
from models.vocab import NumberKind


def allocate(session: Session, campaign_id: int, kind: NumberKind) -> int:
    new_next = (
        session.connection()
        .execute(_ALLOCATE, {"p_campaign": campaign_id, "p_kind": kind.value})
        .scalar_one_or_none()
    )
    if new_next is None:
        raise NotFound(
            _("评审批次没有 {kind} 编号序列").format(kind=kind.value), code="number.no_sequence"
        )
    return int(new_next) - 1


_SEQ = NumberSequence.__table__  # type: ignore[attr-defined]
# built once: it runs for every receipt, dossier and notice number
_ALLOCATE = (
    update(_SEQ)
    .where(_SEQ.c.campaign_id == bindparam("p_campaign"), _SEQ.c.kind == bindparam("p_kind"))
    .values(next_value=_SEQ.c.next_value + 1)
    .returning(_SEQ.c.next_value)
)


def format_number(prefix: str, n: int) -> str:
    """``BZZJ21`` + 42 → ``BZZJ2100042``: short enough for Code128 on 58 mm paper."""
    return f"{prefix}{n:05d}"


def prefix_for(campaign: Campaign, kind: NumberKind) -> str:
    return {
        NumberKind.dossier: campaign.dossier_prefix,
        NumberKind.receipt: campaign.receipt_prefix,
        NumberKind.notice: campaign.notice_prefix,
    }[kind]


def create_sequences(session: Session, campaign_id: int) -> None:
    for kind in NumberKind:
        session.add(NumberSequence(campaign_id=campaign_id, kind=kind.value, next_value=1))
