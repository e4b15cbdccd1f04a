"""The throw-away demo office behind ``desk --demo``: preset 000; the sample export of the
online-approved list (``demo_data/``, the same file as the project's sample) imported exactly as
a lead would import it, so any ID in that file can be scanned at the demo counter; a few hundred
more synthetic online records (valid check digits; Han, Uyghur, Kazakh and Mongolian names with
middle dots; rare characters such as 䶮), five of them already accepted so the cashier has a
queue; and one user per role."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from sqlmodel import Session, col, select

from models import audit
from models.campaign import Campaign, PaperWindow
from models.i18n import N_
from models.idcard import make_check_digit
from models.online import OnlineRecord, build_online_record
from models.permissions import SYSTEM
from models.services.campaigns import load_campaign, read_preset
from models.services.users import add_user
from models.types import utcnow
from models.vocab import ONLINE_APPROVED, Role


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    password: str
    role: Role
    display_name: str


DEMO_USERS = (
    DemoUser("clerk", "clerk123", Role.clerk, "受理员小王"),
    DemoUser("cashier", "cashier123", Role.cashier, "收费员小李"),
    DemoUser("lead", "lead123", Role.lead, "负责人刘强"),
    DemoUser("admin", "admin123", Role.admin, "系统管理员"),
)
DEMO_PRESET = "000"
DEMO_LIST = Path(__file__).parent / "demo_data" / "online_approved_bz_vocational_2021.xlsx"

_AREAS = {  # 巴音郭楞蒙古自治州 area codes and their county
    "652801": "库尔勒市",
    "652822": "轮台县",
    "652823": "尉犁县",
    "652824": "若羌县",
    "652825": "且末县",
    "652826": "焉耆县",
    "652827": "和静县",
    "652828": "和硕县",
    "652829": "博湖县",
}
_UNITS = {
    "库尔勒市": ["巴州红旗高级技工学校", "巴音郭楞职业技术学院附属中专", "库尔勒市职业技术学校"],
    "轮台县": ["轮台县职业技术学校"],
    "尉犁县": ["尉犁县职业技术学校"],
    "若羌县": ["若羌县职业技术学校"],
    "且末县": ["且末县职业技术学校"],
    "焉耆县": ["焉耆县职业技术学校"],
    "和静县": ["和静县职业技术学校"],
    "和硕县": ["和硕县职业技术学校"],
    "博湖县": ["博湖县职业技术学校"],
}
_HAN_SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐韩冯董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
_HAN_GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "秀英",
    "霞",
    "平",
    "刚",
    "桂英",
    "建华",
    "文静",
    "晓燕",
    "志强",
    "海燕",
    "雪梅",
    "红梅",
    "子涵",
    "欣怡",
    "浩然",
    "䶮",
    "堃",
    "喆",
    "昇",
    "玥",
    "晗",
]
_UYGHUR_GIVEN = [
    "阿依古丽",
    "古丽米拉",
    "迪丽娜尔",
    "热依拉",
    "努尔比亚",
    "帕提古丽",
    "买买提",
    "艾尔肯",
    "艾力",
    "吐尔逊",
    "阿布都热合曼",
    "麦麦提明",
    "热娜古丽",
    "祖力胡玛尔",
]
_UYGHUR_FAMILY = [
    "买买提",
    "吐尔逊",
    "艾力",
    "阿不都拉",
    "吐尔洪",
    "阿不都热依木",
    "依明",
    "肉孜",
    "卡德尔",
    "司马义",
]
_KAZAKH = ["努尔兰", "阿依达娜", "叶尔江", "哈力木", "别克", "加娜尔", "叶尔兰", "阿斯哈尔"]
_MONGOL = ["巴图", "孟和", "其其格", "乌兰", "额尔德尼", "斯琴", "宝音", "那仁"]
_SPECIALTIES = [
    "语文",
    "数学",
    "英语",
    "计算机应用",
    "机电技术应用",
    "汽车运用与维修",
    "电子商务",
    "会计",
    "学前教育",
    "中餐烹饪",
    "体育",
    "思想政治",
    "电气自动化",
    "服装设计",
]
_OFFERS = [  # (track, level, grade, weight)
    ("评审", "中级", "讲师", 40),
    ("评审", "初级", "助理讲师", 30),
    ("初次确定", "初级", "助理讲师", 15),
    ("初次确定", "中级", "讲师", 5),
    ("授予", "中级", "讲师", 5),
    ("评审", "初级", "实习指导教师", 5),
]
_OTHER_STATUSES = ["单位审核中", "退回修改", "主管部门审核中"]


def _name(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.55:
        return rng.choice(_HAN_SURNAMES) + "".join(rng.sample(_HAN_GIVEN, rng.choice((1, 1, 2))))
    if kind < 0.85:
        return f"{rng.choice(_UYGHUR_GIVEN)}·{rng.choice(_UYGHUR_FAMILY)}"
    if kind < 0.95:
        return f"{rng.choice(_KAZAKH)}·{rng.choice(_KAZAKH)}"
    return f"{rng.choice(_MONGOL)}·{rng.choice(_MONGOL)}"


def synthetic_id(
    rng: random.Random, area: str, *, born_from: int = 1965, born_to: int = 2000
) -> str:
    birth = dt.date(born_from, 1, 1) + dt.timedelta(
        days=rng.randrange((dt.date(born_to, 12, 31) - dt.date(born_from, 1, 1)).days)
    )
    first17 = f"{area}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + make_check_digit(first17)


def seed_demo(
    session: Session, *, records: int = 300, seed: int = 2021, today: dt.datetime | None = None
) -> Campaign:
    """Fill an empty, migrated database with the demo office. Returns the demo campaign."""
    rng = random.Random(seed)
    # cheap hashes for passwords the login screen prints: the demo starts ~0.6 s sooner
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    for u in DEMO_USERS:
        add_user(
            session,
            SYSTEM,
            username=u.username,
            role=u.role,
            password=u.password,
            display_name=u.display_name,
            hasher=cheap,
        )
    filename, text = read_preset(DEMO_PRESET)
    campaign = load_campaign(session, SYSTEM, text, filename=filename)
    assert campaign.id is not None
    # The 2021 window is long closed; the demo office gets one around today so the counter
    # can be tried. It is a separate, labelled row, as a lead's extension would be.
    now = today or utcnow()
    start = (
        (now - dt.timedelta(days=7))
        .astimezone(campaign.zone)
        .replace(hour=0, minute=0, second=0, microsecond=0)
    )
    window = PaperWindow(
        campaign_id=campaign.id,
        series=None,
        starts_at=start,
        ends_at=start + dt.timedelta(days=21),
        label=N_("演示用纸质材料报送时间"),
        clause="演示数据：非通知原文",
    )
    session.add(window)
    audit.record(
        session,
        actor_id=None,
        actor_name=SYSTEM.username,
        action="demo.seed",
        entity="campaign",
        entity_id=campaign.code,
        campaign_id=campaign.id,
        detail={"records": records, "seed": seed, "sample_list": DEMO_LIST.name},
    )
    from models.services.online_import import import_online

    import_online(session, SYSTEM, campaign.code, DEMO_LIST)
    seen = {
        r.id_number
        for r in session.exec(select(OnlineRecord).where(OnlineRecord.campaign_id == campaign.id))
    }
    weights = [o[3] for o in _OFFERS]
    for n in range(records):
        area = rng.choice(list(_AREAS))
        county = _AREAS[area]
        id_number = synthetic_id(rng, area)
        while id_number in seen:
            id_number = synthetic_id(rng, area)
        seen.add(id_number)
        track, level, grade, _weight = rng.choices(_OFFERS, weights)[0]
        status = ONLINE_APPROVED if rng.random() < 0.9 else rng.choice(_OTHER_STATUSES)
        session.add(
            build_online_record(
                campaign_id=campaign.id,
                id_number=id_number,
                name=_name(rng),
                level=level,
                grade=grade,
                track=track,
                status=status,
                unit=rng.choice(_UNITS[county]),
                supervising_dept=f"{county}教育局" if county != "库尔勒市" else "巴州教育局",
                county=county,
                series="中职、技工类院校教师",
                specialty=rng.choice(_SPECIALTIES),
                submission_count=rng.choice((1, 1, 1, 2, 3)),
                application_no=f"BZ2021{n + 1:05d}",
                phone=f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
            )
        )
    session.flush()
    _accept_some(session, campaign, now, DEMO_ACCEPTED)
    return campaign


DEMO_ACCEPTED = 5


def _accept_some(session: Session, campaign: Campaign, now: dt.datetime, n: int) -> None:
    """The demo clerk has accepted ``n`` approved synthetic applicants (every item present and
    right), so the demo cashier has a queue: ZJ21S00001 … on the labels. The sample list's
    applicants are left for the counter to try."""
    from models.campaign import ChecklistItem
    from models.permissions import Actor
    from models.services.intake import ItemCheck, accept, applicable_items
    from models.users import User

    clerk = session.exec(select(User).where(User.role == Role.clerk.value)).first()
    assert clerk is not None
    actor = Actor(user_id=clerk.id, username=clerk.username, role=Role.clerk, desk="1号窗口")
    items = list(
        session.exec(select(ChecklistItem).where(ChecklistItem.campaign_id == campaign.id))
    )
    first = session.exec(
        select(OnlineRecord)
        .where(
            OnlineRecord.campaign_id == campaign.id,
            OnlineRecord.status == ONLINE_APPROVED,
            OnlineRecord.track == "评审",
        )
        .order_by(col(OnlineRecord.id).desc())
        .limit(n)
    ).all()
    for rec in first:
        checks = {
            i.key: ItemCheck.complete(i) for i in applicable_items(items, rec.track, rec.level, ())
        }
        accept(session, actor, campaign, rec.id or 0, checks=checks, now=now)
