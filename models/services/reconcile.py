"""Paper against online: who passed online review and has not brought paper yet (to chase
before the window closes), who was returned, accepted but unpaid, paid, whose online record
changed after acceptance, who was refused at the counter; and the counts by series, specialty
and level. Shows names and phone numbers, so it is for a lead, and every reading is audited."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models import audit
from models.audit import AuditEvent
from models.campaign import Campaign
from models.dossier import Dossier
from models.i18n import N_, on_paper
from models.idcard import mask_id
from models.imports import OnlineChange
from models.online import OnlineRecord
from models.payment import Payment
from models.permissions import Action, Actor, require
from models.services.campaigns import get_campaign
from models.services.payments import live_clause
from models.vocab import ONLINE_APPROVED, DossierStatus

REFUSED_ACTION = "intake.refused"  # written by the counter when paper is refused outright

UNKNOWN_COUNTY = N_("（未知）")  # group names of the lists (data: shown through _())
NO_UNIT = N_("（未填单位）")


@dataclass(frozen=True)
class Person:
    name: str
    id_masked: str
    unit: str
    county: str
    series: str
    specialty: str
    level: str
    track: str
    phone: str
    online_status: str
    dossier_code: str = ""
    note: str = ""


@dataclass
class Reconciliation:
    campaign_code: str
    campaign_title: str
    online_total: int = 0
    online_approved: int = 0
    no_paper: list[Person] = field(default_factory=list)  # approved online, no paper accepted
    returned: list[Person] = field(default_factory=list)  # returned, not yet back
    accepted_unpaid: list[Person] = field(default_factory=list)
    paid: list[Person] = field(default_factory=list)
    changed_after_acceptance: list[Person] = field(default_factory=list)
    refused: list[dict[str, Any]] = field(default_factory=list)  # from the counter's audit rows
    by_group: list[dict[str, Any]] = field(default_factory=list)  # series × specialty × level

    def no_paper_by_place(self) -> dict[str, dict[str, list[Person]]]:
        """county → unit → people, for chasing by phone."""
        out: dict[str, dict[str, list[Person]]] = defaultdict(lambda: defaultdict(list))
        for p in self.no_paper:
            out[p.county or UNKNOWN_COUNTY][p.unit or NO_UNIT].append(p)
        return {k: dict(v) for k, v in sorted(out.items())}

    def counts(self) -> dict[str, int]:
        return {
            "online_total": self.online_total,
            "online_approved": self.online_approved,
            "no_paper": len(self.no_paper),
            "returned": len(self.returned),
            "accepted_unpaid": len(self.accepted_unpaid),
            "paid": len(self.paid),
            "changed_after_acceptance": len(self.changed_after_acceptance),
            "refused": len(self.refused),
        }

    def to_json(self) -> dict[str, Any]:
        def people(xs: list[Person]) -> list[dict[str, Any]]:
            return [p.__dict__ for p in xs]

        return {
            "campaign": self.campaign_code,
            **self.counts(),
            "no_paper_by_county": {
                county: {unit: [p.name for p in ps] for unit, ps in units.items()}
                for county, units in self.no_paper_by_place().items()
            },
            "lists": {
                "no_paper": people(self.no_paper),
                "returned": people(self.returned),
                "accepted_unpaid": people(self.accepted_unpaid),
                "paid": people(self.paid),
                "changed_after_acceptance": people(self.changed_after_acceptance),
                "refused": self.refused,
            },
            "by_group": self.by_group,
        }


def _person(r: OnlineRecord, dossier_code: str = "", note: str = "") -> Person:
    return Person(
        name=r.name,
        id_masked=mask_id(r.id_number),
        unit=r.unit,
        county=r.county,
        series=r.series,
        specialty=r.specialty,
        level=r.level,
        track=r.track,
        phone=r.phone,
        online_status=r.status,
        dossier_code=dossier_code,
        note=note,
    )


def reconcile(
    session: Session, actor: Actor, campaign_code: str, *, export: Path | None = None
) -> Reconciliation:
    require(actor, Action.reconcile)
    c = get_campaign(session, campaign_code)
    assert c.id is not None
    result = build(session, c)
    if export is not None:
        write_export(result, export)
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=str(Action.reconcile),
        entity="campaign",
        entity_id=c.id,
        campaign_id=c.id,
        desk=actor.desk,
        detail={**result.counts(), "export": str(export) if export else None},
    )
    return result


def build(session: Session, c: Campaign) -> Reconciliation:
    result = Reconciliation(campaign_code=c.code, campaign_title=c.title)
    records = list(
        session.exec(
            select(OnlineRecord)
            .where(OnlineRecord.campaign_id == c.id)
            .order_by(col(OnlineRecord.county), col(OnlineRecord.unit), col(OnlineRecord.name_key))
        )
    )
    dossiers = {
        d.online_record_id: d
        for d in session.exec(select(Dossier).where(Dossier.campaign_id == c.id))
    }
    # paid while one of its payments stands (neither voided nor refunded in full)
    paid_dossiers = set(
        session.scalars(
            sa_select(col(Payment.dossier_id)).where(
                col(Payment.campaign_id) == c.id, live_clause()
            )
        )
    )
    changed: dict[int, list[OnlineChange]] = defaultdict(list)
    for ch in session.exec(
        select(OnlineChange)
        .join(OnlineRecord, col(OnlineRecord.id) == col(OnlineChange.record_id))
        .where(OnlineRecord.campaign_id == c.id)
    ):
        changed[ch.record_id].append(ch)
    groups: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    result.online_total = len(records)
    for r in records:
        g = groups[(r.series, r.specialty, r.level)]
        g["online"] += 1
        approved = r.status == ONLINE_APPROVED
        if approved:
            result.online_approved += 1
            g["approved"] += 1
        d = dossiers.get(r.id or 0)
        if d is None:
            if approved:
                result.no_paper.append(_person(r))
            continue
        if d.status == DossierStatus.returned.value:
            result.returned.append(_person(r))
            g["returned"] += 1
            continue
        code = d.dossier_code or ""
        g["accepted"] += 1
        if d.id in paid_dossiers:
            result.paid.append(_person(r, code))
            g["paid"] += 1
        else:
            result.accepted_unpaid.append(_person(r, code))
        if d.accepted_at is not None:
            after = [ch for ch in changed.get(r.id or 0, []) if ch.at > d.accepted_at]
            if after:
                fields = sorted({f for ch in after for f in ch.changes})
                result.changed_after_acceptance.append(_person(r, code, "、".join(fields)))
    for e in session.exec(
        select(AuditEvent)
        .where(AuditEvent.campaign_id == c.id, AuditEvent.action == REFUSED_ACTION)
        .order_by(col(AuditEvent.at))
    ):
        result.refused.append(
            {
                "at": e.at.isoformat(timespec="minutes"),
                "desk": e.desk,
                "by": e.actor_name,
                **e.detail,
            }
        )
    for (series, specialty, level), n in sorted(groups.items()):
        result.by_group.append(
            {
                "series": series,
                "specialty": specialty,
                "level": level,
                "online": n["online"],
                "approved": n["approved"],
                "accepted": n["accepted"],
                "returned": n["returned"],
                "paid": n["paid"],
            }
        )
    return result


PERSON_HEADERS = (
    "县市",
    "单位",
    "姓名",
    "身份证号",
    "系列",
    "专业",
    "申报类型",
    "级别",
    "联系电话",
    "网上状态",
    "受理编号",
    "说明",
)


def _rows(people: list[Person]) -> list[tuple[object, ...]]:
    return [
        (
            p.county,
            p.unit,
            p.name,
            p.id_masked,
            p.series,
            p.specialty,
            p.track,
            p.level,
            p.phone,
            p.online_status,
            p.dossier_code,
            p.note,
        )
        for p in people
    ]


@on_paper
def write_export(r: Reconciliation, path: Path) -> Path:
    from models.reports import write_xlsx

    c = r.counts()
    summary = [
        ("网上名单人数", c["online_total"]),
        ("其中通过形式审核", c["online_approved"]),
        ("通过但未报送纸质材料", c["no_paper"]),
        ("退回补正未再报送", c["returned"]),
        ("已受理未缴费", c["accepted_unpaid"]),
        ("已缴费", c["paid"]),
        ("受理后网上信息有变化", c["changed_after_acceptance"]),
        ("窗口拒收（不在名单或未通过）", c["refused"]),
    ]
    return write_xlsx(
        path,
        [
            ("概况", ("项目", "人数"), summary),
            ("未报送纸质材料", PERSON_HEADERS, _rows(r.no_paper)),
            ("退回补正", PERSON_HEADERS, _rows(r.returned)),
            ("已受理未缴费", PERSON_HEADERS, _rows(r.accepted_unpaid)),
            ("已缴费", PERSON_HEADERS, _rows(r.paid)),
            ("受理后网上有变化", PERSON_HEADERS, _rows(r.changed_after_acceptance)),
            (
                "窗口拒收",
                ("时间", "窗口", "受理员", "姓名", "身份证号", "原因"),
                [
                    (
                        x.get("at"),
                        x.get("desk"),
                        x.get("by"),
                        x.get("name", ""),
                        x.get("id_masked", ""),
                        x.get("reason", ""),
                    )
                    for x in r.refused
                ],
            ),
            (
                "按系列专业级别",
                (
                    "系列",
                    "专业",
                    "级别",
                    "网上名单",
                    "通过形式审核",
                    "已受理",
                    "退回补正",
                    "已缴费",
                ),
                [
                    (
                        g["series"],
                        g["specialty"],
                        g["level"],
                        g["online"],
                        g["approved"],
                        g["accepted"],
                        g["returned"],
                        g["paid"],
                    )
                    for g in r.by_group
                ],
            ),
        ],
    )
