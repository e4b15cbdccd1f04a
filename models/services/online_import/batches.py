"""What was imported: the last batches and the records changed since a moment."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from models.imports import ImportBatch, OnlineChange


def last_batches(session: Session, campaign_id: int, limit: int = 10) -> list[ImportBatch]:
    return list(
        session.exec(
            select(ImportBatch)
            .where(ImportBatch.campaign_id == campaign_id)
            .order_by(col(ImportBatch.id).desc())
            .limit(limit)
        )
    )


def changed_since(session: Session, record_id: int, since: dt.datetime) -> list[OnlineChange]:
    return list(
        session.exec(
            select(OnlineChange).where(
                OnlineChange.record_id == record_id, col(OnlineChange.at) > since
            )
        )
    )
