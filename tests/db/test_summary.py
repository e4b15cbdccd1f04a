"""The campaign summary on SQLite and PostgreSQL: a hand-computed office of eleven applicants in
three counties (accepted, returned then accepted, paid, voided, refunded, handed over, one whose
online status changed after acceptance), checked per unit, per county, by track × level and in
total, now and as it stood at earlier instants; lead only and audited; the workbook read back."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import Session, select

from models.audit import AuditEvent
from models.dossier import Dossier
from models.errors import PermissionDenied
from models.money import Money
from models.online import OnlineRecord
from models.services.intake import ItemCheck, accept, return_dossier
from models.services.payments import refund_payment, take_payment, void_payment
from models.services.summary import (
    NO_COUNTY,
    NO_UNIT,
    CampaignSummary,
    Figures,
    campaign_summary,
    summary_xlsx,
)
from models.vocab import Role
from tests.factories import AT, Office, all_complete, applicant, office

T1, T2, T3, T4, T5 = (AT + dt.timedelta(days=d) for d in (1, 2, 3, 4, 5))
HOUR = dt.timedelta(hours=1)
JX, JS = "和静县", "和硕县"
JX_VOC, JX_MID, JS_VOC = "和静县职业技术学校", "和静县第一中学", "和硕县职业高中"
OFFICE_MECH = "巴音郭楞蒙古自治州红旗高级技工学校机电工程系"
OFFICE_BOHU = "博湖县职业技术学校"


def F(
    online: int,
    approved: int,
    accepted: int,
    returned: int,
    no_paper: int,
    paid: int,
    handed_over: int,
    other_paper: int,
    fee_net_fen: int,
) -> Figures:
    return Figures(
        online, approved, accepted, returned, no_paper, paid, handed_over, other_paper, fee_net_fen
    )


def build_office(session: Session) -> Office:
    """``office()`` (county empty: one accepted and paid 380 at AT, one returned at AT) and:

    和静县 / 和静县职业技术学校: a1 中级 accepted T1, paid 380 T1 · a2 初级 accepted T1, paid
    220 T1, voided T2 · a3 中级 no paper · a4 中级 not approved online (退回修改), no paper.
    和静县 / 和静县第一中学: b1 中级 accepted T1, paid 380 T1, 100 refunded T3 · b2 中级 returned
    T1, accepted T4, paid 380 T4.
    和硕县 / (no unit): c1 初级 accepted T1, unpaid · c2 中级 accepted T1, paid 380 T1, then its
    online status changed to 退回修改.
    和硕县 / 和硕县职业高中: c3 中级 accepted T1, paid 380 T1, handed over T5.
    """
    o = office(session)
    clerk, cashier, lead = (o.actor(r) for r in (Role.clerk, Role.cashier, Role.lead))
    c = o.campaign

    def rec(
        n: int, unit: str, county: str, level: str = "中级", status: str = "通过形式审核"
    ) -> OnlineRecord:
        return applicant(
            session, c, n=n, name=f"申请人{n}", unit=unit, county=county, level=level, status=status
        )

    def take(r: OnlineRecord, at: dt.datetime) -> Dossier:
        return accept(session, clerk, c, r.id or 0, checks=all_complete(session, c, r), now=at)

    def pay(d: Dossier, at: dt.datetime) -> str:
        return take_payment(session, cashier, c, d.id or 0, method="cash", now=at).receipt_code

    a1, a2 = rec(1, JX_VOC, JX), rec(2, JX_VOC, JX, level="初级")
    rec(3, JX_VOC, JX)
    rec(4, JX_VOC, JX, status="退回修改")
    pay(take(a1, T1), T1)
    void_payment(
        session, lead, c, pay(take(a2, T1), T1), reason="wrong_amount", note="收错金额", now=T2
    )
    b1, b2 = rec(5, JX_MID, JX), rec(6, JX_MID, JX)
    refund_payment(
        session,
        lead,
        c,
        pay(take(b1, T1), T1),
        amount=Money.yuan(100),
        reason="overpaid",
        note="多收",
        now=T3,
    )
    checks = all_complete(session, c, b2)
    checks["diploma"] = ItemCheck.missing()
    return_dossier(session, clerk, c, b2.id or 0, checks=checks, now=T1)
    pay(take(b2, T4), T4)
    c1, c2, c3 = rec(7, "", JS, level="初级"), rec(8, "", JS), rec(9, JS_VOC, JS)
    take(c1, T1)
    pay(take(c2, T1), T1)
    c2.status = "退回修改"
    session.add(c2)
    d3 = take(c3, T1)
    pay(d3, T1)
    d3.status, d3.handed_over_at = "handed_over", T5
    session.add(d3)
    session.commit()
    return o


def _units(s: CampaignSummary) -> dict[tuple[str, str], Figures]:
    return {(u.county, u.unit): u.figures for u in s.units}


def _ties_out(s: CampaignSummary) -> None:
    rows = [u.figures for u in s.units]
    for f in [*rows, *(c.figures for c in s.counties), *(g.figures for g in s.groups), s.total]:
        assert f.accepted + f.returned + f.no_paper == f.approved
        assert f.paid <= f.accepted and f.handed_over <= f.accepted
    for c in s.counties:
        assert sum((u.figures for u in c.units), Figures()) == c.figures
    assert sum(rows, Figures()) == s.total
    assert sum((c.figures for c in s.counties), Figures()) == s.total
    assert sum((g.figures for g in s.groups), Figures()) == s.total


NOW_UNITS = {
    (JS, JS_VOC): F(1, 1, 1, 0, 0, 1, 1, 0, 38000),
    (JS, NO_UNIT): F(2, 1, 1, 0, 0, 0, 0, 1, 38000),
    (JX, JX_MID): F(2, 2, 2, 0, 0, 2, 0, 0, 38000 - 10000 + 38000),
    (JX, JX_VOC): F(4, 3, 2, 0, 1, 1, 0, 0, 38000),
    (NO_COUNTY, OFFICE_BOHU): F(1, 1, 0, 1, 0, 0, 0, 0, 0),
    (NO_COUNTY, OFFICE_MECH): F(1, 1, 1, 0, 0, 1, 0, 0, 38000),
}


def test_summary_now_per_unit_county_group_and_total(session: Session) -> None:
    o = build_office(session)
    s = campaign_summary(session, o.actor(Role.lead), o.campaign)
    assert (s.campaign_code, s.until) == (o.campaign.code, None)
    # counties by name, the empty one last; units likewise within each county
    assert [(u.county, u.unit) for u in s.units] == list(NOW_UNITS)
    assert _units(s) == NOW_UNITS
    assert [(c.county, c.figures) for c in s.counties] == [
        (JS, F(3, 2, 2, 0, 0, 1, 1, 1, 76000)),
        (JX, F(6, 5, 4, 0, 1, 3, 0, 0, 104000)),
        (NO_COUNTY, F(2, 2, 1, 1, 0, 1, 0, 0, 38000)),
    ]
    assert [(g.track, g.level, g.figures) for g in s.groups] == [
        ("评审", "初级", F(3, 3, 2, 1, 0, 0, 0, 0, 0)),
        ("评审", "中级", F(8, 6, 5, 0, 1, 5, 1, 1, 218000)),
    ]
    assert s.total == F(11, 9, 7, 1, 1, 5, 1, 1, 218000)
    # the money ties out with every payment row: six payments of 380 or 220, one void, one refund
    assert s.total.fee_net == Money.yuan(380 * 6 + 220 - 220 - 100)
    assert s.total.accepted_pct == 77.8 and s.total.unpaid == 2
    assert s.counties[0].units[1].figures.accepted_pct == 100.0
    assert Figures().accepted_pct is None
    _ties_out(s)


def test_until_gives_the_figures_as_they_stood(session: Session) -> None:
    o = build_office(session)
    lead = o.actor(Role.lead)
    s = campaign_summary(session, lead, o.campaign, until=T1 + HOUR)
    # a2 not voided yet (paid, 220 in), b1 not refunded yet, b2 still returned and unpaid,
    # c3 not handed over yet
    assert _units(s) == {
        **NOW_UNITS,
        (JS, JS_VOC): F(1, 1, 1, 0, 0, 1, 0, 0, 38000),
        (JX, JX_MID): F(2, 2, 1, 1, 0, 1, 0, 0, 38000),
        (JX, JX_VOC): F(4, 3, 2, 0, 1, 2, 0, 0, 38000 + 22000),
    }
    assert s.total == F(11, 9, 6, 2, 1, 5, 0, 1, 212000)
    _ties_out(s)
    # between the void (T2) and the refund (T3): a2 voided; b1's 380 still whole
    s = campaign_summary(session, lead, o.campaign, until=T2 + HOUR)
    assert s.total == F(11, 9, 6, 2, 1, 4, 0, 1, 190000)
    # before anything: only the online list
    s = campaign_summary(session, lead, o.campaign, until=AT - HOUR)
    assert s.total == F(11, 9, 0, 0, 9, 0, 0, 0, 0)
    _ties_out(s)
    # a naive instant is read in the campaign's time zone: AT is 11:32 there
    local = AT.astimezone(o.campaign.zone).replace(tzinfo=None)
    assert campaign_summary(session, lead, o.campaign, until=local).total == F(
        11, 9, 1, 1, 7, 1, 0, 0, 38000
    )
    assert (
        campaign_summary(session, lead, o.campaign, until=T5 + HOUR).total
        == campaign_summary(session, lead, o.campaign).total
    )


def test_the_bare_office_by_campaign_code(session: Session) -> None:
    o = office(session)
    session.commit()
    s = campaign_summary(session, o.actor(Role.lead), o.campaign.code)
    assert s.total == F(2, 2, 1, 1, 0, 1, 0, 0, 38000)
    assert [c.county for c in s.counties] == [NO_COUNTY]


@pytest.mark.parametrize("role", [Role.clerk, Role.cashier])
def test_only_the_lead_and_each_reading_is_audited(session: Session, role: Role) -> None:
    o = build_office(session)
    before = len(session.exec(select(AuditEvent)).all())
    with pytest.raises(PermissionDenied) as exc:
        campaign_summary(session, o.actor(role), o.campaign)
    assert role.label in exc.value.message and "负责人" in exc.value.message
    session.rollback()
    assert len(session.exec(select(AuditEvent)).all()) == before
    campaign_summary(session, o.actor(Role.lead), o.campaign, until=T1)
    session.commit()
    [e] = session.exec(select(AuditEvent).where(AuditEvent.action == "tally.view")).all()
    assert (e.actor_name, e.entity, e.detail["view"]) == ("lead", "campaign", "campaign_summary")
    assert e.detail["until"] == T1.isoformat() and e.detail["approved"] == 9


def test_json_and_workbook(session: Session, tmp_path: Path) -> None:
    import openpyxl

    o = build_office(session)
    s = campaign_summary(session, o.actor(Role.lead), o.campaign)
    data = s.to_json()
    assert data["total"]["fee_net_fen"] == 218000 and data["total"]["fee_net"] == "2180.00"
    assert data["total"]["accepted_pct"] == 77.8
    assert [c["county"] for c in data["counties"]] == [JS, JX, NO_COUNTY]
    assert [u["unit"] for u in data["counties"][0]["units"]] == [JS_VOC, NO_UNIT]
    assert data["by_track_level"][0] == {
        "track": "评审",
        "level": "初级",
        **dataclasses.asdict(F(3, 3, 2, 1, 0, 0, 0, 0, 0)),
        "fee_net": "0.00",
        "accepted_pct": 66.7,
    }
    path = summary_xlsx(tmp_path / "汇总.xlsx", s)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["按县市", "按单位", "按类型级别"]
    rows = [list(r) for r in wb["按县市"].iter_rows(values_only=True)]
    assert rows[0] == [
        "县市",
        "网上名单",
        "通过形式审核",
        "已受理",
        "受理率%",
        "退回补正未再报送",
        "未报送纸质材料",
        "已缴费",
        "已受理未缴费",
        "实收净额（元）",
        "已移交评委会",
        "非通过名单有材料",
    ]
    assert rows[1:] == [
        [JS, 3, 2, 2, 100, 0, 0, 1, 1, 760, 1, 1],
        [JX, 6, 5, 4, 80, 0, 1, 3, 1, 1040, 0, 0],
        [NO_COUNTY, 2, 2, 1, 50, 1, 0, 1, 0, 380, 0, 0],
        ["合计", 11, 9, 7, 77.8, 1, 1, 5, 2, 2180, 1, 1],
    ]
    units = [list(r) for r in wb["按单位"].iter_rows(values_only=True)]
    assert units[0][:3] == ["县市", "单位", "网上名单"]
    assert [r[:2] for r in units[1:]] == [[*k] for k in NOW_UNITS] + [["合计", ""]]
    assert units[2][2:] == [2, 1, 1, 100, 0, 0, 0, 1, 380, 0, 1]  # 和硕县（未填单位）
    assert units[-1][2:] == rows[-1][1:]
    groups = [list(r) for r in wb["按类型级别"].iter_rows(values_only=True)]
    assert groups[1:] == [
        ["评审", "初级", 3, 3, 2, 66.7, 1, 0, 0, 2, 0, 0, 0],
        ["评审", "中级", 8, 6, 5, 83.3, 0, 1, 5, 0, 2180, 1, 1],
        ["合计", "", *rows[-1][1:]],
    ]


def test_a_row_with_nobody_approved_has_no_percentage(session: Session, tmp_path: Path) -> None:
    o = office(session)
    applicant(session, o.campaign, n=1, status="退回修改", unit="某单位", county="焉耆县")
    session.commit()
    s = campaign_summary(session, o.actor(Role.lead), o.campaign)
    [county] = [c for c in s.counties if c.county == "焉耆县"]
    assert county.figures == F(1, 0, 0, 0, 0, 0, 0, 0, 0) and county.figures.accepted_pct is None
    wb = __import__("openpyxl").load_workbook(summary_xlsx(tmp_path / "s.xlsx", s))
    assert [list(r) for r in wb["按县市"].iter_rows(values_only=True)][1][4] == ""
