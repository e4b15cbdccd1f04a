"""Handing dossiers over to the review: recording it, and the handovers made."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from models import audit
from models.campaign import Campaign
from models.dossier import Dossier
from models.errors import InvalidInput
from models.i18n import _
from models.permissions import Action, Actor, require
from models.services.handover.records import NOTE_MAX, RECEIVER_MAX, HandoverRefused
from models.services.handover.roster import _paid
from models.tally import Handover
from models.types import utcnow
from models.vocab import DossierStatus


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


def handovers(session: Session, actor: Actor, campaign: Campaign) -> list[Handover]:
    """The campaign's handovers, first to last. Needs ``dossier.handover``."""
    require(actor, Action.handover)
    return list(
        session.exec(
            select(Handover)
            .where(Handover.campaign_id == campaign.id)
            .order_by(col(Handover.handover_no))
        )
    )
