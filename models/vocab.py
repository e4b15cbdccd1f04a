"""The office's vocabulary: English identifiers whose values are the notices' Chinese terms."""

from __future__ import annotations

from enum import StrEnum

from models.errors import InvalidInput
from models.i18n import N_, _
from models.text import shorten


class Role(StrEnum):
    clerk = "clerk"  # 受理员
    cashier = "cashier"  # 收费员
    lead = "lead"  # 负责人
    admin = "admin"  # 管理员

    @property
    def label(self) -> str:
        return _(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.clerk: N_("受理员"),
    Role.cashier: N_("收费员"),
    Role.lead: N_("负责人"),
    Role.admin: N_("管理员"),
}


class Track(StrEnum):
    """申报类型."""

    review = N_("评审")
    initial = N_("初次确定")
    conferral = N_("授予")


class Level(StrEnum):
    """级别 as fees and checklists use it; 员级/助理级 are 初级, 副高级/正高级 are 高级."""

    junior = N_("初级")
    intermediate = N_("中级")
    senior = N_("高级")


_LEVEL_ALIASES = {
    "初级": Level.junior,
    "员级": Level.junior,
    "助理级": Level.junior,
    "初级职称": Level.junior,
    "中级": Level.intermediate,
    "中级职称": Level.intermediate,
    "高级": Level.senior,
    "副高级": Level.senior,
    "副高": Level.senior,
    "正高级": Level.senior,
    "正高": Level.senior,
}
_TRACK_ALIASES = {
    "评审": Track.review,
    "职称评审": Track.review,
    "正常晋升": Track.review,
    "初次评定": Track.review,  # 002 (六): 初次评定初级 is a first regular review, priced as 评审 初级
    "初次确定": Track.initial,
    "初定": Track.initial,
    "初次认定": Track.initial,
    "授予": Track.conferral,
}


def parse_level(text: str) -> Level:
    key = "".join(str(text).split())
    if key in _LEVEL_ALIASES:
        return _LEVEL_ALIASES[key]
    # "中级（讲师）", "助理级(助理讲师)": take the part before a bracket
    for sep in ("(", "（"):
        head = key.split(sep, 1)[0]
        if head in _LEVEL_ALIASES:
            return _LEVEL_ALIASES[head]
    raise InvalidInput(
        _("无法识别的级别“{text}”：应为 初级（员级/助理级）、中级 或 高级（副高级/正高级）").format(
            text=shorten(str(text), 30)
        ),
        code="level.unknown",
    )


def parse_track(text: str) -> Track:
    key = "".join(str(text).split())
    if key in _TRACK_ALIASES:
        return _TRACK_ALIASES[key]
    raise InvalidInput(
        _("无法识别的申报类型“{text}”：应为 评审、初次确定 或 授予").format(
            text=shorten(str(text), 30)
        ),
        code="track.unknown",
    )


class ItemKind(StrEnum):
    """How a checklist item is handled at the counter."""

    form = "form"  # 表格：系统打印，份数、盖章、手写意见
    original_kept = "original_kept"  # 原件留存
    copy_kept = "copy_kept"  # 复印件留存（加盖公章并签署“已审核，与原件相符”）
    original_shown = "original_shown"  # 原件核对后当场退还，留存复印件

    @property
    def label(self) -> str:
        label = {
            ItemKind.form: N_("表格"),
            ItemKind.original_kept: N_("原件（留存）"),
            ItemKind.copy_kept: N_("复印件（留存）"),
            ItemKind.original_shown: N_("原件核对退还＋复印件留存"),
        }[self]
        return _(label)


class Condition(StrEnum):
    """Facts about an applicant that make checklist items apply or not."""

    fanghuiju = "fanghuiju"  # 参加“访惠聚”驻村等工作
    first_direct_intermediate = "first_direct_intermediate"  # 首次参评且直接申报中级
    private_firm = "private_firm"  # 民营企业
    in_service_study = "in_service_study"  # 在职教育学历
    has_awards = "has_awards"  # 有获奖（表彰）证书
    has_papers = "has_papers"  # 有论文、论著
    county_or_below = "county_or_below"  # 县市及县市以下单位
    teacher = "teacher"  # 教师（普通话二级乙等）
    language_teacher = "language_teacher"  # 语文学科教师（普通话二级甲等）
    directed = "directed"  # 申报“定向评价”（001 二（三）、三（二）3）
    below_county = "below_county"  # 县级（不含）以下基层单位（002 六（一））
    social_org = "social_org"  # 社会组织、自由职业（002 六（三））
    transferred = "transferred"  # 任职期间工作单位变更（000 五、5）

    @property
    def label(self) -> str:
        return _(CONDITION_LABELS[self])


CONDITION_LABELS = {
    Condition.fanghuiju: N_("参加“访惠聚”驻村等工作"),
    Condition.first_direct_intermediate: N_("首次参评直接申报中级"),
    Condition.private_firm: N_("民营企业"),
    Condition.in_service_study: N_("在职教育学历"),
    Condition.has_awards: N_("有获奖（表彰）证书"),
    Condition.has_papers: N_("有论文、论著"),
    Condition.county_or_below: N_("县市及以下单位"),
    Condition.teacher: N_("教师"),
    Condition.language_teacher: N_("语文学科教师"),
    Condition.directed: N_("申报“定向评价”"),
    Condition.below_county: N_("县级（不含）以下基层单位"),
    Condition.social_org: N_("社会组织、自由职业"),
    Condition.transferred: N_("任职期间工作单位变更"),
}


class NumberKind(StrEnum):
    dossier = "dossier"  # 受理编号
    receipt = "receipt"  # 收据号
    notice = "notice"  # 补正通知编号


class DossierStatus(StrEnum):
    returned = "returned"  # 退回补正
    accepted = "accepted"  # 已受理
    handed_over = "handed_over"  # 已移交评委会


class PaymentKind(StrEnum):
    payment = "payment"
    void = "void"
    refund = "refund"

    @property
    def label(self) -> str:
        label = {"payment": N_("缴费"), "void": N_("作废"), "refund": N_("退费")}[self.value]
        return _(label)


class PaymentMethod(StrEnum):
    cash = "cash"  # 现金
    transfer = "transfer"  # 银行转账
    card = "card"  # POS 刷卡
    qr = "qr"  # 扫码（微信/支付宝）

    @property
    def label(self) -> str:
        label = {
            "cash": N_("现金"),
            "transfer": N_("银行转账"),
            "card": N_("POS刷卡"),
            "qr": N_("扫码支付"),
        }[self]
        return _(label)


class PrintJobStatus(StrEnum):
    queued = "queued"  # saved, not yet sent
    sending = "sending"  # a desk is sending it now
    sent = "sent"  # the printer took the bytes
    failed = "failed"  # with the reason; can be retried

    @property
    def label(self) -> str:
        label = {
            "queued": N_("待打印"),
            "sending": N_("正在打印"),
            "sent": N_("已打印"),
            "failed": N_("打印失败"),
        }[self.value]
        return _(label)


WINDOW_LABEL = N_("纸质材料报送时间")  # a window's label when its notice gives none
DECLARATION_LABEL = N_("网上申报时间")  # a declaration window's label when its notice gives none
ONLINE_APPROVED = N_("通过形式审核")  # the platform's word: matched as it is, shown through _()


class DayStatus(StrEnum):
    """A day's close, per desk or office-wide (日结)."""

    closing = "closing"  # begun: the desk takes no new payment
    counted = "counted"  # the cash is counted (blind), waiting for the lead
    closed = "closed"  # confirmed by the lead: the day is locked

    @property
    def label(self) -> str:
        label = {
            "closing": N_("日结中（停止收费）"),
            "counted": N_("已清点，待负责人确认"),
            "closed": N_("已日结（锁定）"),
        }[self.value]
        return _(label)


# Cash is counted by denomination (fen): 100, 50, 20, 10, 5, 1 yuan; 5 and 1 jiao.
DENOMINATIONS: tuple[int, ...] = (10000, 5000, 2000, 1000, 500, 100, 50, 10)


def denomination_label(fen: int) -> str:
    return (_("{n} 元") if fen >= 100 else _("{n} 角")).format(
        n=fen // 100 if fen >= 100 else fen // 10
    )
