"""The roster's barcodes, as PNG (for the spreadsheet) and SVG (for the page)."""

from __future__ import annotations

import html
import io
import re
from typing import TYPE_CHECKING

import barcode
from barcode.writer import ImageWriter, SVGWriter

from printers.graphics import code128_modules

if TYPE_CHECKING:
    pass


BARCODE_DPI = 300
# 0.254 mm modules are 3 dots at 300 dpi; 10 modules of quiet zone each side (Code128)
_PNG_OPTIONS = {
    "module_width": 0.254,
    "module_height": 7.0,
    "quiet_zone": 2.54,
    "write_text": False,
    "dpi": BARCODE_DPI,
}
_SVG_OPTIONS = {
    "module_width": 0.25,
    "module_height": 8.0,
    "quiet_zone": 2.5,
    "write_text": False,
    "compress": False,
}


# ---- barcodes -----------------------------------------------------------------------------
def barcode_png(code: str) -> bytes:
    """The Code128 of a dossier number as a 1-bit PNG (300 dpi, 3 dots per module)."""
    code128_modules(code)  # ASCII only: says so in Chinese
    img = barcode.get("code128", code, writer=ImageWriter(format="PNG", mode="1")).render(
        dict(_PNG_OPTIONS)
    )
    buf = io.BytesIO()
    img.save(buf, format="PNG", dpi=(BARCODE_DPI, BARCODE_DPI))
    return buf.getvalue()


_PROLOGUE = re.compile(r"^.*?(?=<svg)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)


def barcode_svg(code: str) -> str:
    """The Code128 of a dossier number as an inline ``<svg>`` element (sizes in mm)."""
    code128_modules(code)
    buf = io.BytesIO()
    barcode.get("code128", code, writer=SVGWriter()).write(buf, dict(_SVG_OPTIONS))
    svg = _COMMENT.sub("", _PROLOGUE.sub("", buf.getvalue().decode("utf-8"), count=1))
    svg = svg.replace('id="barcode_group"', 'class="bars"')
    return svg.replace(
        "<svg ", f'<svg class="barcode" role="img" aria-label="{html.escape(code)}" ', 1
    ).strip()
