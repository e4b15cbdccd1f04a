"""The label printer from the command line: a sample label previewed at its real size (PNG) and
in its language (TSPL, ZPL), read back and scanned; any other document refused for it."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from typer.testing import CliRunner, Result

from printers.fonts import FontRef
from printers.samples import sample_dossier
from tests.printers import tspl_reader
from tests.printers.fake_printer import FakePrinter, wait_until
from tests.support import write_config
from tui.cli import app

runner = CliRunner()


def _preview(*args: str) -> Result:
    return runner.invoke(app, ["print", "preview", *args])


def _network_label_printer(tmp_path: Path, port: int, language: str) -> Path:
    return write_config(
        tmp_path,
        f'[printers.label]\nconnection = "network"\nhost = "127.0.0.1"\n'
        f'port = {port}\ntimeout = 2\nlanguage = "{language}"\n',
    )


@pytest.mark.parametrize(("dpi", "dots"), [(203, (480, 320)), (300, (709, 472))])
def test_label_png_is_the_label_at_its_real_size_and_scans(
    tmp_path: Path, cjk_font: FontRef, dpi: int, dots: tuple[int, int]
) -> None:
    png = tmp_path / "label.png"
    r = _preview(
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
    )
    assert r.exit_code == 0, r.output
    img = Image.open(png)
    assert img.size == dots
    assert [b.text for b in zxingcpp.read_barcodes(img.convert("L"))] == [
        sample_dossier().dossier_code
    ]


def test_label_bytes_in_tspl_and_zpl(tmp_path: Path, cjk_font: FontRef) -> None:
    tspl = tmp_path / "label.tspl"
    r = _preview(
        "label", "--language", "tspl", "--size", "70x50", "--format", "bytes", "--out", str(tspl)
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
    r = _preview(
        "receipt", "--language", "tspl", "--format", "bytes", "--out", str(tmp_path / "x.bin")
    )
    assert r.exit_code == 1
    assert "只打印档案袋标签" in r.output and "Traceback" not in r.output
    r = _preview("label", "--language", "tspl", "--size", "9x9")
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


@pytest.mark.parametrize(
    ("language", "reply", "words"),
    [
        ("tspl", b"\x04", "打印机缺纸"),  # <ESC>!? bit 2: paper out
        ("tspl", b"\x01", "打印机上盖打开"),  # bit 0: head open
        ("tspl", b"\x08", "碳带用完"),
        (
            "zpl",
            b"\x02030,1,0,0609,000,0,0,0,000,0,0,0\x03\r\n"
            b"\x02000,0,0,0,0,2,4,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n",
            "打印机缺纸",
        ),
        (
            "zpl",
            b"\x02030,0,0,0609,000,0,0,0,000,0,0,0\x03\r\n"
            b"\x02000,0,1,0,0,2,4,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n",
            "打印机上盖打开",
        ),
    ],
)
def test_label_printer_status_speaks_the_receipt_printers_chinese(
    tmp_path: Path, language: str, reply: bytes, words: str
) -> None:
    query = b"\x1b!?" if language == "tspl" else b"~HS"
    with FakePrinter(replies={query: reply}) as printer:
        cfg = _network_label_printer(tmp_path, printer.port, language)
        r = runner.invoke(app, ["printer", "status", "label", "--config", str(cfg)])
        # a job is refused for the same reason, before any label is printed
        queued = runner.invoke(app, ["printer", "test", "label", "--config", str(cfg)])
    assert r.exit_code == 1 and words in r.output, r.output
    assert queued.exit_code == 1 and words in queued.output
    assert b"\x10\x04" not in printer.received  # no ESC/POS query to a label printer
    assert b"SIZE" not in printer.received and b"^XA" not in printer.received


@pytest.mark.parametrize(("language", "command"), [("tspl", b"GAPDETECT\r\n"), ("zpl", b"~JC")])
def test_calibrate_sends_the_languages_command(
    tmp_path: Path, language: str, command: bytes
) -> None:
    with FakePrinter() as printer:
        cfg = _network_label_printer(tmp_path, printer.port, language)
        r = runner.invoke(app, ["printer", "calibrate", "label", "--config", str(cfg)])
        assert r.exit_code == 0, r.output
        assert wait_until(lambda: bytes(printer.received) == command), printer.received
    assert "校准" in r.output
    r = runner.invoke(app, ["printer", "calibrate", "receipt", "--config", str(cfg)])
    assert r.exit_code == 1 and "只有标签打印机" in r.output


def test_a_preview_printer_is_not_said_to_answer_or_to_calibrate(tmp_path: Path) -> None:
    """With no printer connected (preview), status says so and calibration is refused: neither
    pretends a printer answered."""
    cfg = write_config(tmp_path, '[printers.label]\nlanguage = "tspl"\n')
    r = runner.invoke(app, ["printer", "status", "label", "--config", str(cfg)])
    assert r.exit_code == 0 and "不连接打印机" in r.output and "已连通" not in r.output, r.output
    r = runner.invoke(app, ["printer", "calibrate", "label", "--config", str(cfg)])
    assert r.exit_code == 1 and "不能校准" in r.output and "已让" not in r.output, r.output
