"""The handover roster (移交花名册) as a workbook and as a printable A4 page, and the thermal
handover slip (移交单).

The roster comes grouped (series → specialty → level) from ``models.services.handover``; this
module only lays it out. Each dossier's number is printed as a Code128 barcode beside it (a PNG
in the workbook, an inline SVG on the page) so the committee can scan the envelopes against the
list. Text cells stay text (ID numbers and dossier numbers are never turned into numbers)."""

from __future__ import annotations

from printers.roster.barcodes import BARCODE_DPI, barcode_png, barcode_svg
from printers.roster.content import (
    COLUMNS,
    SHEET,
    SIGNATURES,
    VERIFY_NOTE,
    defence_notes,
    group_title,
    summary_text,
)
from printers.roster.page import roster_html, write_roster_html
from printers.roster.slip import handover_slip
from printers.roster.xlsx import roster_xlsx

__all__ = [
    "BARCODE_DPI",
    "COLUMNS",
    "SHEET",
    "SIGNATURES",
    "VERIFY_NOTE",
    "barcode_png",
    "barcode_svg",
    "defence_notes",
    "group_title",
    "handover_slip",
    "roster_html",
    "roster_xlsx",
    "summary_text",
    "write_roster_html",
]
