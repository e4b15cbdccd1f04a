"""The one-time correction notice (一次性告知单), printed as two copies: one for the applicant,
one kept by the office."""

from __future__ import annotations

from printers.data import NoticeData, local
from printers.document import Barcode, Cut, Document, Rows, Rule, Text, Title
from printers.layout import fit_name

COPIES = ("第一联 申报人留存", "第二联 办公室存档")


def correction_notice(d: NoticeData) -> Document:
    a = d.applicant
    doc = Document("notice")
    for copy in COPIES:
        doc.add(
            Text(d.office.committee, align="center"),
            Title("一次性告知单"),
            Text(copy, align="center"),
            Barcode(d.notice_code),
            Rule(),
        )
        doc.add(
            Rows(
                (
                    ("告知单号", d.notice_code),
                    ("姓名", fit_name(a.name)),
                    ("身份证号", a.id_masked),
                    ("工作单位", a.unit),
                    ("系列专业", f"{a.series} {a.specialty}".strip()),
                    ("申报", f"{a.track} {a.level}"),
                )
            ),
            Rule(),
        )
        doc.add(
            Text(
                f"经核对，您的纸质材料有以下 {len(d.deficiencies)} 项问题，现一次性告知，"
                "请全部补正后再来报送：",
                bold=True,
            )
        )
        doc.add(
            Rows(
                tuple(
                    (f"{i}.", f"{x.item}：{x.problem}")
                    for i, x in enumerate(d.deficiencies, start=1)
                ),
                separator=" ",
            )
        )
        doc.add(
            Rule(),
            Rows(
                (
                    ("补正期限", d.deadline),
                    ("报送地点", d.office.place),
                    ("咨询电话", d.office.contacts),
                    ("受理人", d.clerk),
                    ("告知时间", local(d.issued_at, d.office.timezone)),
                )
            ),
        )
        doc.add(Text("逾期不予受理。", bold=True), Cut())
    return doc
