"""The counter's rules on both databases: which items apply, what is a deficiency, accept and
return (numbers, verdicts, audit, one transaction), the paper window and a lead's extension,
refusals, and who may do what — enforced in the service, whatever the screen shows."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlmodel import Session, col, select

from models.audit import AuditEvent
from models.campaign import ChecklistItem, PaperWindow
from models.dossier import Dossier, DossierVisit, ItemVerdict
from models.errors import Conflict, InvalidInput, PermissionDenied
from models.services.intake import (
    ItemCheck,
    Refused,
    accept,
    applicable_items,
    deficiencies,
    extend_window,
    load_card,
    parse_local_time,
    problems,
    record_refusal,
    relevant_conditions,
    return_dossier,
)
from models.services.reconcile import reconcile
from models.vocab import Condition, Role
from tests.factories import AT, Office, all_complete, applicant, office

IN_WINDOW = AT  # 2021-09-27 11:32 in Asia/Shanghai; 000's window is 09-25 … 10-10
AFTER_WINDOW = dt.datetime(2021, 10, 11, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def o(session: Session) -> Office:
    return office(session)


def _items(session: Session, o: Office) -> dict[str, ChecklistItem]:
    return {
        i.key: i
        for i in session.exec(
            select(ChecklistItem).where(ChecklistItem.campaign_id == o.campaign.id)
        )
    }


def test_which_items_apply_by_track_level_and_condition(session: Session, o: Office) -> None:
    items = list(_items(session, o).values())
    keys = [i.key for i in applicable_items(items, "评审", "中级", [])]
    assert keys[0] == "review_form"
    assert "title_certificate" in keys and "continuing_education" in keys
    assert "ce_exemption_form" not in keys and "years_in_profession" not in keys
    # 访惠聚: the exemption form replaces the continuing-education certificate
    fhj = [i.key for i in applicable_items(items, "评审", "中级", ["fanghuiju"])]
    assert "ce_exemption_form" in fhj and "continuing_education" not in fhj
    # 初次确定 has no current title certificate; first application straight to 中级 needs years
    first = [
        i.key for i in applicable_items(items, "初次确定", "中级", ["first_direct_intermediate"])
    ]
    assert "title_certificate" not in first and "years_in_profession" in first
    assert "years_in_profession" not in [
        i.key for i in applicable_items(items, "评审", "初级", ["first_direct_intermediate"])
    ]
    conds = relevant_conditions(items, "评审", "中级")
    assert Condition.fanghuiju in conds and Condition.first_direct_intermediate in conds


def test_every_kind_of_deficiency_in_the_notices_words(session: Session, o: Office) -> None:
    items = _items(session, o)
    form, diploma, awards = items["review_form"], items["diploma"], items["award_certificates"]
    assert problems(form, ItemCheck.complete(form)) == []
    assert problems(form, ItemCheck.missing()) == ["未提交"]
    bad_form = dataclasses.replace(
        ItemCheck.complete(form), copies=1, handwritten_ok=False, mismatches=("姓名", "级别")
    )
    found = problems(form, bad_form)
    assert found[0] == "只交 1 份，应交 2 份"
    assert found[1].startswith("缺手写内容“本单位已对提供的")
    assert found[2] == "与网上申报信息不一致：姓名、级别"
    assert problems(
        diploma, dataclasses.replace(ItemCheck.complete(diploma), stamped_endorsed=False)
    ) == ["复印件未加盖单位公章并签署“已审核，与原件相符”"]
    assert problems(
        awards, dataclasses.replace(ItemCheck.complete(awards), original_checked=False)
    ) == ["未出示原件核对"]
    listed = deficiencies(
        [form, diploma], {"review_form": bad_form, "diploma": ItemCheck.missing()}
    )
    assert [d["item_key"] for d in listed] == ["review_form"] * 3 + ["diploma"]


def test_accept_numbers_saves_every_verdict_and_audits(session: Session, o: Office) -> None:
    rec = applicant(session, o.campaign)
    checks = all_complete(session, o.campaign, rec)
    d = accept(session, o.actor(Role.clerk), o.campaign, rec.id or 0, checks=checks, now=IN_WINDOW)
    session.commit()
    assert d.status == "accepted"
    assert d.dossier_code == "ZJ21S00002"  # the factory's own dossier holds 00001
    visit = session.exec(select(DossierVisit).where(DossierVisit.dossier_id == d.id)).one()
    verdicts = session.exec(select(ItemVerdict).where(ItemVerdict.visit_id == visit.id)).all()
    assert {v.item_key for v in verdicts} == set(checks)
    form = next(v for v in verdicts if v.item_key == "review_form")
    assert (form.copies, form.handwritten_ok, form.matches_online) == (2, True, True)
    assert d.online_snapshot["name"] == "张伟"
    ev = session.exec(select(AuditEvent).where(AuditEvent.action == "intake.accept")).one()
    assert ev.entity_id == d.dossier_code and ev.desk == "1号窗口"
    # the card now says it cannot be accepted again, by whom and when
    card = load_card(session, o.actor(Role.clerk), o.campaign, record_id=rec.id, now=IN_WINDOW)
    assert [a.code for a in card.alerts] == ["already_accepted"]
    assert "受理员小王" in card.alerts[0].message and "2021-09-27 11:32" in card.alerts[0].message
    with pytest.raises(Conflict) as exc:
        accept(session, o.actor(Role.lead), o.campaign, rec.id or 0, checks=checks, now=IN_WINDOW)
    assert exc.value.code == "intake.already_accepted"


def test_accept_refuses_deficient_or_unjudged_paper_and_writes_nothing(
    session: Session, o: Office
) -> None:
    rec = applicant(session, o.campaign)
    checks = all_complete(session, o.campaign, rec)
    partial = dict(checks)
    partial.pop("diploma")
    with pytest.raises(InvalidInput) as exc:
        accept(session, o.actor(Role.clerk), o.campaign, rec.id or 0, checks=partial, now=IN_WINDOW)
    assert exc.value.code == "intake.unjudged" and "学历证书复印件" in exc.value.message
    checks["diploma"] = ItemCheck.missing()
    with pytest.raises(InvalidInput) as exc:
        accept(session, o.actor(Role.clerk), o.campaign, rec.id or 0, checks=checks, now=IN_WINDOW)
    assert exc.value.code == "intake.deficient"
    session.rollback()
    assert session.exec(select(Dossier).where(Dossier.online_record_id == rec.id)).first() is None


def test_return_gives_one_notice_with_every_deficiency_then_the_paper_comes_back(
    session: Session, o: Office
) -> None:
    rec = applicant(session, o.campaign)
    checks = all_complete(session, o.campaign, rec)
    checks["diploma"] = ItemCheck.missing()
    checks["review_form"] = dataclasses.replace(checks["review_form"], copies=1)
    clerk = o.actor(Role.clerk)
    with pytest.raises(InvalidInput) as exc:  # a true one-time notice: nothing left unjudged
        partial = dict(checks)
        partial.pop("publicity_result")
        return_dossier(session, clerk, o.campaign, rec.id or 0, checks=partial, now=IN_WINDOW)
    assert exc.value.code == "intake.unjudged"
    visit = return_dossier(session, clerk, o.campaign, rec.id or 0, checks=checks, now=IN_WINDOW)
    session.commit()
    assert visit.notice_code == "ZJ21B00002"
    assert [(d["item"], d["problem"]) for d in visit.deficiencies] == [
        ("专业技术职务任职资格评审表", "只交 1 份，应交 2 份"),
        ("学历证书复印件", "未提交"),
    ]
    d = session.get(Dossier, visit.dossier_id)
    assert d is not None and d.status == "returned" and d.dossier_code is None
    # it comes back complete: accepted, with its history
    card = load_card(session, clerk, o.campaign, record_id=rec.id, now=IN_WINDOW)
    assert card.returns == 1 and card.can_judge
    assert "曾退回补正 1 次" in card.alerts[0].message
    good = all_complete(session, o.campaign, rec)
    accepted = accept(session, clerk, o.campaign, rec.id or 0, checks=good, now=IN_WINDOW)
    session.commit()
    assert accepted.id == d.id and accepted.status == "accepted"
    assert len(session.exec(select(DossierVisit).where(DossierVisit.dossier_id == d.id)).all()) == 2
    # nothing to return when all is well
    rec2 = applicant(session, o.campaign, n=2, name="李娜")
    with pytest.raises(InvalidInput) as exc:
        return_dossier(
            session,
            clerk,
            o.campaign,
            rec2.id or 0,
            checks=all_complete(session, o.campaign, rec2),
            now=IN_WINDOW,
        )
    assert exc.value.code == "intake.nothing_to_return"


def test_not_approved_and_not_listed_are_refused(session: Session, o: Office) -> None:
    rec = applicant(session, o.campaign, status="退回修改")
    card = load_card(session, o.actor(Role.clerk), o.campaign, record_id=rec.id, now=IN_WINDOW)
    assert not card.can_judge and card.alerts[0].code == "not_approved"
    with pytest.raises(Refused) as exc:
        accept(
            session,
            o.actor(Role.clerk),
            o.campaign,
            rec.id or 0,
            checks=all_complete(session, o.campaign, rec),
            now=IN_WINDOW,
        )
    assert exc.value.code == "intake.not_approved" and "退回修改" in exc.value.message
    card = load_card(
        session, o.actor(Role.clerk), o.campaign, id_number="652827198503019997", now=IN_WINDOW
    )
    assert card.person is None and card.alerts[0].code == "not_listed"
    assert "652827********9997" in card.alerts[0].message
    record_refusal(
        session,
        o.actor(Role.clerk),
        o.campaign,
        reason="not_listed",
        scanned="652827198503019997",
        note="本人到场",
    )
    record_refusal(
        session, o.actor(Role.clerk), o.campaign, reason="not_approved", record_id=rec.id
    )
    session.commit()
    refused = reconcile(session, o.actor(Role.lead), o.campaign.code).refused
    assert [(x["reason"], x["id_masked"]) for x in refused] == [
        ("不在网上通过形式审核名单", "652827********9997"),
        ("网上未通过形式审核", "652827********" + rec.id_number[-4:]),
    ]
    assert refused[1]["name"] == "张伟" and refused[0]["by"] == "clerk"


def test_window_is_enforced_and_a_lead_extends_it_with_a_reason(
    session: Session, o: Office
) -> None:
    rec = applicant(session, o.campaign)
    checks = all_complete(session, o.campaign, rec)
    card = load_card(session, o.actor(Role.clerk), o.campaign, record_id=rec.id, now=AFTER_WINDOW)
    assert [a.code for a in card.alerts] == ["window_closed"]
    assert "已结束" in card.alerts[0].message
    with pytest.raises(Refused) as exc:
        accept(
            session, o.actor(Role.clerk), o.campaign, rec.id or 0, checks=checks, now=AFTER_WINDOW
        )
    assert exc.value.code == "intake.window_closed"
    until = parse_local_time("2021-10-12", o.campaign)
    assert until == dt.datetime(2021, 10, 12, 16, 0, tzinfo=dt.UTC)  # 10-13 00:00 local
    with pytest.raises(PermissionDenied):  # a clerk cannot, whatever the screen shows
        extend_window(
            session, o.actor(Role.clerk), o.campaign, until=until, reason="堵车", now=AFTER_WINDOW
        )
    with pytest.raises(InvalidInput) as invalid:
        extend_window(
            session, o.actor(Role.lead), o.campaign, until=until, reason=" ", now=AFTER_WINDOW
        )
    assert invalid.value.code == "window.no_reason"
    w = extend_window(
        session,
        o.actor(Role.lead),
        o.campaign,
        until=until,
        reason="和静县教育局统一报送，路上耽误",
        now=AFTER_WINDOW,
    )
    session.commit()
    assert w.label == "延长受理时间" and "路上耽误" in w.clause
    ev = session.exec(select(AuditEvent).where(AuditEvent.action == "window.extend")).one()
    assert ev.actor_name == "lead" and ev.detail["reason"].startswith("和静县")
    d = accept(
        session, o.actor(Role.clerk), o.campaign, rec.id or 0, checks=checks, now=AFTER_WINDOW
    )
    assert d.status == "accepted"
    late = AFTER_WINDOW + dt.timedelta(days=3)
    rec2 = applicant(session, o.campaign, n=2, name="李娜")
    with pytest.raises(Refused):
        accept(
            session,
            o.actor(Role.clerk),
            o.campaign,
            rec2.id or 0,
            checks=all_complete(session, o.campaign, rec2),
            now=late,
        )
    assert session.exec(select(PaperWindow).order_by(col(PaperWindow.id).desc())).first() == w


def test_bad_times_and_reasons(session: Session, o: Office) -> None:
    for text in ("明天", "2021-13-01", "10/12"):
        with pytest.raises(InvalidInput) as exc:
            parse_local_time(text, o.campaign)
        assert "2021-10-08" in exc.value.message
    assert parse_local_time("2021/10/12 18:00", o.campaign).hour == 10
    with pytest.raises(InvalidInput):
        record_refusal(session, o.actor(Role.clerk), o.campaign, reason="no-such-reason")
    with pytest.raises(InvalidInput):
        extend_window(
            session,
            o.actor(Role.lead),
            o.campaign,
            reason="理由充分",
            until=AFTER_WINDOW,
            now=AFTER_WINDOW,
        )


def test_a_cashier_cannot_accept_or_return(session: Session, o: Office) -> None:
    rec = applicant(session, o.campaign)
    checks = all_complete(session, o.campaign, rec)
    for service in (accept, return_dossier):
        with pytest.raises(PermissionDenied) as exc:
            service(
                session,
                o.actor(Role.cashier),
                o.campaign,
                rec.id or 0,
                checks=checks,
                now=IN_WINDOW,
            )
        assert "收费员无权" in exc.value.message


def test_changed_online_after_acceptance_is_shown(session: Session, o: Office) -> None:
    rec = applicant(session, o.campaign)
    accept(
        session,
        o.actor(Role.clerk),
        o.campaign,
        rec.id or 0,
        checks=all_complete(session, o.campaign, rec),
        now=IN_WINDOW,
    )
    rec.level, rec.specialty = "初级", "会计"
    session.add(rec)
    session.commit()
    card = load_card(session, o.actor(Role.clerk), o.campaign, record_id=rec.id, now=IN_WINDOW)
    changed = next(a for a in card.alerts if a.code == "changed_after_acceptance")
    assert "级别：中级 → 初级" in changed.message and "专业：计算机应用 → 会计" in changed.message


def test_full_id_only_for_the_lead(session: Session, o: Office) -> None:
    rec = applicant(session, o.campaign)
    clerk = load_card(session, o.actor(Role.clerk), o.campaign, record_id=rec.id, now=IN_WINDOW)
    lead = load_card(session, o.actor(Role.lead), o.campaign, record_id=rec.id, now=IN_WINDOW)
    assert clerk.person and lead.person
    assert "*" in clerk.person.id_shown and lead.person.id_shown == rec.id_number


def test_numbers_are_gapless_when_an_outcome_fails(session: Session, o: Office) -> None:
    """A refused accept rolls back: the next acceptance gets the next number, not one later."""
    a = applicant(session, o.campaign, n=3, name="甲")
    b = applicant(session, o.campaign, n=4, name="乙")
    session.commit()
    clerk = o.actor(Role.clerk)
    first = accept(
        session,
        clerk,
        o.campaign,
        a.id or 0,
        checks=all_complete(session, o.campaign, a),
        now=IN_WINDOW,
    )
    session.commit()
    bad = all_complete(session, o.campaign, b)
    bad["diploma"] = ItemCheck.missing()
    with pytest.raises(InvalidInput):
        accept(session, clerk, o.campaign, b.id or 0, checks=bad, now=IN_WINDOW)
    session.rollback()
    second = accept(
        session,
        clerk,
        o.campaign,
        b.id or 0,
        checks=all_complete(session, o.campaign, b),
        now=IN_WINDOW,
    )
    session.commit()
    assert (second.dossier_no or 0) - (first.dossier_no or 0) == 1
