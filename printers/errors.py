"""Printing errors carry a code and a Chinese message like every domain error."""

from __future__ import annotations

from models.errors import DomainError


class PrinterError(DomainError):
    code = "printer.error"


class FontMissing(PrinterError):
    code = "printer.font_missing"


class BarcodeTooWide(PrinterError):
    code = "printer.barcode_too_wide"
