"""The label printer from the command line: a sample label previewed at its real size (PNG) and
in its language (TSPL, ZPL), read back and scanned; any other document refused for it."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from typer.testing import CliRunner

from printers.fonts import FontRef
from printers.samples import sample_dossier
from tests.printers import tspl_reader
from tests.support import write_config
from tui.cli import app

runner = CliRunner()


@pytest.mark.parametrize(("dpi", "dots"), [(203, (480, 320)), (300, (709, 472))])
def test_label_png_is_the_label_at_its_real_size_and_scans(
    tmp_path: Path, cjk_font: FontRef, dpi: int, dots: tuple[int, int]
) -> None:
    png = tmp_path / "label.png"
    r = runner.invoke(
        app,
        [
            "print",
            "preview",
            "label",
            "--language",
            "tspl",
            "--size",
            "60x40",
            "--dpi",
            str(dpi),
            "--format",
            "png",
            "--out",
            str(png),
        ],
    )
    assert r.exit_code == 0, r.output
    img = Image.open(png)
    assert img.size == dots
    assert [b.text for b in zxingcpp.read_barcodes(img.convert("L"))] == [
        sample_dossier().dossier_code
    ]


def test_label_bytes_in_tspl_and_zpl(tmp_path: Path, cjk_font: FontRef) -> None:
    tspl = tmp_path / "label.tspl"
    r = runner.invoke(
        app,
        [
            "print",
            "preview",
            "label",
            "--language",
            "tspl",
            "--size",
            "70x50",
            "--format",
            "bytes",
            "--out",
            str(tspl),
        ],
    )
    assert r.exit_code == 0, r.output
    label = tspl_reader.parse(tspl.read_bytes())
    assert (label.width_mm, label.height_mm) == (70, 50)
    font = cjk_font
    drawn = tspl_reader.draw(label, 203, font.path, font.index)
    assert [b.text for b in zxingcpp.read_barcodes(drawn.convert("L"))] == [
        sample_dossier().dossier_code
    ]
    zpl = tmp_path / "label.zpl"
    r = runner.invoke(
        app,
        ["print", "preview", "label", "--language", "zpl", "--format", "bytes", "--out", str(zpl)],
    )
    assert r.exit_code == 0, r.output
    assert zpl.read_bytes().startswith(b"~SD") and b"^XZ" in zpl.read_bytes()


def test_a_receipt_for_a_label_printer_is_refused_in_chinese(tmp_path: Path) -> None:
    r = runner.invoke(
        app,
        [
            "print",
            "preview",
            "receipt",
            "--language",
            "tspl",
            "--format",
            "bytes",
            "--out",
            str(tmp_path / "x.bin"),
        ],
    )
    assert r.exit_code == 1
    assert "只打印档案袋标签" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["print", "preview", "label", "--language", "tspl", "--size", "9x9"])
    assert r.exit_code == 1 and "标签尺寸“9x9”无法识别" in r.output


def test_the_label_printers_test_page_is_a_sample_label(tmp_path: Path, db_url: str) -> None:
    spool = tmp_path / "lp1"
    spool.write_bytes(b"")
    cfg = write_config(
        tmp_path,
        f'[printers.label]\nconnection = "file"\npath = "{spool}"\n'
        'language = "tspl"\nsize = "60x40"\n',
    )
    r = runner.invoke(app, ["printer", "test", "label", "--config", str(cfg), "--db", db_url])
    assert r.exit_code == 0, r.output
    assert "TSPL 标签 60×40mm" in r.output
    label = tspl_reader.parse(spool.read_bytes())
    texts = [str(c.args[-1]) for c in label.of("TEXT")]
    assert any("【测试页】" in t for t in texts), texts
    assert label.of("BITMAP"), "the name 刘䶮 goes as a bitmap line"
