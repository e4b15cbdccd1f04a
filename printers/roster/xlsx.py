"""The roster as a spreadsheet."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.files import check_writable, save_private
from models.i18n import on_paper

if TYPE_CHECKING:
    from models.services.handover import Roster
from printers.roster.barcodes import barcode_png
from printers.roster.content import (
    COLUMNS,
    SHEET,
    SIGNATURES,
    _cells,
    _when,
    defence_notes,
    group_title,
    summary_text,
)


# ---- xlsx ---------------------------------------------------------------------------------
@on_paper
def roster_xlsx(path: Path, r: Roster) -> Path:
    """One sheet: title, the grouped lines with a barcode per dossier, totals, what was left
    out, the defence exemptions and the signature line. Set up to print on A4 landscape."""
    import xlsxwriter

    check_writable(path)
    buf = io.BytesIO()  # written 0600 in one step when whole (models.files)
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    f = _formats(wb)
    ws = wb.add_worksheet(SHEET)
    last = len(COLUMNS) - 1
    for c, (_, width) in enumerate(COLUMNS):
        ws.set_column(c, c, width, f["text"])
    ws.merge_range(0, 0, 0, last, f"{r.committee}", f["title"])
    ws.merge_range(1, 0, 1, last, f"{r.title} 移交花名册", f["title"])
    ws.merge_range(2, 0, 2, last, f"生成时间 {_when(r)}；{summary_text(r)}", f["meta"])
    head = 4
    ws.write_row(head, 0, [h for h, _ in COLUMNS], f["head"])
    row, n = head + 1, 0
    for g in r.groups:
        ws.merge_range(row, 0, row, last, group_title(g), f["group"])
        row += 1
        for x in g.lines:
            n += 1
            ws.set_row(row, 30)
            for c, value in enumerate(_cells(n, x)):
                ws.write_string(row, c, value, f["must" if c == 12 and x.must_defend else "cell"])
            ws.insert_image(
                row,
                2,
                f"{x.dossier_code}.png",
                {
                    "image_data": io.BytesIO(barcode_png(x.dossier_code)),
                    "x_offset": 4,
                    "y_offset": 3,
                    "object_position": 1,
                    "description": x.dossier_code,
                },
            )
            row += 1
    if not r.groups:
        ws.merge_range(row, 0, row, last, "没有可移交的档案（已受理且已缴费）。", f["cell"])
        row += 1
    ws.merge_range(row, 0, row, last, f"合计：{summary_text(r)}", f["total"])
    row += 2
    if r.left_out:
        ws.merge_range(
            row, 0, row, last, f"已受理但未列入本花名册（{len(r.left_out)} 份）：", f["bold"]
        )
        row += 1
        for lo in r.left_out:
            for c, value in enumerate(
                (
                    "",
                    lo.dossier_code,
                    "",
                    lo.name,
                    "",
                    lo.unit,
                    "",
                    "",
                    "",
                    lo.level,
                    lo.track,
                    lo.reason,
                )
            ):
                ws.write_string(row, c, value, f["text"])
            row += 1
        row += 1
    for i, note in enumerate(defence_notes(r)):
        ws.merge_range(row, 0, row, last, note, f["bold" if i == 0 else "text"])
        row += 1
    row += 1
    ws.merge_range(row, 0, row, last, SIGNATURES, f["sign"])
    ws.set_row(row, 30)
    ws.freeze_panes(head + 1, 0)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.repeat_rows(head)
    ws.fit_to_pages(1, 0)
    ws.set_footer("&C第 &P 页，共 &N 页")
    wb.close()
    return save_private(path, buf.getvalue())


def _formats(wb: Any) -> dict[str, Any]:
    text = {"num_format": "@", "valign": "vcenter"}
    return {
        "text": wb.add_format(text),
        "cell": wb.add_format({**text, "border": 1, "text_wrap": True}),
        "must": wb.add_format({**text, "border": 1, "text_wrap": True, "bold": True}),
        "title": wb.add_format({"bold": True, "font_size": 14, "align": "center"}),
        "meta": wb.add_format({"align": "center"}),
        "head": wb.add_format(
            {
                "bold": True,
                "bg_color": "#DDEBF7",
                "border": 1,
                "align": "center",
                "valign": "vcenter",
            }
        ),
        "group": wb.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1}),
        "total": wb.add_format({"bold": True, "top": 2}),
        "bold": wb.add_format({"bold": True}),
        "sign": wb.add_format({"valign": "bottom"}),
    }
