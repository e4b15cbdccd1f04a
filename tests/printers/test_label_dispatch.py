"""A label printer configured in ``[printers.label]``: its settings read and refused in Chinese,
the envelope label sent to it in its own language (TSPL or ZPL) at acceptance and as a marked
reprint, and every other document kept off it."""

from __future__ import annotations

import pytest
import zxingcpp
from PIL import Image
from sqlmodel import Session

from models.printjob import PrintJob
from models.vocab import Role
from printers.config import parse_printers
from printers.errors import PrinterError
from printers.fonts import find_cjk_font
from printers.samples import sample_document
from tests.factories import office
from tests.printers import tspl_reader
from tui.work.printing import DeskPrinters, queue_acceptance, reprint
from tui.work.printing import render_bytes as render_bytes

TSPL = {"receipt": {"width": 58}, "label": {"language": "tspl", "size": "60x40"}}


def _scan(img: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(img.convert("L"))]


def test_label_settings_are_read() -> None:
    cfg = parse_printers(
        {
            "label": {
                "language": "tspl",
                "size": "70x50",
                "mark": "black",
                "gap": 3,
                "dpi": 300,
                "direction": 0,
                "density": 10,
                "speed": 3,
                "copies": 2,
                "chinese": "bitmap",
            }
        }
    )["label"]
    s = cfg.label.stock
    assert cfg.label.language == "tspl" and cfg.label.chinese == "bitmap"
    assert (s.width_mm, s.height_mm, s.mark, s.gap_mm, s.dpi) == (70, 50, "black", 3, 300)
    assert (s.direction, s.density, s.speed, s.copies) == (0, 10, 3, 2)
    assert "TSPL 标签 70×50mm" in cfg.describe()
    # the receipt printer and an unset label printer stay ESC/POS
    assert parse_printers({})["label"].label.language == "escpos"


@pytest.mark.parametrize(
    ("table", "raw", "words"),
    [
        ("label", {"language": "epl"}, "language 应为 escpos | tspl | zpl"),
        ("label", {"language": "tspl", "size": "60*"}, "标签尺寸“60*”无法识别"),
        ("label", {"language": "tspl", "size": 60}, "size 应为 宽x高"),
        ("label", {"language": "tspl", "dpi": 600}, "dpi 应为 203 或 300"),
        ("label", {"language": "tspl", "density": 16}, "density 应为 0–15 之间的整数"),
        ("label", {"language": "tspl", "copies": 1.5}, "copies 应为 1–5 之间的整数"),
        ("label", {"language": "tspl", "mark": "hole"}, "mark 应为 gap"),
        ("label", {"language": "zpl", "chinese": "resident"}, "ZPL 打印机没有可用的中文字库"),
        ("label", {"size": "60x40"}, "“size”只用于标签打印机"),
        ("receipt", {"language": "tspl"}, "未知的键“language”"),
    ],
)
def test_bad_label_settings_are_explained(table: str, raw: dict[str, object], words: str) -> None:
    with pytest.raises(PrinterError) as exc:
        parse_printers({table: raw}, "desk.toml")
    assert exc.value.message.startswith(f"desk.toml [printers.{table}]：")
    assert words in exc.value.message


@pytest.mark.parametrize("language", ["tspl", "zpl"])
def test_acceptance_sends_the_label_in_the_printers_language(
    session: Session, language: str
) -> None:
    o = office(session)
    printers = DeskPrinters(
        parse_printers({"label": {"language": language, "size": "60x40", "copies": 2}})
    )
    queued = queue_acceptance(session, o.actor(Role.clerk), printers, o.dossier)
    session.commit()
    jobs = {job.printer: job for job in _jobs(session, queued.job_ids)}
    label = jobs["label"].payload
    code = o.dossier.dossier_code or ""
    if language == "tspl":
        parsed = tspl_reader.parse(label)
        assert (parsed.width_mm, parsed.height_mm) == (60, 40)
        assert parsed.of("PRINT")[0].args == [1, 2]
        font = find_cjk_font()
        assert _scan(tspl_reader.draw(parsed, 203, font.path, font.index)) == [code]
    else:
        assert label.startswith(b"~SD") and b"^PQ2" in label and code.encode() in label
    # the slips still go to the receipt printer as ESC/POS
    assert jobs["receipt"].payload.startswith(b"\x1b@")


def test_a_reprinted_label_is_marked_and_slips_reprint_on_the_receipt_printer(
    session: Session,
) -> None:
    o = office(session)
    printers = DeskPrinters(parse_printers(TSPL))
    clerk = o.actor(Role.clerk)
    code = o.dossier.dossier_code or ""
    label = reprint(session, clerk, printers, o.campaign, "label", code)
    slip = reprint(session, clerk, printers, o.campaign, "materials", code)
    session.commit()
    assert label.printer == "label" and slip.printer == "receipt"
    parsed = tspl_reader.parse(label.payload)
    texts = [str(c.args[-1]) for c in parsed.of("TEXT")]
    assert any("【重印 1】" in t for t in texts), texts


def test_a_label_printer_refuses_every_other_document() -> None:
    cfg = parse_printers(TSPL)["label"]
    with pytest.raises(PrinterError) as exc:
        render_bytes(sample_document("receipt", 58), cfg)
    assert exc.value.code == "printer.not_a_label"
    assert "只打印档案袋标签" in exc.value.message


def _jobs(session: Session, ids: list[int]) -> list[PrintJob]:
    jobs = [session.get(PrintJob, i) for i in ids]
    return [j for j in jobs if j is not None]
