"""The roster as an HTML page to print from a browser."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from models.files import check_writable, save_private
from models.i18n import on_paper

if TYPE_CHECKING:
    from models.services.handover import Roster, RosterGroup, RosterLine
from printers.roster.barcodes import barcode_svg
from printers.roster.content import (
    SIGNATURES,
    _handover,
    _when,
    defence_notes,
    group_title,
    summary_text,
)

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
