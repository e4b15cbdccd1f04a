"""The receipt printer's geometry and font (issue 23, items 3 and 5): dots per line and cells per
line are settings of ``[printers.receipt]`` (58 mm 384/32, 80 mm 576/48, and 80 mm at 512/42 for
the Epson TM-T81/T82 China models at 180 dpi); raster lines, rasters and image mode fit the
dots, text wraps at the cells; the test page prints rulers of both. With gb18030 a character
outside GBK's two-byte range goes as a raster line unless ``gb18030_four_byte = true``. Every
cut is ``GS V 66 0`` (no feed lines before it). Bytes are read back with the tests' reader."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image

from printers import tally
from printers.config import parse_printer
from printers.document import Line, RulerOp, layout
from printers.errors import PrinterError
from printers.escpos import PrinterProfile, render_escpos
from printers.fonts import FontRef
from printers.layout import Paper, cells, paper
from printers.preview import MARGIN, render_png, render_text
from printers.samples import KINDS, sample_document
from tests.printers.escpos_reader import (
    cuts,
    native_barcodes,
    rasters,
    stacked,
    text_segments,
    without_rasters,
)
from tui.work.desk_printers import profile_for, render_bytes

PAPERS = (Paper(58, 384, 32), Paper(80, 512, 42), Paper(80, 576, 48))
EPSON_CHINA = {"width": 80, "dots": 512, "cells": 42}


@pytest.fixture(autouse=True)
def _font(cjk_font: FontRef) -> None:
    global FONT
    FONT = cjk_font


FONT: FontRef


def _profile(p: Paper, **kw: object) -> PrinterProfile:
    return PrinterProfile(
        width_mm=p.width_mm,
        dots=p.dots,
        cells=p.cells,
        font=FONT,
        **kw,  # type: ignore[arg-type]
    )


# ---- settings --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "line"),
    [
        ({}, Paper(80, 576, 48)),
        ({"width": 58}, Paper(58, 384, 32)),
        ({"width": 80, "dots": 512}, Paper(80, 512, 42)),
        (EPSON_CHINA, Paper(80, 512, 42)),
        ({"width": 58, "cells": 42, "dots": 384}, Paper(58, 384, 42)),
        ({"width": 80, "cells": 64}, Paper(80, 576, 64)),
    ],
)
def test_dots_and_cells_default_from_the_width(raw: dict[str, object], line: Paper) -> None:
    cfg = parse_printer("receipt", raw)
    assert cfg.paper == line
    profile = profile_for(cfg)
    assert (profile.width_mm, profile.dots, profile.cells) == (
        line.width_mm,
        line.dots,
        line.cells,
    )


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ({"dots": 500}, "dots（每行点数）应为 8 的倍数，80 毫米纸在 384–640 之间，而不是 500"),
        ({"width": 58, "dots": 576}, "58 毫米纸在 256–448 之间，而不是 576"),
        ({"dots": "512"}, "而不是 512"),
        ({"cells": 100}, "cells（每行字符格数）应在 24–72 之间"),
        ({"width": 80, "dots": 512, "cells": 65}, "应在 24–64 之间（512 点一行，每格至少 8 点）"),
        ({"cells": 12}, "而不是 12"),
        ({"cells": True}, "而不是 True"),
        ({"gb18030_four_byte": True}, "只用于 encoding"),
        ({"encoding": "gb18030", "gb18030_four_byte": "yes"}, "应为 true 或 false"),
    ],
)
def test_bad_geometry_is_refused_in_chinese(raw: dict[str, object], says: str) -> None:
    with pytest.raises(PrinterError, match=r"printers\.receipt") as caught:
        parse_printer("receipt", raw, "desk.toml")
    assert says in caught.value.message
    assert caught.value.code == "printer.config"


def test_paper_refuses_what_the_config_would() -> None:
    with pytest.raises(ValueError, match="纸宽应为 58 或 80 毫米"):
        paper(76)
    assert paper(Paper(80, 512, 42)) == Paper(80, 512, 42)
    assert Paper(80, 512, 42).cell_dots == 12


# ---- layout and bytes at the printer's line ------------------------------------------------------
@pytest.mark.parametrize("p", PAPERS, ids=lambda p: f"{p.dots}x{p.cells}")
@pytest.mark.parametrize("kind", KINDS)
def test_every_document_fits_the_configured_line(kind: str, p: Paper) -> None:
    lay = layout(sample_document(kind, p.width_mm), p)
    assert (lay.cells, lay.dots) == (p.cells, p.dots)
    text = render_text(lay)
    assert max(cells(line) for line in text.splitlines()) <= p.cells
    data = render_escpos(lay, _profile(p))
    for segment in text_segments(data, "gbk"):
        assert cells(segment) <= p.cells
    for image in rasters(data):
        assert image.width == p.dots  # GS v 0: dots / 8 bytes a row
    for code in native_barcodes(data):
        assert code.quiet_modules(p.dots) >= 10


@pytest.mark.parametrize("p", PAPERS, ids=lambda p: f"{p.dots}x{p.cells}")
def test_image_mode_and_png_are_the_configured_dots_wide_and_scan(p: Paper) -> None:
    lay = layout(sample_document("receipt", p.width_mm), p)
    data = render_escpos(lay, _profile(p, image_mode=True, barcode="raster"))
    paper_img = stacked(rasters(data))
    assert paper_img.width == p.dots
    assert text_segments(data, "gbk") == []
    assert _scan(paper_img) == ["ZJ21F00042"]
    png = render_png(lay, FONT)
    assert png.width == p.dots + 2 * MARGIN
    assert _scan(png) == ["ZJ21F00042"]


def test_a_layout_for_another_line_is_refused() -> None:
    lay = layout(sample_document("receipt", 80), 80)
    with pytest.raises(ValueError, match="papers differ"):
        render_escpos(lay, _profile(Paper(80, 512, 42)))


def test_the_desk_lays_out_for_the_configured_printer() -> None:
    cfg = parse_printer("receipt", EPSON_CHINA)
    data = render_bytes(sample_document("receipt", 80), cfg)
    longest = max(cells(s) for s in text_segments(data, "gbk"))
    assert 36 < longest <= 42


def _scan(img: Image.Image) -> list[str]:
    return [
        r.text
        for r in zxingcpp.read_barcodes(img.convert("L"))
        if r.format == zxingcpp.BarcodeFormat.Code128
    ]


# ---- the test page's rulers --------------------------------------------------------------------
@pytest.mark.parametrize("p", PAPERS, ids=lambda p: f"{p.dots}x{p.cells}")
def test_test_page_prints_rulers_of_the_cells_and_the_dots(p: Paper) -> None:
    lay = layout(tally.test_page(p.width_mm, "gbk", "receipt"), p)
    lines = [op.text for op in lay.ops if isinstance(op, Line)]
    digits = "".join(str(i % 10) for i in range(1, p.cells + 1))
    assert digits in lines
    assert "中" * (p.cells // 2) in lines
    assert f"每行 {p.cells} 格，{p.dots} 点" in lines
    assert [op for op in lay.ops if isinstance(op, RulerOp)] == [RulerOp(p.dots)]

    data = render_escpos(lay, _profile(p))
    assert digits in text_segments(data, "gbk")
    ruler = next(im for im in rasters(data) if im.height == 48)
    assert ruler.width == p.dots
    # the first and the last dot carry the end bars; ticks every 8 dots on the bottom rows
    assert all(ruler.getpixel((x, 0)) == 0 for x in (0, 1, p.dots - 2, p.dots - 1))
    tick_row = ruler.height - 6
    assert [x for x in range(p.dots) if ruler.getpixel((x, tick_row)) == 0] == sorted(
        {*range(0, p.dots, 8), 1, p.dots - 2, p.dots - 1}
    )


# ---- GB18030 beyond GBK ------------------------------------------------------------------------
RARE = ("䶮", "𠮷")


@pytest.mark.parametrize("kind", ["notice", "test"])
def test_gb18030_sends_characters_beyond_gbk_as_rasters_by_default(kind: str) -> None:
    p = Paper(58, 384, 32)
    lay = layout(sample_document(kind, 58, "gb18030"), p)
    rare_lines = [op for op in lay.ops if isinstance(op, Line) and any(c in op.text for c in RARE)]
    assert rare_lines
    data = render_escpos(lay, _profile(p, encoding="gb18030"))
    sent = "".join(text_segments(data, "gb18030"))
    assert not any(c in sent for c in RARE)
    assert "刘" in sent or kind == "notice"
    assert len(rasters(data)) >= len(rare_lines)
    bare = without_rasters(data)
    assert "䶮".encode("gb18030") not in bare and "𠮷".encode("gb18030") not in bare


@pytest.mark.parametrize("kind", ["notice", "test"])
def test_gb18030_four_byte_sends_them_as_text(kind: str) -> None:
    p = Paper(58, 384, 32)
    lay = layout(sample_document(kind, 58, "gb18030"), p)
    data = render_escpos(lay, _profile(p, encoding="gb18030", four_byte=True))
    sent = "".join(text_segments(data, "gb18030"))
    assert "刘䶮" in sent
    if kind == "test":
        assert "𠮷" in sent and b"\x95\x34\xb2\x35" in data  # 𠮷 in four bytes
        assert not [im for im in rasters(data) if im.height == 30]  # no raster line


def test_the_desk_reads_gb18030_four_byte() -> None:
    cfg = parse_printer("receipt", {"encoding": "gb18030", "gb18030_four_byte": True})
    assert profile_for(cfg).four_byte
    data = render_bytes(tally.test_page(80, "gb18030"), cfg)
    assert "𠮷" in "".join(text_segments(data, "gb18030"))


# ---- cuts ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
def test_each_cut_feeds_to_the_cutter_itself(kind: str) -> None:
    lay = layout(sample_document(kind, 58), 58)
    data = render_escpos(lay, _profile(Paper(58, 384, 32)))
    bare = without_rasters(data)
    at = cuts(data)
    assert at and len(at) == sum(1 for op in lay.ops if type(op).__name__ == "CutOp")
    for i in at:
        assert bare[i : i + 4] == b"\x1dVB\x00"  # GS V 66 0
        assert not bare[:i].endswith(b"\x1bd\x06")  # python-escpos fed 6 lines before its cut
        assert not bare[:i].endswith(b"\n\n")
