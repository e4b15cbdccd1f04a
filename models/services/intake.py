"""The intake counter's rules: who may hand in paper, which items apply, what is a deficiency,
and the two outcomes — accept (a dossier no.) or return (one numbered correction notice).

The screen only collects the clerk's verdicts; everything that decides is here, so a cashier
who calls ``accept`` is refused exactly as one who presses the key would be. Each outcome is one
transaction: number, dossier, visit, every verdict and the audit row commit together or not at
all (the caller adds the print jobs to the same transaction)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from models import audit
from models.campaign import Campaign, ChecklistItem, PaperWindow
from models.dossier import Dossier, DossierVisit, ItemVerdict, UnitItemCheck
from models.errors import Conflict, InvalidInput, NotFound
from models.i18n import N_, _
from models.idcard import ResidentId, clean_id_text, mask_id
from models.online import OnlineRecord
from models.permissions import FULL_ID_ROLES, Action, Actor, require
from models.rules import (
    Bringer,
    Delivery,
    defence_conditions,
    delivery,
    item_rules,
    submissions,
)
from models.services.campaigns import (
    WindowStatus,
    declaration_window,
    window_status,
)
from models.services.numbering import allocate, format_number
from models.services.users import shown_name
from models.text import shorten
from models.types import utcnow
from models.vocab import ONLINE_APPROVED, Condition, DossierStatus, ItemKind, NumberKind

# What the paper review form is compared on with the online record (四（二）1: 须与网上一致).
# The field names are kept as they are (a mismatch is stored and printed on the notice by its
# Chinese name) and shown through _().
FORM_FIELDS = (N_("姓名"), N_("级别"), N_("专业"), N_("申报类型"))
SNAPSHOT_FIELDS = {
    "name": N_("姓名"),
    "status": N_("审核状态"),
    "series": N_("系列"),
    "specialty": N_("专业"),
    "level": N_("级别"),
    "track": N_("申报类型"),
    "unit": N_("工作单位"),
}
REFUSAL_REASONS = {
    "not_listed": N_("不在网上通过形式审核名单"),
    "not_approved": N_("网上未通过形式审核"),
    "window_closed": N_("不在纸质材料报送时间内"),
    "individual": N_("个人报送（须由单位统一报送）"),
    "other": N_("其他"),
}


class Refused(Conflict):
    """The paper cannot be taken at all (not approved, not listed, outside the window)."""

    code = "intake.refused"


@dataclass(frozen=True)
class ItemCheck:
    """The clerk's verdict on one checklist item. ``None`` means "does not apply to this item"."""

    present: bool
    copies: int = 0
    original_checked: bool | None = None  # 原件已核对退还
    stamped_endorsed: bool | None = None  # 加盖公章并签署“已审核，与原件相符”
    handwritten_ok: bool | None = None  # 手写（填写）的那句话在且正确
    mismatches: tuple[str, ...] = ()  # FORM_FIELDS where the paper differs from online
    watermark_ok: bool | None = None  # 有水印（001 三（一）3；003 五（二）1）
    missing_parts: tuple[str, ...] = ()  # the item's parts that are not there (签字、落款日期 …)

    @classmethod
    def complete(cls, item: ChecklistItem) -> ItemCheck:
        """Everything present and right: the usual verdict, one key at the counter."""
        return cls(
            present=True,
            copies=item.copies,
            original_checked=True if item.kind == ItemKind.original_shown.value else None,
            stamped_endorsed=True if item.needs_stamp or item.needs_endorsement else None,
            handwritten_ok=True if item.handwritten else None,
            watermark_ok=True if item.watermark else None,
        )

    @classmethod
    def missing(cls) -> ItemCheck:
        return cls(present=False)


def applies(item: ChecklistItem, track: str, level: str, conditions: Iterable[str]) -> bool:
    conds = set(conditions)
    any_of = item_rules(item.details).when_any
    return (
        (not item.tracks or track in item.tracks)
        and (not item.levels or level in item.levels)
        and all(c in conds for c in item.when)
        and (not any_of or any(c in conds for c in any_of))
        and not any(c in conds for c in item.unless)
    )


def per_unit(item: ChecklistItem) -> bool:
    """The unit's own item (001 花名册, 003 公示情况报告): checked once for the unit's batch."""
    return item_rules(item.details).per_unit


def applicable_items(
    items: Sequence[ChecklistItem], track: str, level: str, conditions: Iterable[str]
) -> list[ChecklistItem]:
    """The items one applicant's paper is judged on (the unit's own items are not: they are
    checked once per unit, see ``check_unit_item``)."""
    conds = list(conditions)
    return [
        i
        for i in sorted(items, key=lambda i: i.position)
        if not per_unit(i) and applies(i, track, level, conds)
    ]


def unit_items(items: Sequence[ChecklistItem], track: str, level: str) -> list[ChecklistItem]:
    return [
        i
        for i in sorted(items, key=lambda i: i.position)
        if per_unit(i)
        and (not i.tracks or track in i.tracks)
        and (not i.levels or level in i.levels)
    ]


def relevant_conditions(
    items: Sequence[ChecklistItem], track: str, level: str, extra: Iterable[Condition] = ()
) -> list[Condition]:
    """The conditions that change this track and level's checklist, or (``extra``: the
    campaign's defence rules) who defends: the clerk asks about these."""
    found: list[Condition] = []
    for item in items:
        if (item.tracks and track not in item.tracks) or (item.levels and level not in item.levels):
            continue
        waived = item_rules(item.details).waived
        for c in (*item.when, *item.unless, *item_rules(item.details).when_any, *waived):
            cond = Condition(c)
            if cond not in found:
                found.append(cond)
    for cond in extra:
        if cond not in found:
            found.append(cond)
    return found


def _short(sentence: str) -> str:
    return sentence if len(sentence) <= 16 else f"{sentence[:10]}……{sentence[-4:]}"


def item_parts(item: ChecklistItem, conditions: Iterable[str] = ()) -> tuple[str, ...]:
    """The parts of an item judged one by one for these conditions (002 五（一）: a private
    firm's appraisal needs no signatures, its stamp still)."""
    return item_rules(item.details).parts_for(conditions)


def problems(item: ChecklistItem, check: ItemCheck, conditions: Iterable[str] = ()) -> list[str]:
    """What is wrong with this item, in the words of the notice (empty: nothing). Stored on the
    visit and printed on the correction notice as the notice words them."""
    if not check.present:
        return [] if item.optional else ["未提交"]
    rules = item_rules(item.details)
    out: list[str] = []
    if check.copies < item.copies:
        out.append(f"只交 {check.copies} 份，应交 {item.copies} 份")
    if item.kind == ItemKind.original_shown.value and not check.original_checked:
        out.append("未出示原件核对")
    if item.watermark and not check.watermark_ok:
        out.append(f"无水印（{rules.watermark_words or '有水印为有效'}）")
    if (item.needs_stamp or item.needs_endorsement) and not check.stamped_endorsed:
        whose = "和".join(rules.stamp_by) + "的公章" if rules.stamp_by else "单位公章"
        if item.needs_stamp and item.needs_endorsement:
            out.append(f"复印件未加盖{whose}并签署“已审核，与原件相符”")
        elif item.needs_endorsement:
            out.append("未签署“已审核，与原件相符”")
        else:
            out.append(f"未加盖{whose}")
    if item.handwritten and not check.handwritten_ok:
        if rules.fill == "filled":
            out.append(f"未填写或填写不正确：“{_short(item.handwritten)}”")
        else:
            out.append(f"缺手写内容“{_short(item.handwritten)}”")
    parts = rules.parts_for(conditions)
    for part in check.missing_parts:
        if part in parts:
            out.append(f"缺少“{part}”")
    if item.must_match_online and check.mismatches:
        out.append(f"与网上申报信息不一致：{'、'.join(check.mismatches)}")
    return out


def deficiencies(
    items: Sequence[ChecklistItem], checks: Mapping[str, ItemCheck], conditions: Iterable[str] = ()
) -> list[dict[str, str]]:
    """One entry per problem, in checklist order, as the notice prints them."""
    conds = list(conditions)
    out = []
    for item in items:
        check = checks.get(item.key)
        if check is None:
            continue
        for problem in problems(item, check, conds):
            out.append({"item_key": item.key, "item": item.name, "problem": problem})
    return out


def unjudged(
    items: Sequence[ChecklistItem], checks: Mapping[str, ItemCheck]
) -> list[ChecklistItem]:
    return [i for i in items if i.key not in checks]


@dataclass(frozen=True)
class Person:
    """The online record as the card shows it (plain data: safe outside the session)."""

    record_id: int
    name: str
    id_number: str
    id_shown: str  # masked unless the role needs the full number
    sex: str
    unit: str
    supervising_dept: str
    county: str
    series: str
    specialty: str
    grade: str
    level: str
    track: str
    status: str
    submission_count: int | None
    application_no: str
    phone: str

    @property
    def approved(self) -> bool:
        return self.status == ONLINE_APPROVED


@dataclass(frozen=True)
class Visit:
    at: dt.datetime
    outcome: str
    notice_code: str
    deficiencies: tuple[dict[str, str], ...]
    clerk: str
    desk: str


@dataclass(frozen=True)
class Alert:
    code: str
    message: str
    blocking: bool  # the paper cannot be accepted while this holds


@dataclass(frozen=True)
class UnitItemStatus:
    """A unit's own item as every member's card shows it: the latest check of the unit."""

    item_key: str
    name: str
    checked: bool  # checked at all
    ok: bool
    problems: tuple[str, ...]
    at: dt.datetime | None
    clerk: str

    @property
    def text(self) -> str:
        if not self.checked:
            return _("{name}：单位尚未报送（按单位核对一次）").format(name=self.name)
        if self.ok:
            return _("{name}：单位已报送，合格").format(name=self.name)
        return _("{name}：{problems}（单位补正）").format(
            name=self.name, problems="；".join(self.problems)
        )


@dataclass
class Card:
    campaign_id: int
    campaign_code: str
    person: Person | None  # None: the scanned ID is not on the list
    scanned: str  # what was scanned or typed, as given
    window: WindowStatus
    dossier_id: int | None = None
    dossier_status: str | None = None
    dossier_code: str = ""
    accepted_by: str = ""
    accepted_at: dt.datetime | None = None
    conditions: list[str] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    changed: dict[str, tuple[str, str]] = field(default_factory=dict)  # after acceptance
    alerts: list[Alert] = field(default_factory=list)
    items: list[ChecklistItem] = field(default_factory=list)  # the whole campaign checklist
    declaration: str = ""  # 网上申报截止 … (001), or ""
    submissions: str = ""  # 第 2 次提交，最多 3 次
    delivery: Delivery | None = None  # who may bring the paper
    brought_by: str = ""  # the last visit's bringer (a Bringer value), "" unknown
    unit_checks: list[UnitItemStatus] = field(default_factory=list)  # the unit's own items
    extra_conditions: list[Condition] = field(default_factory=list)  # the defence rules' own
    suggestions: list[Person] = field(default_factory=list)  # a malformed ID: did you mean …

    @property
    def can_judge(self) -> bool:
        return not any(a.blocking for a in self.alerts)

    @property
    def returns(self) -> int:
        return sum(1 for v in self.visits if v.outcome == DossierStatus.returned.value)


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
    """Everything the counter shows about one applicant, with the alerts that cannot be missed."""
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
        session, campaign, rec.unit, unit_items(items, rec.track, rec.level)
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


def delivery_alert(rule: Delivery | None, brought_by: str) -> Alert | None:
    """The alert for who brings the paper: blocking where the notice refuses them (002 八（七）
    个人报送材料一律不予受理), else nothing (the card shows how the notice says paper comes)."""
    if rule is None or not brought_by:
        return None
    who = Bringer(brought_by)
    if rule.allows(who):
        return None
    return Alert(
        "individual",
        _("{who}报送：{text}（{clause}）；须由{by}报送").format(
            who=who.label,
            text=rule.text or _("本批次不受理个人报送"),
            clause=rule.clause or _("通知"),
            by=rule.by_text,
        ),
        True,
    )


def _check_bringer(campaign: Campaign, brought_by: str) -> str:
    rule = delivery(campaign)
    if not brought_by:
        if rule.blocks:
            raise InvalidInput(
                _("请先记录由谁报送（{by}）：{text}（{clause}）").format(
                    by=rule.by_text,
                    text=rule.text or _("本批次须由单位统一报送"),
                    clause=rule.clause or _("通知"),
                ),
                code="intake.no_bringer",
            )
        return ""
    try:
        who = Bringer(brought_by)
    except ValueError:
        raise InvalidInput(
            _("未知的报送人“{bringer}”").format(bringer=brought_by[:20]), code="intake.bad_bringer"
        ) from None
    alert = delivery_alert(rule, who.value)
    if alert is not None:
        raise Refused(alert.message, code="intake.individual")
    return who.value


def unit_item_status(
    session: Session, campaign: Campaign, unit: str, items: Sequence[ChecklistItem]
) -> list[UnitItemStatus]:
    """The latest check of each of the unit's own items."""
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


def campaign_unit_items(session: Session, campaign: Campaign) -> list[ChecklistItem]:
    """The campaign's items a unit hands in once for all its people (001 花名册, 003 公示情况报告)."""
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


def _items(session: Session, campaign: Campaign) -> list[ChecklistItem]:
    return list(session.exec(select(ChecklistItem).where(ChecklistItem.campaign_id == campaign.id)))


def _returns(session: Session, d: Dossier) -> int:
    return len(
        session.exec(
            select(DossierVisit.id).where(
                DossierVisit.dossier_id == d.id,
                DossierVisit.outcome == DossierStatus.returned.value,
            )
        ).all()
    )


def record_refusal(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    *,
    reason: str,
    scanned: str = "",
    record_id: int | None = None,
    note: str = "",
) -> None:
    """Paper refused outright at the counter (登记拒收): only an audit row, which the lead's
    reconciliation lists (who, when, why)."""
    require(actor, Action.intake_refuse)
    if reason not in REFUSAL_REASONS:
        raise InvalidInput(
            _("未知的拒收原因“{reason}”").format(reason=reason), code="intake.bad_reason"
        )
    name, shown = "", ""
    if record_id is not None:
        rec = session.get(OnlineRecord, record_id)
        if rec is not None:
            name, shown = rec.name, mask_id(rec.id_number)
    elif scanned:
        cleaned = clean_id_text(scanned)
        try:
            shown = mask_id(ResidentId.parse(cleaned).number)
        except InvalidInput:
            shown = mask_id(cleaned[:18])
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action="intake.refused",
        entity="online_record",
        entity_id=record_id or "",
        campaign_id=campaign.id,
        desk=actor.desk,
        detail={
            "name": name,
            "id_masked": shown,
            "reason": REFUSAL_REASONS[reason],
            "reason_code": reason,
            "note": note.strip()[:200],
        },
    )


def extend_window(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    *,
    until: dt.datetime,
    reason: str,
    series: str | None = None,
    now: dt.datetime | None = None,
) -> PaperWindow:
    """A lead extends the paper window until ``until`` (aware), with a reason; audited. The
    extension is a window row of its own: the notice's window is never rewritten."""
    require(actor, Action.window_extend)
    now = now or utcnow()
    reason = " ".join(reason.split())
    if len(reason) < 2:
        raise InvalidInput(_("延长受理时间须写明原因"), code="window.no_reason")
    if until.tzinfo is None:
        raise InvalidInput(_("截止时间须带时区"), code="window.naive")
    if until <= now:
        raise InvalidInput(_("延长后的截止时间须晚于现在"), code="window.past")
    if until - now > dt.timedelta(days=31):
        raise InvalidInput(_("一次最多延长 31 天"), code="window.too_long")
    window = PaperWindow(
        campaign_id=campaign.id or 0,
        series=series or None,
        starts_at=now,
        ends_at=until,
        label=_("延长受理时间"),
        clause=f"负责人 {actor.username} 延长：{reason}"[:200],
    )
    session.add(window)
    session.flush()
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action="window.extend",
        entity="paper_window",
        entity_id=window.id,
        campaign_id=campaign.id,
        desk=actor.desk,
        detail={"until": until.isoformat(), "series": series or "", "reason": reason},
    )
    return window


def parse_local_time(text: str, campaign: Campaign, *, start: bool = False) -> dt.datetime:
    """``2021-10-08`` (end of that day; with ``start``, its beginning) or ``2021-10-08 18:00``,
    in the campaign's time zone."""
    s = " ".join(text.replace("/", "-").replace("T", " ").split())
    for fmt, whole_day in (("%Y-%m-%d %H:%M", False), ("%Y-%m-%d", True)):
        try:
            t = dt.datetime.strptime(s, fmt)
        except ValueError:
            continue
        if whole_day and not start:
            t = t + dt.timedelta(days=1)  # until the end of that day
        return t.replace(tzinfo=campaign.zone).astimezone(dt.UTC)
    raise InvalidInput(
        _("无法识别的时间“{text}”：请写成 2021-10-08 或 2021-10-08 18:00").format(text=text),
        code="window.bad_time",
    )


def card_for(
    session: Session, actor: Actor, campaign: Campaign, text: str, now: dt.datetime | None = None
) -> Card:
    """The card for what was scanned or typed: an ID number (on the list or not), or a dossier,
    receipt or notice number, or anything else that finds exactly one person."""
    from models.services.search import ID18, search

    cleaned = clean_id_text(text)
    if ID18.fullmatch(cleaned):
        return load_card(session, actor, campaign, id_number=cleaned, now=now)
    found = search(session, campaign, text, limit=2)
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
