"""The payment receipt (缴费凭证) and the void slip (作废)."""

from __future__ import annotations

from printers.data import ReceiptData, VoidData, local
from printers.document import Barcode, Cut, Document, Feed, Rows, Rule, Text, Title


def receipt(d: ReceiptData) -> Document:
    a = d.applicant
    doc = Document("receipt")
    doc.add(Text(d.office.committee, align="center"), Title("评审费缴费凭证"))
    if d.reprint:
        doc.add(Text(f"重印 {d.reprint}", align="center", bold=True))
    doc.add(Barcode(d.receipt_code))
    rows: list[tuple[str, str]] = [
        ("收据号", d.receipt_code),
        ("受理编号", d.dossier_code),
        ("缴费时间", local(d.issued_at, d.office.timezone)),
        ("姓名", a.name),
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
    doc.add(Rows((("收费员", d.cashier), ("受理窗口", d.desk), ("地点", d.office.place),
                  ("咨询电话", d.office.contacts))))
    doc.add(Text("请妥善保管本凭证。", align="center"), Feed(1), Cut())
    return doc


def void_slip(d: VoidData) -> Document:
    a = d.applicant
    doc = Document("void")
    doc.add(Text(d.office.committee, align="center"), Title("作废"),
            Text("评审费缴费凭证作废单", align="center", bold=True), Rule())
    doc.add(Rows((
        ("作废收据号", d.receipt_code),
        ("受理编号", d.dossier_code),
        ("姓名", a.name),
        ("身份证号", a.id_masked),
        ("原金额", f"￥{d.amount.figures()}（{d.amount.capitals()}）"),
        ("作废原因", d.reason),
        *((("说明", d.note),) if d.note else ()),
        ("作废时间", local(d.voided_at, d.office.timezone)),
        ("负责人", d.lead),
        ("受理窗口", d.desk),
    )))
    doc.add(Rule(), Text("原收据号作废后不再使用。", align="center"), Feed(1), Cut())
    return doc
