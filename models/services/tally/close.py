"""The close (日结), per desk or office-wide: begin, record the count, confirm or cancel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, select

from models import audit
from models.campaign import Campaign, NumberSequence
from models.errors import InvalidInput, NotFound
from models.i18n import _
from models.money import Money
from models.permissions import Action, Actor, require
from models.services.tally.closes import _entity_id, find_close
from models.services.tally.count import Count
from models.services.tally.records import NOTE_MAX, OFFICE, DayRefused, clean_desk, desk_label
from models.services.tally.rows import CountResult, _expected_json, rows_of_day, rows_seal
from models.services.tally.view import _day_view, today
from models.tally import DayClose
from models.types import utcnow
from models.vocab import (
    DENOMINATIONS,
    DayStatus,
    NumberKind,
    PaymentMethod,
    Role,
)


def _check_desk(actor: Actor, desk: str) -> str:
    desk = clean_desk(desk)
    if desk == OFFICE and actor.role != Role.lead:
        raise DayRefused(_("全办公室日结须由负责人办理"), code="day.office_needs_lead")
    if actor.role != Role.lead and desk != actor.desk:
        raise DayRefused(
            _("只能为本窗口（{desk}）办理日结").format(desk=actor.desk or _("未设窗口")),
            code="day.other_desk",
        )
    return desk


def _unconfirmed(
    session: Session, campaign: Campaign, day: dt.date, desk: str, *, closed: str
) -> DayClose:
    """The day's begun close, locked; refused when there is none or it is already confirmed
    (``closed``, a message with ``{day}`` and ``{desk}``, says what cannot be done then)."""
    row = find_close(session, campaign, day, desk, lock=True)
    if row is None:
        raise NotFound(
            _("{day:%Y-%m-%d} {desk}尚未开始日结（请先开始日结，停止收费后再清点）").format(
                day=day, desk=desk_label(desk)
            ),
            code="day.not_begun",
        )
    if row.status == DayStatus.closed.value:
        raise DayRefused(closed.format(day=day, desk=desk_label(desk)), code="day.closed")
    return row


def _audit(
    session: Session,
    actor: Actor,
    action: Action,
    campaign: Campaign,
    day: dt.date,
    desk: str,
    now: dt.datetime,
    **detail: Any,
) -> None:
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=str(action),
        entity="day_close",
        entity_id=_entity_id(day, desk),
        campaign_id=campaign.id,
        desk=actor.desk,
        at=now,
        detail={"day": day.isoformat(), "desk": desk, **detail},
    )


def begin_close(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    day: dt.date,
    *,
    desk: str,
    now: dt.datetime | None = None,
) -> DayClose:
    """Begin the close: from now on the desk (office-wide: every desk) takes no payment, void or
    refund dated ``day``."""
    require(actor, Action.day_begin)
    now = now or utcnow()
    desk = _check_desk(actor, desk)
    if day > today(campaign, now):
        raise InvalidInput(_("{day:%Y-%m-%d} 还未到，不能日结").format(day=day), code="day.future")
    existing = find_close(session, campaign, day, desk)
    if existing is not None:
        raise DayRefused(
            _("{day:%Y-%m-%d} {desk}{status}").format(
                day=day, desk=desk_label(desk), status=DayStatus(existing.status).label
            ),
            code="day.already_begun",
        )
    office = find_close(session, campaign, day, OFFICE)
    if office is not None and office.status == DayStatus.closed.value:
        raise DayRefused(_("{day:%Y-%m-%d} 全办公室已日结").format(day=day), code="day.closed")
    assert actor.user_id is not None
    row = DayClose(
        campaign_id=campaign.id or 0,
        business_date=day,
        desk=desk,
        status=DayStatus.closing.value,
        begun_by_id=actor.user_id,
        begun_at=now,
    )
    session.add(row)
    session.flush()
    _audit(session, actor, Action.day_begin, campaign, day, desk, now)
    return row


def record_count(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    day: dt.date,
    *,
    desk: str,
    count: Count,
    note: str = "",
    now: dt.datetime | None = None,
) -> CountResult:
    """Record the blind count (again, if recounted: every count is audited) and compare it with
    what the day's rows say each method should hold."""
    require(actor, Action.day_count)
    now = now or utcnow()
    desk = _check_desk(actor, desk)
    note = _clean_note(note)
    row = _unconfirmed(
        session, campaign, day, desk, closed=_("{day:%Y-%m-%d} {desk}已日结，不能再清点")
    )
    view = _day_view(session, campaign, day, desk)
    result = CountResult(close=row, expected=view.expected(), counted=count.by_method())
    row.status = DayStatus.counted.value
    row.expected = _expected_json(view)
    row.counted = count.to_json()
    row.difference_fen = result.difference_fen
    row.note = note or row.note
    row.counted_by_id, row.counted_at = actor.user_id, now
    session.add(row)
    _audit(
        session,
        actor,
        Action.day_count,
        campaign,
        day,
        desk,
        now,
        counted=row.counted,
        expected=result.expected,
        differences=result.differences,
        note=note,
    )
    return result


def confirm_close(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    day: dt.date,
    *,
    desk: str,
    note: str = "",
    now: dt.datetime | None = None,
) -> DayClose:
    """The lead confirms the counted close: a difference needs a note; the day is locked."""
    require(actor, Action.day_close)
    now = now or utcnow()
    desk = clean_desk(desk)
    note = _clean_note(note)
    # Payments take the receipt counter's row lock until they commit: holding it here makes
    # every payment in flight commit first (and be counted below), and every later one see
    # this close when it inserts (the database then refuses it).
    session.exec(
        select(NumberSequence)
        .where(
            NumberSequence.campaign_id == campaign.id,
            NumberSequence.kind == NumberKind.receipt.value,
        )
        .with_for_update()
    ).first()
    row = _unconfirmed(session, campaign, day, desk, closed=_("{day:%Y-%m-%d} {desk}已日结"))
    if row.status != DayStatus.counted.value:
        raise DayRefused(_("请先录入现金清点，再确认日结"), code="day.not_counted")
    view = _day_view(session, campaign, day, desk)
    if view.expected() != row.expected.get("methods"):
        raise DayRefused(_("清点之后本日又有收费、作废或退费记录：请重新清点"), code="day.changed")
    note = note or row.note
    counted = row.counted.get("methods", {})
    differences = CountResult(
        close=row,
        expected=view.expected(),
        counted={m: int(counted.get(m, 0)) for m in view.expected()},
    ).differences
    if differences and not note:
        shown = "；".join(
            (_("{method}多 {amount} 元") if d > 0 else _("{method}少 {amount} 元")).format(
                method=PaymentMethod(m).label, amount=Money(abs(d)).figures()
            )
            for m, d in differences.items()
        )
        raise InvalidInput(
            _("清点与应有金额有差额（{shown}）：须填写差额说明").format(shown=shown),
            code="day.note_required",
            differences=differences,
        )
    row.status = DayStatus.closed.value
    row.note = note
    # the figures and a seal of the rows the close answers for: in the audit event too, whose
    # hash is chained, so neither the rows nor the close's row can be changed unseen
    row.expected = {
        **_expected_json(view),
        "rows": rows_seal(rows_of_day(session, campaign, day, desk)),
    }
    row.closed_by_id, row.closed_at = actor.user_id, now
    session.add(row)
    _audit(
        session,
        actor,
        Action.day_close,
        campaign,
        day,
        desk,
        now,
        expected=row.expected,
        counted=row.counted,
        difference_fen=row.difference_fen,
        note=note,
        closed_at=now.isoformat(),
    )
    return row


def cancel_close(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    day: dt.date,
    *,
    desk: str,
    reason: str,
    now: dt.datetime | None = None,
) -> None:
    """Take back a close that is not confirmed: the desk takes payments again."""
    require(actor, Action.day_cancel)
    now = now or utcnow()
    desk = clean_desk(desk)
    reason = _clean_note(reason)
    if not reason:
        raise InvalidInput(_("取消日结须写明原因"), code="day.reason_required")
    row = _unconfirmed(
        session,
        campaign,
        day,
        desk,
        closed=_("{day:%Y-%m-%d} {desk}已日结锁定，不能取消；更正请在下一个营业日办理"),
    )
    _audit(
        session,
        actor,
        Action.day_cancel,
        campaign,
        day,
        desk,
        now,
        status=row.status,
        counted=row.counted,
        difference_fen=row.difference_fen,
        reason=reason,
    )
    session.delete(row)


def _clean_note(note: str) -> str:
    text = " ".join((note or "").split())  # Chinese punctuation kept as typed
    if len(text) > NOTE_MAX:
        raise InvalidInput(
            _("说明最多 {NOTE_MAX} 字").format(NOTE_MAX=NOTE_MAX), code="day.note_too_long"
        )
    return text


def counted_cash(close: DayClose) -> dict[int, int]:
    """The pieces of each denomination recorded by a count (fen → pieces)."""
    cash = (close.counted or {}).get("cash", {})
    return {d: int(cash.get(str(d), 0)) for d in DENOMINATIONS}
