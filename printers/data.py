"""Plain data the desk's documents are made from. The TUI and CLI fill these from the
database; ``printers.samples`` fills them for previews and tests."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from models.money import Money


def local(at: dt.datetime, zone: str) -> str:
    return at.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True)
class Office:
    committee: str
    place: str  # 巴州红旗高级技工学校综合办529办公室
    contacts: str  # 刘强 0996-2701308
    timezone: str = "Asia/Shanghai"


@dataclass(frozen=True)
class Applicant:
    name: str
    id_masked: str
    unit: str
    series: str
    specialty: str
    track: str
    level: str


@dataclass(frozen=True)
class ReceiptData:
    office: Office
    receipt_code: str
    dossier_code: str
    issued_at: dt.datetime
    applicant: Applicant
    amount: Money
    method: str  # 现金, 银行转账 …
    reference: str = ""
    fiscal_receipt_no: str = ""
    tendered: Money | None = None
    cashier: str = ""
    desk: str = ""
    reprint: int = 0  # n for 重印 n
    status: str = ""  # on a copy, what became of the payment since: 作废, 已全额退费 …


@dataclass(frozen=True)
class VoidData:
    office: Office
    receipt_code: str  # the voided receipt
    dossier_code: str
    voided_at: dt.datetime
    applicant: Applicant
    amount: Money
    reason: str
    note: str = ""
    lead: str = ""
    desk: str = ""
    void_code: str = ""  # the void's own number (every number is a row)


@dataclass(frozen=True)
class RefundData:
    office: Office
    refund_code: str  # the refund's own number
    receipt_code: str  # the receipt refunded
    dossier_code: str
    refunded_at: dt.datetime
    applicant: Applicant
    paid: Money  # what the receipt took
    amount: Money  # this refund
    left: Money  # still held after this refund
    method: str
    reference: str
    reason: str
    note: str = ""
    lead: str = ""
    desk: str = ""


@dataclass(frozen=True)
class MaterialLine:
    name: str
    copies: int
    remark: str = ""  # 原件已核对退还, 复印件已盖章签署 …


@dataclass(frozen=True)
class DossierData:
    """For the envelope label, the material-list slip and the acceptance slip."""

    office: Office
    dossier_code: str
    accepted_at: dt.datetime
    applicant: Applicant
    clerk: str
    materials: tuple[MaterialLine, ...] = ()
    originals_returned: tuple[str, ...] = ()
    fee: Money | None = None  # None: the fee is not set yet
    pay_at: str = ""  # where to pay
    desk: str = ""


@dataclass(frozen=True)
class Deficiency:
    item: str
    problem: str


@dataclass(frozen=True)
class NoticeData:
    office: Office
    notice_code: str
    issued_at: dt.datetime
    applicant: Applicant
    deficiencies: tuple[Deficiency, ...]
    deadline: str  # 2021-10-10 18:00 前 / 纸质材料报送截止前
    clerk: str
    desk: str = ""


@dataclass(frozen=True)
class TallyLine:
    label: str
    count: int
    amount: Money


@dataclass(frozen=True)
class TallyData:
    office: Office
    business_date: dt.date
    desk: str  # "" = office-wide
    printed_at: dt.datetime
    dossiers_accepted: int
    dossiers_returned: int
    by_method: tuple[TallyLine, ...]
    by_fee: tuple[TallyLine, ...]
    voids: tuple[TallyLine, ...]
    receipt_range: str  # ZJ21F00001–ZJ21F00042
    gaps: str  # 无 / the missing numbers
    cash_expected: Money
    cash_counted: Money | None
    note: str = ""
    lead: str = ""
    closed: bool = False
    extra: dict[str, str] = field(default_factory=dict)
    by_cashier: tuple[TallyLine, ...] = ()
    pieces: tuple[tuple[str, int], ...] = ()  # the cash count: (面额, 张数)
    checks: tuple[tuple[str, Money, Money], ...] = ()  # (method, expected, counted)
    visits: int = 0  # dossiers brought to the counter (each check)
    close_code: str = ""  # the confirmed close's code: kept on paper, compared by audit verify


@dataclass(frozen=True)
class HandoverData:
    """For the handover slip (移交单): one handover to the review committee."""

    office: Office
    campaign_title: str
    handover_no: int
    receiver: str
    handed_by: str
    handed_at: dt.datetime
    dossiers: tuple[tuple[str, str], ...]  # (dossier no., name), in dossier-number order
    note: str = ""
    desk: str = ""
