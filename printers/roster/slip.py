"""The handover slip printed on the receipt printer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from models.i18n import on_paper
from printers.data import HandoverData, local
from printers.document import Cut, Document, Feed, Rows, Rule, Table, Text, Title
from printers.layout import fit_name

if TYPE_CHECKING:
    pass


# ---- the thermal handover slip ------------------------------------------------------------
@on_paper
def handover_slip(d: HandoverData) -> Document:
    doc = Document("handover")
    doc.add(
        Text(d.office.committee, align="center"),
        Title("移交单"),
        Text("纸质材料移交评审委员会", align="center", bold=True),
        Rule(),
    )
    rows: Sequence[tuple[str, str]] = (
        ("移交批次", f"第 {d.handover_no} 次"),
        ("评审批次", d.campaign_title),
        ("移交份数", f"{len(d.dossiers)} 份"),
        ("移交人", d.handed_by),
        ("接收人", d.receiver),
        ("移交时间", local(d.handed_at, d.office.timezone)),
        *((("受理窗口", d.desk),) if d.desk else ()),
        *((("说明", d.note),) if d.note else ()),
    )
    doc.add(Rows(tuple(rows)), Rule())
    doc.add(
        Table(
            ("序号", "受理编号", "姓名"),
            tuple((str(i), code, fit_name(name)) for i, (code, name) in enumerate(d.dossiers, 1)),
            widths=(2, 5, 5),
            aligns=("right", "left", "left"),
        ),
        Rule(),
    )
    doc.add(
        Text("移交人签字：", bold=True),
        Feed(2),
        Text("接收人签字：", bold=True),
        Feed(2),
        Rule(),
        Text("已移交的档案不再更改、收费或退费。", align="center"),
        Feed(1),
        Cut(),
    )
    return doc
