"""Code128 sized from the code set actually sent (issue 23, item 6). Before, ``GS k`` was sent
all in code set B while the module width and the quiet zones were computed from python-barcode's
pattern, which switches to code set C: ``Z2021000`` left 1.5 modules of quiet zone, and an
8-letter prefix could not print at 58 mm. The bytes are read back by the test's own reader
(ESC/POS rules, python-barcode's symbol table), painted as the printer paints them and scanned
with zxing-cpp."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image

from printers import code128
from printers.document import Barcode, Document, layout
from printers.errors import BarcodeTooWide
from printers.escpos import PrinterProfile, render_escpos
from printers.graphics import QUIET_MODULES, best_module, code128_image
from printers.layout import Paper
from tests.printers.escpos_reader import native_barcodes, rasters, stacked

PAPERS = (Paper(58, 384, 32), Paper(80, 512, 42), Paper(80, 576, 48))
CODES = (
    "ZJ21F00042",
    "Z2021000",
    "Z2021000001",
    "Z202100000042",  # the prefix Z2021000 and a 5-digit serial: 7 modules of quiet zone before
    "ZJZCPSWB00042",  # an 8-letter prefix
    "ZJZCPSWB2021001",
    "12345",
    "2021",
    "A{B1",
    "HQ-2021/7 x",
)


def _scan(img: Image.Image) -> list[str]:
    framed = Image.new("L", (img.width, img.height + 40), 255)
    framed.paste(img.convert("L"), (0, 20))
    return [
        r.text for r in zxingcpp.read_barcodes(framed) if r.format == zxingcpp.BarcodeFormat.Code128
    ]


def _bytes(data: str, paper: Paper, mode: str = "native") -> bytes:
    doc = Document("test", [Barcode(data)])
    profile = PrinterProfile(
        width_mm=paper.width_mm,
        dots=paper.dots,
        cells=paper.cells,
        barcode="native" if mode == "native" else "raster",
    )
    return render_escpos(layout(doc, paper), profile)


@pytest.mark.parametrize("paper", PAPERS, ids=lambda p: f"{p.width_mm}mm-{p.dots}")
@pytest.mark.parametrize("data", CODES)
def test_native_barcode_fits_with_quiet_zones_and_scans(data: str, paper: Paper) -> None:
    if data.startswith("ZJZCPSWB2021") and paper.dots == 384:
        with pytest.raises(BarcodeTooWide, match="太长"):  # 15 symbols: 198 modules of 192
            _bytes(data, paper)
        return
    (sent,) = native_barcodes(_bytes(data, paper))
    assert sent.text == data
    assert sent.module >= 2
    assert sent.quiet_modules(paper.dots) >= QUIET_MODULES, (
        f"{sent.quiet_modules(paper.dots)} modules of quiet zone"
    )
    assert _scan(sent.image(paper.dots)) == [data]


@pytest.mark.parametrize("data", CODES)
def test_what_is_measured_is_what_is_sent(data: str) -> None:
    (sent,) = native_barcodes(_bytes(data, Paper(80, 576, 48)))
    assert sent.pattern == code128.pattern(data)
    img = code128_image(data, module=sent.module, height=40, paper_dots=576)
    black = [x for x in range(576) if img.getpixel((x, 0)) == 0]
    assert black[-1] - black[0] + 1 == len(sent.pattern) * sent.module


def test_the_prefix_z2021000_is_sent_in_code_set_c() -> None:
    """The issue's prefix: all-B was 2 symbols wider than python-barcode's pattern measured;
    the symbols sent now are the shortest (B for ``Z2``, C for ``021000``)."""
    data = "Z2021000"
    (sent,) = native_barcodes(_bytes(data, Paper(58, 384, 32)))
    assert code128.runs(data) == [("B", "Z2"), ("C", "021000")]
    assert len(sent.symbols) == 8  # start, Z, 2, to-C, 02, 10, 00, checksum (all B: 10)
    assert sent.quiet_modules(384) >= QUIET_MODULES


def test_an_eight_letter_prefix_prints_at_58_mm() -> None:
    data = "ZJZCPSWB00042"
    assert best_module(data, 384) == 2
    (sent,) = native_barcodes(_bytes(data, Paper(58, 384, 32)))
    assert sent.module == 2 and sent.quiet_modules(384) >= QUIET_MODULES
    assert _scan(sent.image(384)) == [data]
    assert _scan(stacked(rasters(_bytes(data, Paper(58, 384, 32), "raster")))) == [data]


@pytest.mark.parametrize(
    ("data", "runs"),
    [
        ("ZJ21F00042", [("B", "ZJ21F0"), ("C", "0042")]),
        ("2021", [("C", "2021")]),
        ("12345", [("C", "1234"), ("B", "5")]),
        ("A1234B", [("B", "A1234B")]),  # four digits inside: switching twice costs as much
        ("A123456B", [("B", "A"), ("C", "123456"), ("B", "B")]),
    ],
)
def test_code_set_runs_are_the_shortest(data: str, runs: list[tuple[str, str]]) -> None:
    assert code128.runs(data) == runs


def test_a_brace_in_code_set_b_is_doubled() -> None:
    assert code128.gs_k("A{B1") == b"{BA{{B1"
    assert code128.gs_k("ZJ21F00042") == b"{BZJ21F0{C\x00\x2a"
