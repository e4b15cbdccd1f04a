"""The envelope label for a label printer: planned on the configured stock, then written in the
printer's language (TSPL or ZPL), or drawn as a PNG at the label's real size."""

from __future__ import annotations

from PIL import Image

from models.i18n import _
from printers.document import Document
from printers.errors import PrinterError
from printers.fonts import FontRef
from printers.label_bitmap import render_label_png
from printers.label_config import LabelSettings
from printers.label_plan import LabelPlan, plan_label
from printers.labels import LabelDocument
from printers.tspl import render_tspl
from printers.zpl import render_zpl


def label_plan(doc: Document, settings: LabelSettings, font: FontRef) -> LabelPlan:
    """The plan of an envelope label document on ``settings``' stock; any other document is
    refused (a label printer prints the envelope label only)."""
    if not isinstance(doc, LabelDocument) or doc.data is None:
        raise PrinterError(
            _(
                "标签打印机（{language}）只打印档案袋标签：“{kind}”请发往小票打印机（receipt）"
            ).format(language=settings.language.upper(), kind=doc.kind),
            code="printer.not_a_label",
        )
    return plan_label(doc.data, settings.stock, font, doc.mark)


def render_label(doc: Document, settings: LabelSettings, font: FontRef) -> bytes:
    """The printer's bytes for the envelope label."""
    plan = label_plan(doc, settings, font)
    if settings.language == "tspl":
        return render_tspl(plan, font, settings.chinese)
    if settings.language == "zpl":
        return render_zpl(plan, font)
    raise PrinterError(
        _("“{language}”不是标签打印机语言").format(language=settings.language),
        code="printer.config",
    )


def label_png(doc: Document, settings: LabelSettings, font: FontRef) -> Image.Image:
    """The label as printed, at its real size in dots (its PNG preview)."""
    return render_label_png(label_plan(doc, settings, font), font)
