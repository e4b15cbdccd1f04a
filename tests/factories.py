"""Rows for tests that need an office with a dossier, a payment and a notice, written directly
(the intake and fee services of later issues write the same rows); the office with a day of
money on it, with dossiers waiting to be paid, and more accepted dossiers or cashiers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from models import audit
from models.campaign import Campaign, NumberSequence
from models.db import session_scope
from models.dossier import Dossier, DossierVisit, ItemVerdict
from models.idcard import make_check_digit
from models.money import Money
from models.online import OnlineRecord, build_online_record
from models.payment import Payment
from models.permissions import SYSTEM, Actor
from models.services.campaigns import load_campaign, read_preset
from models.services.payments import refund_payment, take_payment, void_payment
from models.services.users import add_user
from models.users import User
from models.vocab import PaymentMethod, Role

AT = dt.datetime(2021, 9, 27, 3, 32, tzinfo=dt.UTC)  # 11:32 in Asia/Shanghai


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Row) -> int:
    """A flushed row's primary key (``int | None`` to mypy until the database has given one)."""
    assert row.id is not None
    return row.id


@dataclass
class Staff:
    """A campaign and the office's three people: enough to accept and pay dossiers."""

    campaign: Campaign
    clerk: User
    cashier: User
    lead: User

    def actor(self, role: Role, desk: str = "1号窗口") -> Actor:
        user = {Role.clerk: self.clerk, Role.cashier: self.cashier, Role.lead: self.lead}[role]
        return Actor(user_id=user.id, username=user.username, role=role, desk=desk)


@dataclass
class Office(Staff):
    dossier: Dossier  # accepted, ZJ21S00001
    payment: Payment  # ZJ21F00001, 380 yuan cash, tendered 400
    returned: Dossier  # returned with notice ZJ21B00001
    notice_code: str


def preset_campaign(session: Session, code: str = "000") -> int:
    """A shipped preset loaded and committed, as a lead loads it; its campaign's id."""
    filename, text = read_preset(code)
    c = load_campaign(session, SYSTEM, text, filename=filename)
    session.commit()
    assert c.id is not None
    return c.id


def office(session: Session) -> Office:
    users = {}
    for role, name, shown in (
        (Role.clerk, "clerk", "受理员小王"),
        (Role.cashier, "cashier", "收费员小李"),
        (Role.lead, "lead", "负责人刘强"),
    ):
        users[role] = add_user(
            session, SYSTEM, username=name, role=role, password="secret-pw", display_name=shown
        )
    filename, text = read_preset("000")
    c = load_campaign(session, SYSTEM, text, filename=filename)
    assert c.id is not None
    rec = build_online_record(
        campaign_id=c.id,
        id_number="652801198001010024",
        name="阿依古丽·买买提",
        level="中级",
        track="评审",
        status="通过形式审核",
        unit="巴音郭楞蒙古自治州红旗高级技工学校机电工程系",
        series="中职、技工类院校教师",
        specialty="机电技术应用",
    )
    rec2 = build_online_record(
        campaign_id=c.id,
        id_number="11010519491231002X",
        name="刘䶮",
        level="初级",
        track="评审",
        status="通过形式审核",
        unit="博湖县职业技术学校",
        series="中职、技工类院校教师",
        specialty="计算机应用",
    )
    session.add_all([rec, rec2])
    session.flush()
    d = Dossier(
        campaign_id=c.id,
        online_record_id=id_of(rec),
        status="accepted",
        track="评审",
        level="中级",
        dossier_no=1,
        dossier_code="ZJ21S00001",
        accepted_by_id=users[Role.clerk].id,
        accepted_at=AT,
    )
    r = Dossier(
        campaign_id=c.id,
        online_record_id=id_of(rec2),
        status="returned",
        track="评审",
        level="初级",
    )
    session.add_all([d, r])
    session.flush()
    visit = DossierVisit(
        campaign_id=c.id,
        dossier_id=id_of(d),
        outcome="accepted",
        clerk_id=id_of(users[Role.clerk]),
        desk="1号窗口",
        at=AT,
    )
    notice = DossierVisit(
        campaign_id=c.id,
        dossier_id=id_of(r),
        outcome="returned",
        notice_no=1,
        notice_code="ZJ21B00001",
        clerk_id=id_of(users[Role.clerk]),
        desk="2号窗口",
        at=AT,
        deficiencies=[
            {
                "item_key": "review_form",
                "item": "专业技术职务任职资格评审表",
                "problem": "只交 1 份，应交 2 份",
            },
            {
                "item_key": "diploma",
                "item": "学历证书复印件",
                "problem": "未签署“已审核，与原件相符”",
            },
        ],
    )
    session.add_all([visit, notice])
    session.flush()
    session.add_all(
        [
            ItemVerdict(
                visit_id=id_of(visit),
                item_key="review_form",
                present=True,
                copies=2,
                handwritten_ok=True,
                matches_online=True,
            ),
            ItemVerdict(
                visit_id=id_of(visit),
                item_key="diploma",
                present=True,
                copies=1,
                original_checked=True,
                stamped_endorsed=True,
            ),
            ItemVerdict(visit_id=id_of(visit), item_key="award_certificates", present=False),
        ]
    )
    p = Payment(
        campaign_id=c.id,
        receipt_no=1,
        receipt_code="ZJ21F00001",
        kind="payment",
        dossier_id=id_of(d),
        amount_fen=38000,
        method="cash",
        tendered_fen=40000,
        fiscal_receipt_no="65010221000123",
        cashier_id=id_of(users[Role.cashier]),
        desk="1号窗口",
        business_date=AT.date(),
        created_at=AT,
        track="评审",
        level="中级",
    )
    session.add(p)
    # the rows above hold number 1 of each kind: the counter goes on from 2
    session.execute(
        update(NumberSequence).where(col(NumberSequence.campaign_id) == c.id).values(next_value=2)
    )
    session.flush()
    # sealed as a payment made before the audit chain is (migration 0007): verify accepts it
    audit.record(
        session,
        actor_id=None,
        actor_name="factory",
        action="payment.sealed",
        entity="payment",
        entity_id=p.receipt_code,
        campaign_id=c.id,
        detail={"row": audit.row_seal("payment", p.model_dump())},
    )
    return Office(
        campaign=c,
        clerk=users[Role.clerk],
        cashier=users[Role.cashier],
        lead=users[Role.lead],
        dossier=d,
        payment=p,
        returned=r,
        notice_code="ZJ21B00001",
    )


def applicant_id(n: int) -> str:
    """The ID number ``applicant`` gives applicant ``n``."""
    first17 = f"65282719850301{n:03d}"
    return first17 + make_check_digit(first17)


def applicant(
    session: Session,
    campaign: Campaign,
    *,
    n: int = 1,
    name: str = "张伟",
    level: str = "中级",
    track: str = "评审",
    status: str = "通过形式审核",
    unit: str = "和静县职业技术学校",
    specialty: str = "计算机应用",
    series: str = "中职、技工类院校教师",
    county: str = "和静县",
) -> OnlineRecord:
    """One more online record with a valid ID number (652827 1985-03-01, sequence ``n``)."""
    rec = build_online_record(
        campaign_id=campaign.id or 0,
        id_number=applicant_id(n),
        name=name,
        level=level,
        track=track,
        status=status,
        unit=unit,
        county=county,
        series=series,
        specialty=specialty,
        submission_count=1,
        phone="13900000001",
    )
    session.add(rec)
    session.flush()
    return rec


def all_complete(
    session: Session, campaign: Campaign, rec: OnlineRecord, conditions: tuple[str, ...] = ()
) -> dict[str, Any]:
    """Every applicable item present and right (the usual verdicts at the counter)."""
    from sqlmodel import select

    from models.campaign import ChecklistItem
    from models.services.intake import ItemCheck, applicable_items

    items = session.exec(
        select(ChecklistItem).where(ChecklistItem.campaign_id == campaign.id)
    ).all()
    return {
        i.key: ItemCheck.complete(i)
        for i in applicable_items(list(items), rec.track, rec.level, conditions)
    }


def accepted(
    session: Session,
    o: Staff,
    *,
    n: int = 1,
    name: str = "张伟",
    level: str = "中级",
    track: str = "评审",
) -> Dossier:
    """A dossier accepted at the counter by the office's clerk (through the intake service)."""
    from models.services.intake import accept

    rec = applicant(session, o.campaign, n=n, name=name, level=level, track=track)
    return accept(
        session,
        o.actor(Role.clerk),
        o.campaign,
        rec.id or 0,
        checks=all_complete(session, o.campaign, rec),
        now=AT,
    )


def office_with_money(engine: Engine) -> None:
    """The office, two more dossiers paid (cash and QR), a refund and a void: a day with money
    moving every way the audit chain records."""
    with session_scope(engine) as s:
        o = office(s)
        cashier, lead = o.actor(Role.cashier), o.actor(Role.lead)
        d2 = accepted(s, o, n=2)
        d3 = accepted(s, o, n=3, level="初级")
        take_payment(s, cashier, o.campaign, d2.id or 0, method=PaymentMethod.cash, now=AT)
        p3 = take_payment(
            s,
            cashier,
            o.campaign,
            d3.id or 0,
            method=PaymentMethod.qr,
            reference="4200001234202109270001",
            now=AT,
        )
        refund_payment(
            s,
            lead,
            o.campaign,
            "ZJ21F00001",
            amount=Money.yuan(80),
            reason="overpaid",
            note="按初级收取",
            now=AT,
        )
        void_payment(
            s, lead, o.campaign, p3.receipt_code, reason="wrong_dossier", note="收错档案", now=AT
        )


def direct_dossiers(
    session: Session,
    campaign: Campaign,
    n: int,
    *,
    track: str = "评审",
    level: str = "中级",
    start: int = 1000,
) -> list[int]:
    """``n`` accepted dossiers written directly (the intake service is tested elsewhere)."""
    recs = []
    for i in range(n):
        first17 = f"65282719{60 + i % 40:02d}0101{(start + i) % 1000:03d}"  # unique for n ≤ 1000
        recs.append(
            build_online_record(
                campaign_id=campaign.id or 0,
                id_number=first17 + make_check_digit(first17),
                name=f"申请人{start + i}",
                level=level,
                track=track,
                status="通过形式审核",
                unit="和静县职业技术学校",
                series="中职、技工类院校教师",
                specialty="计算机应用",
            )
        )
    session.add_all(recs)
    session.flush()
    ds = [
        Dossier(
            campaign_id=campaign.id or 0,
            online_record_id=r.id or 0,
            status="accepted",
            track=track,
            level=level,
            dossier_no=start + i,
            dossier_code=f"{campaign.dossier_prefix}{start + i:05d}",
            accepted_at=AT,
        )
        for i, r in enumerate(recs)
    ]
    session.add_all(ds)
    session.flush()
    return [d.id or 0 for d in ds]


def add_cashier(session: Session, name: str = "cashier", desk: str = "1号窗口") -> Actor:
    u = add_user(session, SYSTEM, username=name, role=Role.cashier, password="secret-pw")
    return Actor(user_id=u.id, username=name, role=Role.cashier, desk=desk)


def office_with_payable(engine: Engine, dossiers: int = 3) -> list[int]:
    """The factory's office, ``dossiers`` more accepted (one through the intake service) and
    paid but for the ones returned (their ids): they are for a writer to pay."""
    with session_scope(engine) as s:
        o = office(s)
        cashier = o.actor(Role.cashier)
        d = accepted(s, o, n=2)
        take_payment(s, cashier, o.campaign, d.id or 0, method=PaymentMethod.cash, now=AT)
        ids = direct_dossiers(s, o.campaign, dossiers)
    return ids


def roster_office(engine: Engine, tmp_path: Path) -> list[str]:
    """The office, one more dossier paid and one accepted but unpaid (a roster to hand over);
    the command line's ``--config`` (an empty file) and ``--db`` for it."""
    with session_scope(engine) as s:
        o = office(s)  # ZJ21S00001 中级, paid
        d2 = accepted(s, o, n=1, name="张伟", level="初级")  # ZJ21S00002, paid below
        accepted(s, o, n=2, name="李娜")  # ZJ21S00003, unpaid
        take_payment(s, o.actor(Role.cashier), o.campaign, d2.id or 0, method="cash", now=AT)
    cfg = tmp_path / "config.toml"
    cfg.write_text("", encoding="utf-8")
    return ["--config", str(cfg), "--db", engine.url.render_as_string(hide_password=False)]
