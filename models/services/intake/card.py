"""The intake card: the person, their visits, alerts and unit items as the counter shows them, loaded by ID number, record or dossier, or from what was scanned."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from models.campaign import Campaign, ChecklistItem
from models.dossier import Dossier, DossierVisit
from models.errors import NotFound
from models.i18n import _
from models.idcard import clean_id_text, mask_id
from models.online import OnlineRecord
from models.permissions import FULL_ID_ROLES, Action, Actor, require
from models.rules import (
    defence_conditions,
    delivery,
    submissions,
)
from models.services.campaigns import (
    declaration_window,
    window_status,
)
from models.services.intake.items import SNAPSHOT_FIELDS, unit_items
from models.services.intake.records import Alert, Card, Person, Visit
from models.services.intake.unit_items import unit_item_status
from models.services.users import shown_name
from models.text import shorten
from models.types import utcnow
from models.vocab import ONLINE_APPROVED, DossierStatus


def person_of(rec: OnlineRecord, actor: Actor) -> Person:
    return Person(
        record_id=rec.id or 0,
        name=rec.name,
        id_number=rec.id_number,
        id_shown=rec.id_number if actor.role in FULL_ID_ROLES else mask_id(rec.id_number),
        sex=rec.sex,
        unit=rec.unit,
        supervising_dept=rec.supervising_dept,
        county=rec.county,
        series=rec.series,
        specialty=rec.specialty,
        grade=rec.grade,
        level=rec.level,
        track=rec.track,
        status=rec.status,
        submission_count=rec.submission_count,
        application_no=rec.application_no,
        phone=rec.phone,
    )


def snapshot(rec: OnlineRecord) -> dict[str, str]:
    return {k: str(getattr(rec, k) or "") for k in SNAPSHOT_FIELDS}


def load_card(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    *,
    record_id: int | None = None,
    id_number: str | None = None,
    now: dt.datetime | None = None,
) -> Card:
    """Everything the counter shows about one applicant, with the alerts that cannot be missed.
    The counter's card is the clerk's and the lead's (``intake.accept``)."""
    require(actor, Action.intake_accept)
    assert campaign.id is not None
    now = now or utcnow()
    rec: OnlineRecord | None = None
    scanned = id_number or ""
    if record_id is not None:
        rec = session.get(OnlineRecord, record_id)
        if rec is None or rec.campaign_id != campaign.id:
            raise NotFound(_("网上名单中没有这条记录"), code="online.not_found")
    elif id_number is not None:
        number = clean_id_text(id_number)
        rec = session.exec(
            select(OnlineRecord).where(
                OnlineRecord.campaign_id == campaign.id, OnlineRecord.id_number == number
            )
        ).first()
    items = list(
        session.exec(
            select(ChecklistItem)
            .where(ChecklistItem.campaign_id == campaign.id)
            .order_by(col(ChecklistItem.position))
        )
    )
    window = window_status(
        session,
        campaign,
        series=(rec.series or None) if rec else None,
        at=now,
        level=rec.level if rec else None,
    )
    card = Card(
        campaign_id=campaign.id,
        campaign_code=campaign.code,
        person=person_of(rec, actor) if rec else None,
        scanned=scanned,
        window=window,
        items=items,
        delivery=delivery(campaign),
        extra_conditions=defence_conditions(campaign),
    )
    if rec is None:
        from models.services.search import ID18, id_problem, near_ids

        number = clean_id_text(scanned)
        problem = id_problem(number) if ID18.fullmatch(number) else ""
        if problem:  # a misread or mistyped ID is not "not on the list": no refusal for it
            card.suggestions = [person_of(r, actor) for r in near_ids(session, campaign, number)]
            card.alerts.append(Alert("bad_id", problem, True))
            return card
        shown = mask_id(number) if scanned else ""
        card.alerts.append(
            Alert(
                "not_listed",
                _(
                    "身份证号 {id_number} 不在本批次网上名单中：网上未通过形式审核的，纸质材料不予受理"
                ).format(id_number=shown),
                True,
            )
        )
        return card
    decl = declaration_window(session, campaign, rec.series or None, rec.level)
    if decl is not None:
        end = (decl.ends_at - dt.timedelta(seconds=1)).astimezone(campaign.zone)
        card.declaration = _("网上申报截止 {end}（{clause}）").format(
            end=f"{end:%Y-%m-%d}"
            if decl.ends_at.astimezone(campaign.zone).time() == dt.time(0)
            else f"{decl.ends_at.astimezone(campaign.zone):%Y-%m-%d %H:%M}",
            clause=decl.clause or _(decl.label),
        )
    limit = submissions(campaign)
    if rec.submission_count:
        if limit.limit:
            card.submissions = _("第 {n} 次提交，最多 {limit} 次").format(
                n=rec.submission_count, limit=limit.limit
            )
            if rec.submission_count >= limit.limit:
                card.alerts.append(
                    Alert(
                        "last_submission",
                        _(
                            "已是第 {n} 次提交（最多 {limit} 次，{clause}）：再退回后网上不能再提交，请逐项核对"
                        ).format(
                            n=rec.submission_count,
                            limit=limit.limit,
                            clause=limit.clause or _("通知"),
                        ),
                        False,
                    )
                )
        else:
            card.submissions = _("第 {n} 次提交").format(n=rec.submission_count)
    elif limit.limit:
        card.submissions = _("提交次数不详，最多 {limit} 次").format(limit=limit.limit)
    card.unit_checks = unit_item_status(
        session, actor, campaign, rec.unit, unit_items(items, rec.track, rec.level)
    )
    if not card.person or not card.person.approved:
        card.alerts.append(
            Alert(
                "not_approved",
                _("网上审核状态为“{status}”，不是“{approved}”：纸质材料不予受理").format(
                    status=_(rec.status), approved=_(ONLINE_APPROVED)
                ),
                True,
            )
        )
    d = session.exec(
        select(Dossier).where(
            Dossier.campaign_id == campaign.id, Dossier.online_record_id == rec.id
        )
    ).first()
    if d is not None:
        card.dossier_id, card.dossier_status = d.id, d.status
        card.dossier_code, card.conditions = d.dossier_code or "", list(d.conditions)
        card.accepted_at = d.accepted_at
        card.accepted_by = shown_name(session, d.accepted_by_id)
        for v in session.exec(
            select(DossierVisit)
            .where(DossierVisit.dossier_id == d.id)
            .order_by(col(DossierVisit.at), col(DossierVisit.id))
        ):
            card.visits.append(
                Visit(
                    at=v.at,
                    outcome=v.outcome,
                    notice_code=v.notice_code or "",
                    deficiencies=tuple(v.deficiencies),
                    clerk=shown_name(session, v.clerk_id),
                    desk=v.desk,
                )
            )
        if d.status in (DossierStatus.accepted.value, DossierStatus.handed_over.value):
            at = (
                d.accepted_at.astimezone(campaign.zone).strftime("%Y-%m-%d %H:%M")
                if d.accepted_at
                else ""
            )
            card.alerts.append(
                Alert(
                    "already_accepted",
                    _("已受理：受理编号 {dossier_code}，{clerk} 于 {at} 受理").format(
                        dossier_code=d.dossier_code, clerk=card.accepted_by, at=at
                    ),
                    True,
                )
            )
            now_snap = snapshot(rec)
            card.changed = {
                SNAPSHOT_FIELDS[k]: (str(d.online_snapshot.get(k, "")), v)
                for k, v in now_snap.items()
                if d.online_snapshot and str(d.online_snapshot.get(k, "")) != v
            }
            if card.changed:
                empty = _("（空）")
                what = "；".join(
                    f"{_(k)}：{a or empty} → {b or empty}" for k, (a, b) in card.changed.items()
                )
                card.alerts.append(
                    Alert(
                        "changed_after_acceptance",
                        _("受理后网上信息有变化：{changes}").format(changes=what),
                        False,
                    )
                )
        elif card.returns:
            last = card.visits[-1]
            card.alerts.append(
                Alert(
                    "returned_before",
                    _("曾退回补正 {returns} 次（最近一次告知单 {notice_code}，{count} 项）").format(
                        returns=card.returns,
                        notice_code=last.notice_code,
                        count=len(last.deficiencies),
                    ),
                    False,
                )
            )
    if not window.open:
        card.alerts.append(
            Alert(
                "window_closed",
                window.message
                if window.unset
                else _("{message}（负责人可延长受理时间）").format(message=window.message),
                True,
            )
        )
    if d is not None and d.status == DossierStatus.returned.value:
        last_by = session.exec(
            select(DossierVisit.brought_by)
            .where(DossierVisit.dossier_id == d.id)
            .order_by(col(DossierVisit.at).desc(), col(DossierVisit.id).desc())
        ).first()
        card.brought_by = last_by or ""
    return card


def card_for(
    session: Session, actor: Actor, campaign: Campaign, text: str, now: dt.datetime | None = None
) -> Card:
    """The card for what was scanned or typed: an ID number (on the list or not), or a dossier,
    receipt or notice number, or anything else that finds exactly one person."""
    from models.services.search import ID18, search

    cleaned = clean_id_text(text)
    if ID18.fullmatch(cleaned):
        return load_card(session, actor, campaign, id_number=cleaned, now=now)
    found = search(session, actor, campaign, text, limit=2)
    if len(found.hits) == 1:
        return load_card(session, actor, campaign, record_id=found.hits[0].record_id, now=now)
    if not found.hits:
        raise NotFound(
            _("没有找到“{text}”（按{how}查找）").format(text=shorten(text, 40), how=found.how),
            code="intake.not_found",
        )
    raise NotFound(
        _("“{text}”找到不止一人：请在受理台查找后选择").format(text=shorten(text, 40)),
        code="intake.ambiguous",
    )
