"""The notices exactly (issue 21), on SQLite and PostgreSQL: each counter rule as its clause states
it — the watermark (001 三（一）3, 003 五（二）1), units only (002 八（七）), 001's declaration
deadlines and its unstated paper window, the defence rules (000 五、8/五、1; 001 三（二）3; 002 六),
filled-in vs handwritten (002 七（三）七（四）, 001 三（三）3（2）), each part a verdict, the unit's own
items (001 花名册, 003 公示情况报告), 002 五（一）五（九）, 000 四（二）7 and 五、5, the submission limit
(000/001/002; none in 003), the correction notice's deadline as stated, 000's contacts — and a
mistyped ID is never "not on the list"."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlmodel import Session, select

from models.audit import AuditEvent
from models.campaign import Campaign, ChecklistItem
from models.dossier import ItemVerdict
from models.errors import InvalidInput, PermissionDenied
from models.idcard import make_check_digit
from models.online import OnlineRecord, build_online_record
from models.permissions import SYSTEM
from models.rules import fee_payment
from models.services.campaigns import load_campaign, read_preset, set_window, window_status
from models.services.handover import defence_of
from models.services.intake import (
    ItemCheck,
    Refused,
    accept,
    applicable_items,
    card_for,
    check_unit_item,
    load_card,
    problems,
    return_dossier,
)
from models.services.payments import PaymentRefused, business_date, fee_card, take_payment
from models.services.search import search
from models.services.tally import begin_close
from models.vocab import PaymentMethod, Role
from tests.factories import AT, Office, accepted, all_complete, applicant, office
from tests.support import CLERK

T23 = dt.datetime(2023, 10, 10, 3, 0, tzinfo=dt.UTC)  # 2023-10-10 11:00 in Xinjiang's offices
T24 = dt.datetime(2024, 10, 25, 3, 0, tzinfo=dt.UTC)


def _campaign(session: Session, preset: str) -> Campaign:
    filename, text = read_preset(preset)
    c = load_campaign(session, SYSTEM, text, filename=filename)
    session.flush()
    return c


def _person(
    session: Session,
    c: Campaign,
    n: int,
    *,
    level: str = "中级",
    track: str = "评审",
    series: str = "",
    specialty: str = "",
    unit: str = "某单位",
    county: str = "",
    submissions: int | None = 1,
) -> OnlineRecord:
    first17 = f"65420119880101{n:03d}"
    rec = build_online_record(
        campaign_id=c.id or 0,
        id_number=first17 + make_check_digit(first17),
        name=f"申请人{n}",
        level=level,
        track=track,
        status="通过形式审核",
        unit=unit,
        county=county,
        series=series,
        specialty=specialty,
        submission_count=submissions,
    )
    session.add(rec)
    session.flush()
    return rec


def _checks(
    session: Session, c: Campaign, rec: OnlineRecord, conditions: tuple[str, ...] = ()
) -> dict[str, ItemCheck]:
    return all_complete(session, c, rec, conditions)


def _tacheng(session: Session) -> tuple[Campaign, Office]:
    o = office(session)
    c = _campaign(session, "001")
    set_window(
        session,
        o.actor(Role.lead),
        c,
        starts_at=T23 - dt.timedelta(days=1),
        ends_at=T23 + dt.timedelta(days=10),
        reason="地区人社局电话通知",
    )
    return c, o


# ---- 1. watermark ----------------------------------------------------------------------------


def test_a_review_form_without_its_watermark_is_a_deficiency_worded_as_the_notice(
    session: Session,
) -> None:
    c, o = _tacheng(session)
    rec = _person(session, c, 1, series="工程系列", specialty="建筑")
    checks = _checks(session, c, rec)
    assert checks["review_form"].watermark_ok is True
    checks["review_form"] = dataclasses.replace(checks["review_form"], watermark_ok=False)
    with pytest.raises(InvalidInput) as exc:
        accept(session, o.actor(Role.clerk), c, rec.id or 0, checks=checks, now=T23)
    assert exc.value.code == "intake.deficient"
    visit = return_dossier(session, o.actor(Role.clerk), c, rec.id or 0, checks=checks, now=T23)
    assert visit.deficiencies == [
        {"item_key": "review_form", "item": "《评审表》", "problem": "无水印（有水印为有效）"}
    ]
    verdict = session.exec(
        select(ItemVerdict).where(
            ItemVerdict.visit_id == visit.id, ItemVerdict.item_key == "review_form"
        )
    ).one()
    assert verdict.watermark_ok is False and verdict.present is True
    # 003: 双面带水印
    b = _campaign(session, "003")
    item = next(i for i in b_items(session, b) if i.key == "initial_determination_form")
    assert problems(item, dataclasses.replace(ItemCheck.complete(item), watermark_ok=False)) == [
        "无水印（双面带水印）"
    ]


def b_items(session: Session, c: Campaign) -> list[ChecklistItem]:
    return list(session.exec(select(ChecklistItem).where(ChecklistItem.campaign_id == c.id)))


# ---- 2. who brings the paper -----------------------------------------------------------------


def test_002_refuses_paper_brought_by_the_applicant_and_asks_who_brought_it(
    session: Session,
) -> None:
    o = office(session)
    c = _campaign(session, "002")
    now = dt.datetime(2021, 9, 22, 3, 0, tzinfo=dt.UTC)
    rec = _person(session, c, 1, level="中级", track="初次确定", series="艺术")
    checks = _checks(session, c, rec)
    clerk = o.actor(Role.clerk)
    with pytest.raises(Refused) as refused:
        accept(session, clerk, c, rec.id or 0, checks=checks, brought_by="applicant", now=now)
    assert refused.value.code == "intake.individual"
    assert (
        "个人报送材料一律不予受理" in refused.value.message and "八（七）" in refused.value.message
    )
    with pytest.raises(InvalidInput) as unknown:
        accept(session, clerk, c, rec.id or 0, checks=checks, now=now)
    assert unknown.value.code == "intake.no_bringer"
    d = accept(session, clerk, c, rec.id or 0, checks=checks, brought_by="unit", now=now)
    assert d.dossier_code == "WH21S00001"
    event = session.exec(
        select(AuditEvent).where(
            AuditEvent.action == "intake.accept", AuditEvent.campaign_id == c.id
        )
    ).one()
    assert event.detail["brought_by"] == "unit"


def test_001_and_003_show_who_delivers_but_do_not_block_the_applicant(session: Session) -> None:
    c, o = _tacheng(session)
    rec = _person(session, c, 2, series="工程", specialty="水利")
    card = load_card(session, o.actor(Role.clerk), c, record_id=rec.id, now=T23)
    assert card.delivery is not None and not card.delivery.blocks
    assert "三（三）2" in card.delivery.clause
    d = accept(
        session,
        o.actor(Role.clerk),
        c,
        rec.id or 0,
        checks=_checks(session, c, rec),
        brought_by="applicant",
        now=T23,
    )
    assert d.status == "accepted"


# ---- 3. 001's windows ------------------------------------------------------------------------


def test_001_has_declaration_deadlines_and_no_paper_window_until_a_lead_sets_one(
    session: Session,
) -> None:
    o = office(session)
    c = _campaign(session, "001")
    rec = _person(session, c, 3, series="工程系列", specialty="建筑")
    ws = window_status(session, c, series="工程系列", at=T23)
    assert not ws.open and ws.unset
    assert "通知未载明纸质材料报送时间" in ws.message and "desk campaign set-window" in ws.message
    card = load_card(session, o.actor(Role.clerk), c, record_id=rec.id, now=T23)
    assert card.declaration == "网上申报截止 2023-09-28（三（五）1）"  # 工程系列 = 工程
    assert not card.can_judge
    with pytest.raises(Refused):
        accept(
            session, o.actor(Role.clerk), c, rec.id or 0, checks=_checks(session, c, rec), now=T23
        )
    with pytest.raises(PermissionDenied):
        set_window(
            session,
            o.actor(Role.clerk),
            c,
            starts_at=T23,
            ends_at=T23 + dt.timedelta(days=1),
            reason="试试",
        )
    with pytest.raises(InvalidInput):
        set_window(
            session,
            o.actor(Role.lead),
            c,
            starts_at=T23,
            ends_at=T23 + dt.timedelta(days=1),
            reason="",
        )
    # a window for 工程 only: 工程系列 is the same series; 图书资料 is not blocked by it forever
    set_window(
        session,
        o.actor(Role.lead),
        c,
        starts_at=T23 - dt.timedelta(hours=1),
        ends_at=T23 + dt.timedelta(days=5),
        reason="地区人社局通知",
        series="工程系列",
    )
    assert window_status(session, c, series="工程", at=T23).open
    assert window_status(session, c, series="工程系列", at=T23).open
    lib = _person(session, c, 4, series="图书资料", level="高级")
    assert not window_status(session, c, series="图书资料", at=T23).open
    set_window(
        session,
        o.actor(Role.lead),
        c,
        starts_at=T23 - dt.timedelta(hours=1),
        ends_at=T23 + dt.timedelta(days=5),
        reason="地区人社局通知",
    )
    card = load_card(session, o.actor(Role.lead), c, record_id=lib.id, now=T23)
    assert card.can_judge and card.declaration == ""  # 高级、图书资料: no declaration date stated
    # 三（五）1's dates are the 中、初级 ones: a 高级 engineer is not shown 工程's deadline
    senior = _person(session, c, 5, series="工程", level="高级")
    assert load_card(session, o.actor(Role.lead), c, record_id=senior.id, now=T23).declaration == ""
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "window.set")).all()
    assert [e.detail["series"] for e in events] == ["工程", ""]


# ---- 4. 001 fees by bank --------------------------------------------------------------------


def test_001_is_paid_by_bank_only(session: Session) -> None:
    c = _campaign(session, "001")
    rule = fee_payment(c)
    assert rule.restricted and rule.methods == (PaymentMethod.transfer,)
    assert rule.clause == "三（二）4" and "以银行缴费支付的方式" in rule.text
    assert not fee_payment(_campaign(session, "000")).restricted


def test_001_fee_desk_takes_bank_transfers_only_unless_a_lead_says_why(session: Session) -> None:
    c, o = _tacheng(session)
    rec = _person(session, c, 40, series="工程", level="初级")
    d = accept(
        session,
        o.actor(Role.clerk),
        c,
        rec.id or 0,
        checks=_checks(session, c, rec),
        brought_by="unit",
        now=T23,
    )
    cashier, lead = o.actor(Role.cashier), o.actor(Role.lead)
    card = fee_card(session, cashier, c, d, desk=cashier.desk, now=T23)
    assert card.method_rule.methods == (PaymentMethod.transfer,) and card.payable
    for method in ("cash", "card", "qr"):
        with pytest.raises(PaymentRefused) as exc:
            take_payment(
                session,
                cashier,
                c,
                d.id or 0,
                method=method,
                reference="" if method == "cash" else "POS123456",
                now=T23,
            )
        assert exc.value.code == "payment.method_not_allowed"
        assert "三（二）4" in exc.value.message and "只收银行转账" in exc.value.message
    # a cashier cannot override; a lead can, with a reason, and the audit keeps it
    with pytest.raises(PermissionDenied):
        take_payment(
            session, cashier, c, d.id or 0, method="cash", now=T23, override_reason="申请人无法转账"
        )
    p = take_payment(
        session,
        lead,
        c,
        d.id or 0,
        method="cash",
        now=T23,
        override_reason="  申请人 银行卡被冻结，经主任同意  ",
    )
    event = session.exec(
        select(AuditEvent).where(
            AuditEvent.entity_id == p.receipt_code, AuditEvent.action == "payment.take"
        )
    ).one()
    assert event.detail["method_override"] == "申请人 银行卡被冻结，经主任同意"
    assert event.detail["override_clause"] == "三（二）4" and event.detail["allowed"] == "transfer"
    (override,) = session.exec(
        select(AuditEvent).where(AuditEvent.action == "payment.method_override")
    ).all()  # its own event, for the lead's list
    assert override.entity_id == p.receipt_code and override.detail["method"] == "cash"
    # the transfer itself needs nothing
    rec2 = _person(session, c, 41, series="工程", level="初级")
    d2 = accept(
        session,
        o.actor(Role.clerk),
        c,
        rec2.id or 0,
        checks=_checks(session, c, rec2),
        brought_by="unit",
        now=T23,
    )
    p2 = take_payment(
        session, cashier, c, d2.id or 0, method="transfer", reference="TX20231010001", now=T23
    )
    event2 = session.exec(select(AuditEvent).where(AuditEvent.entity_id == p2.receipt_code)).one()
    assert "method_override" not in event2.detail


def test_the_fee_card_says_a_closed_day_when_it_opens(session: Session) -> None:
    o = office(session)
    d = accepted(session, o, n=9, name="赵敏")
    cashier = o.actor(Role.cashier)
    assert fee_card(session, cashier, o.campaign, d, desk=cashier.desk, now=AT).payable
    begin_close(
        session, cashier, o.campaign, business_date(o.campaign, AT), desk=cashier.desk, now=AT
    )
    card = fee_card(session, cashier, o.campaign, d, desk=cashier.desk, now=AT)
    assert not card.payable and "本窗口已开始" in card.day_problem and "日结" in card.day_problem


# ---- 5. defence -----------------------------------------------------------------------------


def test_defence_as_each_notice_states_it(session: Session) -> None:
    t = _campaign(session, "001")
    assert defence_of(t, "高级", ["directed"], specialty="畜牧") == (
        "须答辩（视频、线上）",
        True,
        "",
    )
    assert defence_of(t, "高级", ["directed"], specialty="农艺（作物）")[1] is True
    assert defence_of(t, "高级", [], specialty="兽医") == ("不答辩", False, "")
    assert defence_of(t, "高级", ["directed"], specialty="建筑") == ("不答辩", False, "")
    assert defence_of(t, "中级", ["directed"], specialty="兽医") == ("不答辩", False, "")
    z = _campaign(session, "000")
    assert defence_of(z, "中级", []) == ("须答辩", True, "")
    assert defence_of(z, "中级", ["fanghuiju"]) == ("免答辩（参加“访惠聚”驻村等工作）", False, "")
    assert defence_of(z, "初级", []) == ("不答辩", False, "")
    w = _campaign(session, "002")
    assert defence_of(w, "中级", []) == ("须答辩", True, "")
    assert defence_of(w, "初级", [])[:2] == ("免答辩（初级专业技术职务任职资格人员）", False)
    assert defence_of(w, "中级", ["below_county"])[:2] == (
        "免答辩（县级（不含）以下基层单位）",
        False,
    )
    assert defence_of(w, "中级", ["county_or_below"])[1] is True  # 县市及以下 includes 县级
    assert defence_of(w, "中级", ["social_org"])[0] == "免答辩（社会组织、自由职业）"
    assert defence_of(w, "中级", [], county="且末县")[0] == "免答辩（且末县工作）"


# ---- 6. filled-in vs handwritten; parts ------------------------------------------------------


def test_filled_sentences_and_each_part_of_the_unit_opinion(session: Session) -> None:
    c, o = _tacheng(session)
    rec = _person(session, c, 5, series="农业", specialty="农艺")
    checks = _checks(session, c, rec)
    checks["review_form_opinion"] = dataclasses.replace(
        checks["review_form_opinion"], handwritten_ok=False, missing_parts=("落款日期",)
    )
    visit = return_dossier(session, o.actor(Role.clerk), c, rec.id or 0, checks=checks, now=T23)
    assert [x["problem"] for x in visit.deficiencies] == [
        "未填写或填写不正确：“本单位已对提供的申报……同意推荐”",
        "缺少“落款日期”",
    ]
    verdict = session.exec(
        select(ItemVerdict).where(
            ItemVerdict.visit_id == visit.id, ItemVerdict.item_key == "review_form_opinion"
        )
    ).one()
    assert verdict.parts == {"单位主要领导签字": True, "落款日期": False, "单位公章": True}
    with pytest.raises(InvalidInput) as exc:  # a part the item does not have
        return_dossier(
            session,
            o.actor(Role.clerk),
            c,
            rec.id or 0,
            now=T23,
            checks={
                **checks,
                "review_form": dataclasses.replace(
                    checks["review_form"], missing_parts=("派驻纪检组负责人签字",)
                ),
            },
        )
    assert exc.value.code == "intake.bad_part"
    # 000's pledge is handwritten (手工填写如下承诺语); its review form names both stamps
    z = o.campaign
    pledge = next(i for i in b_items(session, z) if i.key == "authenticity_pledge")
    assert problems(pledge, dataclasses.replace(ItemCheck.complete(pledge), handwritten_ok=False))[
        0
    ].startswith("缺手写内容")
    form = next(i for i in b_items(session, z) if i.key == "review_form")
    assert problems(
        form,
        dataclasses.replace(
            ItemCheck.complete(form), missing_parts=("上级主管单位人事（职改）部门公章",)
        ),
    ) == ["缺少“上级主管单位人事（职改）部门公章”"]
    # 002 七（四）: the applicant's commitment is filled in (未填写或填写不正确的不予受理)
    w = _campaign(session, "002")
    form = next(i for i in b_items(session, w) if i.key == "review_form")
    assert problems(form, dataclasses.replace(ItemCheck.complete(form), handwritten_ok=False))[
        0
    ].startswith("未填写或填写不正确：“本人承诺")


def test_002_political_appraisal_stays_for_private_firms_without_signatures_and_stamp(
    session: Session,
) -> None:
    w = _campaign(session, "002")
    items = b_items(session, w)
    keys = [i.key for i in applicable_items(items, "评审", "中级", ["private_firm"])]
    assert "political_appraisal" in keys and "annual_appraisals" not in keys
    appraisal = next(i for i in items if i.key == "political_appraisal")
    missing = dataclasses.replace(
        ItemCheck.complete(appraisal), missing_parts=("单位主要领导签字", "派驻纪检组负责人签字")
    )
    assert problems(appraisal, missing, ["private_firm"]) == []
    assert problems(appraisal, missing) == ["缺少“单位主要领导签字”", "缺少“派驻纪检组负责人签字”"]
    # "签字盖章（民营企业无此要求）": the parenthesis follows 签字盖章, so the stamp goes too
    stamp = dataclasses.replace(ItemCheck.complete(appraisal), missing_parts=("盖章",))
    assert problems(appraisal, stamp, ["private_firm"]) == []
    assert problems(appraisal, stamp) == ["缺少“盖章”"]
    # 五（九）: county-level units and below, private firms likewise
    for conds in (["county_or_below"], ["private_firm"]):
        keys = [i.key for i in applicable_items(items, "评审", "中级", conds)]
        assert "papers_county" in keys and "papers" not in keys
    keys = [i.key for i in applicable_items(items, "评审", "中级", ["has_papers"])]
    assert "papers" in keys and "papers_county" not in keys


# ---- 7. the unit's own items -----------------------------------------------------------------


def test_001_roster_is_checked_once_per_unit_and_shown_on_each_members_card(
    session: Session,
) -> None:
    c, o = _tacheng(session)
    a = _person(session, c, 6, series="工程", unit="塔城市住建局")
    b = _person(session, c, 7, series="工程", unit="塔城市住建局")
    assert "roster" not in _checks(session, c, a)  # not judged per person
    roster = next(i for i in b_items(session, c) if i.key == "roster")
    assert not roster.needs_stamp  # 三（三）3（1）: no stamp stated
    card = load_card(session, o.actor(Role.clerk), c, record_id=a.id, now=T23)
    assert [u.text for u in card.unit_checks] == [
        "《2023年度评审专业技术任职资格人员花名册》：单位尚未报送（按单位核对一次）"
    ]
    check_unit_item(
        session,
        o.actor(Role.clerk),
        c,
        unit="塔城市住建局",
        item_key="roster",
        check=dataclasses.replace(ItemCheck.complete(roster), missing_parts=("电子版",)),
        now=T23,
    )
    card = load_card(session, o.actor(Role.clerk), c, record_id=b.id, now=T23)
    assert card.unit_checks[0].problems == ("缺少“电子版”",) and not card.unit_checks[0].ok
    with pytest.raises(InvalidInput):
        check_unit_item(
            session,
            o.actor(Role.clerk),
            c,
            unit="塔城市住建局",
            item_key="review_form",
            check=ItemCheck.complete(roster),
        )
    with pytest.raises(PermissionDenied):
        check_unit_item(
            session,
            o.actor(Role.cashier),
            c,
            unit="塔城市住建局",
            item_key="roster",
            check=ItemCheck.complete(roster),
        )


# ---- 9. 000 awards and transfer ---------------------------------------------------------------


def test_000_awards_need_two_copies_and_a_transfer_needs_the_former_units_proof(
    session: Session,
) -> None:
    o = office(session)
    items = b_items(session, o.campaign)
    awards = next(i for i in items if i.key == "award_certificates")
    assert awards.copies == 2 and awards.kind == "original_shown"
    assert problems(awards, dataclasses.replace(ItemCheck.complete(awards), copies=1)) == [
        "只交 1 份，应交 2 份"
    ]
    keys = [i.key for i in applicable_items(items, "评审", "中级", ["transferred"])]
    assert "former_unit_proof" in keys
    assert "former_unit_proof" not in [i.key for i in applicable_items(items, "评审", "中级", [])]


# ---- 11. submissions --------------------------------------------------------------------------


def test_the_card_counts_submissions_against_the_notices_limit(session: Session) -> None:
    o = office(session)
    c = o.campaign
    second = applicant(session, c, n=11)
    second.submission_count = 2
    third = applicant(session, c, n=12)
    third.submission_count = 3
    session.flush()
    card = load_card(session, o.actor(Role.clerk), c, record_id=second.id, now=AT)
    assert card.submissions == "第 2 次提交，最多 3 次"
    assert not any(a.code == "last_submission" for a in card.alerts)
    card = load_card(session, o.actor(Role.clerk), c, record_id=third.id, now=AT)
    alert = next(a for a in card.alerts if a.code == "last_submission")
    assert "五、3" in alert.message and not alert.blocking
    b = _campaign(session, "003")
    rec = _person(session, b, 8, level="初级", track="初次确定", submissions=5)
    card = load_card(session, o.actor(Role.clerk), b, record_id=rec.id, now=T24)
    assert card.submissions == "第 5 次提交"  # 003 states no limit
    assert not any(a.code == "last_submission" for a in card.alerts)


# ---- 12, 13. the notice's deadline; contacts ---------------------------------------------------


def test_the_correction_notice_deadline_is_the_windows_end_as_stated(session: Session) -> None:
    from tui.work.records import notice_data, office_of

    o = office(session)
    b = _campaign(session, "003")
    rec = _person(session, b, 9, level="初级", track="初次确定")
    checks = _checks(session, b, rec)
    checks["initial_determination_form"] = dataclasses.replace(
        checks["initial_determination_form"], watermark_ok=False
    )
    visit = return_dossier(
        session, o.actor(Role.clerk), b, rec.id or 0, checks=checks, brought_by="authority", now=T24
    )
    data = notice_data(session, visit)
    assert data.deadline == "2024-10-31 18:00（用人单位材料报送时间截止）"
    assert "下班前" not in data.deadline
    assert office_of(o.campaign).contacts == "刘强、董文迪 0996-2701308、15099473099"


# ---- traps: a mistyped ID --------------------------------------------------------------------


def test_an_id_one_digit_off_gets_the_check_digit_message_and_a_suggestion(
    session: Session,
) -> None:
    o = office(session)
    c = o.campaign
    listed = "11010519491231002X"  # 刘䶮, on the list
    x_as_8 = listed[:17] + "8"
    # 阿依古丽·买买提's 652801198001010024 with one digit misread: its own check digit would be 2
    one_off = "652801198001010034"
    for scanned, who, expected in ((x_as_8, "刘䶮", "X"), (one_off, "阿依古丽·买买提", "2")):
        result = search(session, CLERK, c, scanned)
        assert result.problem == f"身份证号校验位不正确（最后一位应为 {expected}），请核对证件"
        assert [h.name for h in result.hits] == [who]
        card = card_for(session, o.actor(Role.clerk), c, scanned, now=AT)
        assert [a.code for a in card.alerts] == ["bad_id"]
        assert "不予受理" not in card.alerts[0].message
        assert [p.name for p in card.suggestions] == [who]
    swapped = "652801198001010204"  # two neighbouring digits swapped: also caught, also found
    assert search(session, CLERK, c, swapped).problem
    assert [h.name for h in search(session, CLERK, c, swapped).hits] == ["阿依古丽·买买提"]
    # a well-formed ID that is not listed is "not on the list", as before
    first17 = "65280119800101003"
    valid = first17 + make_check_digit(first17)
    card = card_for(session, o.actor(Role.clerk), c, valid, now=AT)
    assert [a.code for a in card.alerts] == ["not_listed"] and card.suggestions == []


def test_000_exemption_form_names_the_county_bureaus_stamp(session: Session) -> None:
    # 000 五、1: 由各县（市）人事（职称）部门审核盖章 — the deficiency names whose stamp is missing
    c = _campaign(session, "000")
    form = next(i for i in b_items(session, c) if i.key == "ce_exemption_form")
    check = dataclasses.replace(ItemCheck.complete(form), stamped_endorsed=False)
    assert problems(form, check) == ["未加盖县（市）人事（职称）部门的公章"]
