"""The roster of dossiers to hand over: who may read it, each dossier's defence and exemption, paid or not, grouped and sorted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import exists, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from models import audit
from models.campaign import Campaign
from models.dossier import Dossier
from models.errors import PermissionDenied
from models.i18n import _
from models.idcard import mask_id
from models.names import pinyin_of_text
from models.online import OnlineRecord
from models.payment import Payment
from models.permissions import POLICY, Action, Actor, require
from models.rules import defence_rules
from models.services.handover.records import (
    _LEVEL_ORDER,
    MUST,
    NOT_REQUIRED,
    REFUNDED,
    UNPAID,
    LeftOut,
    Roster,
    RosterGroup,
    RosterLine,
)
from models.tally import Handover
from models.types import utcnow
from models.vocab import CONDITION_LABELS, Condition, DossierStatus, PaymentKind


def exemption_label(text: str) -> str:
    """An exemption as the roster states it: a condition's label, free text as written. The
    roster's defence column is the committee's paperwork: in Chinese, whatever the screen speaks."""
    try:
        return CONDITION_LABELS[Condition(text)]
    except ValueError:
        return text


def defence_of(
    campaign: Campaign,
    level: str,
    conditions: Sequence[str],
    county: str = "",
    unit: str = "",
    specialty: str = "",
) -> tuple[str, bool, str]:
    """(defence, must defend, exemptions to verify) of one dossier, by the notice's rules
    (``models.rules.defence_rules``): a ``defend`` rule that matches (level, conditions,
    specialty: 001 三（二）3 定向评价 农艺/畜牧/兽医 正、副高) makes the dossier defend unless an
    ``exempt`` rule matches (000 五、1 访惠聚; 002 六 …); exemptions the data cannot decide are
    named for the lead to verify."""
    rules = defence_rules(campaign)
    defend = [
        r
        for r in rules
        if r.rule == "defend" and r.matches(level, conditions, specialty, county, unit)
    ]
    if not defend:
        return NOT_REQUIRED, False, ""
    for r in rules:
        if (
            r.rule == "exempt"
            and not r.verify
            and r.matches(level, conditions, specialty, county, unit)
        ):
            if r.counties:
                name = next(c for c in r.counties if c in county or c in unit)
                return f"免答辩（{name}工作）", False, ""
            return f"免答辩（{r.label}）", False, ""
    verify = "、".join(r.label for r in rules if r.rule == "exempt" and r.verify)
    mode = next((r.mode for r in defend if r.mode), "")
    return (f"{MUST}（{mode}）" if mode else MUST), True, verify


def _can_read(actor: Actor) -> None:
    if actor.can(Action.tally_view) or actor.can(Action.handover):
        return
    allowed = "、".join(
        r.label for r in sorted(POLICY[Action.tally_view] | POLICY[Action.handover])
    )
    raise PermissionDenied(
        _("{label}无权查看移交花名册（需要：{allowed}）").format(
            label=actor.role.label, allowed=allowed
        ),
        action=str(Action.tally_view),
        role=str(actor.role),
    )


def _sort_text(text: str) -> tuple[str, str]:
    return "".join(pinyin_of_text(text)).lower(), text


def roster(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    *,
    include_handed_over: bool = False,
    full_ids: bool = False,
    now: dt.datetime | None = None,
) -> Roster:
    """The handover roster: accepted, paid dossiers (and, with ``include_handed_over``, those
    already handed over) grouped by series → specialty → level; what is left out, and why.
    ``full_ids``: with full ID numbers, for the committee's copy (lead only; recorded in the
    audit log with how many numbers it holds)."""
    _can_read(actor)
    if full_ids:
        require(actor, Action.export_full_id)
    statuses = [DossierStatus.accepted.value]
    if include_handed_over:
        statuses.append(DossierStatus.handed_over.value)
    rows = session.exec(
        select(Dossier, OnlineRecord)
        .join(OnlineRecord, col(OnlineRecord.id) == Dossier.online_record_id)
        .where(Dossier.campaign_id == campaign.id, col(Dossier.status).in_(statuses))
        .order_by(col(Dossier.dossier_no))
        .execution_options(populate_existing=True)
    ).all()
    rules = defence_rules(campaign)
    paid = _paid(session, campaign)
    handover_nos = dict(
        session.exec(
            select(Handover.id, Handover.handover_no).where(Handover.campaign_id == campaign.id)
        ).all()
    )
    by_group: dict[tuple[str, str, str], list[RosterLine]] = {}
    left: list[LeftOut] = []
    for d, rec in rows:
        receipt, amount, refunded = paid.get(d.id or 0, ("", 0, 0))
        if d.status == DossierStatus.accepted.value and (not receipt or refunded >= amount):
            left.append(
                LeftOut(
                    d.dossier_code or "",
                    rec.name,
                    rec.unit,
                    d.track,
                    d.level,
                    UNPAID if not receipt else REFUNDED,
                )
            )
            continue
        defence, must, verify = defence_of(
            campaign, d.level, d.conditions, rec.county, rec.unit, rec.specialty
        )
        line = RosterLine(
            dossier_id=d.id or 0,
            dossier_no=d.dossier_no or 0,
            dossier_code=d.dossier_code or "",
            name=rec.name,
            id_masked=mask_id(rec.id_number),
            unit=rec.unit,
            county=rec.county,
            series=rec.series,
            specialty=rec.specialty,
            track=d.track,
            level=d.level,
            receipt_code=receipt,
            defence=defence,
            must_defend=must,
            verify=verify,
            handover_no=handover_nos.get(d.handover_id) if d.handover_id else None,
            id_number=rec.id_number if full_ids else "",
        )
        by_group.setdefault((rec.series, rec.specialty, d.level), []).append(line)
    series_order = {s: i for i, s in enumerate(campaign.series)}

    def key(k: tuple[str, str, str]) -> tuple[object, ...]:
        s, sp, lv = k
        return (
            series_order.get(s, len(series_order)),
            _sort_text(s),
            _sort_text(sp),
            _LEVEL_ORDER.get(lv, len(_LEVEL_ORDER)),
            lv,
        )

    groups = tuple(
        RosterGroup(s, sp, lv, tuple(by_group[(s, sp, lv)]))
        for s, sp, lv in sorted(by_group, key=key)
    )
    if full_ids:
        shown = sum(len(lines) for lines in by_group.values())
        audit.record(
            session,
            actor_id=actor.user_id,
            actor_name=actor.username,
            action=str(Action.export_full_id),
            entity="campaign",
            entity_id=campaign.code,
            campaign_id=campaign.id,
            desk=actor.desk,
            detail={
                "what": "移交花名册",
                "full_ids": shown,
                "include_handed_over": include_handed_over,
            },
        )
    return Roster(
        campaign_code=campaign.code,
        title=campaign.title,
        committee=campaign.committee,
        place=campaign.place,
        timezone=campaign.timezone,
        generated_at=now or utcnow(),
        include_handed_over=include_handed_over,
        defence_levels=tuple(
            sorted(
                {lv for r in rules if r.rule == "defend" for lv in r.levels},
                key=lambda lv: _LEVEL_ORDER.get(lv, 9),
            )
        ),
        exemptions=tuple(r.stated for r in rules if r.rule == "exempt"),
        defence_rules=tuple(r.stated for r in rules if r.rule == "defend"),
        groups=groups,
        left_out=tuple(left),
    )


def _paid(session: Session, campaign: Campaign) -> dict[int, tuple[str, int, int]]:
    """dossier id → (receipt code, amount, refunded) of the payment that stands for it: its live
    payment, else its last payment refunded in full (the roster says so), for the campaign's
    dossiers with a payment that was not voided."""
    void = aliased(Payment)
    kept = session.exec(
        select(Payment.id, Payment.dossier_id, Payment.receipt_code, Payment.amount_fen)
        .where(
            Payment.campaign_id == campaign.id,
            Payment.kind == PaymentKind.payment.value,
            ~exists().where(
                col(void.original_id) == col(Payment.id), col(void.kind) == PaymentKind.void.value
            ),
        )
        .order_by(col(Payment.attempt))
    ).all()
    refunds = dict(
        session.exec(
            select(Payment.original_id, func.sum(Payment.amount_fen))
            .where(Payment.campaign_id == campaign.id, Payment.kind == PaymentKind.refund.value)
            .group_by(col(Payment.original_id))
        ).all()
    )
    out: dict[int, tuple[str, int, int]] = {}
    for pid, dossier_id, code, amount in kept:
        refunded = int(refunds.get(pid, 0) or 0)
        earlier = out.get(dossier_id)
        if earlier is None or earlier[2] >= earlier[1]:  # a live one wins over a dead one
            out[dossier_id] = (code, amount, refunded)
    return out
