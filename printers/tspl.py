"""TSPL (TSC, Gprinter, Xprinter, Deli … label printers in label mode): the envelope label.

Commands end in CRLF; strings go in GBK. Text is printed with the printer's resident
simplified-Chinese font ``TSS24.BF2`` (24×24 dots, GB2312 only; ASCII half width) where every
character of the line is in GB2312 and the line fits at that size; any other line — a character
outside GB2312 (䶮, Uyghur script), or ``chinese = "bitmap"`` — goes as a ``BITMAP`` in which a 0
bit prints black (the opposite of ESC/POS ``GS v 0``).
"""

from __future__ import annotations

from typing import Literal

from models.i18n import _
from models.text import char_cells
from printers.fonts import FontRef
from printers.label_bitmap import text_image
from printers.label_plan import LabelPlan, TextBox

Chinese = Literal["resident", "bitmap"]
RESIDENT_FONT = "TSS24.BF2"
RESIDENT_DOTS = 24  # the font's cell height; ASCII is 12 dots wide, everything else 24

CALIBRATE = b"GAPDETECT\r\n"
STATUS_QUERY = b"\x1b!?"  # <ESC>!? : one status byte, answered even while printing

# <ESC>!? status byte, bit by bit (TSPL/TSPL2 programming manual)
_STATUS_BITS = (
    (0x01, "head_open"),
    (0x02, "paper_jam"),
    (0x04, "paper_out"),
    (0x08, "ribbon_out"),
    (0x10, "paused"),
    (0x40, "cover_open"),
    (0x80, "error"),
)


def status_faults(byte: int) -> list[str]:
    """The faults an ``<ESC>!?`` answer reports (0x20 "printing" is no fault)."""
    return [name for bit, name in _STATUS_BITS if byte & bit]


def _quoted(text: str) -> bytes:
    # a double quote inside a TSPL string is written \["]
    return b'"' + text.replace('"', '\\["]').encode("gbk") + b'"'


def in_gb2312(text: str) -> bool:
    """Every character printable by a GB2312 font: ASCII, or GBK's two bytes inside GB2312's
    rows A1–F7 and columns A1–FE. (Python's ``gb2312`` codec maps A1A4 to U+30FB, not to the
    middle dot U+00B7 of every Uyghur name in Chinese, which GBK and the printers put there.)"""
    for ch in text:
        if ch < "\x80":
            continue
        try:
            b = ch.encode("gbk")
        except UnicodeEncodeError:
            return False
        if len(b) != 2 or not (0xA1 <= b[0] <= 0xF7 and 0xA1 <= b[1] <= 0xFE):
            return False
    return True


def resident_fits(box: TextBox, room_right: int) -> tuple[int, int] | None:
    """(multiplier, width in dots) when ``box`` can be printed with the resident font: every
    character in GB2312 and the line no wider than the label's printable width at the
    multiplier nearest the planned height; else None (it goes as a bitmap)."""
    if not in_gb2312(box.text):
        return None
    mul = max(1, min(10, round(box.height / RESIDENT_DOTS)))
    width = sum(char_cells(ch) for ch in box.text) * (RESIDENT_DOTS // 2) * mul
    if box.x + width > room_right:
        return None
    return mul, width


def render_tspl(plan: LabelPlan, font: FontRef, chinese: Chinese = "resident") -> bytes:
    s = plan.stock
    out: list[bytes] = [
        f"SIZE {s.width_mm:g} mm,{s.height_mm:g} mm".encode(),
        {
            "gap": f"GAP {s.gap_mm:g} mm,0 mm",
            "black": f"BLINE {s.gap_mm:g} mm,0 mm",
            "continuous": "GAP 0,0",
        }[s.mark].encode(),
        f"DIRECTION {1 if s.direction else 0}".encode(),
        f"DENSITY {s.density}".encode(),
        f"SPEED {s.speed}".encode(),
        b"CLS",
    ]
    right = s.width_dots - s.dots(s.margin_mm)
    for box in plan.texts:
        fit = resident_fits(box, right) if chinese == "resident" else None
        if fit is not None:
            mul, _width = fit
            out.append(
                f'TEXT {box.x},{box.y},"{RESIDENT_FONT}",0,{mul},{mul},'.encode()
                + _quoted(box.text)
            )
        else:
            img = text_image(box, font)
            out.append(
                f"BITMAP {box.x},{box.y},{img.width // 8},{img.height},0,".encode() + img.tobytes()
            )
    b = plan.barcode
    # BARCODE x,y,"128",height,human readable,rotation,narrow,wide,"data"
    out.append(
        f'BARCODE {b.x},{b.y},"128",{b.height},0,0,{b.module},{b.module},'.encode()
        + _quoted(b.data)
    )
    out.append(f"PRINT 1,{s.copies}".encode())
    return b"\r\n".join(out) + b"\r\n"


def describe_chinese(chinese: str) -> str:
    return {
        "resident": _("打印机内置中文字库（TSS24.BF2，GB2312 以外的字用点阵图）"),
        "bitmap": _("所有中文行用点阵图"),
    }[chinese]
