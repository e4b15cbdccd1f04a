"""Reading a bank statement: find the header row and the columns, parse amounts, dates and debit/credit flags, and derive a line's serial."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from models.errors import InvalidInput
from models.i18n import N_, _
from models.money import Money
from models.online_columns import clean_text, norm_header

HEADER_SCAN_ROWS = 20
# field → headers as banks write them, best first (the first alias found in a row wins)
HEADERS: dict[str, tuple[str, ...]] = {
    "date": (
        "交易日期",
        "记账日期",
        "入账日期",
        "交易日",
        "日期",
        "交易时间",
        "记账时间",
        "入账时间",
        "发生日期",
    ),
    "credit": ("贷方金额", "收入金额", "贷方发生额", "存入金额", "收入", "贷方", "存入"),
    "debit": ("借方金额", "支出金额", "借方发生额", "取出金额", "支出", "借方", "取出"),
    "amount": ("交易金额", "金额", "发生额", "交易额"),
    "direction": (
        "借贷标志",
        "收支方向",
        "借贷方向",
        "借贷标识",
        "收支标志",
        "借贷",
        "交易方向",
        "收/支",
        "收支",
        "方向",
    ),
    "payer_name": (
        "对方户名",
        "付款人名称",
        "对方名称",
        "付款人",
        "对方账户名称",
        "对方账户名",
        "付款方名称",
        "付款人户名",
        "付款方户名",
        "汇款人",
        "汇款人名称",
        "对方单位",
        "对手方户名",
        "对方户名称",
    ),
    "payer_account": (
        "对方账号",
        "付款账号",
        "对方账户",
        "付款人账号",
        "付款方账号",
        "对方账户账号",
        "汇款人账号",
        "对手方账号",
    ),
    "memo": (
        "摘要",
        "附言",
        "用途",
        "备注",
        "交易附言",
        "交易摘要",
        "汇款附言",
        "交易用途",
        "附加信息",
        "备注信息",
        "摘要说明",
        "汇款用途",
    ),
    "serial": (
        "交易流水号",
        "银行流水号",
        "流水号",
        "凭证号",
        "交易参考号",
        "参考号",
        "交易序号",
        "业务流水号",
        "凭证号码",
        "交易编号",
        "流水",
    ),
}
_ALIAS: dict[str, tuple[str, int]] = {
    norm_header(a): (f, rank) for f, names in HEADERS.items() for rank, a in enumerate(names)
}
NEEDED = N_(
    "需要“交易日期”列（也认“记账日期”“日期”“交易时间”）和收入金额列：“贷方金额”"
    "（也认“收入金额”“贷方发生额”“收入”），或“金额”加“借贷标志”（“收支方向”）；"
    "另请保留“对方户名”“摘要/附言/用途”“流水号”列"
)
TOTAL_WORDS = ("合计", "总计", "小计", "共计", "本页")
_CREDIT_WORDS = {"贷", "贷方", "收", "收入", "存入", "入", "来账", "c", "cr", "credit", "+", "1"}
_DEBIT_WORDS = {"借", "借方", "支", "支出", "取出", "出", "往账", "d", "dr", "debit", "-", "2"}
_ACCOUNT_IN_TEXT = re.compile(r"(?:账号|帐号|账户|帐户|账户号)[:：\s]*([0-9][0-9\s\-]{5,39}[0-9])")
_ACCOUNT_LABELS = {"账号", "帐号", "账户", "帐户", "本方账号", "账户号", "本方账户", "查询账号"}
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT].*)?$")
_DATE8 = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:\s.*|\d{6})?$")
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_ID_IN_TEXT = re.compile(r"(?<![0-9])[0-9]{17}[0-9X](?![0-9])")
_REFERENCE_OK = re.compile(r"^[0-9A-Za-z\-_/]{4,64}$")  # payments.clean_reference's rule


# -- reading the file -------------------------------------------------------------------------


class _RowError(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass
class _Columns:
    header_line: int  # 1-based
    fields: dict[str, int]  # field → column (memo: the first; see memo_cols)
    memo_cols: list[int]
    headers: dict[str, str]


def _find_header(rows: list[list[object]], filename: str) -> _Columns:
    best: tuple[int, dict[str, tuple[int, int]], list[int]] | None = None
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found: dict[str, tuple[int, int]] = {}  # field → (rank, column)
        memo: list[int] = []
        for j, cell in enumerate(row):
            hit = _ALIAS.get(norm_header(cell)) if cell is not None else None
            if hit is None:
                continue
            f, rank = hit
            if f == "memo":
                memo.append(j)
            if f not in found or rank < found[f][0]:
                found[f] = (rank, j)
        if (
            "date" in found
            and ("credit" in found or "amount" in found)
            and (best is None or len(found) > len(best[1]))
        ):
            best = (i, found, memo)
    if best is None:
        raise InvalidInput(
            _("在“{filename}”前 {HEADER_SCAN_ROWS} 行中找不到银行流水的表头：{NEEDED}").format(
                filename=filename, HEADER_SCAN_ROWS=HEADER_SCAN_ROWS, NEEDED=_(NEEDED)
            ),
            code="bank.no_header",
        )
    i, found, memo = best
    fields = {f: j for f, (_score, j) in found.items()}
    headers = {f: str(rows[i][j]).strip() for f, j in fields.items() if f != "memo"}
    if memo:
        headers["memo"] = "、".join(str(rows[i][j]).strip() for j in memo)
    return _Columns(header_line=i + 1, fields=fields, memo_cols=memo, headers=headers)


def _find_account(rows: list[list[object]]) -> str:
    """The office's own account number from the title rows (账号：6228 …), if shown."""
    for row in rows:
        cells = [clean_text(c) for c in row]
        for j, text in enumerate(cells):
            m = _ACCOUNT_IN_TEXT.search(text)
            if m:
                return re.sub(r"[\s\-]", "", m.group(1))[:60]
            if norm_header(text) in _ACCOUNT_LABELS:
                rest = [c for c in cells[j + 1 :] if c]
                if rest and re.fullmatch(r"[0-9][0-9\s\-]{5,40}", rest[0]):
                    return re.sub(r"[\s\-]", "", rest[0])[:60]
    return ""


def _cell(row: list[object], j: int | None) -> object:
    if j is None or j >= len(row):
        return None
    return row[j]


def _filled(value: object) -> bool:
    return value is not None and str(value).strip() not in ("", "-", "--", "—", "/")


def parse_amount(value: object) -> int | None:
    """A statement's amount cell → fen (``1,200.00``, ``￥400.00``, ``400``, ``+380.00``,
    ``380.00元``, an Excel number); ``None`` for an empty cell; ``_RowError`` otherwise."""
    if not _filled(value):
        return None
    if isinstance(value, bool):
        raise _RowError("row.bad_amount", _("金额“{amount}”无法识别").format(amount=value))
    if isinstance(value, int):
        return value * 100
    if isinstance(value, float):
        text = repr(value)
    else:
        text = unicodedata.normalize("NFKC", str(value)).strip()
        for token in ("CNY", "RMB", "人民币"):
            text = text.replace(token, "")
        text = text.strip().removeprefix("+")
    try:
        return Money.parse(text).fen
    except InvalidInput:
        raise _RowError(
            "row.bad_amount",
            _("金额“{amount}”无法识别（应为数字，最多两位小数）").format(amount=clean_text(value)),
        ) from None


def parse_date(value: object) -> dt.date:
    """A statement's date cell: an Excel date, ``2021-07-12``, ``2021/7/12``, ``20210712``,
    ``2021年7月12日`` (a time after it is ignored), or an Excel serial day number."""
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        number = int(value)
        if number != value:
            number = int(value)  # an Excel date-time serial: the day is the integer part
        if 19000101 <= number <= 21001231:
            day = _ymd(str(number)[:4], str(number)[4:6], str(number)[6:8], str(value))
        elif 20000 <= number <= 80000:
            day = _EXCEL_EPOCH + dt.timedelta(days=number)
        else:
            raise _RowError(
                "row.bad_date", _("日期“{date}”无法识别").format(date=clean_text(value))
            )
    else:
        text = unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()
        if not text:
            raise _RowError("row.no_date", _("没有交易日期"))
        m = _DATE.match(text) or _DATE8.match(text)
        if m is None:
            raise _RowError(
                "row.bad_date",
                _("日期“{text}”无法识别（应如 2021-07-12、2021/7/12 或 20210712）").format(
                    text=text
                ),
            )
        day = _ymd(m.group(1), m.group(2), m.group(3), text)
    if not 2000 <= day.year <= 2100:
        raise _RowError("row.bad_date", _("日期“{day:%Y-%m-%d}”不在合理范围内").format(day=day))
    return day


def _ymd(y: str, m: str, d: str, shown: str) -> dt.date:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        raise _RowError("row.bad_date", _("日期“{shown}”不存在").format(shown=shown)) from None


def _direction(value: object) -> int:
    key = unicodedata.normalize("NFKC", clean_text(value)).lower().replace(" ", "")
    if key in _CREDIT_WORDS or (key and key[0] == "贷"):
        return 1
    if key in _DEBIT_WORDS or (key and key[0] == "借"):
        return -1
    raise _RowError(
        "row.bad_direction",
        _("借贷标志“{flag}”无法识别（应为 借/贷 或 收/支）").format(flag=clean_text(value)),
    )


def _row_amount(row: list[object], cols: _Columns) -> int:
    f = cols.fields
    if "credit" in f or "debit" in f:
        credit = parse_amount(_cell(row, f.get("credit")))
        debit = parse_amount(_cell(row, f.get("debit")))
        if credit and debit:
            raise _RowError("row.both_amounts", _("同一行既有收入金额又有支出金额"))
        if credit and credit < 0:  # a reversal (冲正) written as a negative income: not a fee
            raise _RowError(
                "row.negative_credit",
                _("收入金额为负数（{credit} 元，可能是冲正）：未作为收入导入").format(
                    credit=Money(credit)
                ),
            )
        if credit:
            return credit
        if debit:
            return -abs(debit)
        if "amount" not in f:
            raise _RowError("row.no_amount", _("没有金额"))
    amount = parse_amount(_cell(row, f.get("amount")))
    if not amount:
        raise _RowError("row.no_amount", _("没有金额") if amount is None else _("金额为零"))
    if "direction" in f:
        return _direction(_cell(row, f["direction"])) * abs(amount)
    return amount  # a signed amount: negative is money out


def _derived_serial(
    account: str, day: dt.date, fen: int, payer: str, payer_account: str, memo: str, occurrence: int
) -> str:
    text = f"{account}|{day.isoformat()}|{fen}|{payer}|{payer_account}|{memo}|{occurrence}"
    return "BK" + hashlib.sha256(text.encode()).hexdigest()[:30].upper()


def bank_reference(serial: str) -> str:
    """The payment's reference for a line's serial, within ``payments.clean_reference``'s rule
    (4–64 letters, digits, ``-`` ``_`` ``/``): the serial itself when it fits; ``BK-`` before a
    serial shorter than 4; otherwise ``BK-`` and 32 hex digits of its sha256 (deterministic, so
    the same line always gives the same reference and the payments' check for a reference used
    twice applies)."""
    s = unicodedata.normalize("NFKC", serial or "").strip().replace(" ", "")
    if _REFERENCE_OK.match(s):
        return s
    if s and len(s) < 4 and _REFERENCE_OK.match(f"BK-{s}"):
        return f"BK-{s}"
    return "BK-" + hashlib.sha256(s.encode()).hexdigest()[:32].upper()


def _is_blank(row: list[object]) -> bool:
    return not any(_filled(c) for c in row)


def _is_total(row: list[object]) -> bool:
    return any(isinstance(c, str) and any(w in c for w in TOTAL_WORDS) for c in row)
