"""A campaign's fees: the rule for a track and level, and setting one."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from models import audit
from models.campaign import FeeRule
from models.errors import (
    FeeNotApplicable,
    FeeUnknown,
    InvalidInput,
)
from models.i18n import _
from models.money import Money
from models.permissions import Action, Actor, require
from models.types import utcnow
from models.vocab import Level, Track, parse_level, parse_track


@dataclass(frozen=True, slots=True)
class Fee:
    track: Track
    level: Level
    amount: Money
    clause: str


def fee_rules(session: Session, campaign_id: int) -> list[FeeRule]:
    return list(
        session.exec(
            select(FeeRule).where(FeeRule.campaign_id == campaign_id).order_by(col(FeeRule.id))
        )
    )


def fee_for(session: Session, campaign_id: int, track: Track | str, level: Level | str) -> Fee:
    """The review fee, or an error: not applicable to this campaign, or not stated (unknown)."""
    track, level = parse_track(str(track)), parse_level(str(level))
    rule = session.exec(
        select(FeeRule).where(
            FeeRule.campaign_id == campaign_id,
            FeeRule.track == track.value,
            FeeRule.level == level.value,
        )
    ).first()
    if rule is None:
        raise FeeNotApplicable(
            _("本批次不受理“{track}{level}”，没有对应的评审费").format(
                track=_(track), level=_(level)
            )
        )
    if rule.amount_fen is None:
        raise FeeUnknown(
            _("通知未载明“{track}{level}”的评审费，暂不能收费：请负责人先设定收费标准").format(
                track=_(track), level=_(level)
            ),
            track=track.value,
            level=level.value,
        )
    return Fee(track=track, level=level, amount=Money(rule.amount_fen), clause=rule.clause)


def set_fee(
    session: Session,
    actor: Actor,
    campaign_id: int,
    track: Track | str,
    level: Level | str,
    amount: Money,
    *,
    reason: str,
) -> FeeRule:
    """A lead sets (or corrects) a fee, with the reason (e.g. the document that states it)."""
    require(actor, Action.fee_set)
    track, level = parse_track(str(track)), parse_level(str(level))
    if amount.fen <= 0:
        raise InvalidInput(_("收费金额应大于零"), code="fee.not_positive")
    if not reason.strip():
        raise InvalidInput(_("请填写设定依据（如文件名称和文号）"), code="fee.no_reason")
    rule = session.exec(
        select(FeeRule)
        .where(
            FeeRule.campaign_id == campaign_id,
            FeeRule.track == track.value,
            FeeRule.level == level.value,
        )
        .with_for_update()
    ).first()
    if rule is None:
        raise FeeNotApplicable(
            _("本批次不受理“{track}{level}”，不能设定收费标准").format(
                track=_(track), level=_(level)
            )
        )
    old = rule.amount_fen
    rule.amount_fen = amount.fen
    rule.set_by_id = actor.user_id
    rule.set_at = utcnow()
    rule.clause = f"{rule.clause}；负责人设定：{reason.strip()}".lstrip("；")
    session.add(rule)
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=str(Action.fee_set),
        entity="fee_rule",
        entity_id=rule.id,
        campaign_id=campaign_id,
        desk=actor.desk,
        detail={
            "track": track.value,
            "level": level.value,
            "old_fen": old,
            "new_fen": amount.fen,
            "reason": reason.strip(),
        },
    )
    return rule
