"""The committee handover on SQLite and PostgreSQL: the roster (移交花名册) grouped by series,
specialty and level with who must defend (000 五、8 and 五、1; 002 六), the unpaid left out
and listed; the handover recorded (who, when, to whom, how many), after which the dossiers are
read-only — the database refuses a direct UPDATE and the fee desk refuses to take money —
and no dossier is handed over twice, also by two leads at once."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, col, select

from models.audit import AuditEvent
from models.campaign import Campaign
from models.db import session_scope
from models.dossier import Dossier
from models.errors import Conflict, DomainError, InvalidInput, PermissionDenied
from models.money import Money
from models.online import build_online_record
from models.permissions import SYSTEM, Actor
from models.services.campaigns import load_campaign, read_preset
from models.services.handover import (
    HandoverRefused,
    Roster,
    defence_of,
    hand_over,
    handovers,
    roster,
)
from models.services.intake import ItemCheck, accept, return_dossier
from models.services.payments import refund_payment, take_payment, void_payment
from models.tally import Handover
from models.vocab import Role
from tests.factories import AT, Office, all_complete, applicant, office

SERIES = "中职、技工类院校教师"
FANGHUIJU = "免答辩（参加“访惠聚”驻村等工作）"
HANDED_AT = dt.datetime(2021, 10, 12, 2, 0, tzinfo=dt.UTC)  # 10:00 in Asia/Shanghai


def _accept(
    session: Session,
    o: Office,
    n: int,
    name: str,
    level: str = "中级",
    conditions: tuple[str, ...] = (),
) -> Dossier:
    rec = applicant(session, o.campaign, n=n, name=name, level=level)
    return accept(
        session,
        o.actor(Role.clerk),
        o.campaign,
        rec.id or 0,
        checks=all_complete(session, o.campaign, rec, conditions),
        conditions=conditions,
        now=AT,
    )


def _pay(session: Session, o: Office, d: Dossier) -> str:
    return take_payment(
        session, o.actor(Role.cashier), o.campaign, d.id or 0, method="cash", now=AT
    ).receipt_code


def _office_000(session: Session) -> Office:
    """The 000 office (ZJ21S00001 中级, paid ZJ21F00001) and six more dossiers:
    ZJ21S00002 张伟 中级 访惠聚, paid F00002          → 免答辩（访惠聚）
    ZJ21S00003 李娜 初级, paid F00003, 100 refunded   → 不答辩 (a partial refund does not matter)
    ZJ21S00004 王芳 中级, never paid                  → left out: 未缴费
    ZJ21S00005 赵磊 中级, paid F00004, voided F00005  → left out: 未缴费
    ZJ21S00006 孙丽 中级, F00006 voided F00007, paid again F00008 → 须答辩
    ZJ21S00007 周杰 初级, paid F00009, refunded in full F00010 → left out"""
    o = office(session)
    lead = o.actor(Role.lead)
    b = _accept(session, o, 1, "张伟", conditions=("fanghuiju",))
    c = _accept(session, o, 2, "李娜", level="初级")
    _accept(session, o, 3, "王芳")
    e = _accept(session, o, 4, "赵磊")
    f = _accept(session, o, 5, "孙丽")
    g = _accept(session, o, 6, "周杰", level="初级")
    assert [_pay(session, o, x) for x in (b, c, e)] == ["ZJ21F00002", "ZJ21F00003", "ZJ21F00004"]
    void_payment(
        session, lead, o.campaign, "ZJ21F00004", reason="wrong_dossier", note="收错人", now=AT
    )
    assert _pay(session, o, f) == "ZJ21F00006"
    void_payment(
        session, lead, o.campaign, "ZJ21F00006", reason="wrong_method", note="应为扫码", now=AT
    )
    assert _pay(session, o, f) == "ZJ21F00008"
    assert _pay(session, o, g) == "ZJ21F00009"
    refund_payment(
        session,
        lead,
        o.campaign,
        "ZJ21F00009",
        amount=Money.yuan(220),
        reason="withdrawn",
        note="本人书面申请撤回",
        now=AT,
    )
    refund_payment(
        session,
        lead,
        o.campaign,
        "ZJ21F00003",
        amount=Money.yuan(100),
        reason="overpaid",
        note="多收",
        now=AT,
    )
    session.commit()
    return o


def _shape(r: Roster) -> list[tuple[tuple[str, str, str], list[tuple[str, str, str, str]]]]:
    return [
        (
            (g.series, g.specialty, g.level),
            [(x.dossier_code, x.name, x.receipt_code, x.defence_text) for x in g.lines],
        )
        for g in r.groups
    ]


def test_roster_000_groups_defence_and_the_unpaid(session: Session) -> None:
    o = _office_000(session)
    r = roster(session, o.actor(Role.lead), o.campaign)
    assert _shape(r) == [
        (
            (SERIES, "机电技术应用", "中级"),
            [("ZJ21S00001", "阿依古丽·买买提", "ZJ21F00001", "须答辩")],
        ),
        ((SERIES, "计算机应用", "初级"), [("ZJ21S00003", "李娜", "ZJ21F00003", "不答辩")]),
        (
            (SERIES, "计算机应用", "中级"),
            [
                ("ZJ21S00002", "张伟", "ZJ21F00002", FANGHUIJU),
                ("ZJ21S00006", "孙丽", "ZJ21F00008", "须答辩"),
            ],
        ),
    ]
    assert (r.total, r.must_defend, r.exempt, r.not_required) == (4, 2, 1, 1)
    assert [g.must_defend for g in r.groups] == [1, 0, 1]
    assert [(x.dossier_code, x.name, x.reason) for x in r.left_out] == [
        ("ZJ21S00004", "王芳", "未缴费"),
        ("ZJ21S00005", "赵磊", "未缴费"),
        ("ZJ21S00007", "周杰", "评审费已全额退还"),
    ]
    first = r.lines[0]
    assert (first.id_masked, first.unit, first.track) == (
        "652801********0024",
        "巴音郭楞蒙古自治州红旗高级技工学校机电工程系",
        "评审",
    )
    assert r.lines[1].county == "和静县"
    # the exemption as 000 五、1 words it, with its clause
    assert r.defence_levels == ("中级",) and r.exemptions == (
        "参加“访惠聚”驻村、驻村管寺、南疆学前教育支教和内地服务管理工作以及担任深度贫困村第一书记等（五、1）",
    )
    assert all(x.verify == "" and x.handover_no is None for x in r.lines)  # 000: all decidable


def _culture(session: Session) -> tuple[Campaign, Office]:
    """002 (文化系列), six dossiers written directly and paid (评审 中级 has no stated fee, so
    none of them is 评审 中级):
    WH21S00001 艺术/表演 中级 初次确定, 且末县文化馆 (county 且末县)         → 免答辩（且末县工作）
    WH21S00002 艺术/表演 中级 授予, 若羌县文工团 (no county given)         → 免答辩（若羌县工作）
    WH21S00003 艺术/表演 中级 初次确定, a private firm                   → 免答辩（民营企业）
    WH21S00004 群众文化/群众文化 中级 初次确定, 库尔勒市文化馆               → 须答辩, to verify
    WH21S00005 群众文化/群众文化 初级 初次确定                           → 不答辩 (六（二）)
    WH21S00006 艺术/美术 中级 初次确定, 访惠聚                           → 免答辩（访惠聚）"""
    from models.idcard import make_check_digit

    o = office(session)
    filename, body = read_preset("002")
    c = load_campaign(session, SYSTEM, body, filename=filename)
    rows = [
        ("艺术", "表演", "中级", "初次确定", "且末县文化馆", "且末县", []),
        ("艺术", "表演", "中级", "授予", "若羌县文工团", "", []),
        (
            "艺术",
            "表演",
            "中级",
            "初次确定",
            "库尔勒天山文化传媒有限公司",
            "库尔勒市",
            ["private_firm"],
        ),
        ("群众文化", "群众文化", "中级", "初次确定", "库尔勒市文化馆", "库尔勒市", []),
        ("群众文化", "群众文化", "初级", "初次确定", "和静县文化馆", "和静县", []),
        ("艺术", "美术", "中级", "初次确定", "轮台县文化馆", "轮台县", ["fanghuiju"]),
    ]
    cashier = o.actor(Role.cashier)
    for i, (series, specialty, level, track, unit, county, conds) in enumerate(rows, start=1):
        first17 = f"65282819900101{i:03d}"
        rec = build_online_record(
            campaign_id=c.id or 0,
            id_number=first17 + make_check_digit(first17),
            name=f"文化{i}",
            level=level,
            track=track,
            status="通过形式审核",
            unit=unit,
            county=county,
            series=series,
            specialty=specialty,
        )
        session.add(rec)
        session.flush()
        d = Dossier(
            campaign_id=c.id or 0,
            online_record_id=rec.id or 0,
            status="accepted",
            track=track,
            level=level,
            conditions=conds,
            dossier_no=i,
            dossier_code=f"WH21S{i:05d}",
            accepted_at=AT,
        )
        session.add(d)
        session.flush()
        take_payment(session, cashier, c, d.id or 0, method="cash", now=AT)
    session.commit()
    return c, o


def test_roster_002_counties_conditions_and_what_the_data_cannot_decide(session: Session) -> None:
    c, o = _culture(session)
    r = roster(session, o.actor(Role.lead), c)
    # 002 六: the exemptions are counter conditions (县级（不含）以下, 非公经济组织, 社会组织和
    # 自由职业) or the county; 六（二）: 初级 is exempt
    assert [(k, [(code, shown) for code, _, _, shown in lines]) for k, lines in _shape(r)] == [
        (
            ("艺术", "表演", "中级"),
            [
                ("WH21S00001", "免答辩（且末县工作）"),
                ("WH21S00002", "免答辩（若羌县工作）"),
                ("WH21S00003", "免答辩（民营企业）"),
            ],
        ),
        (("艺术", "美术", "中级"), [("WH21S00006", FANGHUIJU)]),
        (
            ("群众文化", "群众文化", "初级"),
            [("WH21S00005", "免答辩（初级专业技术职务任职资格人员）")],
        ),
        (("群众文化", "群众文化", "中级"), [("WH21S00004", "须答辩")]),
    ]
    assert (r.total, r.must_defend, r.exempt, r.not_required) == (6, 1, 5, 0)
    assert r.exemptions == (
        "参加“访惠聚”驻村、专项工作、南疆学前教育支教和内地服务管理工作以及担任深度贫困村第一书记等（六（一））",
        "且末县、若羌县工作（六（一））",
        "在其他县级（不含）以下基层单位工作（六（一））",
        "初级专业技术职务任职资格人员（六（二））",
        "非公经济组织（六（三））",
        "社会组织和自由职业（六（三））",
    )
    assert r.left_out == ()
    # the free text: a county in the unit or the county column
    assert defence_of(c, "中级", [], county="若羌县") == ("免答辩（若羌县工作）", False, "")
    assert defence_of(c, "中级", ["county_or_below"])[1] is True  # 县市及以下 ≠ 县级（不含）以下
    assert defence_of(c, "中级", ["below_county"])[1] is False
    assert defence_of(c, "初级", []) == ("免答辩（初级专业技术职务任职资格人员）", False, "")
    assert defence_of(c, "高级", [])[1] is True  # 六: everyone outside the exemptions defends


def test_who_reads_the_roster(session: Session) -> None:
    o = office(session)
    for role in (Role.clerk, Role.cashier):
        with pytest.raises(PermissionDenied) as exc:
            roster(session, o.actor(role), o.campaign)
        assert "无权查看移交花名册" in exc.value.message


def _dossier(session: Session, code: str) -> Dossier:
    d = session.exec(
        select(Dossier)
        .where(Dossier.dossier_code == code)
        .execution_options(populate_existing=True)
    ).one()
    return d


def test_hand_over_then_read_only_and_never_twice(session: Session) -> None:
    o = _office_000(session)
    lead = o.actor(Role.lead)
    h = hand_over(
        session, lead, o.campaign, receiver="  评审委员会  秘书 王敏 ", note="第一批", now=HANDED_AT
    )
    session.commit()
    assert (h.handover_no, h.receiver, h.dossier_count, h.handed_by_id, h.note) == (
        1,
        "评审委员会 秘书 王敏",
        4,
        o.lead.id,
        "第一批",
    )
    assert h.dossier_codes == ["ZJ21S00001", "ZJ21S00002", "ZJ21S00003", "ZJ21S00006"]
    assert h.handed_at == HANDED_AT
    for code in h.dossier_codes:
        d = _dossier(session, code)
        assert (d.status, d.handed_over_at, d.handover_id) == ("handed_over", HANDED_AT, h.id)
    assert _dossier(session, "ZJ21S00004").status == "accepted"  # unpaid: left where it was
    [ev] = session.exec(select(AuditEvent).where(AuditEvent.action == "dossier.handover")).all()
    assert (ev.actor_id, ev.entity, ev.entity_id) == (o.lead.id, "handover", "1")
    assert ev.detail["count"] == 4 and ev.detail["codes"] == h.dossier_codes
    assert ev.detail["receiver"] == "评审委员会 秘书 王敏"

    # read-only: the database refuses a direct change, on both backends
    with pytest.raises(DBAPIError) as db_exc:
        session.execute(text("UPDATE dossier SET level = '初级' WHERE dossier_code = 'ZJ21S00001'"))
    assert "handed over" in str(db_exc.value)
    session.rollback()
    with pytest.raises(DBAPIError):
        session.execute(text("UPDATE handover SET receiver = 'x'"))
    session.rollback()
    # the fee desk takes no money for it, and its receipt is not voided
    d1 = _dossier(session, "ZJ21S00001")
    with pytest.raises(DomainError) as pay_exc:
        take_payment(
            session, o.actor(Role.cashier), o.campaign, d1.id or 0, method="cash", now=HANDED_AT
        )
    assert pay_exc.value.code == "payment.not_accepted" and "已移交" in pay_exc.value.message
    session.rollback()
    with pytest.raises((DomainError, DBAPIError)):
        void_payment(
            session,
            lead,
            o.campaign,
            "ZJ21F00001",
            reason="wrong_method",
            note="应为扫码",
            now=HANDED_AT,
        )
    session.rollback()
    # the counter takes it neither as accepted nor as returned
    rec_id = _dossier(session, "ZJ21S00002").online_record_id
    later = dt.datetime(2021, 10, 9, 4, tzinfo=dt.UTC)  # still in the paper window
    from models.online import OnlineRecord

    rec = session.get(OnlineRecord, rec_id)
    assert rec is not None
    checks = all_complete(session, o.campaign, rec)
    with pytest.raises(Conflict) as taken:
        accept(session, o.actor(Role.clerk), o.campaign, rec_id, checks=checks, now=later)
    assert taken.value.code == "intake.handed_over" and "已移交评审委员会" in taken.value.message
    session.rollback()
    with pytest.raises(Conflict):
        return_dossier(
            session,
            o.actor(Role.clerk),
            o.campaign,
            rec_id,
            checks={**checks, "diploma": ItemCheck.missing()},
            now=later,
        )
    session.rollback()

    # nothing is handed over twice
    with pytest.raises(HandoverRefused) as exc:
        hand_over(session, lead, o.campaign, receiver="王敏", now=HANDED_AT)
    assert exc.value.code == "handover.nothing"
    session.rollback()
    with pytest.raises(HandoverRefused) as exc:
        hand_over(session, lead, o.campaign, receiver="王敏", dossier_codes=["zj21s00002"])
    assert exc.value.code == "handover.already_handed_over"
    assert "ZJ21S00002 已于第 1 次移交" in exc.value.message
    session.rollback()

    # given numbers: each problem said at once, the worst first; nothing handed over
    with pytest.raises(InvalidInput) as bad:
        hand_over(
            session,
            lead,
            o.campaign,
            receiver="王敏",
            dossier_codes=["ZJ21S00004", "ZJ21S09999", "ZJ21S00001", "ZJ21S00007"],
        )
    assert bad.value.code == "handover.unknown_dossier"
    assert bad.value.message == (
        "以下档案不能移交：ZJ21S09999 本批次没有这个受理编号；"
        "ZJ21S00001 已于第 1 次移交；ZJ21S00004 未缴费；"
        "ZJ21S00007 评审费已全额退还"
    )
    session.rollback()
    with pytest.raises(HandoverRefused) as exc:
        hand_over(session, lead, o.campaign, receiver="王敏", dossier_codes=["ZJ21S00004"])
    assert (exc.value.code, exc.value.message) == (
        "handover.unpaid",
        "以下档案不能移交：ZJ21S00004 未缴费",
    )
    session.rollback()

    # paid later, handed over on its own: handover no. 2
    _pay(session, o, _dossier(session, "ZJ21S00004"))
    h2 = hand_over(
        session,
        lead,
        o.campaign,
        receiver="王敏",
        dossier_codes=[" zj21s00004 "],
        now=HANDED_AT + dt.timedelta(days=1),
    )
    session.commit()
    assert (h2.handover_no, h2.dossier_codes, h2.dossier_count) == (2, ["ZJ21S00004"], 1)
    assert [x.handover_no for x in handovers(session, lead, o.campaign)] == [1, 2]
    everything = roster(session, lead, o.campaign, include_handed_over=True)
    assert [(x.dossier_code, x.handover_no) for x in everything.lines] == [
        ("ZJ21S00001", 1),
        ("ZJ21S00003", 1),
        ("ZJ21S00002", 1),
        ("ZJ21S00004", 2),
        ("ZJ21S00006", 1),
    ]
    assert everything.to_hand_over == 0
    left = roster(session, lead, o.campaign)
    assert left.total == 0
    assert [x.dossier_code for x in left.left_out] == ["ZJ21S00005", "ZJ21S00007"]


def test_hand_over_checks_its_input_and_who(session: Session) -> None:
    o = _office_000(session)
    lead = o.actor(Role.lead)
    for receiver, code in (
        ("", "handover.no_receiver"),
        ("   ", "handover.no_receiver"),
        ("王" * 101, "handover.receiver_too_long"),
    ):
        with pytest.raises(InvalidInput) as exc:
            hand_over(session, lead, o.campaign, receiver=receiver)
        assert exc.value.code == code
    with pytest.raises(InvalidInput) as exc:
        hand_over(session, lead, o.campaign, receiver="王敏", dossier_codes=["", " "])
    assert exc.value.code == "handover.no_dossier"
    with pytest.raises(InvalidInput) as exc:
        hand_over(session, lead, o.campaign, receiver="王敏", note="说" * 501)
    assert exc.value.code == "handover.note_too_long"
    for role in (Role.clerk, Role.cashier):
        with pytest.raises(PermissionDenied) as denied:
            hand_over(session, o.actor(role), o.campaign, receiver="王敏")
        assert "无权向评审委员会移交材料" in denied.value.message
    assert hand_over(session, lead, o.campaign, receiver="王" * 100).dossier_count == 4
    session.commit()
    assert session.exec(select(Handover)).one().receiver == "王" * 100


def test_two_leads_at_once_hand_each_dossier_over_once(engine: Engine) -> None:
    """Two leads hand over 'everything' at the same moment, two more the same two dossiers:
    one of each pair records the handover, the other finds nothing left or is told which
    dossier went in which handover; no dossier is in two handovers."""
    with session_scope(engine) as s:
        o = _office_000(s)
        code = o.campaign.code
        lead2 = o.actor(Role.lead, desk="2号窗口")
        leads = [o.actor(Role.lead), lead2]
    results: list[str] = []
    lock = threading.Lock()

    def run(actor: Actor, codes: list[str] | None, gate: threading.Barrier) -> None:
        gate.wait()
        try:
            with session_scope(engine) as s:
                c = s.exec(select(Campaign).where(Campaign.code == code)).one()
                h = hand_over(s, actor, c, receiver="王敏", dossier_codes=codes)
                got = f"handover {len(h.dossier_codes)}"
        except DomainError as exc:
            got = exc.code
        except Exception as exc:
            got = repr(exc)
        with lock:
            results.append(got)

    for codes in (None, ["ZJ21S00004"]):
        if codes is not None:  # pay it first
            with session_scope(engine) as s:
                c = s.exec(select(Campaign).where(Campaign.code == code)).one()
                d = s.exec(select(Dossier).where(Dossier.dossier_code == "ZJ21S00004")).one()
                take_payment(s, o.actor(Role.cashier), c, d.id or 0, method="cash", now=AT)
        gate = threading.Barrier(2)
        threads = [threading.Thread(target=run, args=(a, codes, gate)) for a in leads]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(results[:2]) == ["handover 4", "handover.nothing"]
    assert sorted(results[2:]) == ["handover 1", "handover.already_handed_over"]
    with session_scope(engine, readonly=True) as s:
        hs = s.exec(select(Handover).order_by(col(Handover.handover_no))).all()
        assert [h.handover_no for h in hs] == [1, 2]
        codes_all = [c for h in hs for c in h.dossier_codes]
        assert len(codes_all) == len(set(codes_all)) == 5
