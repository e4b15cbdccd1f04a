"""A unit's batch (单位集中报送): a unit hands over many dossiers at once, often with its own
roster (花名册). The clerk works through them in order and sees who on the roster is still
missing and who is not on the online list.

Two sources: the unit's people on the online list (picked by the unit's name), or the unit's
roster file (xlsx/csv; 姓名 and 身份证号 columns found by the same aliases as the online import),
each line matched to the online list by ID number (by name within the unit when the ID is
missing or wrong)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.campaign import Campaign
from models.errors import InvalidInput
from models.i18n import _
from models.idcard import ResidentId, clean_id_text, mask_id
from models.names import display_name, key_of_display
from models.online import OnlineRecord
from models.online_columns import clean_text, find_columns, is_blank
from models.services.search import Hit, hits
from models.tabular import read_table

MAX_ROSTER = 2000


@dataclass(frozen=True)
class RosterLine:
    line: int | None  # the roster file's line; None when taken from the online list
    name: str
    id_masked: str
    hit: Hit | None  # the online record (with its paper status); None: not on the list
    problem: str = ""  # why it is not matched, in words

    @property
    def done(self) -> bool:
        """Nothing more to do at the counter for this person today."""
        return self.hit is not None and self.hit.paper_state not in ("none", "returned")


@dataclass(frozen=True)
class Batch:
    title: str
    lines: list[RosterLine]

    def counts(self) -> dict[str, int]:
        on = [x for x in self.lines if x.hit is not None]
        return {
            "total": len(self.lines),
            "accepted": sum(1 for x in on if x.hit and x.hit.dossier_code),
            "returned": sum(1 for x in on if x.hit and x.hit.paper_state == "returned"),
            "missing": sum(1 for x in on if x.hit and x.hit.paper_state == "none"),
            "not_approved": sum(1 for x in on if x.hit and not x.hit.eligible),
            "not_listed": sum(1 for x in self.lines if x.hit is None),
        }


def find_units(
    session: Session,
    campaign: Campaign,
    text: str,
    *,
    limit: int = 30,
) -> list[tuple[str, int]]:
    """Units whose name contains ``text``, with how many people each has on the list."""
    words = display_name(text)
    if not words:
        return []
    rows = session.execute(
        select(OnlineRecord.unit, func.count())
        .where(
            OnlineRecord.campaign_id == campaign.id,
            col(OnlineRecord.unit).contains(words, autoescape=True),
        )
        .group_by(col(OnlineRecord.unit))
        .order_by(col(OnlineRecord.unit))
        .limit(limit)
    )
    return [(str(u), int(n)) for u, n in rows]


def unit_batch(session: Session, campaign: Campaign, unit: str) -> Batch:
    records = list(
        session.exec(
            select(OnlineRecord)
            .where(OnlineRecord.campaign_id == campaign.id, OnlineRecord.unit == unit)
            .order_by(col(OnlineRecord.pinyin_full))
        )
    )  # 按拼音排序, as rosters are
    if not records:
        raise InvalidInput(
            _("网上名单中没有“{unit}”的人员").format(unit=unit), code="batch.no_unit"
        )
    return Batch(unit, [RosterLine(None, h.name, h.id_masked, h) for h in hits(session, records)])


def roster_batch(session: Session, campaign: Campaign, path: Path) -> Batch:
    """Every line of a unit's roster matched to the online list, in the roster's order."""
    table = read_table(path)
    cols = find_columns(table.rows, campaign.header_aliases, name=path.name)
    c_name, c_id = cols.fields["name"], cols.fields["id_number"]
    wanted: list[tuple[int, str, str, str]] = []  # line, name, id (clean), problem
    for i, row in enumerate(table.rows[cols.header_line :], start=cols.header_line + 1):
        if is_blank(row):
            continue
        name = display_name(clean_text(row[c_name] if c_name < len(row) else ""))
        raw = clean_id_text(row[c_id] if c_id < len(row) else "")
        if not name and not raw:
            continue
        problem = ""
        try:
            number = ResidentId.parse(raw).number
        except InvalidInput as exc:
            number, problem = "", _("身份证号有误（{problem}）").format(problem=exc.message)
        wanted.append((i, name, number, problem))
        if len(wanted) > MAX_ROSTER:
            raise InvalidInput(
                _("花名册超过 {MAX_ROSTER} 人：请按单位分开").format(MAX_ROSTER=MAX_ROSTER),
                code="batch.too_long",
            )
    if not wanted:
        raise InvalidInput(_("“{name}”中没有人员").format(name=path.name), code="batch.empty")
    numbers = [w[2] for w in wanted if w[2]]
    by_id: dict[str, OnlineRecord] = {}
    for start in range(0, len(numbers), 500):
        for r in session.exec(
            select(OnlineRecord).where(
                OnlineRecord.campaign_id == campaign.id,
                col(OnlineRecord.id_number).in_(numbers[start : start + 500]),
            )
        ):
            by_id[r.id_number] = r
    lines: list[RosterLine] = []
    for line, name, number, problem in wanted:
        rec = by_id.get(number) if number else None
        if rec is None and name:  # no usable ID: the same name, once, on the list
            same = list(
                session.exec(
                    select(OnlineRecord)
                    .where(
                        OnlineRecord.campaign_id == campaign.id,
                        OnlineRecord.name_key == key_of_display(name),
                    )
                    .limit(2)
                )
            )
            if len(same) == 1 and problem:
                rec = same[0]
                problem += _("；按姓名找到")
        if rec is None:
            lines.append(
                RosterLine(
                    line,
                    name,
                    mask_id(number) if number else "",
                    None,
                    problem or _("不在网上名单"),
                )
            )
            continue
        if rec.name_key != key_of_display(name) and name:
            problem = (problem + "；" if problem else "") + _(
                "花名册姓名“{roster_name}”与网上“{online_name}”不同"
            ).format(roster_name=name, online_name=rec.name)
        hit = hits(session, [rec])[0]
        lines.append(RosterLine(line, rec.name, hit.id_masked, hit, problem))
    return Batch(_("{file}（{count} 人）").format(file=path.name, count=len(lines)), lines)
