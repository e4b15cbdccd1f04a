"""A campaign's parts in the order people read them: its paper windows by start, its
checklist items by position (``desk campaign show`` and the home screen's campaign sheet)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from models.campaign import ChecklistItem, PaperWindow


def windows_in_order(session: Session, campaign_id: int) -> list[PaperWindow]:
    return list(
        session.exec(
            select(PaperWindow)
            .where(PaperWindow.campaign_id == campaign_id)
            .order_by(col(PaperWindow.starts_at))
        )
    )


def checklist_in_order(session: Session, campaign_id: int) -> list[ChecklistItem]:
    return list(
        session.exec(
            select(ChecklistItem)
            .where(ChecklistItem.campaign_id == campaign_id)
            .order_by(col(ChecklistItem.position))
        )
    )
