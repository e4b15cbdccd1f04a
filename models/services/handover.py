"""The committee handover (移交): the roster (移交花名册) of the dossiers to hand over, and the
handover itself.

The roster lists the accepted dossiers whose review fee is paid, grouped by series, specialty
and level, with who must defend (答辩): a dossier of a level in the campaign's
``defence_levels`` defends unless an exemption of the notice applies. An exemption that is a
condition the counter records (``Condition``: 访惠聚, 民营企业 …) is decided from the dossier's
conditions; one that names counties (002 六（一）：在且末县、若羌县工作的) from the online record's
county or unit; any other (县级（不含）以下基层单位, 社会组织、自由职业) cannot be decided from the
data: such a line says 须答辩 and asks the lead to check it, and the roster's footer quotes the
exemptions as the notice states them. Accepted dossiers without a live payment (never paid, or
the payment voided), or whose fee was refunded in full, are left out and listed.

A handover (``hand_over``) records who handed how many dossiers to whom and when; the dossiers
become ``handed_over`` in one UPDATE, after which the database refuses any change to them and
any payment, void or refund for them (migration 0006).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import exists, func, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from models import audit
from models.campaign import Campaign
from models.dossier import Dossier
from models.errors import Conflict, InvalidInput, PermissionDenied
from models.i18n import N_, _
from models.idcard import mask_id
from models.names import pinyin_of_text
from models.online import OnlineRecord
from models.payment import Payment
from models.permissions import POLICY, Action, Actor, require
from models.rules import defence_rules
from models.tally import Handover
from models.types import utcnow
from models.vocab import CONDITION_LABELS, Condition, DossierStatus, Level, PaymentKind

RECEIVER_MAX = 100
NOTE_MAX = 500
UNPAID = N_("未缴费")  # why a dossier is left out of the roster (data: shown through _())
REFUNDED = N_("评审费已全额退还")
MUST = "须答辩"
NOT_REQUIRED = "不答辩"
_LEVEL_ORDER = {lv.value: i for i, lv in enumerate(Level)}


class HandoverRefused(Conflict):
    code = "handover.refused"


# ---- the roster ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RosterLine:
    dossier_id: int
    dossier_no: int
    dossier_code: str
    name: str
    id_masked: str
    unit: str
    county: str
    series: str
    specialty: str
    track: str
    level: str
    receipt_code: str  # the live payment's receipt
    defence: str  # 须答辩 / 免答辩（…） / 不答辩
    must_defend: bool
    verify: str  # exemptions the data cannot decide, for a line that must defend: 请核实
    handover_no: int | None  # the handover that took it, if any
    id_number: str = ""  # the full number: only in a roster read with full_ids (lead, audited)

    @property
    def id_shown(self) -> str:
        return self.id_number or self.id_masked

    @property
    def defence_text(self) -> str:
        """The defence column in one piece: 须答辩（可申请免答辩：…，请核实）."""
        return (
            f"{self.defence}（可申请免答辩：{self.verify}，请核实）"
            if self.verify
            else self.defence
        )


@dataclass(frozen=True, slots=True)
class RosterGroup:
    series: str
    specialty: str
    level: str
    lines: tuple[RosterLine, ...]

    @property
    def must_defend(self) -> int:
        return sum(1 for x in self.lines if x.must_defend)


@dataclass(frozen=True, slots=True)
class LeftOut:
    """An accepted dossier not on the roster, and why (未缴费 …)."""

    dossier_code: str
    name: str
    unit: str
    track: str
    level: str
    reason: str


@dataclass(frozen=True, slots=True)
class Roster:
    campaign_code: str
    title: str
    committee: str
    place: str
    timezone: str
    generated_at: dt.datetime
    include_handed_over: bool
    defence_levels: tuple[str, ...]
    exemptions: tuple[str, ...]  # the notice's exemptions as stated, with their clauses
    groups: tuple[RosterGroup, ...]
    left_out: tuple[LeftOut, ...]
    defence_rules: tuple[str, ...] = ()  # who defends, as the notice states it

    @property
    def lines(self) -> tuple[RosterLine, ...]:
        return tuple(x for g in self.groups for x in g.lines)

    @property
    def total(self) -> int:
        return sum(len(g.lines) for g in self.groups)

    @property
    def must_defend(self) -> int:
        return sum(g.must_defend for g in self.groups)

    @property
    def exempt(self) -> int:
        return sum(1 for x in self.lines if x.defence.startswith("免答辩"))

    @property
    def not_required(self) -> int:
        return sum(1 for x in self.lines if x.defence == NOT_REQUIRED)

    @property
    def to_hand_over(self) -> int:
        return sum(1 for x in self.lines if x.handover_no is None)


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


# ---- the handover -------------------------------------------------------------------------
def _clean_receiver(text: str) -> str:
    name = " ".join(unicodedata.normalize("NFKC", text or "").split())
    if not name:
        raise InvalidInput(_("请填写接收人（评审委员会签收人的姓名）"), code="handover.no_receiver")
    if len(name) > RECEIVER_MAX:
        raise InvalidInput(
            _("接收人最多 {RECEIVER_MAX} 个字").format(RECEIVER_MAX=RECEIVER_MAX),
            code="handover.receiver_too_long",
        )
    return name


def _clean_codes(codes: Iterable[str]) -> list[str]:
    out: list[str] = []
    for text in codes:
        code = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "").upper()
        if code and code not in out:
            out.append(code)
    if not out:
        raise InvalidInput(_("请给出要移交的受理编号"), code="handover.no_dossier")
    return out


def hand_over(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    *,
    receiver: str,
    dossier_codes: Iterable[str] | None = None,
    note: str = "",
    now: dt.datetime | None = None,
) -> Handover:
    """Hand dossiers to the review committee: the given ones, or (``None``) every accepted,
    paid dossier not yet handed over. Refused as a whole when one of the given dossiers cannot
    be handed over. The dossiers are read-only afterwards. The caller commits."""
    require(actor, Action.handover)
    assert actor.user_id is not None, "a handover is made by a logged-in lead"
    now = now or utcnow()
    who = _clean_receiver(receiver)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(
            _("说明最多 {NOTE_MAX} 字").format(NOTE_MAX=NOTE_MAX), code="handover.note_too_long"
        )
    wanted = None if dossier_codes is None else _clean_codes(dossier_codes)
    # one handover of a campaign at a time (its number is max + 1); FOR NO KEY UPDATE does not
    # wait for the desks inserting rows that point at the campaign
    session.exec(
        select(Campaign.id).where(Campaign.id == campaign.id).with_for_update(key_share=True)
    ).first()
    # lock the dossiers (in id order: two leads never deadlock): a payment, void or refund of
    # one of them waits until this handover is committed, and a second handover finds them
    # handed over
    q = select(Dossier).where(Dossier.campaign_id == campaign.id)
    q = (
        q.where(col(Dossier.status) == DossierStatus.accepted.value)
        if wanted is None
        else q.where(col(Dossier.dossier_code).in_(wanted))
    )
    locked = session.exec(
        q.order_by(col(Dossier.id)).with_for_update().execution_options(populate_existing=True)
    ).all()
    # a statement of its own: on PostgreSQL it sees what was committed while we waited
    paid = _paid(session, campaign)
    nos = dict(
        session.exec(
            select(Handover.id, Handover.handover_no).where(Handover.campaign_id == campaign.id)
        ).all()
    )
    chosen: list[Dossier] = []
    problems: list[tuple[int, str, str]] = []  # (rank, code, text)
    if wanted is not None:
        found = {d.dossier_code for d in locked}
        problems += [
            (0, "handover.unknown_dossier", _("{code} 本批次没有这个受理编号").format(code=c))
            for c in wanted
            if c not in found
        ]
    for d in locked:
        receipt, amount, refunded = paid.get(d.id or 0, ("", 0, 0))
        code = d.dossier_code or ""
        if d.status == DossierStatus.handed_over.value:
            problems.append(
                (
                    1,
                    "handover.already_handed_over",
                    _("{code} 已于第 {handover_no} 次移交").format(
                        code=code, handover_no=nos.get(d.handover_id or 0, "?")
                    ),
                )
            )
        elif d.status != DossierStatus.accepted.value:
            problems.append(
                (1, "handover.not_accepted", _("{code} 已退回补正，尚未受理").format(code=code))
            )
        elif not receipt:
            if wanted is not None:
                problems.append((2, "handover.unpaid", _("{code} 未缴费").format(code=code)))
        elif refunded >= amount:
            if wanted is not None:
                problems.append(
                    (2, "handover.refunded", _("{code} 评审费已全额退还").format(code=code))
                )
        else:
            chosen.append(d)
    if problems:
        problems.sort(key=lambda p: p[0])
        cls = InvalidInput if problems[0][0] == 0 else HandoverRefused
        raise cls(
            _("以下档案不能移交：{problems}").format(problems="；".join(p[2] for p in problems)),
            code=problems[0][1],
            problems=[p[2] for p in problems],
        )
    if not chosen:
        raise HandoverRefused(
            _("没有可移交的档案：已受理且已缴费、尚未移交的档案为 0 份"), code="handover.nothing"
        )
    chosen.sort(key=lambda d: d.dossier_no or 0)
    codes = [d.dossier_code or "" for d in chosen]
    last = session.exec(
        select(func.max(Handover.handover_no)).where(Handover.campaign_id == campaign.id)
    ).one()
    h = Handover(
        campaign_id=campaign.id or 0,
        handover_no=int(last or 0) + 1,
        receiver=who,
        dossier_count=len(chosen),
        dossier_codes=codes,
        note=note,
        handed_by_id=actor.user_id,
        handed_at=now,
    )
    session.add(h)
    session.flush()
    # one statement: the database refuses any later change of a handed-over dossier
    session.execute(
        update(Dossier)
        .where(col(Dossier.id).in_([d.id for d in chosen]))
        .values(status=DossierStatus.handed_over.value, handed_over_at=now, handover_id=h.id)
    )
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=str(Action.handover),
        entity="handover",
        entity_id=h.handover_no,
        campaign_id=campaign.id,
        desk=actor.desk,
        at=now,
        detail={
            "handover_no": h.handover_no,
            "receiver": who,
            "count": len(codes),
            "codes": codes,
            "note": note,
        },
    )
    return h


def handovers(session: Session, campaign: Campaign) -> list[Handover]:
    """The campaign's handovers, first to last."""
    return list(
        session.exec(
            select(Handover)
            .where(Handover.campaign_id == campaign.id)
            .order_by(col(Handover.handover_no))
        )
    )
