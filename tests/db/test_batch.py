"""A unit's batch on both databases: the unit's people from the online list, and a unit's
roster file (xlsx or GB18030 CSV) matched line by line — on the list, not on it, a mistyped ID
found by name, a name that differs; the counts the counter shows."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select

from models.errors import InvalidInput
from models.online import OnlineRecord
from models.reports import write_xlsx
from models.services.batch import find_units, roster_batch, unit_batch
from models.services.intake import accept
from models.vocab import Role
from tests.factories import AT, Office, all_complete, applicant, office


@pytest.fixture
def o(session: Session) -> Office:
    o = office(session)
    for n, name in ((1, "张伟"), (2, "李娜"), (3, "古丽米拉·吐尔逊")):
        applicant(session, o.campaign, n=n, name=name)
    applicant(session, o.campaign, n=4, name="王芳", status="退回修改")
    session.commit()
    return o


def test_units_and_a_units_people_with_their_status(session: Session, o: Office) -> None:
    assert find_units(session, o.campaign, "和静") == [("和静县职业技术学校", 4)]
    assert find_units(session, o.campaign, "") == []
    rec = session.exec(select(OnlineRecord).where(OnlineRecord.name == "李娜")).one()
    accept(
        session,
        o.actor(Role.clerk),
        o.campaign,
        rec.id or 0,
        checks=all_complete(session, o.campaign, rec),
        now=AT,
    )
    session.commit()
    batch = unit_batch(session, o.campaign, "和静县职业技术学校")
    assert [x.name for x in batch.lines] == ["古丽米拉·吐尔逊", "李娜", "王芳", "张伟"]
    assert batch.counts() == {
        "total": 4,
        "accepted": 1,
        "returned": 0,
        "missing": 3,
        "not_approved": 1,
        "not_listed": 0,
    }
    assert [x.done for x in batch.lines] == [False, True, False, False]
    with pytest.raises(InvalidInput):
        unit_batch(session, o.campaign, "没有这个单位")


def _roster_rows(o: Office, session: Session) -> list[tuple[str, str]]:
    ids = {r.name: r.id_number for r in session.exec(select(OnlineRecord))}
    bad = ids["古丽米拉·吐尔逊"][:-1] + ("0" if ids["古丽米拉·吐尔逊"][-1] != "0" else "1")
    return [
        ("张伟", ids["张伟"]),
        ("古丽米拉.吐尔逊", bad),  # mistyped check digit, written with a full stop
        ("赵六", "110105194912310038"),  # a valid ID not on the list
        ("李 娜", ids["李娜"].lower()),
        ("", ""),
        ("王小芳", ids["王芳"]),  # the ID matches; the name on the roster differs
    ]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_a_roster_file_matched_line_by_line(
    session: Session, o: Office, tmp_path: Path, kind: str
) -> None:
    rows = _roster_rows(o, session)
    if kind == "xlsx":
        path = write_xlsx(
            tmp_path / "花名册.xlsx",
            [
                (
                    "Sheet1",
                    ("序号", "姓名", "身份证号码"),
                    [(i, n, x) for i, (n, x) in enumerate(rows, 1)],
                )
            ],
        )
    else:
        path = tmp_path / "花名册.csv"
        text = "和静县职业技术学校 职称申报花名册\n序号,姓 名,公民身份号码\n" + "".join(
            f"{i},{n},'{x}\n" for i, (n, x) in enumerate(rows, 1)
        )
        path.write_bytes(text.encode("gb18030"))
    batch = roster_batch(session, o.campaign, path)
    got = [(x.name, x.hit is not None, x.problem) for x in batch.lines]
    assert got[0] == ("张伟", True, "")
    assert got[1][0] == "古丽米拉·吐尔逊" and got[1][1] and "按姓名找到" in got[1][2]
    assert got[2] == ("赵六", False, "不在网上名单")
    assert got[3] == ("李娜", True, "")
    assert got[4][0] == "王芳" and "花名册姓名“王小芳”与网上“王芳”不同" in got[4][2]
    assert len(batch.lines) == 5  # the blank line is skipped, every other one accounted for
    first_line = 2 if kind == "xlsx" else 3
    assert [x.line for x in batch.lines] == [
        first_line,
        first_line + 1,
        first_line + 2,
        first_line + 3,
        first_line + 5,
    ]
    c = batch.counts()
    assert (c["total"], c["not_listed"], c["missing"], c["not_approved"]) == (5, 1, 4, 1)


def test_a_roster_without_the_columns_says_which(
    session: Session, o: Office, tmp_path: Path
) -> None:
    path = write_xlsx(tmp_path / "x.xlsx", [("Sheet1", ("单位", "人数"), [("和静", 3)])])
    with pytest.raises(InvalidInput) as exc:
        roster_batch(session, o.campaign, path)
    assert "“姓名”和“身份证号”" in exc.value.message
