"""The handover roster as a workbook and a printable page, read back: the grouped lines, the
codes, the defence column, a barcode per dossier that scans; and the thermal handover slip."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
import zxingcpp
from PIL import Image

from models.services.handover import LeftOut, Roster, RosterGroup, RosterLine
from printers.data import HandoverData, Office
from printers.document import layout
from printers.preview import render_text
from printers.roster import (
    barcode_png,
    handover_slip,
    roster_html,
    roster_xlsx,
)

AT = dt.datetime(2021, 10, 12, 2, 0, tzinfo=dt.UTC)
VERIFY = "县级（不含）以下基层单位、社会组织、自由职业"


def _found(pattern: str, text: str, flags: int = 0) -> re.Match[str]:
    """The first match of ``pattern``, which must be there."""
    m = re.search(pattern, text, flags)
    assert m is not None, pattern
    return m


def _line(
    no: int,
    name: str,
    level: str,
    defence: str,
    *,
    specialty: str = "表演",
    series: str = "艺术",
    must: bool = False,
    verify: str = "",
    handover_no: int | None = None,
) -> RosterLine:
    return RosterLine(
        dossier_id=no,
        dossier_no=no,
        dossier_code=f"WH21S{no:05d}",
        name=name,
        id_masked="652828********0018",
        unit="且末县文化馆" if no == 1 else "库尔勒市文化馆",
        county="且末县" if no == 1 else "库尔勒市",
        series=series,
        specialty=specialty,
        track="初次确定",
        level=level,
        receipt_code=f"WH21F{no:05d}",
        defence=defence,
        must_defend=must,
        verify=verify,
        handover_no=handover_no,
    )


def _roster() -> Roster:
    g1 = RosterGroup(
        "艺术",
        "表演",
        "中级",
        (
            _line(1, "阿依古丽·买买提", "中级", "免答辩（且末县工作）"),
            _line(3, "刘䶮", "中级", "须答辩", must=True, verify=VERIFY),
        ),
    )
    g2 = RosterGroup(
        "群众文化",
        "群众文化",
        "初级",
        (
            _line(
                5, "张伟", "初级", "不答辩", series="群众文化", specialty="群众文化", handover_no=1
            ),
        ),
    )
    return Roster(
        campaign_code="bz-culture-2021",
        title="2021年度自治州文化系列专业技术人员职称评审",
        committee="自治州文化系列专业评审委员会",
        place="州文化体育广播电视和旅游局3楼317室",
        timezone="Asia/Shanghai",
        generated_at=AT,
        include_handed_over=True,
        defence_levels=("中级",),
        exemptions=(
            "参加“访惠聚”驻村等工作",
            "且末县、若羌县工作",
            "县级（不含）以下基层单位",
            "民营企业",
            "社会组织、自由职业",
        ),
        groups=(g1, g2),
        left_out=(LeftOut("WH21S00002", "王芳", "库尔勒市文化馆", "初次确定", "中级", "未缴费"),),
    )


def _scan(img: Image.Image) -> list[str]:
    return [
        r.text
        for r in zxingcpp.read_barcodes(img.convert("L"))
        if r.format == zxingcpp.BarcodeFormat.Code128
    ]


def test_barcode_png_scans() -> None:
    img = Image.open(io.BytesIO(barcode_png("ZJ21S00042")))
    assert img.info["dpi"] == pytest.approx((300, 300), abs=1)
    assert _scan(img) == ["ZJ21S00042"]


def test_xlsx_reads_back(tmp_path: Path) -> None:
    path = roster_xlsx(tmp_path / "移交花名册.xlsx", _roster())
    wb = openpyxl.load_workbook(path)
    ws = wb["移交花名册"]
    rows = [tuple("" if c is None else c for c in r) for r in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "自治州文化系列专业评审委员会"
    assert rows[1][0] == "2021年度自治州文化系列专业技术人员职称评审 移交花名册"
    assert "共 3 份，其中须答辩 1 份、免答辩 1 份、不答辩 1 份" in rows[2][0]
    head = rows[4]
    assert head[:5] == ("序号", "受理编号", "条码", "姓名", "身份证号")
    col = {h: i for i, h in enumerate(head)}
    assert rows[5][0] == "系列：艺术  专业：表演  级别：中级  （2 份，须答辩 1 份）"
    lines = [r for r in rows if str(r[col["受理编号"]]).startswith("WH21S") and r[0]]
    assert [
        (r[col["序号"]], r[col["受理编号"]], r[col["姓名"]], r[col["答辩"]], r[col["移交批次"]])
        for r in lines
    ] == [
        ("1", "WH21S00001", "阿依古丽·买买提", "免答辩（且末县工作）", ""),
        ("2", "WH21S00003", "刘䶮", "须答辩", ""),
        ("3", "WH21S00005", "张伟", "不答辩", "第 1 次"),
    ]
    assert lines[1][col["核实事项"]] == f"可申请免答辩：{VERIFY}，请核实"
    assert lines[0][col["身份证号"]] == "652828********0018"
    assert lines[0][col["收据号"]] == "WH21F00001"
    # every cell is text: the numbers stay as written
    for r in ws.iter_rows(min_row=6):
        for c in r:
            assert c.value is None or isinstance(c.value, str)
    # the left out, the exemptions as stated, the signature line
    flat = [str(v) for r in rows for v in r if v]
    assert "已受理但未列入本花名册（1 份）：" in flat
    assert any(r[col["受理编号"]] == "WH21S00002" and "未缴费" in r for r in rows)
    assert "中级须参加答辩；其他级别不答辩。" in flat
    assert "2. 且末县、若羌县工作" in flat and "5. 社会组织、自由职业" in flat
    assert any(v.startswith("标“请核实”者") for v in flat)
    assert any("移交人（签字）" in v and "接收人（签字）" in v and "日期" in v for v in flat)
    # one barcode image per dossier, beside its number, and each scans to it
    images = ws._images
    assert len(images) == 3
    by_row = {img.anchor._from.row: img for img in images}
    for i, r in enumerate(rows):
        if r in lines:
            img = by_row[i]
            assert img.anchor._from.col == col["条码"]
            assert _scan(Image.open(io.BytesIO(img._data()))) == [r[col["受理编号"]]]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$5:$5"


def test_xlsx_of_an_empty_roster(tmp_path: Path) -> None:
    r = _roster()
    empty = Roster(**{**{f: getattr(r, f) for f in Roster.__slots__}, "groups": (), "left_out": ()})
    wb = openpyxl.load_workbook(roster_xlsx(tmp_path / "r.xlsx", empty))
    flat = [v for row in wb.active.iter_rows(values_only=True) for v in row if v]
    assert "没有可移交的档案（已受理且已缴费）。" in flat
    assert wb.active._images == []


def test_html_one_svg_per_dossier_page_per_series() -> None:
    page = roster_html(_roster())
    assert page.startswith("<!DOCTYPE html>") and "@page { size: A4 landscape" in page
    svgs = re.findall(r"<svg\b.*?</svg>", page, re.S)
    assert len(svgs) == 3
    assert [_found(r'aria-label="([^"]+)"', s).group(1) for s in svgs] == [
        "WH21S00001",
        "WH21S00003",
        "WH21S00005",
    ]
    assert "<?xml" not in page and 'id="barcode_group"' not in page
    assert page.count('<section class="sheet series"') == 2  # 艺术, 群众文化
    assert "section.sheet + section.sheet { break-before: page;" in page
    assert page.count("移交人（签字）") == 3  # each series and the summary
    assert "刘䶮" in page and "阿依古丽·买买提" in page
    assert f"可申请免答辩：{VERIFY}，请核实" in page
    assert "已受理但未列入本花名册（1 份）" in page and "WH21S00002" in page
    assert "免于答辩范围（以通知为准）：" in page and "且末县、若羌县工作" in page
    assert "<script" not in page


def test_html_escapes_what_it_is_given() -> None:
    r = _roster()
    g = r.groups[0]
    bad = RosterLine(
        **{**{f: getattr(g.lines[0], f) for f in RosterLine.__slots__}, "unit": "<b>某</b>&单位"}
    )
    page = roster_html(
        Roster(
            **{
                **{f: getattr(r, f) for f in Roster.__slots__},
                "groups": (RosterGroup(g.series, g.specialty, g.level, (bad,)),),
            }
        )
    )
    assert "&lt;b&gt;某&lt;/b&gt;&amp;单位" in page and "<b>某</b>" not in page


@pytest.mark.skipif(shutil.which("rsvg-convert") is None, reason="rsvg-convert not installed")
def test_html_barcode_decodes(tmp_path: Path) -> None:
    page = roster_html(_roster())
    svg = _found(r"<svg\b.*?</svg>", page, re.S).group(0)
    src = tmp_path / "bar.svg"
    src.write_text(svg, encoding="utf-8")
    png = tmp_path / "bar.png"
    subprocess.run(
        ["rsvg-convert", "-d", "300", "-p", "300", "-b", "white", "-o", str(png), str(src)],
        check=True,
    )
    assert _scan(Image.open(png)) == ["WH21S00001"]


def test_handover_slip() -> None:
    d = HandoverData(
        office=Office(
            committee="巴州中职、技工类院校教师系列中、初级评审委员会",
            place="巴州红旗高级技工学校综合办529办公室",
            contacts="刘强 0996-2701308",
        ),
        campaign_title="2021年巴州中职、技工类院校教师系列职称评审",
        handover_no=2,
        receiver="评审委员会秘书 王敏",
        handed_by="负责人刘强",
        handed_at=AT,
        dossiers=(("ZJ21S00001", "阿依古丽·买买提"), ("ZJ21S00006", "孙丽")),
        note="第二批",
        desk="1号窗口",
    )
    for width in (58, 80):
        text = render_text(layout(handover_slip(d), width))
        for want in (
            "移交单",
            "第 2 次",
            "2 份",
            "评审委员会秘书 王敏",
            "负责人刘强",
            "2021-10-12 10:00",
            "ZJ21S00001",
            "ZJ21S00006",
            "孙丽",
            "第二批",
            "移交人签字",
            "接收人签字",
        ):
            assert want in text, (width, want)
    assert handover_slip(d).kind == "handover"
