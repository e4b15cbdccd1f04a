"""Spreadsheets the desk writes (xlsx, with XlsxWriter): they open cleanly in Excel and WPS —
text cells stay text (ID numbers never turn into 6.5E+17), headers bold and frozen."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from models.files import check_writable, save_private
from models.money import Money


def write_xlsx(
    path: Path, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[object]]]]
) -> Path:
    """Write ``[(sheet name, headers, rows)]``. ``Money`` is written as a number of yuan shown
    with two decimals; every other cell that is not a number is written as text. The workbook
    is made in memory and written 0600 in one step (``models.files``). Raises InvalidInput with
    the reason when the file cannot be written (nothing is left behind then)."""
    import xlsxwriter

    check_writable(path)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buf,
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = wb.add_format({"num_format": "@"})
    yuan = wb.add_format({"num_format": "#,##0.00"})
    for name, headers, rows in sheets:
        ws = wb.add_worksheet(name[:31])
        widths = [max(6, _width(h)) for h in headers]
        ws.write_row(0, 0, list(headers), head)
        r = 0
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, Money):  # exact fen → the spreadsheet's number, at the edge
                    ws.write_number(r, c, value.fen / 100, yuan)
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    ws.write_number(r, c, value)
                else:
                    shown = "" if value is None else str(value)
                    ws.write_string(r, c, shown, text)
                    if c < len(widths):
                        widths[c] = min(60, max(widths[c], _width(shown)))
        for c, w in enumerate(widths):
            ws.set_column(c, c, w + 2)
        ws.freeze_panes(1, 0)
        if r:
            ws.autofilter(0, 0, r, max(0, len(headers) - 1))
    wb.close()
    return save_private(path, buf.getvalue())


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
