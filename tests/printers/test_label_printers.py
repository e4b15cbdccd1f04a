"""The envelope label on label printers (TSPL and ZPL): read back by a reader written from the
TSPL manual (tests/printers/tspl_reader.py) and by zplkit's offline ZPL renderer, drawn, and
its barcode scanned with zxing-cpp — for every stock size at 203 and 300 dpi."""

from __future__ import annotations

import dataclasses
import io
import os
import re
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageChops, ImageDraw

from printers.data import DossierData
from printers.errors import PrinterError
from printers.fonts import FontRef, find_cjk_font
from printers.label_bitmap import render_label_png, text_image
from printers.label_plan import SIZES, LabelPlan, LabelStock, parse_size, plan_label
from printers.samples import RARE, sample_dossier
from printers.tspl import render_tspl, status_faults
from printers.zpl import render_zpl
from tests.printers import tspl_reader

# 30 characters of a Uyghur name, in Chinese transliteration and in Uyghur script
UYGHUR_HAN = "阿卜杜热合曼·买买提依明·艾合买提江·库尔班尼亚孜·吐尔逊江"
UYGHUR_SCRIPT = "ئابدۇرەھمان مەمتىمىن ئەخمەتجان"
assert len(UYGHUR_HAN) == len(UYGHUR_SCRIPT) == 30


@pytest.fixture(scope="module")
def font() -> FontRef:
    return find_cjk_font()


def _dossier(name: str | None = None) -> DossierData:
    d = sample_dossier()
    if name is None:
        return d
    return dataclasses.replace(d, applicant=dataclasses.replace(d.applicant, name=name))


def _scan(img: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(img.convert("L"))]


def _stocks() -> list[tuple[str, int]]:
    return [(size, dpi) for size in SIZES for dpi in (203, 300)]


def _stock(size: str, dpi: int) -> LabelStock:
    w, h = parse_size(size)
    return LabelStock(width_mm=w, height_mm=h, dpi=dpi)


@pytest.mark.parametrize(("size", "dpi"), _stocks())
def test_tspl_label_reads_back_and_scans(size: str, dpi: int, font: FontRef) -> None:
    stock = _stock(size, dpi)
    d = _dossier()
    if (size, dpi) == ("40x30", 203):
        # 145 modules + 20 of quiet zone at 2 dots is 330 dots; a 40 mm label has 320: refused
        # with what to do, never a barcode that does not scan
        with pytest.raises(PrinterError) as err:
            plan_label(d, stock, font)
        assert err.value.code == "printer.barcode_too_wide"
        assert "换用更宽的标签" in str(err.value)
        return
    data = render_tspl(plan_label(d, stock, font), font)
    label = tspl_reader.parse(data)
    assert (label.width_mm, label.height_mm) == parse_size(size)
    assert [c.name for c in label.commands][:6] == [
        "SIZE",
        "GAP",
        "DIRECTION",
        "DENSITY",
        "SPEED",
        "CLS",
    ]
    img = tspl_reader.draw(label, dpi, font.path, font.index)
    assert _scan(img) == [d.dossier_code]
    texts = [str(c.args[-1]) for c in label.of("TEXT")]
    # every line of the sample is GB2312: in the printer's resident font, but for a line that
    # is wider than the label at the font's 24-dot steps (it goes as a bitmap, at most one)
    assert len(label.of("BITMAP")) <= 1
    assert texts[0] == d.dossier_code
    assert d.applicant.name in texts


def test_a_character_outside_gb2312_goes_as_a_bitmap(font: FontRef) -> None:
    d = _dossier(f"刘{RARE.name[-1]}")  # 䶮
    plan = plan_label(d, LabelStock(), font)
    label = tspl_reader.parse(render_tspl(plan, font))
    texts = [str(c.args[-1]) for c in label.of("TEXT")]
    assert not any("䶮" in t for t in texts)
    [name_box] = [b for b in plan.texts if b.text == d.applicant.name]
    assert [c.args[:2] for c in label.of("BITMAP") if c.args[1] == name_box.y] == [
        [name_box.x, name_box.y]
    ]
    assert _scan(tspl_reader.draw(label, 203, font.path, font.index)) == [d.dossier_code]


def test_every_chinese_line_as_a_bitmap_when_asked(font: FontRef) -> None:
    d = _dossier()
    label = tspl_reader.parse(render_tspl(plan_label(d, LabelStock(), font), font, "bitmap"))
    assert not label.of("TEXT")
    assert len(label.of("BITMAP")) >= 5
    img = tspl_reader.draw(label, 203, font.path, font.index)
    assert _scan(img) == [d.dossier_code]


def _text(plan: LabelPlan) -> str:
    return "".join(box.text for box in plan.texts)


@pytest.mark.parametrize("name", [UYGHUR_HAN, UYGHUR_SCRIPT])
@pytest.mark.parametrize("size", ["50x30", "60x40", "100x70"])
def test_a_long_uyghur_name_is_fitted_never_cut(name: str, size: str, font: FontRef) -> None:
    for dpi in (203, 300):
        plan = plan_label(_dossier(name), _stock(size, dpi), font)
        name_lines = [b for b in plan.texts if b.text and b.text in name]
        # every character is on the label, in order, in at most two lines
        assert re.sub(r"\s", "", "".join(b.text for b in name_lines)) == re.sub(r"\s", "", name)
        assert 1 <= len(name_lines) <= 2
        right = plan.stock.width_dots - plan.stock.dots(plan.stock.margin_mm)
        assert all(b.x + b.width <= right for b in plan.texts)
        if name == UYGHUR_SCRIPT and len(name_lines) == 2:
            # broken between words, not inside one
            assert name_lines[0].text.split()[-1] in name.split()


def test_203_and_300_dpi_print_the_same_label(font: FontRef) -> None:
    low = plan_label(_dossier(), _stock("60x40", 203), font)
    high = plan_label(_dossier(), _stock("60x40", 300), font)
    assert [b.text for b in low.texts] == [b.text for b in high.texts]
    for a, b in zip(low.texts, high.texts, strict=True):
        assert abs(a.y / (203 / 25.4) - b.y / (300 / 25.4)) < 0.6  # millimetres
        assert abs(a.height / (203 / 25.4) - b.height / (300 / 25.4)) < 0.3


@pytest.mark.parametrize(("size", "dpi"), [s for s in _stocks() if s != ("40x30", 203)])
def test_zpl_label_renders_offline_and_scans(size: str, dpi: int, font: FontRef) -> None:
    zplkit = pytest.importorskip("zplkit")  # a dev dependency: always there in the suite
    stock = _stock(size, dpi)
    d = _dossier(UYGHUR_HAN)
    data = render_zpl(plan_label(d, stock, font), font)
    # ^A0 has no Chinese: every ^A0 field is ASCII; the Chinese lines are ^GFA graphics
    for field in re.findall(rb"\^A0N,\d+,\d+\^FD(.*?)\^FS", data):
        assert field.isascii() and field.decode() == d.dossier_code
    assert data.count(b"^GFA") >= 4
    # zplkit renders the label format; the media and print settings it does not model are
    # checked here and left out of what it renders
    setup = re.match(rb"~SD(\d\d)\n\^XA\^MN([YMN])\^PR(\d+)\^XZ\n", data)
    assert setup is not None and int(setup.group(1)) <= 30
    copies = re.findall(rb"\^PQ(\d+)\n\^XZ\n$", data)
    assert copies == [b"1"]
    label_format = re.sub(rb"\^PQ\d+\n", b"", data[setup.end() :])
    doc = zplkit.render(
        label_format,
        options=zplkit.Options(dpi=dpi, width=stock.width_dots, height=stock.height_dots),
    )
    [scene] = doc.labels
    png = Image.open(io.BytesIO(scene.png()))
    assert png.size == (stock.width_dots, stock.height_dots)
    assert _scan(png) == [d.dossier_code]


def test_the_png_preview_is_the_label_at_its_real_size(font: FontRef) -> None:
    plan = plan_label(_dossier(), _stock("70x50", 203), font)
    img = render_label_png(plan, font)
    assert img.size == (559, 400)
    assert _scan(img) == [_dossier().dossier_code]


@pytest.mark.parametrize("bad", ["60", "60x", "abcx40", "10x10", "300x40", ""])
def test_a_bad_size_is_one_chinese_line(bad: str) -> None:
    with pytest.raises(PrinterError) as err:
        parse_size(bad)
    assert err.value.code == "printer.label_size"
    assert "60x40" in str(err.value)


def test_tspl_status_byte_maps_to_faults() -> None:
    assert status_faults(0x00) == []
    assert status_faults(0x20) == []  # printing
    assert status_faults(0x04) == ["paper_out"]
    assert status_faults(0x01 | 0x40) == ["head_open", "cover_open"]


def test_a_name_no_label_can_hold_is_refused_by_name(font: FontRef) -> None:
    name = "阿卜杜热合曼·买买提依明·艾合买提江" * 3
    with pytest.raises(PrinterError) as err:
        plan_label(_dossier(name), _stock("40x30", 300), font)
    assert err.value.code == "printer.label_too_small"
    assert name in str(err.value) and "换用更大的标签" in str(err.value)


@pytest.mark.parametrize("dpi", [203, 300])
def test_a_uyghur_script_name_is_drawn_in_letters_not_boxes(font: FontRef, dpi: int) -> None:
    """The CJK font has no Arabic-script glyph: drawn with it, the name is a row of boxes.
    Its line on the label differs from that row and its ink stays inside the planned width."""
    plan = plan_label(_dossier(UYGHUR_SCRIPT), _stock("100x70", dpi), font)
    line = next(b for b in plan.texts if b.text == UYGHUR_SCRIPT)
    drawn = text_image(line, font)
    boxes = Image.new("1", drawn.size, 1)
    face = font.load(line.height)
    ImageDraw.Draw(boxes).text(
        (0, round(line.height * 0.88)), line.text, font=face, fill=0, anchor="ls"
    )
    assert ImageChops.difference(drawn.convert("L"), boxes.convert("L")).getbbox() is not None
    ink = ImageChops.invert(drawn.convert("L")).getbbox()
    assert ink is not None and ink[2] <= line.width + 1
    # the boxes' row is as wide as 30 ideographic boxes; the letters are joined and narrower
    assert line.width < face.getlength(line.text)


LABEL_GOLDEN = Path(__file__).parent / "golden" / "labels"


@pytest.mark.parametrize("language", ["tspl", "zpl"])
@pytest.mark.parametrize(("size", "dpi"), [s for s in _stocks() if s != ("40x30", 203)])
def test_label_golden_bytes(size: str, dpi: int, language: str, font: FontRef) -> None:
    """The exact bytes of the sample label per stock and resolution (UPDATE_GOLDEN=1 rewrites
    them after a deliberate change; look at the PNG previews first)."""
    plan = plan_label(_dossier(), _stock(size, dpi), font)
    data = render_tspl(plan, font) if language == "tspl" else render_zpl(plan, font)
    path = LABEL_GOLDEN / f"label-{size}-{dpi}.{language}"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"no golden file {path.name}: run with UPDATE_GOLDEN=1"
    assert data == path.read_bytes()
