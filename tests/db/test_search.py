"""Search at the counter (both databases): full ID, last 6, dossier/receipt/notice numbers, a
name in every middle-dot form, pinyin in full and initials, unit; each hit with its status."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from models.campaign import Campaign
from models.online import build_online_record
from models.services.search import search
from tests.factories import office
from tests.support import CLERK

DOT_FORMS = [
    "阿依古丽·买买提",
    "阿依古丽•买买提",
    "阿依古丽・买买提",
    "阿依古丽.买买提",
    "阿依古丽‧买买提",
    "阿依古丽买买提",
    "阿依古丽 · 买买提",
    "阿依古丽．买买提",
    " 阿依古丽･买买提 ",
]


@pytest.fixture
def campaign(session: Session) -> Campaign:
    o = office(session)
    c = o.campaign
    assert c.id is not None
    session.add_all(
        [
            build_online_record(
                campaign_id=c.id,
                id_number="110105194912310038",
                name="张伟",
                level="中级",
                track="评审",
                status="通过形式审核",
                unit="库尔勒市第一中学",
            ),
            build_online_record(
                campaign_id=c.id,
                id_number="110105195001010020",
                name="张薇薇",
                level="初级",
                track="评审",
                status="退回修改",
                unit="库尔勒市第一中学",
            ),
            build_online_record(
                campaign_id=c.id,
                id_number="11010519500101104X",
                name="单雄",
                level="初级",
                track="评审",
                status="通过形式审核",
                unit="和静县职业技术学校",
            ),
        ]
    )
    session.commit()
    return c


@pytest.mark.parametrize("typed", DOT_FORMS)
def test_every_dot_form_finds_the_one_person(
    session: Session, campaign: Campaign, typed: str
) -> None:
    r = search(session, CLERK, campaign, typed)
    assert r.how == "姓名"
    assert [h.name for h in r.hits] == ["阿依古丽·买买提"]
    hit = r.hits[0]
    assert hit.dossier_code == "ZJ21S00001" and hit.paper == "已缴费"
    assert hit.id_masked == "652801********0024"


@pytest.mark.parametrize(
    ("typed", "how", "names"),
    [
        ("652801198001010024", "身份证号", ["阿依古丽·买买提"]),
        (" 652801 19800101 0024 ", "身份证号", ["阿依古丽·买买提"]),
        ("６５２８０１１９８００１０１００２４", "身份证号", ["阿依古丽·买买提"]),
        ("11010519500101104x", "身份证号", ["单雄"]),
        ("01104x", "身份证后6位", ["单雄"]),
        ("zj21s00001", "受理编号", ["阿依古丽·买买提"]),
        ("ZJ21F00001", "收据号", ["阿依古丽·买买提"]),
        ("ZJ21B00001", "告知单号", ["刘䶮"]),
        ("zw", "拼音", ["张伟", "张薇薇"]),
        ("zhangwei", "拼音", ["张伟", "张薇薇"]),
        ("zhangweiwei", "拼音", ["张薇薇"]),
        ("ZW", "拼音", ["张伟", "张薇薇"]),
        ("shanxiong", "拼音", ["单雄"]),
        ("sx", "拼音", ["单雄"]),
        ("ayglmmt", "拼音", ["阿依古丽·买买提"]),
        ("张", "姓名", ["张伟", "张薇薇"]),
        ("刘䶮", "姓名", ["刘䶮"]),
        ("第一中学", "单位", ["张伟", "张薇薇"]),
        ("ZJ21S09999", "受理编号", []),
        ("王二麻子", "单位", []),
    ],
)
def test_each_way_of_finding(
    session: Session, campaign: Campaign, typed: str, how: str, names: list[str]
) -> None:
    r = search(session, CLERK, campaign, typed)
    assert r.how == how
    assert sorted(h.name for h in r.hits) == sorted(names)


def test_hits_carry_status(session: Session, campaign: Campaign) -> None:
    by_name = {h.name: h for h in search(session, CLERK, campaign, "zw").hits}
    assert by_name["张伟"].eligible and by_name["张伟"].paper == "未报送"
    assert not by_name["张薇薇"].eligible and by_name["张薇薇"].online_status == "退回修改"
    returned = search(session, CLERK, campaign, "刘䶮").hits[0]
    assert returned.paper == "退回补正 1 次" and returned.dossier_code == ""


def test_nothing_typed_and_wildcards_are_literal(session: Session, campaign: Campaign) -> None:
    assert search(session, CLERK, campaign, "   ").hits == []
    assert search(session, CLERK, campaign, "%").hits == []
    assert search(session, CLERK, campaign, "张_").hits == []
