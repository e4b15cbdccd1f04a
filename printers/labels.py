"""The envelope label (档案袋标签), the material-list slip (目录) and the acceptance slip
(受理回执)."""

from __future__ import annotations

from dataclasses import dataclass

from printers.data import DossierData, local
from printers.document import Barcode, Cut, Document, Rows, Rule, Table, Text, Title
from printers.layout import fit_name


@dataclass
class LabelDocument(Document):
    """The envelope label: its blocks for an ESC/POS roll, and its data for a label printer,
    which lays the label out itself on its stock (``printers.label_plan``)."""

    data: DossierData | None = None


def envelope_label(d: DossierData) -> Document:
    a = d.applicant
    doc = LabelDocument("label", data=d)
    doc.add(Title(d.dossier_code), Barcode(d.dossier_code, height=80, hri=False))
    doc.add(Text(fit_name(a.name), scale=2, align="center"), Rule())
    doc.add(
        Rows(
            (
                ("申报", f"{a.track} {a.level}"),
                ("系列专业", f"{a.series} {a.specialty}".strip()),
                ("工作单位", a.unit),
                ("受理日期", local(d.accepted_at, d.office.timezone)[:10]),
                ("受理人", d.clerk),
            )
        )
    )
    doc.add(Cut())
    return doc


def materials_slip(d: DossierData) -> Document:
    a = d.applicant
    doc = Document("materials")
    doc.add(
        Title("申报材料目录"), Text(f"{fit_name(a.name)}  {d.dossier_code}", align="center"), Rule()
    )
    rows = tuple(
        (str(i), m.name, str(m.copies), m.remark) for i, m in enumerate(d.materials, start=1)
    )
    doc.add(
        Table(
            ("序", "材料名称", "份数", "备注"),
            rows,
            widths=(2, 12, 3, 7),
            aligns=("right", "left", "right", "left"),
        )
    )
    when = local(d.accepted_at, d.office.timezone)  # one row each: the time never wraps
    doc.add(Rule(), Rows((("受理人", d.clerk), ("受理时间", when))), Cut())
    return doc


def acceptance_slip(d: DossierData) -> Document:
    a = d.applicant
    doc = Document("acceptance")
    doc.add(
        Text(d.office.committee, align="center"), Title("受理回执"), Barcode(d.dossier_code), Rule()
    )
    doc.add(
        Rows(
            (
                ("受理编号", d.dossier_code),
                ("姓名", fit_name(a.name)),
                ("身份证号", a.id_masked),
                ("工作单位", a.unit),
                ("系列专业", f"{a.series} {a.specialty}".strip()),
                ("申报", f"{a.track} {a.level}"),
                ("受理时间", local(d.accepted_at, d.office.timezone)),
            )
        ),
        Rule(),
    )
    doc.add(Text("已收材料：", bold=True))
    doc.add(
        Table(
            ("材料名称", "份数"),
            tuple((m.name, str(m.copies)) for m in d.materials),
            widths=(5, 1),
            aligns=("left", "right"),
        )
    )
    if d.originals_returned:
        doc.add(
            Rule(), Text("原件已核对并当场退还：", bold=True), Text("、".join(d.originals_returned))
        )
    doc.add(Rule())
    if d.fee is None:
        doc.add(Text("评审费：收费标准待定，请留意办公室通知。", bold=True))
    else:
        doc.add(Text(f"应缴评审费：￥{d.fee.figures()}（{d.fee.capitals()}）", bold=True))
        if d.pay_at:
            doc.add(Text(f"缴费地点：{d.pay_at}"))
    doc.add(Rows((("受理人", d.clerk), ("受理窗口", d.desk), ("咨询电话", d.office.contacts))))
    doc.add(Cut())
    return doc
