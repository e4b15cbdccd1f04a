"""ESC/POS bytes for a laid-out document.

Our layer owns the Chinese: python-escpos's magic encoding is never used. Each text line is
encoded in the printer's encoding (gbk by default; gb18030, gb2312) and sent inside Chinese
character mode ``FS &`` … ``FS .``; a line holding a character the printer's font lacks (a rare
name character, an emoji) is painted with a CJK font and sent as a raster line. With gb18030
that is any character outside GBK's two-byte range (䶮, 𠮷, Uyghur script, emoji) unless the
office says its printer has the four-byte font (``gb18030_four_byte``). Headings are enlarged
with ``GS !``. Barcodes are rasters at 2–3 dots per module with 10-module quiet zones, or the
printer's own ``GS k`` Code128 sent as the same symbols (``printers.code128``: code set C for
digit runs). Raster lines, rasters and image mode are as wide as the printer's dots (384, 512,
576 …). In image mode the whole document is one raster, for printers without a Chinese font.
Each cut is ``GS V 66 0``: the printer feeds the last line to its cutter and cuts (python-escpos's
``cut()`` fed six lines first, about 25 mm of paper on every receipt). python-escpos's ``Dummy``
collects the bytes (and encodes the rasters), so transports send exactly what the tests see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from escpos.printer import Dummy

from printers import code128
from printers.document import BarcodeOp, CutOp, FeedOp, Layout, Line, QrOp, RulerOp
from printers.fonts import FontRef
from printers.graphics import best_module, code128_image, qr_image
from printers.layout import Paper, paper
from printers.preview import line_image, op_images, ruler_image, stack

ESC, GS, FS, LF = b"\x1b", b"\x1d", b"\x1c", b"\n"
INIT = ESC + b"@"
CHINESE_ON = FS + b"&"
CHINESE_OFF = FS + b"."
BOLD_ON, BOLD_OFF = ESC + b"E\x01", ESC + b"E\x00"
ALIGN_LEFT, ALIGN_CENTER = ESC + b"a\x00", ESC + b"a\x01"
CUT = GS + b"V\x42\x00"  # GS V 66 0: feed to the cutter, partial cut
ENCODINGS = ("gbk", "gb18030", "gb2312")


def size(scale: int) -> bytes:
    """``GS !``: character width and height multipliers (1–8)."""
    n = scale - 1
    return GS + b"!" + bytes([(n << 4) | n])


@dataclass(frozen=True)
class PrinterProfile:
    """How one printer wants its bytes."""

    width_mm: int = 80
    encoding: str = "gbk"
    barcode: Literal["raster", "native"] = "native"
    qr: Literal["raster", "native"] = "raster"
    image_mode: bool = False
    font: FontRef | None = None  # needed for raster lines and image mode
    dots: int = 0  # dots a raster line holds; 0: the paper width's default (384, 576)
    cells: int = 0  # cells a text line holds; 0: the default (dots // 12)
    four_byte: bool = False  # gb18030: the printer's font has GB18030's four-byte characters

    def __post_init__(self) -> None:
        if self.encoding not in ENCODINGS:
            raise ValueError(f"encoding must be one of {ENCODINGS}")
        p = paper(self.width_mm, self.dots or None, self.cells or None)
        object.__setattr__(self, "dots", p.dots)
        object.__setattr__(self, "cells", p.cells)

    @property
    def paper(self) -> Paper:
        return Paper(self.width_mm, self.dots, self.cells)


def _dummy(dots: int) -> Dummy:
    d = Dummy()
    d.profile.profile_data["media"]["width"]["pixels"] = dots
    return d


def encodable(text: str, encoding: str, four_byte: bool = False) -> bool:
    """Whether the printer's font prints ``text`` in ``encoding``. With gb18030 and no
    four-byte font, only GBK's two-byte characters (and ASCII) are the font's."""
    try:
        text.encode(encoding)
        if encoding == "gb18030" and not four_byte:
            text.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True


def unencodable_chars(lay: Layout, encoding: str, four_byte: bool = False) -> list[str]:
    seen: list[str] = []
    for op in lay.ops:
        if isinstance(op, Line):
            for ch in op.text:
                if not encodable(ch, encoding, four_byte) and ch not in seen:
                    seen.append(ch)
    return seen


def render_escpos(lay: Layout, profile: PrinterProfile) -> bytes:
    if lay.paper != profile.paper:
        raise ValueError(
            f"layout ({lay.paper}) and printer ({profile.paper}) papers differ: lay the "
            "document out for the printer's paper"
        )
    dots = profile.dots
    p = _dummy(dots)
    p._raw(INIT)
    if profile.image_mode:
        _image_mode(p, lay, profile)
        return bytes(p.output)
    for op in lay.ops:
        match op:
            case Line():
                _text_line(p, lay, op, profile, dots)
            case BarcodeOp(data, height, hri):
                if profile.barcode == "native":
                    _native_barcode(p, data, height, hri, dots)
                else:
                    module = best_module(data, dots)
                    p.image(
                        code128_image(data, module=module, height=height, paper_dots=dots),
                        impl="bitImageRaster",
                        center=False,
                    )
                    if hri:
                        _text_line(p, lay, Line(data, align="center"), profile, dots)
            case QrOp(data, module):
                if profile.qr == "native":
                    p._raw(ALIGN_CENTER)
                    p.qr(data, native=True, size=module, center=False)
                    p._raw(ALIGN_LEFT)
                else:
                    p.image(
                        qr_image(data, module=module, paper_dots=dots),
                        impl="bitImageRaster",
                        center=False,
                    )
            case RulerOp(width):
                p.image(ruler_image(width), impl="bitImageRaster", center=False)
            case FeedOp(n):
                p._raw(ESC + b"d" + bytes([min(n, 255)]))
            case CutOp():
                p._raw(CUT)
    return bytes(p.output)


def _text_line(p: Dummy, lay: Layout, op: Line, profile: PrinterProfile, dots: int) -> None:
    text = lay.padded(op).rstrip()
    if not encodable(text, profile.encoding, profile.four_byte):
        if profile.font is None:
            from printers.fonts import find_cjk_font

            font = find_cjk_font()
        else:
            font = profile.font
        p.image(line_image(op, font, dots, lay.cells), impl="bitImageRaster", center=False)
        return
    if op.scale > 1:
        p._raw(size(op.scale))
    if op.bold:
        p._raw(BOLD_ON)
    if text:
        p._raw(CHINESE_ON + text.encode(profile.encoding) + CHINESE_OFF)
    if op.bold:
        p._raw(BOLD_OFF)
    if op.scale > 1:
        p._raw(size(1))
    p._raw(LF)


def _native_barcode(p: Dummy, data: str, height: int, hri: bool, dots: int) -> None:
    module = best_module(data, dots)
    payload = code128.gs_k(data)
    p._raw(ALIGN_CENTER)
    p._raw(GS + b"h" + bytes([min(height, 255)]))
    p._raw(GS + b"w" + bytes([module]))
    p._raw(GS + b"H" + (b"\x02" if hri else b"\x00"))
    p._raw(GS + b"f\x00")
    p._raw(GS + b"k\x49" + bytes([len(payload)]) + payload)
    p._raw(LF + ALIGN_LEFT)


def _image_mode(p: Dummy, lay: Layout, profile: PrinterProfile) -> None:
    if profile.font is None:
        from printers.fonts import find_cjk_font

        font = find_cjk_font()
    else:
        font = profile.font
    dots = profile.dots
    strips: list = []  # type: ignore[type-arg]
    for op in lay.ops:
        if isinstance(op, CutOp):
            if strips:
                p.image(
                    stack(strips, dots), impl="bitImageRaster", fragment_height=256, center=False
                )
                strips = []
            p._raw(CUT)
            continue
        strips.extend(op_images(_single(lay, op), font))
    if strips:
        p.image(stack(strips, dots), impl="bitImageRaster", fragment_height=256, center=False)


def _single(lay: Layout, op: object) -> Layout:
    return Layout(lay.kind, lay.width_mm, lay.cells, (op,), lay.dots)  # type: ignore[arg-type]
