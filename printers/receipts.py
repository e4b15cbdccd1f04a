"""The payment receipt (缴费凭证), the void slip (作废) and the refund slip (退费)."""

from __future__ import annotations

from printers.data import ReceiptData, RefundData, VoidData, local
from printers.document import Barcode, Cut, Document, Feed, Rows, Rule, Text, Title
from printers.layout import fit_name


def receipt(d: ReceiptData) -> Document:
    a = d.applicant
    doc = Document("receipt")
    doc.add(Text(d.office.committee, align="center"), Title("评审费缴费凭证"))
    if d.reprint:
        doc.add(Text(f"重印 {d.reprint}", align="center", bold=True))
    if d.status:  # a copy of a receipt voided or refunded since: never taken for a live one
        doc.add(
            Title(d.status)
            if d.status == "作废"
            else Text(f"【{d.status}】", align="center", bold=True)
        )
    doc.add(Barcode(d.receipt_code))
    rows: list[tuple[str, str]] = [
        ("收据号", d.receipt_code),
        ("受理编号", d.dossier_code),
        ("缴费时间", local(d.issued_at, d.office.timezone)),
        ("姓名", fit_name(a.name)),
        ("身份证号", a.id_masked),
        ("工作单位", a.unit),
        ("系列专业", f"{a.series} {a.specialty}".strip()),
        ("申报", f"{a.track} {a.level}"),
    ]
    doc.add(Rule(), Rows(tuple(rows)), Rule())
    money: list[tuple[str, str]] = [
        ("金额", f"￥{d.amount.figures()}"),
        ("大写", f"人民币{d.amount.capitals()}"),
        ("缴费方式", d.method),
    ]
    if d.reference:
        money.append(("交易凭证号", d.reference))
    if d.tendered is not None and d.tendered.fen >= d.amount.fen:
        money.append(("实收", f"￥{d.tendered.figures()}"))
        money.append(("找零", f"￥{(d.tendered - d.amount).figures()}"))
    if d.fiscal_receipt_no:
        money.append(("财政票据号", d.fiscal_receipt_no))
    doc.add(Rows(tuple(money)), Rule())
    doc.add(
        Rows(
            (
                ("收费员", d.cashier),
                ("受理窗口", d.desk),
                ("地点", d.office.place),
                ("咨询电话", d.office.contacts),
            )
        )
    )
    doc.add(Text("请妥善保管本凭证。", align="center"), Cut())
    return doc


def void_slip(d: VoidData) -> Document:
    a = d.applicant
    doc = Document("void")
    doc.add(
        Text(d.office.committee, align="center"),
        Title("作废"),
        Text("评审费缴费凭证作废单", align="center", bold=True),
        Rule(),
    )
    doc.add(
        Rows(
            (
                *((("作废单号", d.void_code),) if d.void_code else ()),
                ("作废收据号", d.receipt_code),
                ("受理编号", d.dossier_code),
                ("姓名", fit_name(a.name)),
                ("身份证号", a.id_masked),
                ("原金额", f"￥{d.amount.figures()}（{d.amount.capitals()}）"),
                ("作废原因", d.reason),
                *((("说明", d.note),) if d.note else ()),
                ("作废时间", local(d.voided_at, d.office.timezone)),
                ("负责人", d.lead),
                ("受理窗口", d.desk),
            )
        )
    )
    doc.add(Rule(), Text("原收据号作废后不再使用。", align="center"), Cut())
    return doc


def refund_slip(d: RefundData) -> Document:
    a = d.applicant
    doc = Document("refund")
    doc.add(
        Text(d.office.committee, align="center"),
        Title("退费"),
        Text("评审费退费凭证", align="center", bold=True),
        Barcode(d.refund_code),
        Rule(),
    )
    doc.add(
        Rows(
            (
                ("退费单号", d.refund_code),
                ("原收据号", d.receipt_code),
                ("受理编号", d.dossier_code),
                ("姓名", fit_name(a.name)),
                ("身份证号", a.id_masked),
                ("原实收", f"￥{d.paid.figures()}"),
                ("退费金额", f"￥{d.amount.figures()}"),
                ("大写", f"人民币{d.amount.capitals()}"),
                ("退费方式", d.method),
                *((("交易凭证号", d.reference),) if d.reference else ()),
                ("退后余额", f"￥{d.left.figures()}"),
                ("退费原因", d.reason),
                *((("说明", d.note),) if d.note else ()),
                ("退费时间", local(d.refunded_at, d.office.timezone)),
                ("负责人", d.lead),
                ("受理窗口", d.desk),
            )
        )
    )
    doc.add(
        Rule(),
        Text("申请人签收：", bold=True),
        Feed(2),
        Rule(),
        Text("本单与原收据一并存档。", align="center"),
        Cut(),
    )
    return doc
