"""The day view: one business day of one campaign, office-wide or for one desk, read from one range of the covering index plus the day's corrections and visits."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from typing import Any

from sqlmodel import Session, col, select

from models.campaign import Campaign
from models.permissions import Action, Actor, require
from models.services.payments import business_date
from models.services.tally.closes import close_code
from models.services.tally.queries import (
    _CORRECTIONS,
    _EXISTS,
    _GROUPED,
    _IN_RANGE,
    _NUMBERS,
    _VISITS,
)
from models.services.tally.records import OFFICE, Correction, DayView, Line, Receipts, clean_desk
from models.services.users import shown_name
from models.tally import DayClose
from models.types import utcnow
from models.vocab import (
    DayStatus,
    DossierStatus,
    PaymentKind,
    PaymentMethod,
)


def day_bounds(campaign: Campaign, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The office's calendar day as a UTC interval [start, end)."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=campaign.zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=campaign.zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def today(campaign: Campaign, now: dt.datetime | None = None) -> dt.date:
    return business_date(campaign, now or utcnow())


def day_view(
    session: Session, actor: Actor, campaign: Campaign, day: dt.date, *, desk: str = OFFICE
) -> DayView:
    """The figures of ``day`` for ``desk`` (``""``: the whole office). Read-only."""
    require(actor, Action.tally_view)
    desk = clean_desk(desk)
    view = _day_view(session, campaign, day, desk)
    close = view.close_of()
    if close is not None and close.status == DayStatus.closed.value:
        view = dataclasses.replace(view, close_code=close_code(session, campaign, day, desk))
    return view


def _line(key: str, kind: str, figures: list[int], name: str = "") -> Line:
    count, paid, voided, refunded = figures
    return Line(key, kind, count, paid, voided, refunded, name)


CHARGE_RULE = 2  # kept with each close: how its figures were counted (see _day_view)


def _day_view(
    session: Session,
    campaign: Campaign,
    day: dt.date,
    desk: str,
    *,
    charge_to_original: bool = True,
) -> DayView:
    """The figures of a day. A payment counts for the cashier and desk that took it; a void or
    a refund comes off the figures of the cashier and desk that took the payment it corrects
    (that desk's drawer held the money; who voided is shown with the correction), whoever made
    it and wherever. The receipt numbers are the slips each desk issued.

    ``charge_to_original=False`` counts a correction at the desk and for the person that made it,
    as the desk did before rule 2 (issue 20): closes sealed then are checked by their rule."""
    conn = session.connection()
    cid = campaign.id or 0
    every_desk = list(conn.execute(_GROUPED, {"campaign": cid, "day": day}))  # a few groups
    issued = [r for r in every_desk if not desk or r.desk == desk]  # slips this desk issued
    payments = [r for r in issued if r.kind == PaymentKind.payment.value]
    office_lo = min((int(r.lo) for r in every_desk), default=None)
    office_hi = max((int(r.hi) for r in every_desk), default=None)
    charged_desk = "original_desk" if charge_to_original else "desk"
    charged_cashier = "original_cashier_id" if charge_to_original else "cashier_id"
    corrections_rows = [
        c
        for c in conn.execute(_CORRECTIONS, {"campaign": cid, "day": day})
        if not desk or getattr(c, charged_desk) == desk
    ]

    names: dict[int, str] = {}

    def who(uid: int) -> str:  # one look-up per person, not per row
        if uid not in names:
            names[uid] = shown_name(session, uid)
        return names[uid]

    method_lines: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    fee_lines: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    cashier_lines: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    desk_lines: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    total = [0, 0, 0, 0]
    slot = {PaymentKind.payment.value: 1, PaymentKind.void.value: 2, PaymentKind.refund.value: 3}
    cashier_name: dict[str, str] = {}

    def count(
        kind: str, n: int, fen: int, method: str, fee: str, cashier: int, at_desk: str
    ) -> None:
        ck = f"{cashier}"
        cashier_name[ck] = who(cashier) or ck
        at = slot[kind]
        for acc in (
            method_lines[method],
            fee_lines[fee],
            cashier_lines[ck],
            desk_lines[at_desk],
            total,
        ):
            acc[at] += fen
            if at == 1:
                acc[0] += n

    for r in payments:
        count(
            r.kind,
            int(r.n),
            int(r.fen or 0),
            r.method,
            f"{r.track}·{r.level}",
            r.cashier_id,
            r.desk,
        )
    for c in corrections_rows:  # charged to the payment's cashier and desk (rule 2)
        count(
            c.kind,
            1,
            int(c.amount_fen),
            c.method,
            f"{c.track}·{c.level}",
            getattr(c, charged_cashier),
            getattr(c, charged_desk),
        )

    def lines(
        d: dict[str, list[int]], kind: str, order: list[str] | None = None
    ) -> tuple[Line, ...]:
        keys = order if order is not None else sorted(d)
        return tuple(
            _line(k, kind, d[k], cashier_name.get(k, "") if kind == "cashier" else "")
            for k in keys
            if k in d
        )

    method_order = [m.value for m in PaymentMethod]
    fee_order = sorted(fee_lines, key=lambda k: _fee_rank(campaign, k))

    visits = accepted = returned = 0
    start, end = day_bounds(campaign, day)
    for v in conn.execute(_VISITS, {"campaign": cid, "start": start, "end": end}):
        if desk and v.desk != desk:
            continue
        visits += int(v.n)
        if v.outcome == DossierStatus.accepted.value:
            accepted += int(v.n)
        elif v.outcome == DossierStatus.returned.value:
            returned += int(v.n)

    corrections = tuple(
        Correction(
            code=c.receipt_code,
            kind=c.kind,
            original_code=c.original_code,
            original_date=_as_date(c.original_date),
            fen=int(c.amount_fen),
            method=c.method,
            reason=c.reason,
            note=c.note,
            who=who(c.cashier_id),
            desk=c.desk,
            at=c.created_at,
            charged_to=who(c.original_cashier_id),
            charged_desk=c.original_desk,
        )
        for c in corrections_rows
    )

    return DayView(
        campaign_code=campaign.code,
        day=day,
        desk=desk,
        visits=visits,
        accepted=accepted,
        returned=returned,
        total=_line("total", "total", total),
        by_method=lines(method_lines, "method", method_order),
        by_fee=lines(fee_lines, "fee", fee_order),
        by_cashier=lines(cashier_lines, "cashier"),
        by_desk=lines(desk_lines, "desk"),
        corrections=corrections,
        receipts=_receipts(session, campaign, issued, office_lo, office_hi),
        closes=tuple(
            session.exec(
                select(DayClose)
                .where(DayClose.campaign_id == cid, DayClose.business_date == day)
                .order_by(col(DayClose.desk))
            ).all()
        ),
    )


def _fee_rank(campaign: Campaign, key: str) -> tuple[int, int, str]:
    """The notice's order: its tracks, then its levels (评审·初级 before 评审·中级)."""
    track, _dot, level = key.partition("·")

    def rank(xs: list[str], x: str) -> int:
        return xs.index(x) if x in xs else len(xs)

    return rank(campaign.tracks, track), rank(campaign.levels, level), key


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _receipts(
    session: Session, campaign: Campaign, rows: list[Any], lo: int | None, hi: int | None
) -> Receipts:
    """The day's numbers and the office-wide gap check over [lo, hi]: every number in it is a
    row (of this day or, near midnight, of the next), and ``lo − 1`` exists unless ``lo`` is 1."""
    count = sum(int(r.n) for r in rows)
    first = min((int(r.lo) for r in rows), default=None)
    last = max((int(r.hi) for r in rows), default=None)
    missing: tuple[int, ...] = ()
    follows = True
    if lo is not None and hi is not None:
        conn = session.connection()
        params = {"campaign": campaign.id, "lo": lo, "hi": hi}
        if int(conn.execute(_IN_RANGE, params).scalar_one()) != hi - lo + 1:
            have = {int(n) for n in conn.execute(_NUMBERS, params).scalars()}
            missing = tuple(n for n in range(lo, hi + 1) if n not in have)
        if lo > 1:
            follows = (
                conn.execute(_EXISTS, {"campaign": campaign.id, "n": lo - 1}).first() is not None
            )
    return Receipts(
        first=first,
        last=last,
        count=count,
        missing=missing,
        follows_on=follows,
        prefix=campaign.receipt_prefix,
    )
