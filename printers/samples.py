"""Sample data for ``desk print preview`` and the golden tests: the 000 office, a Uyghur name
with a middle dot, a long unit that must wrap, a rare character in a second applicant."""

from __future__ import annotations

import datetime as dt

from models.money import Money
from printers.data import (
    Applicant,
    Deficiency,
    DossierData,
    MaterialLine,
    NoticeData,
    Office,
    ReceiptData,
    RefundData,
    TallyData,
    TallyLine,
    VoidData,
)
from printers.document import Document
from printers.labels import acceptance_slip, envelope_label, materials_slip
from printers.notices import correction_notice
from printers.receipts import receipt, refund_slip, void_slip
from printers.tally import day_tally, test_page

OFFICE = Office(
    committee="巴州中职、技工类院校教师系列中、初级专业技术人员职务任职资格评审委员会",
    place="巴州红旗高级技工学校综合办529办公室",
    contacts="刘强 0996-2701308",
)
AT = dt.datetime(2021, 9, 27, 3, 32, tzinfo=dt.UTC)  # 11:32 Beijing time
APPLICANT = Applicant(
    name="阿依古丽·买买提",
    id_masked="652801********0023",
    unit="巴音郭楞蒙古自治州红旗高级技工学校机电工程系",
    series="中职、技工类院校教师",
    specialty="机电技术应用",
    track="评审",
    level="中级",
)
RARE = Applicant(
    name="刘䶮",
    id_masked="652829********4518",
    unit="博湖县职业技术学校",
    series="中职、技工类院校教师",
    specialty="计算机应用",
    track="初次确定",
    level="初级",
)
MATERIALS = (
    MaterialLine("专业技术职务任职资格评审表", 2, "A4双面，单位及主管部门盖章"),
    MaterialLine("公示及公示结果证明", 1),
    MaterialLine("专业技术资格评审材料真实性保证书", 1, "承诺语手写"),
    MaterialLine("学历证书复印件", 1, "已盖章签署“已审核，与原件相符”"),
    MaterialLine("教师资格证复印件", 1, "已盖章签署"),
    MaterialLine("现有专业技术职务资格证书复印件", 1, "已盖章签署"),
    MaterialLine("继续教育证书", 1, "原件"),
)


def sample_receipt(reprint: int = 0) -> ReceiptData:
    return ReceiptData(
        office=OFFICE,
        receipt_code="ZJ21F00042",
        dossier_code="ZJ21S00057",
        issued_at=AT,
        applicant=APPLICANT,
        amount=Money.yuan(380),
        method="现金",
        tendered=Money.yuan(400),
        fiscal_receipt_no="65010221000123",
        cashier="收费员小李",
        desk="1号窗口",
        reprint=reprint,
    )


def sample_dossier(applicant: Applicant = APPLICANT) -> DossierData:
    return DossierData(
        office=OFFICE,
        dossier_code="ZJ21S00057",
        accepted_at=AT,
        applicant=applicant,
        clerk="受理员小王",
        materials=MATERIALS,
        originals_returned=("学历证书", "教师资格证", "专业技术职务资格证书"),
        fee=Money.yuan(380),
        pay_at="本办公室收费窗口（529办公室）",
        desk="1号窗口",
    )


def sample_notice() -> NoticeData:
    return NoticeData(
        office=OFFICE,
        notice_code="ZJ21B00008",
        issued_at=AT,
        applicant=RARE,
        deficiencies=(
            Deficiency("专业技术职务任职资格评审表", "只交 1 份，应为一式 2 份"),
            Deficiency("学历证书复印件", "未签署“已审核，与原件相符”，未加盖单位公章"),
            Deficiency("专业技术资格评审材料真实性保证书", "缺少手写承诺语"),
        ),
        deadline="2021-10-10 18:00 前（纸质材料报送截止）",
        clerk="受理员小王",
        desk="1号窗口",
    )


def sample_void() -> VoidData:
    return VoidData(
        office=OFFICE,
        receipt_code="ZJ21F00041",
        dossier_code="ZJ21S00055",
        voided_at=AT,
        applicant=APPLICANT,
        amount=Money.yuan(380),
        reason="金额录入错误",
        note="应为初级 220 元，已重新收费",
        lead="负责人刘强",
        desk="1号窗口",
    )


def sample_refund() -> RefundData:
    return RefundData(
        office=OFFICE,
        refund_code="ZJ21F00043",
        receipt_code="ZJ21F00041",
        dossier_code="ZJ21S00055",
        refunded_at=AT,
        applicant=APPLICANT,
        paid=Money.yuan(380),
        amount=Money.yuan(160),
        left=Money.yuan(220),
        method="现金",
        reference="",
        reason="多收",
        note="按初级 220 元收费，退还差额",
        lead="负责人刘强",
        desk="1号窗口",
    )


def sample_tally() -> TallyData:
    return TallyData(
        office=OFFICE,
        business_date=dt.date(2021, 9, 27),
        desk="1号窗口",
        printed_at=AT,
        dossiers_accepted=23,
        dossiers_returned=4,
        by_method=(
            TallyLine("现金", 15, Money.yuan(4940)),
            TallyLine("扫码支付", 6, Money.yuan(1840)),
            TallyLine("银行转账", 1, Money.yuan(380)),
        ),
        by_fee=(
            TallyLine("评审 中级", 16, Money.yuan(6080)),
            TallyLine("评审 初级", 4, Money.yuan(880)),
            TallyLine("初次确定 初级", 2, Money.yuan(200)),
        ),
        voids=(TallyLine("作废", 1, Money.yuan(380)),),
        receipt_range="ZJ21F00020–ZJ21F00042",
        gaps="无断号",
        cash_expected=Money.yuan(4940),
        cash_counted=Money.yuan(4940),
        lead="负责人刘强",
        closed=True,
    )


KINDS = ("receipt", "void", "refund", "label", "materials", "acceptance", "notice", "tally", "test")


def sample_document(kind: str, width_mm: int = 80, encoding: str = "gbk") -> Document:
    builders = {
        "receipt": lambda: receipt(sample_receipt()),
        "void": lambda: void_slip(sample_void()),
        "refund": lambda: refund_slip(sample_refund()),
        "label": lambda: envelope_label(sample_dossier()),
        "materials": lambda: materials_slip(sample_dossier()),
        "acceptance": lambda: acceptance_slip(sample_dossier()),
        "notice": lambda: correction_notice(sample_notice()),
        "tally": lambda: day_tally(sample_tally()),
        "test": lambda: test_page(width_mm, encoding),
    }
    if kind not in builders:
        raise ValueError(f"unknown document kind {kind!r}; one of {', '.join(KINDS)}")
    return builders[kind]()
