"""The unit's items (checked once per unit, not per person): their status and their check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session, col, select

from models import audit
from models.campaign import Campaign, ChecklistItem
from models.dossier import UnitItemCheck
from models.errors import InvalidInput, NotFound
from models.i18n import _
from models.online import OnlineRecord
from models.permissions import Action, Actor, require
from models.rules import (
    item_rules,
)
from models.services.intake.items import ItemCheck, per_unit, problems
from models.services.intake.records import UnitItemStatus
from models.services.users import shown_name
from models.text import shorten
from models.types import utcnow


def unit_item_status(
    session: Session, actor: Actor, campaign: Campaign, unit: str, items: Sequence[ChecklistItem]
) -> list[UnitItemStatus]:
    """The latest check of each of the unit's own items. Needs ``intake.accept``."""
    require(actor, Action.intake_accept)
    out = []
    for item in items:
        row = session.exec(
            select(UnitItemCheck)
            .where(
                UnitItemCheck.campaign_id == campaign.id,
                UnitItemCheck.unit == unit,
                UnitItemCheck.item_key == item.key,
            )
            .order_by(col(UnitItemCheck.at).desc(), col(UnitItemCheck.id).desc())
        ).first()
        if row is None:
            out.append(UnitItemStatus(item.key, item.name, False, False, (), None, ""))
        else:
            out.append(
                UnitItemStatus(
                    item.key,
                    item.name,
                    True,
                    not row.problems,
                    tuple(row.problems),
                    row.at,
                    shown_name(session, row.clerk_id),
                )
            )
    return out


def campaign_unit_items(session: Session, actor: Actor, campaign: Campaign) -> list[ChecklistItem]:
    """The campaign's items a unit hands in once for all its people (001 花名册, 003 公示情况报告).
    Needs ``intake.accept``."""
    require(actor, Action.intake_accept)
    items = session.exec(
        select(ChecklistItem)
        .where(ChecklistItem.campaign_id == campaign.id)
        .order_by(col(ChecklistItem.position))
    ).all()
    return [i for i in items if per_unit(i)]


def check_unit_item(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    *,
    unit: str,
    item_key: str,
    check: ItemCheck,
    now: dt.datetime | None = None,
) -> UnitItemCheck:
    """Record the check of a unit's own item (001 花名册 with its electronic copy, 003 公示情况
    报告), once for the unit's batch; each member's card shows it. A later check replaces the
    earlier one on the cards (both stay in the table and the audit log)."""
    require(actor, Action.intake_accept)
    assert actor.user_id is not None, "the counter needs a logged-in user"
    now = now or utcnow()
    unit = " ".join(unit.split())
    if not unit:
        raise InvalidInput(_("请先选择单位"), code="intake.no_unit")
    item = session.exec(
        select(ChecklistItem).where(
            ChecklistItem.campaign_id == campaign.id, ChecklistItem.key == item_key
        )
    ).first()
    if item is None or not per_unit(item):
        raise InvalidInput(
            _("“{key}”不是按单位报送的材料").format(key=item_key[:60]), code="intake.not_unit_item"
        )
    if not session.exec(
        select(OnlineRecord.id).where(
            OnlineRecord.campaign_id == campaign.id, OnlineRecord.unit == unit
        )
    ).first():
        raise NotFound(
            _("网上名单中没有单位“{unit}”").format(unit=shorten(unit, 40)),
            code="intake.unit_not_found",
        )
    known = set(item_rules(item.details).parts)
    if any(p not in known for p in check.missing_parts):
        raise InvalidInput(_("“{key}”没有这一部分").format(key=item_key), code="intake.bad_part")
    found = problems(item, check)
    row = UnitItemCheck(
        campaign_id=campaign.id or 0,
        unit=unit[:200],
        item_key=item.key,
        present=check.present,
        copies=check.copies,
        problems=found,
        clerk_id=actor.user_id,
        desk=actor.desk,
        at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action="intake.unit_item",
        entity="unit_item_check",
        entity_id=row.id,
        campaign_id=campaign.id,
        desk=actor.desk,
        detail={"unit": unit, "item": item.key, "problems": found},
    )
    return row
