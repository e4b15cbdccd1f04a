"""Reading the spreadsheets an office receives: ``.xlsx``/``.xlsm``/``.xls``/``.ods`` (python-calamine)
and ``.csv``/``.tsv``/``.txt`` in UTF-8 (with or without BOM) or GB18030/GBK.

Every cell comes back as the file holds it (a number stays a float: the caller decides what a
number in an ID column means); merged cells are filled from their top-left cell; rows keep
their line number in the file (1-based, as Excel and WPS show it). A file that is not what its
name says gets a Chinese explanation, never a traceback."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from models.errors import InvalidInput
from models.i18n import _

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
MAX_BYTES = 200 * 1024 * 1024


@dataclass
class Table:
    path: Path
    sheet: str  # the sheet's name, or the text encoding for CSV
    rows: list[list[object]]  # rows[i] is line i + 1 of the file

    @property
    def encoding(self) -> str:
        return self.sheet


def read_table(path: Path, sheet: str | None = None) -> Table:
    if not path.exists():
        raise InvalidInput(_("找不到文件“{path}”").format(path=path), code="import.no_file")
    if path.is_dir():
        raise InvalidInput(_("“{path}”是文件夹，不是文件").format(path=path), code="import.no_file")
    size = path.stat().st_size
    if size == 0:
        raise InvalidInput(_("文件“{name}”是空的").format(name=path.name), code="import.empty")
    if size > MAX_BYTES:
        raise InvalidInput(
            _("文件“{name}”有 {megabytes} MB，超过 200 MB 上限").format(
                name=path.name, megabytes=size // (1024 * 1024)
            ),
            code="import.too_large",
        )
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, sheet)
    if suffix in TEXT_SUFFIXES:
        return _read_text(path, delimiter="\t" if suffix == ".tsv" else None)
    raise InvalidInput(
        _("不支持的文件类型“{suffix}”：请用 .xlsx、.xls、.csv 或 .tsv").format(
            suffix=path.suffix or _("（无扩展名）")
        ),
        code="import.bad_type",
    )


def _read_excel(path: Path, sheet: str | None) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = list(wb.sheet_names)
        if sheet is not None and sheet not in names:
            raise InvalidInput(
                _("“{name}”中没有名为“{sheet}”的工作表（有：{sheets}）").format(
                    name=path.name, sheet=sheet, sheets="、".join(names)
                ),
                code="import.no_sheet",
            )
        chosen = sheet
        rows: list[list[object]] = []
        for name in [sheet] if sheet else names:
            ws = wb.get_sheet_by_name(name)
            rows = [list(r) for r in ws.to_python(skip_empty_area=False)]
            if any(any(_filled(c) for c in r) for r in rows):
                chosen = name
                _fill_merged(rows, ws.merged_cell_ranges or [])
                break
    except InvalidInput:
        raise
    except Exception as exc:  # calamine raises its own errors for every kind of broken file
        raise InvalidInput(
            _(
                "“{name}”不是有效的 Excel 文件（可能是改了扩展名的其他文件，或文件已损坏）：{name__}"
            ).format(name=path.name, name__=type(exc).__name__),
            code="import.bad_excel",
        ) from None
    if not rows or chosen is None:
        raise InvalidInput(
            _("“{name}”的工作表都是空的").format(name=path.name), code="import.empty"
        )
    return Table(path=path, sheet=chosen, rows=rows)


def _filled(value: object) -> bool:
    return value is not None and str(value).strip() != ""


def _fill_merged(
    rows: list[list[object]], ranges: list[tuple[tuple[int, int], tuple[int, int]]]
) -> None:
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c0, c1 + 1):
                if c < len(row) and not _filled(row[c]):
                    row[c] = value


def decode_text(data: bytes, name: str) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (BOM or not), else GB18030 (a superset of
    GBK and GB2312)."""
    if b"\x00" in data[:65536]:
        raise InvalidInput(
            _("“{name}”不是文本文件（含有二进制内容）：请另存为 CSV 或 Excel 文件").format(
                name=name
            ),
            code="import.binary",
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            _(
                "无法识别“{name}”的文字编码（第 {start} 字节附近）：请另存为 UTF-8 或 GBK 编码的 CSV"
            ).format(name=name, start=exc.start),
            code="import.bad_encoding",
        ) from None


def _read_text(path: Path, delimiter: str | None) -> Table:
    text, encoding = decode_text(path.read_bytes(), path.name)
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows: list[list[object]] = [list(r) for r in reader]
    except csv.Error as exc:
        why = (
            _("有超过 {limit} 个字符的单元格").format(limit=csv.field_size_limit())
            if "field larger" in str(exc)
            else _("格式错误（{problem}）").format(problem=exc)
        )
        raise InvalidInput(
            _("“{name}”不是有效的 CSV 文件：第 {line_num} 行{why}").format(
                name=path.name, line_num=reader.line_num, why=why
            ),
            code="import.bad_csv",
        ) from None
    return Table(path=path, sheet=encoding, rows=rows)
