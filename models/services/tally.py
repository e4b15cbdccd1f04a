"""The day's tally and its close (日结).

**The day view** (``day_view``): one business day of one campaign, office-wide or for one desk —
the dossiers the counter saw, the money by method, by track and level, by cashier and desk, the
voids and refunds (corrections of earlier days carry the original's number and date), and the
receipt numbers with a gap check. It reads one range of the covering index ``ix_payment_day``
(no table rows) plus the day's corrections and visits, so it costs the same at a million payments
as at a hundred.

**The close** is two-phase, per desk (``desk = "1号窗口"``) or office-wide (``desk = ""``):
``begin_close`` — the desk (or every desk) takes no new payment, void or refund for the day;
``record_count`` — a blind count: the cash by denomination and each other method's total are
entered before the expected figures are shown, then compared; ``confirm_close`` — the lead
confirms, a difference needs a note, and the day is locked: the service refuses anything dated
into it and the database refuses a payment row dated into it (migration 0006). Corrections of a
locked day are voids or refunds dated on the next open day, pointing at the original.
``cancel_close`` takes back a close that is not yet confirmed (the desk takes payments again).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models import audit
from models.campaign import Campaign, NumberSequence
from models.dossier import DossierVisit
from models.errors import Conflict, InvalidInput, NotFound
from models.i18n import N_, _, paper
from models.money import Money
from models.payment import Payment
from models.permissions import Action, Actor, require
from models.reports import write_xlsx
from models.services.numbering import format_number
from models.services.payments import REFUND_REASONS, VOID_REASONS, business_date
from models.services.users import shown_name
from models.tally import DayClose
from models.text import clean_desk_name, shorten
from models.types import utcnow
from models.vocab import (
    DENOMINATIONS,
    DayStatus,
    DossierStatus,
    NumberKind,
    PaymentKind,
    PaymentMethod,
    Role,
    denomination_label,
)

OFFICE = ""  # the desk name of the office-wide close
MAX_PIECES = 100_000  # per denomination: more is a typing slip, not a cash box
NOTE_MAX = 500


class DayRefused(Conflict):
    code = "day.refused"


OFFICE_LABEL = N_("全办公室")  # the office-wide close, as the audit log names it


def desk_label(desk: str) -> str:
    return desk or _(OFFICE_LABEL)


# ---------------------------------------------------------------------------------------------
# The day view


@dataclass(frozen=True, slots=True)
class Line:
    """One row of a breakdown: payments taken, what was taken back (voids and refunds), net.
    Its label is made from its key when it is read, in the language of the moment (the screen's,
    or Chinese while a document is made)."""

    key: str
    kind: str  # "method", "fee" (track·level), "cashier" (key: the user's id), "desk", "total"
    count: int = 0  # payments
    paid_fen: int = 0
    voided_fen: int = 0
    refunded_fen: int = 0
    name: str = ""  # a cashier's shown name

    @property
    def label(self) -> str:
        if self.kind == "method":
            return PaymentMethod(self.key).label
        if self.kind == "fee":
            return "·".join(_(part) for part in self.key.split("·"))
        if self.kind == "cashier":
            return self.name or self.key
        if self.kind == "desk":
            return self.key or _("（未设窗口）")
        return _("合计")

    @property
    def net_fen(self) -> int:
        return self.paid_fen - self.voided_fen - self.refunded_fen


@dataclass(frozen=True, slots=True)
class Correction:
    """A void or a refund made this day; ``original_date`` differs when it corrects an earlier
    (possibly closed) day."""

    code: str
    kind: str
    original_code: str
    original_date: dt.date
    fen: int
    method: str
    reason: str
    note: str
    who: str  # who voided or refunded
    desk: str  # at which desk
    at: dt.datetime
    charged_to: str = ""  # who took the payment it corrects: his figures lose it
    charged_desk: str = ""  # the desk that took it: its expected money loses it


@dataclass(frozen=True, slots=True)
class Receipts:
    """The receipt numbers of the day (every payment, void and refund takes one)."""

    first: int | None
    last: int | None
    count: int  # rows of this day (this desk)
    missing: tuple[int, ...]  # numbers in the office's range with no row: must be none
    follows_on: bool  # the first number follows the one before it (or is number 1)
    prefix: str

    def code(self, n: int) -> str:
        return format_number(self.prefix, n)

    @property
    def range_text(self) -> str:
        if self.first is None or self.last is None:
            return _("无")
        return _("{first}–{last}（{count} 张）").format(
            first=self.code(self.first), last=self.code(self.last), count=self.count
        )

    @property
    def ok(self) -> bool:
        return not self.missing and self.follows_on

    @property
    def gap_text(self) -> str:
        if self.first is None:
            return _("今日无收据")
        if self.ok:
            return _("已检查，收据号连续，无断号")
        parts = []
        if self.missing:
            shown = "、".join(self.code(n) for n in self.missing[:10])
            parts.append(
                (
                    _("缺号 {numbers} 等 {count} 个")
                    if len(self.missing) > 10
                    else _("缺号 {numbers}")
                ).format(numbers=shown, count=len(self.missing))
            )
        if not self.follows_on and self.first is not None:
            parts.append(
                _("{number} 不存在（与前一日不连续）").format(number=self.code(self.first - 1))
            )
        return _("发现断号：{problems}").format(problems="；".join(parts))


@dataclass(frozen=True)
class DayView:
    campaign_code: str
    day: dt.date
    desk: str  # "" = the whole office
    visits: int  # dossiers brought to the counter (each check counts)
    accepted: int
    returned: int
    total: Line
    by_method: tuple[Line, ...]
    by_fee: tuple[Line, ...]  # track·level
    by_cashier: tuple[Line, ...]
    by_desk: tuple[Line, ...]
    corrections: tuple[Correction, ...]
    receipts: Receipts
    closes: tuple[DayClose, ...]  # this day's closes (the office's and every desk's)
    close_code: str = ""  # the confirmed close's code (format_code), printed on the Z report

    def expected(self) -> dict[str, int]:
        """What each method should hold at the end of the day (net fen), every method listed."""
        got = {ln.key: ln.net_fen for ln in self.by_method}
        return {m.value: got.get(m.value, 0) for m in PaymentMethod}

    def close_of(self, desk: str | None = None) -> DayClose | None:
        want = self.desk if desk is None else desk
        return next((c for c in self.closes if c.desk == want), None)

    def totals(self) -> dict[str, Any]:
        """The figures kept with a closed day (the campaign chart reads them back)."""
        return {
            "visits": self.visits,
            "accepted": self.accepted,
            "returned": self.returned,
            "payments": self.total.count,
            "paid_fen": self.total.paid_fen,
            "voided_fen": self.total.voided_fen,
            "refunded_fen": self.total.refunded_fen,
            "net_fen": self.total.net_fen,
        }


_PAY = Payment.__table__  # type: ignore[attr-defined]
_EVENTS = audit.AuditEvent.__table__  # type: ignore[attr-defined]
_VISIT = DossierVisit.__table__  # type: ignore[attr-defined]

# the day's rows, grouped: served from ix_payment_day alone
_GROUPED = (
    sa_select(
        _PAY.c.kind,
        _PAY.c.method,
        _PAY.c.desk,
        _PAY.c.cashier_id,
        _PAY.c.track,
        _PAY.c.level,
        func.count().label("n"),
        func.sum(_PAY.c.amount_fen).label("fen"),
        func.min(_PAY.c.receipt_no).label("lo"),
        func.max(_PAY.c.receipt_no).label("hi"),
    )
    .where(_PAY.c.campaign_id == bindparam("campaign"), _PAY.c.business_date == bindparam("day"))
    .group_by(
        _PAY.c.kind, _PAY.c.method, _PAY.c.desk, _PAY.c.cashier_id, _PAY.c.track, _PAY.c.level
    )
)
_ORIGINAL = _PAY.alias("original")
_CORRECTIONS = (
    sa_select(
        _PAY.c.receipt_code,
        _PAY.c.kind,
        _PAY.c.amount_fen,
        _PAY.c.method,
        _PAY.c.reason,
        _PAY.c.note,
        _PAY.c.cashier_id,
        _PAY.c.desk,
        _PAY.c.created_at,
        _PAY.c.track,
        _PAY.c.level,
        _ORIGINAL.c.receipt_code.label("original_code"),
        _ORIGINAL.c.business_date.label("original_date"),
        _ORIGINAL.c.cashier_id.label("original_cashier_id"),
        _ORIGINAL.c.desk.label("original_desk"),
    )
    .join_from(_PAY, _ORIGINAL, _ORIGINAL.c.id == _PAY.c.original_id)
    .where(
        _PAY.c.campaign_id == bindparam("campaign"),
        _PAY.c.business_date == bindparam("day"),
        _PAY.c.kind.in_([PaymentKind.void.value, PaymentKind.refund.value]),
    )
    # "+ 0": sort the day's few rows, not walk the campaign in (campaign_id, receipt_no) order
    .order_by(_PAY.c.receipt_no + 0)
)
# the day's visits: one range of ix_dossier_visit_day (campaign, at, outcome, desk)
_VISITS = (
    sa_select(_VISIT.c.outcome, _VISIT.c.desk, func.count().label("n"))
    .where(
        _VISIT.c.campaign_id == bindparam("campaign"),
        _VISIT.c.at >= bindparam("start"),
        _VISIT.c.at < bindparam("end"),
    )
    .group_by(_VISIT.c.outcome, _VISIT.c.desk)
)
# where the campaign's days begin: both are one end of an index
_FIRST_PAYMENT_DAY = sa_select(func.min(_PAY.c.business_date)).where(
    _PAY.c.campaign_id == bindparam("campaign")
)
_FIRST_VISIT = sa_select(func.min(_VISIT.c.at)).where(_VISIT.c.campaign_id == bindparam("campaign"))
_IN_RANGE = (
    sa_select(func.count())
    .select_from(_PAY)
    .where(
        _PAY.c.campaign_id == bindparam("campaign"),
        _PAY.c.receipt_no.between(bindparam("lo"), bindparam("hi")),
    )
)
_NUMBERS = sa_select(_PAY.c.receipt_no).where(
    _PAY.c.campaign_id == bindparam("campaign"),
    _PAY.c.receipt_no.between(bindparam("lo"), bindparam("hi")),
)
_EXISTS = sa_select(_PAY.c.id).where(
    _PAY.c.campaign_id == bindparam("campaign"), _PAY.c.receipt_no == bindparam("n")
)


def day_bounds(campaign: Campaign, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The office's calendar day as a UTC interval [start, end)."""
    start = dt.datetime.combine(day, dt.time(), tzinfo=campaign.zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tzinfo=campaign.zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def today(campaign: Campaign, now: dt.datetime | None = None) -> dt.date:
    return business_date(campaign, now or utcnow())


def clean_desk(desk: str | None) -> str:
    return clean_desk_name(desk or "")


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


# ---------------------------------------------------------------------------------------------
# The campaign so far (the chart)


@dataclass(frozen=True, slots=True)
class DayFigures:
    day: dt.date
    closed: bool
    visits: int
    accepted: int
    returned: int
    payments: int
    net_fen: int


def campaign_days(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    until: dt.date,
    *,
    first: dt.date | None = None,
) -> list[DayFigures]:
    """One row per calendar day from the first day with any activity to ``until``. A day the
    office has closed is read from the figures kept with its close (it cannot change); an open
    day is counted from its rows."""
    require(actor, Action.tally_view)
    cid = campaign.id or 0
    conn = session.connection()
    start = first
    if start is None:
        firsts = [conn.execute(_FIRST_PAYMENT_DAY, {"campaign": cid}).scalar()]
        first_visit = conn.execute(_FIRST_VISIT, {"campaign": cid}).scalar()
        if first_visit is not None:
            at = first_visit if first_visit.tzinfo else first_visit.replace(tzinfo=dt.UTC)
            firsts.append(business_date(campaign, at))
        known = [_as_date(d) for d in firsts if d is not None]
        if not known:
            return []
        start = min(known)
    closed = {
        c.business_date: c
        for c in session.exec(
            select(DayClose).where(
                DayClose.campaign_id == cid,
                DayClose.desk == OFFICE,
                DayClose.status == DayStatus.closed.value,
                col(DayClose.business_date).between(start, until),
            )
        )
    }
    out: list[DayFigures] = []
    day = start
    while day <= until:
        c = closed.get(day)
        t = (c.expected.get("totals") if c is not None else None) or _day_view(
            session, campaign, day, OFFICE
        ).totals()
        out.append(
            DayFigures(
                day=day,
                closed=c is not None,
                visits=int(t["visits"]),
                accepted=int(t["accepted"]),
                returned=int(t["returned"]),
                payments=int(t["payments"]),
                net_fen=int(t["net_fen"]),
            )
        )
        day += dt.timedelta(days=1)
    return out


# ---------------------------------------------------------------------------------------------
# The close


@dataclass(frozen=True, slots=True)
class Count:
    """A blind count: cash pieces by denomination (fen → pieces) and the other methods' totals
    (from the POS settlement slip, the bank's statement, the QR platform's list)."""

    cash: Mapping[int, int]
    others: Mapping[str, Money] = field(default_factory=dict)

    @property
    def cash_fen(self) -> int:
        return sum(d * n for d, n in self.cash.items())

    def by_method(self) -> dict[str, int]:
        out = {m.value: 0 for m in PaymentMethod}
        out[PaymentMethod.cash.value] = self.cash_fen
        for m, amount in self.others.items():
            out[m] = amount.fen
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "cash": {str(d): int(self.cash.get(d, 0)) for d in DENOMINATIONS},
            "methods": self.by_method(),
        }


def parse_count(
    cash: Mapping[int, int | str],
    others: Mapping[str, str | Money] | None = None,
) -> Count:
    """What the counter typed → a Count, or a Chinese message naming the bad field."""
    pieces: dict[int, int] = {}
    for d in DENOMINATIONS:
        raw = cash.get(d, 0)
        if isinstance(raw, int) and not 0 <= raw <= MAX_PIECES:  # before str(): 4 300+ digits
            raise InvalidInput(
                _("{denomination}的张（枚）数应为 0–{MAX_PIECES}").format(
                    denomination=denomination_label(d), MAX_PIECES=MAX_PIECES
                ),
                code="day.bad_pieces",
            )
        text = unicodedata.normalize("NFKC", str(raw)).strip() or "0"
        # isdecimal, not isdigit: int() refuses ² and the Ethiopic ፩ that isdigit accepts
        if not text.isdecimal():
            raise InvalidInput(
                _("{denomination}的张（枚）数“{raw}”不正确：请输入整数").format(
                    denomination=denomination_label(d), raw=shorten(raw, 20)
                ),
                code="day.bad_pieces",
            )
        if len(text.lstrip("0")) > len(str(MAX_PIECES)):  # before int(): it refuses 4 300+ digits
            raise InvalidInput(
                _("{denomination} 张数过多，请核对").format(denomination=denomination_label(d)),
                code="day.bad_pieces",
            )
        n = int(text)
        if n > MAX_PIECES:
            raise InvalidInput(
                _("{denomination} {n} 张过多，请核对").format(denomination=denomination_label(d), n=n),
                code="day.bad_pieces",
            )
        pieces[d] = n
    unknown = set(cash) - set(DENOMINATIONS)
    if unknown:
        names = "、".join(sorted(shorten(x, 20) for x in unknown))
        raise InvalidInput(
            _("没有面额 {names}（分）").format(names=names), code="day.bad_denomination"
        )
    amounts: dict[str, Money] = {}
    for key, value in (others or {}).items():
        try:
            m = PaymentMethod(key)
        except ValueError:
            raise InvalidInput(
                _("没有收款方式“{key}”").format(key=shorten(key, 20)), code="day.bad_method"
            ) from None
        if m == PaymentMethod.cash:
            raise InvalidInput(_("现金按面额清点"), code="day.cash_by_denomination")
        amount = (
            value
            if isinstance(value, Money)
            else (Money(0) if not str(value).strip() else Money.parse(str(value)))
        )
        if amount.fen < 0:
            raise InvalidInput(_("{label}金额不能为负").format(label=m.label), code="day.negative")
        amounts[m.value] = amount
    return Count(cash=pieces, others=amounts)


def find_close(
    session: Session, campaign: Campaign, day: dt.date, desk: str, *, lock: bool = False
) -> DayClose | None:
    stmt = select(DayClose).where(
        DayClose.campaign_id == campaign.id, DayClose.business_date == day, DayClose.desk == desk
    )
    return session.exec(stmt.with_for_update() if lock else stmt).first()


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


def _entity_id(day: dt.date, desk: str) -> str:
    return f"{day.isoformat()} {desk or OFFICE_LABEL}"


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


def format_code(digest: str) -> str:
    """A close's code as printed: its audit event's hash, the first 16 hex digits in fours."""
    head = digest[:16]
    return " ".join(head[i : i + 4] for i in range(0, len(head), 4))


def close_code(session: Session, campaign: Campaign, day: dt.date, desk: str) -> str:
    """The code of a confirmed close (``""`` when there is none): the hash of the audit event
    that sealed it. It is printed on the day's Z report and listed by ``desk audit verify``: the
    database alone can be re-hashed by whoever owns it, the paper filed that evening cannot."""
    digest = (
        session.connection()
        .execute(
            sa_select(_EVENTS.c.hash)
            .where(
                _EVENTS.c.action == str(Action.day_close),
                _EVENTS.c.entity == "day_close",
                _EVENTS.c.campaign_id == campaign.id,
                _EVENTS.c.entity_id == _entity_id(day, clean_desk(desk)),
            )
            .order_by(_EVENTS.c.id.desc())
            .limit(1)
        )
        .scalar()
    )
    return format_code(str(digest)) if digest else ""


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


@dataclass(frozen=True, slots=True)
class CountResult:
    close: DayClose
    expected: dict[str, int]  # method → fen
    counted: dict[str, int]

    @property
    def differences(self) -> dict[str, int]:
        return {
            m: self.counted[m] - self.expected[m]
            for m in self.expected
            if self.counted[m] != self.expected[m]
        }

    @property
    def difference_fen(self) -> int:
        return sum(self.differences.values())


def _expected_json(view: DayView) -> dict[str, Any]:
    return {
        "methods": view.expected(),
        "totals": view.totals(),
        "receipts": {
            "first": view.receipts.first,
            "last": view.receipts.last,
            "count": view.receipts.count,
            "gaps": list(view.receipts.missing),
        },
        "rule": CHARGE_RULE,
    }


_ROWS_OF_DAY = (
    sa_select(
        *(_PAY.c[name] for name in audit.SEAL_VERSIONS[("payment", 2)]),
        _ORIGINAL.c.desk.label("original_desk"),
    )
    .select_from(_PAY.outerjoin(_ORIGINAL, _ORIGINAL.c.id == _PAY.c.original_id))
    .where(_PAY.c.campaign_id == bindparam("campaign"), _PAY.c.business_date == bindparam("day"))
    .order_by(_PAY.c.id)
)


def rows_of_day(
    session: Session,
    campaign: Campaign,
    day: dt.date,
    desk: str,
    *,
    charge_to_original: bool = True,
) -> list[Any]:
    """The payment rows a close of ``desk`` (``""``: the office) answers for: dated into the
    day and issued at the desk, or (rule 2) correcting a payment the desk took."""
    return [
        r
        for r in session.connection().execute(_ROWS_OF_DAY, {"campaign": campaign.id, "day": day})
        if not desk or r.desk == desk or (charge_to_original and r.original_desk == desk)
    ]


def rows_seal(rows: list[Any]) -> dict[str, Any]:
    """How many rows and one digest of them all (each row's sealed columns, in id order): kept
    with the close, in its audit event, so a row added, removed or changed later shows."""
    h = hashlib.sha256()
    for r in rows:
        h.update(f"{r.id}:{audit.row_digest('payment', r._mapping, 2)}\n".encode())
    return {"count": len(rows), "sha256": h.hexdigest(), "v": 2}


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


# ---------------------------------------------------------------------------------------------
# Export


def day_view_xlsx(path: Path, view: DayView) -> Path:
    with paper():
        return _day_view_xlsx(path, view)


def _day_view_xlsx(path: Path, view: DayView) -> Path:
    """The Z report as a workbook: 概况, the breakdowns, the corrections and the count."""

    def breakdown(lines: tuple[Line, ...]) -> list[list[object]]:
        return [
            [
                ln.label,
                ln.count,
                Money(ln.paid_fen),
                Money(ln.voided_fen),
                Money(ln.refunded_fen),
                Money(ln.net_fen),
            ]
            for ln in lines
        ]

    heads = ["项目", "收费笔数", "收费金额（元）", "作废冲减（元）", "退费（元）", "净额（元）"]
    close = view.close_of()
    summary: list[list[object]] = [
        ["评审批次", view.campaign_code],
        ["营业日", f"{view.day:%Y-%m-%d}"],
        ["范围", desk_label(view.desk)],
        ["报送（次）", view.visits],
        ["受理（份）", view.accepted],
        ["退回补正（份）", view.returned],
        ["收费笔数", view.total.count],
        ["收费金额（元）", Money(view.total.paid_fen)],
        ["作废冲减（元）", Money(view.total.voided_fen)],
        ["退费（元）", Money(view.total.refunded_fen)],
        ["净额（元）", Money(view.total.net_fen)],
        ["收据号", view.receipts.range_text],
        ["断号检查", view.receipts.gap_text],
        ["日结状态", DayStatus(close.status).label if close else "未日结"],
    ]
    if view.close_code:
        summary.append(["日结校验码", view.close_code])
    if close is not None and close.note:
        summary.append(["差额说明", close.note])
    counted: list[list[object]] = []
    if close is not None and close.counted:
        for d, n in counted_cash(close).items():
            counted.append([f"现金 {denomination_label(d)}", n, Money(d * n)])
        expected = view.expected()
        for m in PaymentMethod:
            got = int(close.counted.get("methods", {}).get(m.value, 0))
            counted.append(
                [
                    f"{m.label}：应有 {Money(expected[m.value]).figures()} 元，清点 {Money(got).figures()} 元",
                    "",
                    Money(got - expected[m.value]),
                ]
            )

    def reason(c: Correction) -> str:
        reasons = VOID_REASONS if c.kind == PaymentKind.void.value else REFUND_REASONS
        return _(reasons[c.reason]) if c.reason in reasons else c.reason

    corrections = [
        [
            c.code,
            PaymentKind(c.kind).label,
            c.original_code,
            f"{c.original_date:%Y-%m-%d}",
            Money(c.fen),
            PaymentMethod(c.method).label,
            reason(c),
            c.note,
            c.who,
            c.desk,
            c.charged_to,
            c.charged_desk,
        ]
        for c in view.corrections
    ]
    return write_xlsx(
        path,
        [
            ("概况", ["项目", "内容"], summary),
            ("按缴费方式", heads, breakdown(view.by_method)),
            ("按申报类型与级别", heads, breakdown(view.by_fee)),
            ("按收费员", heads, breakdown(view.by_cashier)),
            ("按窗口", heads, breakdown(view.by_desk)),
            (
                "作废与退费",
                [
                    "单号",
                    "类别",
                    "原收据号",
                    "原收费日期",
                    "金额（元）",
                    "方式",
                    "原因",
                    "说明",
                    "经办人",
                    "经办窗口",
                    "原收款人",
                    "原收款窗口",
                ],
                corrections,
            ),
            ("现金清点", ["项目", "张（枚）数", "金额/差额（元）"], counted),
        ],
    )
