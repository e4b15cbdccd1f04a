"""Lines of a label drawn as 1-bit images, and the whole label as a PNG at its real size.

Mode "1" images: 1 is paper, 0 is a printed dot — TSPL's BITMAP convention as it is; ZPL's
``^GF`` and ESC/POS ``GS v 0`` want the opposite and invert it.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from printers.fonts import FontRef
from printers.graphics import QUIET_MODULES, code128_modules
from printers.label_plan import BarcodeBox, LabelPlan, TextBox
from printers.script_runs import draw_text


def text_image(box: TextBox, font: FontRef) -> Image.Image:
    """The line as drawn: ``box.width`` × ``box.height`` dots (width rounded up to a byte)."""
    width = (box.width + 7) // 8 * 8
    img = Image.new("1", (max(8, width), box.height), 1)
    # the ideographic em box fills the line: it spans 0.88 em above the baseline and 0.12 below;
    # what the CJK font lacks (Uyghur script) is drawn in a font that has it
    draw_text(
        ImageDraw.Draw(img), (0, round(box.height * 0.88)), box.text, font, max(6, box.height)
    )
    return img


def barcode_image(box: BarcodeBox) -> Image.Image:
    pattern = code128_modules(box.data)
    img = Image.new("1", (len(pattern) * box.module, box.height), 1)
    draw = ImageDraw.Draw(img)
    for i, bit in enumerate(pattern):
        if bit == "1":
            x = i * box.module
            draw.rectangle([x, 0, x + box.module - 1, box.height - 1], fill=0)
    return img


def render_label_png(plan: LabelPlan, font: FontRef) -> Image.Image:
    """The label at its real size in dots (a 60×40 mm label at 203 dpi is 480×320), as the
    printer would print it, with a grey frame marking the die-cut edge."""
    stock = plan.stock
    img = Image.new("1", (stock.width_dots, stock.height_dots), 1)
    for box in plan.texts:
        img.paste(text_image(box, font), (box.x, box.y))
    img.paste(barcode_image(plan.barcode), (plan.barcode.x, plan.barcode.y))
    return img


def quiet_zone_inside(plan: LabelPlan) -> bool:
    """The barcode's quiet zones (10 modules each side) lie inside the label."""
    b = plan.barcode
    q = QUIET_MODULES * b.module
    return b.x - q >= 0 and b.x + b.width + q <= plan.stock.width_dots
