"""The data of a dossier's papers from real records: the envelope label, the material-list and
acceptance slips (one ``DossierData``), the latest correction notice and a notice's data, and
a handover's slip. Reads only (``models.services.documents``); never imports Textual."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from models.campaign import Campaign, ChecklistItem
from models.dossier import Dossier, DossierVisit, ItemVerdict
from models.errors import DomainError, InvalidInput
from models.i18n import _, on_paper
from models.money import Money
from models.permissions import Actor
from models.services.campaigns import fee_for, window_status
from models.services.documents import (
    checklist_of,
    dossier_by_id,
    dossier_parts,
    handover_names,
    verdicts_of,
    visits_of,
)
from models.services.users import shown_name
from models.tally import Handover
from models.vocab import DossierStatus, ItemKind
from printers.data import Deficiency, DossierData, HandoverData, MaterialLine, NoticeData
from tui.work.office import applicant_of, office_of

if TYPE_CHECKING:
    from sqlmodel import Session


def _remark(item: ChecklistItem, v: ItemVerdict) -> str:
    parts = []
    if v.original_checked:
        parts.append("原件已核对退还")
    if v.stamped_endorsed:
        parts.append("已盖章签署")
    if item.handwritten and v.handwritten_ok:
        parts.append("手写已核")
    if item.kind == ItemKind.original_kept.value:
        parts.append("原件")
    return "，".join(parts)


@on_paper
def dossier_data(session: Session, dossier: Dossier) -> DossierData:
    if dossier.status == DossierStatus.returned.value or dossier.dossier_code is None:
        raise InvalidInput(_("该档案尚未受理，没有档案袋标签和受理回执"), code="print.not_accepted")
    c, rec = dossier_parts(session, dossier)
    visits = visits_of(session, dossier, DossierStatus.accepted)
    visit = visits[0] if visits else None
    materials: list[MaterialLine] = []
    returned: list[str] = []
    if visit is not None:
        items = checklist_of(session, c.id)
        verdicts = verdicts_of(session, visit.id)
        for v in sorted(
            verdicts, key=lambda v: items[v.item_key].position if v.item_key in items else 0
        ):
            item = items.get(v.item_key)
            if item is None or not v.present:
                continue
            materials.append(MaterialLine(item.name, v.copies, _remark(item, v)))
            if v.original_checked:
                returned.append(item.name)
    try:
        fee: Money | None = fee_for(session, c.id or 0, dossier.track, dossier.level).amount
    except DomainError:
        fee = None
    accepted_at = dossier.accepted_at or (visit.at if visit else dossier.created_at)
    return DossierData(
        office=office_of(c),
        dossier_code=dossier.dossier_code,
        accepted_at=accepted_at,
        applicant=applicant_of(rec, dossier),
        clerk=shown_name(session, dossier.accepted_by_id),
        materials=tuple(materials),
        originals_returned=tuple(returned),
        fee=fee,
        pay_at=f"{c.place}收费窗口",
        desk=visit.desk if visit else "",
    )


def latest_notice(session: Session, dossier: Dossier) -> DossierVisit:
    visits = visits_of(session, dossier, DossierStatus.returned)
    if not visits or not visits[0].notice_code:
        raise InvalidInput(_("该档案没有一次性告知单（未曾退回补正）"), code="print.no_notice")
    return visits[0]


@on_paper
def notice_data(session: Session, visit: DossierVisit) -> NoticeData:
    dossier = dossier_by_id(session, visit.dossier_id)
    c, rec = dossier_parts(session, dossier)
    win = window_status(session, c, series=rec.series or None, at=visit.at, level=rec.level)
    # the window's end as the notice states it: a day (2021-10-10) or a time (2024-10-31 18:00);
    # nothing the notice does not say (no "下班前")
    deadline = "纸质材料报送截止前"
    if win.window is not None:
        end = win.window.ends_at.astimezone(c.zone)
        if end.time() == dt.time(0):
            deadline = f"{(end - dt.timedelta(days=1)):%Y-%m-%d}（{win.window.label}截止）"
        else:
            deadline = f"{end:%Y-%m-%d %H:%M}（{win.window.label}截止）"
    return NoticeData(
        office=office_of(c),
        notice_code=visit.notice_code or "",
        issued_at=visit.at,
        applicant=applicant_of(rec, dossier),
        deficiencies=tuple(
            Deficiency(str(x.get("item", "")), str(x.get("problem", "")))
            for x in visit.deficiencies
        ),
        deadline=deadline,
        clerk=shown_name(session, visit.clerk_id),
        desk=visit.desk,
    )


def handover_slip_data(
    session: Session, actor: Actor, campaign: Campaign, h: Handover
) -> HandoverData:
    """The handover slip (移交单) of handover ``h``: for whoever may read the roster."""
    names = handover_names(session, actor, campaign, list(h.dossier_codes))
    return HandoverData(
        office=office_of(campaign),
        campaign_title=campaign.title,
        handover_no=h.handover_no,
        receiver=h.receiver,
        handed_by=shown_name(session, h.handed_by_id),
        handed_at=h.handed_at,
        dossiers=tuple((c, names.get(c, "")) for c in h.dossier_codes),
        note=h.note,
    )
