"""Barcodes and QR codes painted as rasters that scan at 203 dpi.

A receipt's Code128 is ``printers.code128``'s: the symbols the printer is sent in ``GS k``,
so the raster we paint, the preview and the printer's own barcode are the same bars. We paint it
at a whole number of dots per module with quiet zones of at least 10 modules each side, which
python-escpos's own software barcodes lack. ``code128_modules`` (python-barcode's pattern) is
what the label printers' plans measure (``printers.label_plan``).
"""

from __future__ import annotations

import barcode
import qrcode
from PIL import Image, ImageDraw

from models.i18n import _
from printers import code128
from printers.errors import BarcodeTooWide

QUIET_MODULES = 10


def code128_modules(data: str) -> str:
    if not data or not all(" " <= ch <= "~" for ch in data):
        raise BarcodeTooWide(
            _("条码内容“{data}”只能是 ASCII 字母和数字").format(data=data),
            code="printer.barcode_data",
        )
    pattern: str = barcode.get("code128", data).build()[0]
    return pattern


def code128_width(data: str, module: int) -> int:
    """Dots of the receipt's barcode with its quiet zones, from the symbols actually sent."""
    return (len(code128.pattern(data)) + 2 * QUIET_MODULES) * module


def best_module(data: str, paper_dots: int, preferred: int = 3) -> int:
    """The widest module (3, else 2 dots) whose barcode, quiet zones included, fits the paper."""
    for module in range(preferred, 1, -1):
        if code128_width(data, module) <= paper_dots:
            return module
    raise BarcodeTooWide(
        _("编号“{data}”太长，条码在 {paper_dots} 点宽的纸上放不下：请缩短编号前缀").format(
            data=data, paper_dots=paper_dots
        ),
        code="printer.barcode_too_wide",
    )


def code128_image(data: str, *, module: int, height: int, paper_dots: int) -> Image.Image:
    """A paper-wide 1-bit image with the barcode centred; white is 1, black bars are 0."""
    pattern = code128.pattern(data)
    width = (len(pattern) + 2 * QUIET_MODULES) * module
    if width > paper_dots:
        raise BarcodeTooWide(
            _("编号“{data}”的条码宽 {width} 点，超出纸宽 {paper_dots} 点").format(
                data=data, width=width, paper_dots=paper_dots
            )
        )
    img = Image.new("1", (paper_dots, height), 1)
    draw = ImageDraw.Draw(img)
    x0 = (paper_dots - width) // 2 + QUIET_MODULES * module
    for i, bit in enumerate(pattern):
        if bit == "1":
            x = x0 + i * module
            draw.rectangle([x, 0, x + module - 1, height - 1], fill=0)
    return img


def qr_image(data: str, *, module: int, paper_dots: int) -> Image.Image:
    qr = qrcode.QRCode(border=4, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(data)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    size = len(matrix) * module
    while size > paper_dots and module > 1:
        module -= 1
        size = len(matrix) * module
    img = Image.new("1", (paper_dots, size), 1)
    draw = ImageDraw.Draw(img)
    x0 = (paper_dots - size) // 2
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                draw.rectangle(
                    [x0 + x * module, y * module, x0 + (x + 1) * module - 1, (y + 1) * module - 1],
                    fill=0,
                )
    return img
