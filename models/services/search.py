"""Finding a person at the counter: what was typed or scanned decides how to look.

- a full ID number (18 characters, any case, spaces, full-width) → that person;
- a dossier, receipt or notice number of the campaign (ZJ21S00001, ZJ21F00001, ZJ21B00001);
- the last 6 characters of an ID (``00123X``);
- Latin letters → pinyin: initials (``zw``) or the full pinyin or its beginning (``zhangwei``);
- anything else → the name in any middle-dot form (阿依古丽.买买提 = 阿依古丽·买买提 = 阿依古丽买买提),
  its beginning, then the unit.

Every way but the unit uses an index; the unit is searched only when nothing else matched.
Each hit carries the person's status at the desk: online status and paper status."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass

from sqlalchemy import select as sa_select
from sqlmodel import Session, and_, col, func, select
from stdnum.cn import ric

from models.campaign import Campaign
from models.dossier import Dossier, DossierVisit
from models.errors import InvalidInput
from models.i18n import N_, _
from models.idcard import ResidentId, clean_id_text, mask_id
from models.names import display_name, key_of_display
from models.online import OnlineRecord
from models.payment import Payment
from models.permissions import Action, Actor, require
from models.services.payments import live_clause
from models.vocab import ONLINE_APPROVED, DossierStatus

LIMIT = 50
ID18 = re.compile(r"\d{17}[\dX]")  # a full ID number once cleaned
_LAST6 = re.compile(r"\d{5}[\dX]")
_NUMBER = re.compile(r"([A-Z]+\d*[A-Z])(\d{1,8})")
_LATIN = re.compile(r"[a-z]+")


@dataclass(frozen=True)
class Hit:
    record_id: int
    name: str
    id_masked: str
    unit: str
    series: str
    specialty: str
    track: str
    level: str
    online_status: str
    submission_count: int | None
    dossier_code: str  # "" until accepted
    paper: str  # the paper's state in words: 未报送 / 退回补正 n 次 / 已受理，待缴费 / 已缴费 / 已移交评委会
    paper_state: str = ""  # the same as a code: none / returned / accepted / paid / handed_over

    @property
    def eligible(self) -> bool:
        return self.online_status == ONLINE_APPROVED


@dataclass(frozen=True)
class SearchResult:
    how: str  # 身份证号 / 受理编号 / 收据号 / 告知单号 / 身份证后6位 / 拼音 / 姓名 / 单位 / 未识别
    hits: list[Hit]
    query: str
    # a malformed ID (check digit, birth date): what is wrong, and ``hits`` are the listed people
    # whose ID differs from it by one character or one swap (did you mean …), for the clerk to
    # confirm against the card; never "not on the list"
    problem: str = ""


def id_problem(number: str) -> str:
    """What is wrong with an 18-character ID as scanned or typed ("" if nothing), in words for
    the counter: the check digit it should have (a misread digit, an X read as 8)."""
    try:
        ResidentId.parse(number)
    except InvalidInput as exc:
        if exc.code == "id.bad_check_digit":
            return _("身份证号校验位不正确（最后一位应为 {expected}），请核对证件").format(
                expected=ric.calc_check_digit(number)
            )
        if exc.code == "id.bad_birth_date":
            return _("身份证号中的出生日期 {date} 不存在，请核对证件").format(date=number[6:14])
        return exc.message
    return ""


def near_ids(
    session: Session,
    campaign: Campaign,
    number: str,
    limit: int = 10,
) -> list[OnlineRecord]:
    """Listed people whose ID differs from ``number`` by one character or by two neighbouring
    characters swapped — the misreads and mistypes a check digit catches."""
    variants: set[str] = set()
    for i in range(18):
        for ch in "0123456789X" if i == 17 else "0123456789":
            if ch != number[i]:
                variants.add(number[:i] + ch + number[i + 1 :])
    for i in range(17):
        if number[i] != number[i + 1]:
            variants.add(number[:i] + number[i + 1] + number[i] + number[i + 2 :])
    valid = sorted(v for v in variants if v[:17].isdigit() and _valid(v))
    if not valid:
        return []
    return list(
        session.exec(
            select(OnlineRecord)
            .where(OnlineRecord.campaign_id == campaign.id, col(OnlineRecord.id_number).in_(valid))
            .order_by(col(OnlineRecord.id_number))
            .limit(limit)
        )
    )


def _valid(number: str) -> bool:
    try:
        return ric.calc_check_digit(number) == number[17]
    except (ValueError, KeyError):
        return False


def search(
    session: Session, actor: Actor, campaign: Campaign, text: str, *, limit: int = LIMIT
) -> SearchResult:
    """The counter's search (names, pinyin, ID numbers, dossier numbers): the applicants' records
    are the clerk's and the lead's (``intake.accept``)."""
    require(actor, Action.intake_accept)
    q = text.strip()
    if not q:
        return SearchResult(N_("空"), [], q)
    assert campaign.id is not None
    cid = campaign.id
    rec = OnlineRecord
    as_id = clean_id_text(q)
    if ID18.fullmatch(as_id):
        problem = id_problem(as_id)
        if problem:
            return SearchResult(
                N_("身份证号"),
                hits(session, near_ids(session, campaign, as_id)),
                q,
                problem=problem,
            )
        return _result(
            session,
            N_("身份证号"),
            q,
            select(rec).where(rec.campaign_id == cid, rec.id_number == as_id),
        )
    upper = as_id
    m = _NUMBER.fullmatch(upper)
    if m:
        prefix = m.group(1)
        for how, pfx in (
            (N_("受理编号"), campaign.dossier_prefix),
            (N_("收据号"), campaign.receipt_prefix),
            (N_("告知单号"), campaign.notice_prefix),
        ):
            if prefix == pfx.upper():
                return _result(session, how, q, _by_number(cid, how, upper), limit)
    if _LAST6.fullmatch(upper):
        return _result(
            session,
            N_("身份证后6位"),
            q,
            select(rec).where(rec.campaign_id == cid, rec.id_last6 == upper).limit(limit),
        )
    lower = q.lower().replace(" ", "")
    if _LATIN.fullmatch(lower):
        # initials first (zw → 张伟 before 张薇薇), then the full pinyin; each query walks its
        # index in order and stops at the limit
        by_pinyin: dict[int, OnlineRecord] = {}
        for column in (col(rec.pinyin_initials), col(rec.pinyin_full)):
            for r in session.exec(
                select(rec)
                .where(rec.campaign_id == cid, _prefix(column, lower))
                .order_by(column)
                .limit(limit)
            ):
                by_pinyin.setdefault(r.id or 0, r)
        return SearchResult(N_("拼音"), hits(session, list(by_pinyin.values())[:limit]), q)
    key = key_of_display(display_name(q))
    if key:
        found = _result(
            session,
            N_("姓名"),
            q,
            select(rec)
            .where(rec.campaign_id == cid, _prefix(col(rec.name_key), key))
            .order_by(func.length(rec.name_key), col(rec.name_key))
            .limit(limit),
        )
        if found.hits:
            return found
        words = display_name(q)
        return _result(
            session,
            N_("单位"),
            q,
            select(rec)
            .where(rec.campaign_id == cid, col(rec.unit).contains(words, autoescape=True))
            .order_by(col(rec.unit), col(rec.name_key))
            .limit(limit),
        )
    return SearchResult(N_("未识别"), [], q)


def _prefix(column, text: str):  # type: ignore[no-untyped-def]
    """``column`` starts with ``text``, as a range the column's index answers (a LIKE with a
    bound parameter cannot use it)."""
    upper = _after(text)
    return column >= text if upper is None else and_(column >= text, column < upper)


def _after(text: str) -> str | None:
    """The least string above every string that starts with ``text`` (None: there is none).
    The last character is raised by one code point, skipping the surrogates (no encoding can
    send them to the database); a last U+10FFFF cannot be raised and is dropped first."""
    head = text.rstrip(chr(sys.maxunicode))
    if not head:
        return None
    nxt = ord(head[-1]) + 1
    if 0xD800 <= nxt <= 0xDFFF:
        nxt = 0xE000
    return head[:-1] + chr(nxt)


def _by_number(cid: int, how: str, code: str):  # type: ignore[no-untyped-def]
    rec = OnlineRecord
    if how == "受理编号":
        ids = sa_select(col(Dossier.online_record_id)).where(
            col(Dossier.campaign_id) == cid, col(Dossier.dossier_code) == code
        )
    elif how == "收据号":
        ids = (
            sa_select(col(Dossier.online_record_id))
            .join(Payment, col(Payment.dossier_id) == col(Dossier.id))
            .where(col(Payment.campaign_id) == cid, col(Payment.receipt_code) == code)
        )
    else:
        ids = (
            sa_select(col(Dossier.online_record_id))
            .join(DossierVisit, col(DossierVisit.dossier_id) == col(Dossier.id))
            .where(col(Dossier.campaign_id) == cid, col(DossierVisit.notice_code) == code)
        )
    return select(rec).where(col(rec.id).in_(ids))


def _result(session: Session, how: str, query: str, stmt, limit: int = LIMIT) -> SearchResult:  # type: ignore[no-untyped-def]
    records = list(session.exec(stmt))[:limit]
    return SearchResult(how, hits(session, records), query)


def hits(session: Session, records: list[OnlineRecord]) -> list[Hit]:
    """Each record with its paper status (one query for the dossiers, one for the payments)."""
    ids = [r.id for r in records if r.id is not None]
    dossiers: dict[int, Dossier] = {}
    returns: dict[int, int] = {}
    paid: set[int] = set()
    if ids:
        for found in session.exec(select(Dossier).where(col(Dossier.online_record_id).in_(ids))):
            dossiers[found.online_record_id] = found
        dossier_ids = [x.id for x in dossiers.values() if x.id is not None]
        if dossier_ids:
            for dossier_id, n in session.execute(
                sa_select(col(DossierVisit.dossier_id), func.count())
                .where(
                    col(DossierVisit.dossier_id).in_(dossier_ids),
                    col(DossierVisit.outcome) == DossierStatus.returned.value,
                )
                .group_by(col(DossierVisit.dossier_id))
            ):
                returns[dossier_id] = n
            # paid while one of its payments stands (neither voided nor refunded in full)
            paid = set(
                session.scalars(
                    sa_select(col(Payment.dossier_id)).where(
                        col(Payment.dossier_id).in_(dossier_ids), live_clause()
                    )
                )
            )
    out = []
    for r in records:
        d = dossiers.get(r.id or 0)
        if d is None:
            state, paper = "none", _("未报送")
        elif d.status == DossierStatus.handed_over.value:
            state, paper = "handed_over", _("已移交评委会")
        elif d.status == DossierStatus.accepted.value:
            state, paper = (
                ("paid", _("已缴费")) if d.id in paid else ("accepted", _("已受理，待缴费"))
            )
        else:
            state = "returned"
            paper = _("退回补正 {count} 次").format(count=returns.get(d.id or 0, 0))
        out.append(
            Hit(
                record_id=r.id or 0,
                name=r.name,
                id_masked=mask_id(r.id_number),
                unit=r.unit,
                series=r.series,
                specialty=r.specialty,
                track=r.track,
                level=r.level,
                online_status=r.status,
                submission_count=r.submission_count,
                dossier_code=(d.dossier_code or "") if d else "",
                paper=paper,
                paper_state=state,
            )
        )
    return out
