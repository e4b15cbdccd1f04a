"""Every document at both widths: golden bytes, our own bytes decoded back, barcodes scanned."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import pytest
import zxingcpp
from PIL import Image

from printers.document import Line, layout
from printers.escpos import PrinterProfile, encodable, render_escpos
from printers.fonts import FontRef
from printers.preview import render_png, render_text
from printers.samples import KINDS, sample_document
from tests.printers.escpos_reader import rasters, stacked, text_segments

GOLDEN = Path(__file__).parent / "golden"
WIDTHS = (58, 80)


@pytest.fixture(autouse=True)
def _font(cjk_font: FontRef) -> None:
    global FONT
    FONT = cjk_font


FONT: FontRef


def _profile(
    width: int,
    *,
    encoding: str = "gbk",
    barcode: Literal["raster", "native"] = "native",
    image_mode: bool = False,
) -> PrinterProfile:
    return PrinterProfile(
        width_mm=width, font=FONT, encoding=encoding, barcode=barcode, image_mode=image_mode
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", KINDS)
def test_golden_bytes(kind: str, width: int) -> None:
    """The exact bytes python-escpos' Dummy collected. Set UPDATE_GOLDEN=1 to rewrite them
    after a deliberate change, and look at the PNG previews before committing."""
    data = render_escpos(layout(sample_document(kind, width), width), _profile(width))
    path = GOLDEN / f"{kind}-{width}.bin"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"no golden file {path.name}: run with UPDATE_GOLDEN=1"
    assert data == path.read_bytes()


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "gb2312"])
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", KINDS)
def test_chinese_segments_decode_to_the_laid_out_text(kind: str, width: int, encoding: str) -> None:
    lay = layout(sample_document(kind, width, encoding), width)
    data = render_escpos(lay, _profile(width, encoding=encoding))
    expected = []
    raster_lines = 0
    for op in lay.ops:
        if isinstance(op, Line):
            text = lay.padded(op).rstrip()
            if not encodable(text, encoding, four_byte=False):
                raster_lines += 1
            elif text:
                expected.append(text)
    assert text_segments(data, encoding) == expected  # native barcodes: no HRI text lines
    assert len(rasters(data)) >= raster_lines


def test_rare_character_goes_raster_unless_the_printer_has_gb18030_four_byte() -> None:
    lay = layout(sample_document("notice", 58), 58)
    gbk = render_escpos(lay, _profile(58, encoding="gbk"))
    assert not any("䶮" in s for s in text_segments(gbk, "gbk"))
    assert len(rasters(gbk)) >= 2  # the name line, once per copy
    gb18030 = render_escpos(lay, _profile(58, encoding="gb18030"))
    assert not any("䶮" in s for s in text_segments(gb18030, "gb18030"))  # beyond GBK: raster
    four = render_escpos(lay, PrinterProfile(width_mm=58, encoding="gb18030", four_byte=True))
    assert any("刘䶮" in s for s in text_segments(four, "gb18030"))


def test_yen_sign_becomes_fullwidth_and_no_question_marks() -> None:
    lay = layout(sample_document("receipt", 58), 58)
    data = render_escpos(lay, _profile(58))
    text = "\n".join(text_segments(data, "gbk"))
    assert "￥380.00" in text and "¥" not in text
    assert "?" not in text
    assert "叁佰捌拾元整" in text


def test_headings_use_gs_not_esc() -> None:
    data = render_escpos(layout(sample_document("receipt", 80), 80), _profile(80))
    assert b"\x1d!\x11" in data  # GS ! double width and height
    assert b"\x1b!" not in data  # never ESC !


def _scan(img: Image.Image) -> list[str]:
    return [
        r.text
        for r in zxingcpp.read_barcodes(img.convert("L"))
        if r.format == zxingcpp.BarcodeFormat.Code128
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    ("kind", "number"),
    [
        ("receipt", "ZJ21F00042"),
        ("label", "ZJ21S00057"),
        ("acceptance", "ZJ21S00057"),
        ("notice", "ZJ21B00008"),
    ],
)
def test_barcode_scans_from_png_and_from_raster_bytes(kind: str, number: str, width: int) -> None:
    lay = layout(sample_document(kind, width), width)
    assert number in _scan(render_png(lay, FONT))
    data = render_escpos(lay, _profile(width, barcode="raster"))
    assert number in _scan(stacked(rasters(data)))


def test_native_barcode_is_gs_k_code_sets_b_then_c() -> None:
    data = render_escpos(layout(sample_document("receipt", 58), 58), _profile(58))
    assert b"\x1dk\x49\x0c{BZJ21F0{C\x00\x2a" in data  # ZJ21F0, then 00 42 as two bytes


def test_image_mode_is_all_raster_and_scans() -> None:
    lay = layout(sample_document("receipt", 58), 58)
    data = render_escpos(lay, _profile(58, image_mode=True))
    assert text_segments(data, "gbk") == []
    assert "ZJ21F00042" in _scan(stacked(rasters(data)))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", KINDS)
def test_text_preview_fits_the_paper(kind: str, width: int) -> None:
    from printers.layout import cells, paper_cells

    text = render_text(layout(sample_document(kind, width), width))
    assert all(cells(line) <= paper_cells(width) for line in text.splitlines())


def test_receipt_preview_says_what_a_receipt_must() -> None:
    text = render_text(layout(sample_document("receipt", 80), 80))
    for must in (
        "评审费缴费凭证",
        "ZJ21F00042",
        "阿依古丽·买买提",
        "652801********0023",
        "评审 中级",
        "￥380.00",
        "人民币叁佰捌拾元整",
        "现金",
        "找零",
        "65010221000123",
        "收费员小李",
        "1号窗口",
        "2021-09-27 11:32",
    ):
        assert must in text, must


def test_reprint_is_marked() -> None:
    from printers.receipts import receipt
    from printers.samples import sample_receipt

    text = render_text(layout(receipt(sample_receipt(reprint=2)), 58))
    assert "重印 2" in text


def test_native_receipt_is_small_enough_for_a_serial_printer() -> None:
    data = render_escpos(layout(sample_document("receipt", 58), 58), _profile(58))
    assert len(data) <= 2048
