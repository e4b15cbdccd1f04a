"""The two outcomes at the counter: accept (a dossier number) or return (one numbered correction notice), each one transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models import audit
from models.campaign import Campaign, ChecklistItem
from models.dossier import Dossier, DossierVisit, ItemVerdict
from models.errors import Conflict, InvalidInput, NotFound
from models.i18n import _
from models.online import OnlineRecord
from models.permissions import Action, Actor, require
from models.rules import (
    item_rules,
)
from models.services.campaigns import (
    window_status,
)
from models.services.intake.bringer import _check_bringer
from models.services.intake.card import snapshot
from models.services.intake.items import (
    FORM_FIELDS,
    ItemCheck,
    Refused,
    applicable_items,
    deficiencies,
    item_parts,
    unjudged,
)
from models.services.intake.refusal import _items, _returns
from models.services.numbering import allocate, format_number
from models.types import utcnow
from models.vocab import ONLINE_APPROVED, Condition, DossierStatus, NumberKind

# ---- outcomes ---------------------------------------------------------------------------------


def _lock_record(session: Session, campaign: Campaign, record_id: int) -> OnlineRecord:
    rec = session.exec(
        select(OnlineRecord).where(OnlineRecord.id == record_id).with_for_update()
    ).first()
    if rec is None or rec.campaign_id != campaign.id:
        raise NotFound(_("网上名单中没有这条记录"), code="online.not_found")
    return rec


def _check_can_take(
    session: Session, campaign: Campaign, rec: OnlineRecord, now: dt.datetime
) -> Dossier | None:
    if rec.status != ONLINE_APPROVED:
        raise Refused(
            _("{name} 网上审核状态为“{status}”，不是“{ONLINE_APPROVED}”，纸质材料不予受理").format(
                name=rec.name, status=rec.status, ONLINE_APPROVED=ONLINE_APPROVED
            ),
            code="intake.not_approved",
        )
    ws = window_status(session, campaign, series=rec.series or None, at=now, level=rec.level)
    if not ws.open:
        raise Refused(
            _("{message}：纸质材料不予受理（负责人可延长受理时间）").format(message=ws.message),
            code="intake.window_closed",
        )
    d = session.exec(
        select(Dossier).where(
            Dossier.campaign_id == campaign.id, Dossier.online_record_id == rec.id
        )
    ).first()
    if d is not None and d.status == DossierStatus.handed_over.value:
        raise Conflict(
            _("{name} 的材料已移交评审委员会（受理编号 {dossier_code}），不能再受理或退回").format(
                name=rec.name, dossier_code=d.dossier_code
            ),
            code="intake.handed_over",
        )
    if d is not None and d.status != DossierStatus.returned.value:
        raise Conflict(
            _("{name} 的材料已受理（受理编号 {dossier_code}），不能重复受理").format(
                name=rec.name, dossier_code=d.dossier_code
            ),
            code="intake.already_accepted",
        )
    return d


def _check_conditions(conditions: Iterable[str]) -> list[str]:
    out = []
    for c in conditions:
        try:
            out.append(Condition(c).value)
        except ValueError:
            raise InvalidInput(
                _("未知的适用条件“{c}”").format(c=c), code="intake.bad_condition"
            ) from None
    return sorted(set(out))


def _judged(items: list[ChecklistItem], checks: Mapping[str, ItemCheck]) -> None:
    missing = unjudged(items, checks)
    if missing:
        names = "、".join(i.name for i in missing[:3])
        raise InvalidInput(
            (
                _("还有 {count} 项未核对：{names}等")
                if len(missing) > 3
                else _("还有 {count} 项未核对：{names}")
            ).format(count=len(missing), names=names),
            code="intake.unjudged",
            items=[i.key for i in missing],
        )
    for key, check in checks.items():
        if check.copies < 0 or check.copies > 99:
            raise InvalidInput(
                _("份数应在 0–99 之间（{key}）").format(key=key), code="intake.bad_copies"
            )
        known = {p for i in items if i.key == key for p in item_rules(i.details).parts}
        if any(p not in known for p in check.missing_parts):
            raise InvalidInput(
                _("“{key}”没有这一部分：{parts}").format(
                    key=key, parts="、".join(p for p in check.missing_parts if p not in known)[:60]
                ),
                code="intake.bad_part",
            )
        bad = [m for m in check.mismatches if m not in FORM_FIELDS]
        if bad:
            raise InvalidInput(
                _("评审表比对项只能是 {fields}").format(fields="、".join(FORM_FIELDS)),
                code="intake.bad_field",
            )


def _save_visit(
    session: Session,
    actor: Actor,
    dossier: Dossier,
    outcome: DossierStatus,
    items: list[ChecklistItem],
    checks: Mapping[str, ItemCheck],
    found: list[dict[str, str]],
    now: dt.datetime,
    *,
    notice_no: int | None = None,
    notice_code: str | None = None,
    note: str = "",
    brought_by: str = "",
) -> DossierVisit:
    assert actor.user_id is not None, "the counter needs a logged-in user"
    assert dossier.id is not None
    visit = DossierVisit(
        campaign_id=dossier.campaign_id,
        dossier_id=dossier.id,
        outcome=outcome.value,
        notice_no=notice_no,
        notice_code=notice_code,
        deficiencies=found,
        note=note[:500],
        brought_by=brought_by,
        clerk_id=actor.user_id,
        desk=actor.desk,
        at=now,
    )
    session.add(visit)
    session.flush()
    assert visit.id is not None
    conds = list(dossier.conditions)
    for item in items:
        c = checks[item.key]
        parts = item_parts(item, conds)
        session.add(
            ItemVerdict(
                visit_id=visit.id,
                item_key=item.key,
                present=c.present,
                copies=c.copies,
                original_checked=c.original_checked,
                stamped_endorsed=c.stamped_endorsed,
                handwritten_ok=c.handwritten_ok,
                matches_online=(not c.mismatches) if item.must_match_online and c.present else None,
                watermark_ok=c.watermark_ok if item.watermark and c.present else None,
                parts={p: p not in c.missing_parts for p in parts} if parts and c.present else None,
                note="、".join(c.mismatches),
            )
        )
    return visit


def _dossier(
    session: Session,
    campaign: Campaign,
    rec: OnlineRecord,
    existing: Dossier | None,
    conditions: list[str],
) -> Dossier:
    d = existing or Dossier(
        campaign_id=campaign.id or 0,
        online_record_id=rec.id or 0,
        status=DossierStatus.returned.value,
        track=rec.track,
        level=rec.level,
    )
    d.track, d.level, d.conditions = rec.track, rec.level, conditions
    d.online_snapshot = snapshot(rec)
    session.add(d)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # another desk created it a moment ago (PostgreSQL)
        raise Conflict(
            _("{name} 的材料正在另一个窗口办理，请刷新后再试").format(name=rec.name),
            code="intake.concurrent",
        ) from None
    return d


def _judge(
    session: Session,
    campaign: Campaign,
    record_id: int,
    checks: Mapping[str, ItemCheck],
    conditions: Iterable[str],
    now: dt.datetime,
) -> tuple[OnlineRecord, Dossier | None, list[str], list[ChecklistItem], list[dict[str, str]]]:
    """The checks both outcomes share: the record locked, the paper takeable, every applicable
    item judged; returns the deficiencies found."""
    rec = _lock_record(session, campaign, record_id)
    existing = _check_can_take(session, campaign, rec, now)
    conds = _check_conditions(conditions)
    items = applicable_items(_items(session, campaign), rec.track, rec.level, conds)
    _judged(items, checks)
    return rec, existing, conds, items, deficiencies(items, checks, conds)


def accept(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    record_id: int,
    *,
    checks: Mapping[str, ItemCheck],
    conditions: Iterable[str] = (),
    brought_by: str = "",
    now: dt.datetime | None = None,
) -> Dossier:
    """Accept the paper: every applicable item judged and without a deficiency. Allocates the
    dossier no. (gapless) and puts the dossier in the cashier's queue (accepted, unpaid)."""
    require(actor, Action.intake_accept)
    now = now or utcnow()
    bringer = _check_bringer(campaign, brought_by)
    rec, existing, conds, items, found = _judge(
        session, campaign, record_id, checks, conditions, now
    )
    if found:
        raise InvalidInput(
            _("有 {count} 处不符合要求，不能受理：请退回补正（F10）").format(count=len(found)),
            code="intake.deficient",
            deficiencies=found,
        )
    d = _dossier(session, campaign, rec, existing, conds)
    n = allocate(session, campaign.id or 0, NumberKind.dossier)
    d.dossier_no, d.dossier_code = n, format_number(campaign.dossier_prefix, n)
    d.status, d.accepted_by_id, d.accepted_at = DossierStatus.accepted.value, actor.user_id, now
    session.add(d)
    _save_visit(
        session, actor, d, DossierStatus.accepted, items, checks, [], now, brought_by=bringer
    )
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action="intake.accept",
        entity="dossier",
        entity_id=d.dossier_code,
        campaign_id=campaign.id,
        desk=actor.desk,
        detail={
            "record_id": rec.id,
            "items": len(items),
            "conditions": conds,
            "returns_before": _returns(session, d),
            "brought_by": bringer,
        },
    )
    session.flush()
    return d


def return_dossier(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    record_id: int,
    *,
    checks: Mapping[str, ItemCheck],
    conditions: Iterable[str] = (),
    note: str = "",
    brought_by: str = "",
    now: dt.datetime | None = None,
) -> DossierVisit:
    """Return the paper with one numbered correction notice listing every deficiency. Refused
    until every applicable item has a verdict, so the notice is truly one-time (一次性告知)."""
    require(actor, Action.intake_return)
    now = now or utcnow()
    bringer = _check_bringer(campaign, brought_by)
    rec, existing, conds, items, found = _judge(
        session, campaign, record_id, checks, conditions, now
    )
    if not found:
        raise InvalidInput(
            _("所有项目均符合要求，没有需要补正的内容：请受理（F9）"),
            code="intake.nothing_to_return",
        )
    d = _dossier(session, campaign, rec, existing, conds)
    n = allocate(session, campaign.id or 0, NumberKind.notice)
    code = format_number(campaign.notice_prefix, n)
    visit = _save_visit(
        session,
        actor,
        d,
        DossierStatus.returned,
        items,
        checks,
        found,
        now,
        notice_no=n,
        notice_code=code,
        note=note,
        brought_by=bringer,
    )
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action="intake.return",
        entity="dossier",
        entity_id=d.id,
        campaign_id=campaign.id,
        desk=actor.desk,
        detail={
            "record_id": rec.id,
            "notice": code,
            "deficiencies": len(found),
            "items": sorted({x["item_key"] for x in found}),
            "brought_by": bringer,
        },
    )
    session.flush()
    return visit
