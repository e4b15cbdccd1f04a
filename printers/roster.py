"""The handover roster (移交花名册) as a workbook and as a printable A4 page, and the thermal
handover slip (移交单).

The roster comes grouped (series → specialty → level) from ``models.services.handover``; this
module only lays it out. Each dossier's number is printed as a Code128 barcode beside it (a PNG
in the workbook, an inline SVG on the page) so the committee can scan the envelopes against the
list. Text cells stay text (ID numbers and dossier numbers are never turned into numbers)."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import barcode
from barcode.writer import ImageWriter, SVGWriter

from models.files import check_writable, save_private
from models.i18n import on_paper
from printers.data import HandoverData, local
from printers.document import Cut, Document, Feed, Rows, Rule, Table, Text, Title
from printers.graphics import code128_modules
from printers.layout import fit_name

if TYPE_CHECKING:
    from models.services.handover import Roster, RosterGroup, RosterLine

SHEET = "移交花名册"
BARCODE_DPI = 300
# 0.254 mm modules are 3 dots at 300 dpi; 10 modules of quiet zone each side (Code128)
_PNG_OPTIONS = {
    "module_width": 0.254,
    "module_height": 7.0,
    "quiet_zone": 2.54,
    "write_text": False,
    "dpi": BARCODE_DPI,
}
_SVG_OPTIONS = {
    "module_width": 0.25,
    "module_height": 8.0,
    "quiet_zone": 2.5,
    "write_text": False,
    "compress": False,
}
COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 5),
    ("受理编号", 12),
    ("条码", 23),
    ("姓名", 12),
    ("身份证号", 20),
    ("工作单位", 28),
    ("县市", 9),
    ("系列", 14),
    ("专业", 14),
    ("级别", 6),
    ("申报类型", 8),
    ("收据号", 12),
    ("答辩", 22),
    ("核实事项", 30),
    ("移交批次", 8),
)
SIGNATURES = "移交人（签字）：＿＿＿＿＿＿＿＿    接收人（签字）：＿＿＿＿＿＿＿＿    日期：＿＿＿＿年＿＿月＿＿日"
VERIFY_NOTE = (
    "标“请核实”者：是否属于上列免于答辩情形，数据中无法判断，请在移交前核实（以通知为准）。"
)


# ---- barcodes -----------------------------------------------------------------------------
def barcode_png(code: str) -> bytes:
    """The Code128 of a dossier number as a 1-bit PNG (300 dpi, 3 dots per module)."""
    code128_modules(code)  # ASCII only: says so in Chinese
    img = barcode.get("code128", code, writer=ImageWriter(format="PNG", mode="1")).render(
        dict(_PNG_OPTIONS)
    )
    buf = io.BytesIO()
    img.save(buf, format="PNG", dpi=(BARCODE_DPI, BARCODE_DPI))
    return buf.getvalue()


_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def barcode_svg(code: str) -> str:
    """The Code128 of a dossier number as an inline ``<svg>`` element (sizes in mm)."""
    code128_modules(code)
    buf = io.BytesIO()
    barcode.get("code128", code, writer=SVGWriter()).write(buf, dict(_SVG_OPTIONS))
    svg = _COMMENT.sub("", _PROLOGUE.sub("", buf.getvalue().decode("utf-8"), count=1))
    svg = svg.replace('id="barcode_group"', 'class="bars"')
    return svg.replace(
        "<svg ", f'<svg class="barcode" role="img" aria-label="{html.escape(code)}" ', 1
    ).strip()


# ---- shared wording -----------------------------------------------------------------------
def _when(r: Roster) -> str:
    return local(r.generated_at, r.timezone)


def summary_text(r: Roster) -> str:
    text = (
        f"共 {r.total} 份，其中须答辩 {r.must_defend} 份、免答辩 {r.exempt} 份、"
        f"不答辩 {r.not_required} 份"
    )
    if r.include_handed_over:
        text += f"；已移交 {r.total - r.to_hand_over} 份，待移交 {r.to_hand_over} 份"
    return text


def group_title(g: RosterGroup) -> str:
    return (
        f"系列：{g.series or '（未填）'}  专业：{g.specialty or '（未填）'}  级别：{g.level}"
        f"  （{len(g.lines)} 份，须答辩 {g.must_defend} 份）"
    )


def defence_notes(r: Roster) -> list[str]:
    """The roster's footer: who defends and the exemptions as the notice states them."""
    if not r.defence_rules and not r.defence_levels:
        return ["本批次不组织答辩。"]
    if r.defence_rules:
        out = ["答辩（以通知为准）：" + "；".join(r.defence_rules) + "；其他人员不答辩。"]
    else:
        out = [f"{'、'.join(r.defence_levels)}须参加答辩；其他级别不答辩。"]
    if r.exemptions:
        out.append("免于答辩范围（以通知为准）：")
        out += [f"{i}. {x}" for i, x in enumerate(r.exemptions, start=1)]
    if any(x.verify for x in r.lines):
        out.append(VERIFY_NOTE)
    return out


def _handover(x: RosterLine) -> str:
    return f"第 {x.handover_no} 次" if x.handover_no else ""


def _cells(n: int, x: RosterLine) -> tuple[str, ...]:
    return (
        str(n),
        x.dossier_code,
        "",
        x.name,
        x.id_shown,
        x.unit,
        x.county,
        x.series,
        x.specialty,
        x.level,
        x.track,
        x.receipt_code,
        x.defence,
        f"可申请免答辩：{x.verify}，请核实" if x.verify else "",
        _handover(x),
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


# ---- printable HTML -----------------------------------------------------------------------
_CSS = """
@page { size: A4 landscape; margin: 12mm 10mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", SimSun,
       sans-serif; font-size: 9.5pt; color: #000; margin: 0; }
@media screen { body { max-width: 277mm; margin: 8mm auto; } }
section.sheet + section.sheet { break-before: page; page-break-before: always; }
h1 { font-size: 15pt; text-align: center; margin: 0 0 1mm; }
h2 { font-size: 12pt; text-align: center; margin: 0 0 2mm; }
h3 { font-size: 10.5pt; margin: 4mm 0 1mm; }
p.meta { text-align: center; margin: 0 0 3mm; }
table { width: 100%; border-collapse: collapse; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border: 0.3mm solid #000; padding: 0.8mm 1.2mm; vertical-align: middle; }
th { background: #eee; font-weight: bold; }
td.code, td.id { font-family: "DejaVu Sans Mono", Consolas, monospace; white-space: nowrap; }
td.must { font-weight: bold; }
svg.barcode { display: block; height: 8mm; width: auto; }
p.total { font-weight: bold; margin: 3mm 0; }
ul.notes { margin: 1mm 0; padding-left: 2mm; list-style: none; }
p.sign { margin-top: 14mm; white-space: pre; }
"""
_HEAD = (
    "序号",
    "受理编号",
    "条码",
    "姓名",
    "身份证号",
    "工作单位",
    "县市",
    "申报类型",
    "级别",
    "收据号",
    "答辩",
    "移交批次",
)


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _row(n: int, x: RosterLine) -> str:
    defence = _e(x.defence) + (
        f"<br><small>可申请免答辩：{_e(x.verify)}，请核实</small>" if x.verify else ""
    )
    cells = (
        f"<td>{n}</td>",
        f'<td class="code">{_e(x.dossier_code)}</td>',
        f"<td>{barcode_svg(x.dossier_code)}</td>",
        f"<td>{_e(x.name)}</td>",
        f'<td class="id">{_e(x.id_shown)}</td>',
        f"<td>{_e(x.unit)}</td>",
        f"<td>{_e(x.county)}</td>",
        f"<td>{_e(x.track)}</td>",
        f"<td>{_e(x.level)}</td>",
        f'<td class="code">{_e(x.receipt_code)}</td>',
        f'<td class="{"must" if x.must_defend else "free"}">{defence}</td>',
        f"<td>{_e(_handover(x))}</td>",
    )
    return f'<tr data-dossier="{_e(x.dossier_code)}">{"".join(cells)}</tr>'


def _sheet_head(r: Roster, subtitle: str) -> list[str]:
    return [
        f"<h1>{_e(r.committee)}</h1>",
        f"<h2>{_e(r.title)} 移交花名册{_e(subtitle)}</h2>",
        f'<p class="meta">生成时间 {_e(_when(r))}；{_e(summary_text(r))}</p>',
    ]


@on_paper
def roster_html(r: Roster) -> str:
    """A printable A4 page (landscape): one sheet per series, a table per specialty and level
    with each dossier's barcode, then the totals, what was left out, the defence exemptions
    and the signature lines."""
    by_series: dict[str, list[RosterGroup]] = {}
    for g in r.groups:
        by_series.setdefault(g.series, []).append(g)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{_e(r.title)} 移交花名册</title><style>{_CSS}</style></head><body>",
    ]
    n = 0
    for series, groups in by_series.items():
        count = sum(len(g.lines) for g in groups)
        must = sum(g.must_defend for g in groups)
        parts.append(f'<section class="sheet series" data-series="{_e(series)}">')
        parts += _sheet_head(r, f"（系列：{series or '未填'}）")
        for g in groups:
            parts.append(
                f"<h3>{_e(group_title(g))}</h3><table><thead><tr>"
                + "".join(f"<th>{h}</th>" for h in _HEAD)
                + "</tr></thead><tbody>"
            )
            for x in g.lines:
                n += 1
                parts.append(_row(n, x))
            parts.append("</tbody></table>")
        parts.append(f'<p class="total">本系列小计 {count} 份，须答辩 {must} 份</p>')
        parts.append(f'<p class="sign">{_e(SIGNATURES)}</p></section>')
    parts.append('<section class="sheet summary">')
    parts += _sheet_head(r, "（汇总）")
    if not r.groups:
        parts.append("<p>没有可移交的档案（已受理且已缴费）。</p>")
    parts.append(f'<p class="total">合计：{_e(summary_text(r))}</p>')
    if r.left_out:
        parts.append(
            f"<h3>已受理但未列入本花名册（{len(r.left_out)} 份）</h3><table><thead><tr>"
            "<th>受理编号</th><th>姓名</th><th>工作单位</th><th>申报类型</th>"
            "<th>级别</th><th>原因</th></tr></thead><tbody>"
        )
        parts += [
            f'<tr><td class="code">{_e(x.dossier_code)}</td><td>{_e(x.name)}</td>'
            f"<td>{_e(x.unit)}</td><td>{_e(x.track)}</td><td>{_e(x.level)}</td>"
            f"<td>{_e(x.reason)}</td></tr>"
            for x in r.left_out
        ]
        parts.append("</tbody></table>")
    notes = defence_notes(r)
    parts.append(
        '<h3>答辩</h3><ul class="notes">' + "".join(f"<li>{_e(x)}</li>" for x in notes) + "</ul>"
    )
    parts.append(f'<p class="sign">{_e(SIGNATURES)}</p></section></body></html>')
    return "\n".join(parts)


def write_roster_html(path: Path, r: Roster) -> Path:
    """The A4 page, written 0600 (it may hold full ID numbers); InvalidInput when it cannot be."""
    check_writable(path)
    return save_private(path, roster_html(r))


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
