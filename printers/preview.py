"""Text and PNG previews of a laid-out document. The PNG is the paper: as many dots wide as the
printer's raster line (384, 512, 576 …), cells of ``dots // cells`` dots (12 on 58 and 80 mm at
203 dpi) with glyphs two cells high, 30-dot lines (ESC/POS's default spacing), barcodes and QR
codes as the printer paints them."""

from __future__ import annotations

from PIL import Image, ImageDraw, ImageFont

from printers.document import BarcodeOp, CutOp, FeedOp, Layout, Line, QrOp, RulerOp
from printers.fonts import FontRef
from printers.graphics import best_module, code128_image, qr_image
from printers.layout import char_cells, pad, wrap

LINE_DOTS = 30
MARGIN = 16  # white border around the preview, not on the paper
RULER_DOTS = 48  # the raster ruler's height


def render_text(lay: Layout) -> str:
    """The plain-text preview: what the TUI shows and tests read. Scaled lines are shown at
    their alignment across the full width."""
    out: list[str] = []
    w = lay.cells
    for op in lay.ops:
        match op:
            case Line():
                out.append(pad(op.text, w, op.align) if op.scale > 1 else lay.padded(op))
            case BarcodeOp(data, _h, _hri):
                out.append(pad(f"|||| {data} ||||", w, "center"))
            case QrOp(data, _m):
                out.extend(pad(t, w, "center") for t in wrap(f"[二维码] {data}", w))
            case RulerOp(dots):
                out.append(pad(f"[点数标尺 0–{dots - 1}]", w, "center"))
            case FeedOp(n):
                out.extend([""] * n)
            case CutOp():
                left = (w - 6) // 2
                out.append("-" * left + " 切纸 " + "-" * (w - 6 - left))
    return "\n".join(line.rstrip() for line in out) + "\n"


def line_image(op: Line, font: FontRef, paper_dots: int, cells: int) -> Image.Image:
    """One text line as the printer would print it (used for PNG previews, raster lines of
    characters the printer's font lacks, and image mode). Glyphs are drawn in grey and then
    thresholded, so thin strokes survive at 203 dpi; bold is a one-dot double strike. A cell is
    ``paper_dots // cells`` dots, a glyph two cells high."""
    s = op.scale
    cell = paper_dots // cells
    grey = Image.new("L", (paper_dots, LINE_DOTS * s), 255)
    draw = ImageDraw.Draw(grey)
    face = font.load(2 * cell * s)
    ascent, descent = face.getmetrics()
    baseline_top = (LINE_DOTS * s - (ascent + descent)) // 2
    text = pad(op.text, cells // s, op.align)
    x = 0
    for ch in text:
        box = char_cells(ch) * cell * s
        if ch != " ":
            advance = face.getlength(ch)
            gx = x + (box - advance) / 2
            draw.text((gx, baseline_top), ch, font=face, fill=0)
            if op.bold:
                draw.text((gx + 1, baseline_top), ch, font=face, fill=0)
        x += box
    return grey.point(lambda v: 255 if v > 150 else 0).convert("1")


def op_images(lay: Layout, font: FontRef) -> list[Image.Image]:
    """Every operation as a paper-wide 1-bit strip, top to bottom."""
    dots = lay.dots
    strips: list[Image.Image] = []
    for op in lay.ops:
        match op:
            case Line():
                strips.append(line_image(op, font, dots, lay.cells))
            case BarcodeOp(data, height, hri):
                module = best_module(data, dots)
                strips.append(Image.new("1", (dots, 8), 1))
                strips.append(code128_image(data, module=module, height=height, paper_dots=dots))
                if hri:
                    strips.append(line_image(Line(data, align="center"), font, dots, lay.cells))
            case QrOp(data, module):
                strips.append(qr_image(data, module=module, paper_dots=dots))
            case RulerOp(width):
                strips.append(ruler_image(width))
            case FeedOp(n):
                strips.append(Image.new("1", (dots, LINE_DOTS * n), 1))
            case CutOp():
                cut = Image.new("1", (dots, 24), 1)
                d = ImageDraw.Draw(cut)
                for x in range(0, dots, 12):
                    d.line([x, 12, x + 6, 12], fill=0)
                strips.append(cut)
    return strips


def ruler_image(dots: int) -> Image.Image:
    """The raster ruler: a tick every 8 dots, a long one numbered every 64, and a bar on the
    first and the last dot with the line's dot count, so a printer that holds fewer dots loses
    the end bar (and one that holds more leaves paper beside it)."""
    img = Image.new("1", (dots, RULER_DOTS), 1)
    draw = ImageDraw.Draw(img)
    face = ImageFont.load_default(size=16)
    bottom = RULER_DOTS - 1
    draw.rectangle([0, bottom - 1, dots - 1, bottom], fill=0)
    for x in range(0, dots, 8):
        tall = x % 64 == 0
        draw.line([x, bottom - (22 if tall else 8), x, bottom], fill=0)
        if tall and 0 < x < dots - 48:
            draw.text((x, 2), str(x), font=face, fill=0, anchor="mt")
    for x in (0, dots - 2):
        draw.rectangle([x, 0, x + 1, bottom], fill=0)
    draw.text((dots - 6, 2), str(dots), font=face, fill=0, anchor="rt")
    draw.text((5, 2), "0", font=face, fill=0, anchor="lt")
    return img


def stack(strips: list[Image.Image], width: int) -> Image.Image:
    height = sum(s.height for s in strips) or 1
    paper = Image.new("1", (width, height), 1)
    y = 0
    for s in strips:
        paper.paste(s, (0, y))
        y += s.height
    return paper


def render_png(lay: Layout, font: FontRef) -> Image.Image:
    """The paper as an image, on a grey table so its edges show."""
    dots = lay.dots
    paper = stack(op_images(lay, font), dots)
    sheet = Image.new("L", (dots + 2 * MARGIN, paper.height + 2 * MARGIN), 200)
    sheet.paste(paper.convert("L"), (MARGIN, MARGIN))
    return sheet
