"""Bank transfers (银行转账对账): import the office's bank statement, propose which dossier each
incoming transfer paid, and record the cashier's confirmation as a transfer payment.

The rules. A statement file (xlsx/xls/csv, UTF-8 or GB18030/GBK) is imported once per campaign
(its sha256); the header row is found below the bank's title rows; every row is stored, skipped
with its line number and a Chinese reason, or ignored as not data (合计, footnotes). Credits are
stored with a positive amount and debits with a negative one (a debit is never a fee). A line's
serial (银行流水号) is unique in the campaign, so a line already imported from an overlapping
statement is recognised and not stored twice; a file without a serial column gets ``BK`` + a
hash of the line's date, amount, payer, memo and its occurrence among identical lines.

Matching only proposes: evidence is an 18-character ID number or a dossier number in the memo
(strong) or an applicant's name in the memo or as the payer (weaker; names are compared without
middle dots, spaces or width differences). A line is ``proposed`` only when exactly one
accepted, unpaid dossier with evidence has a fee equal to the amount; several that fit equally
are ``ambiguous`` and never proposed; evidence with another amount is ``partial`` (part payment,
or one transfer for several people) and is handled by hand. The cashier confirms each line:
that takes the fee through ``payments.take_payment`` (method transfer, the serial as reference)
and inserts a ``BankMatch``; a line may instead be set aside as not a review fee. Every change
checks ``bank.match``, is audited and is part of the caller's transaction."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, insert
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from models import audit
from models.bank import BankLine, BankLineDismissal, BankMatch, BankStatement, LineStatus
from models.campaign import Campaign, FeeRule
from models.dossier import Dossier
from models.errors import Conflict, InvalidInput, NotFound
from models.i18n import N_, _
from models.idcard import mask_id, mask_ids_in
from models.money import Money
from models.names import display_name, key_of_display, name_key
from models.online import OnlineRecord
from models.online_columns import clean_text, norm_header
from models.payment import Payment
from models.permissions import FULL_ID_ROLES, Action, Actor, require
from models.services.campaigns import fee_for
from models.services.numbering import format_number
from models.services.payments import QueueLine, cashier_queue, live_clause, take_payment
from models.tabular import read_table
from models.types import utcnow
from models.users import User
from models.vocab import DossierStatus, PaymentKind, PaymentMethod

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

# what a statement line's memo or payer named (data: shown through _())
EVIDENCE_ID = N_("身份证号")
EVIDENCE_CODE = N_("受理编号")
EVIDENCE_NAME = N_("姓名")
_STRENGTH = {EVIDENCE_ID: 0, EVIDENCE_CODE: 1, EVIDENCE_NAME: 2}

# Setting a line aside: a reason from the list plus a note (both required).
DISMISS_REASONS: dict[str, str] = {
    "not_fee": N_("非评审费收入"),
    "returned": N_("已原路退回付款人"),
    "other_campaign": N_("属于其他评审批次"),
    "other": N_("其他"),
}


# -- results ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SkippedLine:
    line: int
    code: str
    reason: str


@dataclass(frozen=True, slots=True)
class KnownLine:
    line: int
    serial: str
    statement_id: int  # the statement it was first imported with


@dataclass
class StatementSummary:
    statement_id: int
    filename: str
    sha256: str
    sheet: str  # the sheet's name, or the text encoding of a CSV
    header_line: int
    columns: dict[str, str]  # field → the header as written
    account: str
    lines: int = 0  # stored (credits + debits)
    credits: int = 0
    debits: int = 0
    credit_total: Money = field(default_factory=lambda: Money(0))
    skipped: list[SkippedLine] = field(default_factory=list)
    ignored: list[tuple[int, str]] = field(default_factory=list)  # (line, why): 合计, footnotes
    known: list[KnownLine] = field(default_factory=list)  # already imported earlier
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "lines": self.lines,
            "credits": self.credits,
            "debits": self.debits,
            "skipped": len(self.skipped),
            "ignored": len(self.ignored),
            "known": len(self.known),
            "credit_total_fen": self.credit_total.fen,
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "statement_id": self.statement_id,
            "file": self.filename,
            "sha256": self.sha256,
            "sheet": self.sheet,
            "header_line": self.header_line,
            "columns": self.columns,
            "account": self.account,
            **self.counts(),
            "credit_total": self.credit_total.figures(),
            "skipped_lines": [
                {"line": s.line, "code": s.code, "reason": s.reason} for s in self.skipped
            ],
            "ignored_lines": [{"line": n, "reason": why} for n, why in self.ignored],
            "known_lines": [
                {"line": k.line, "serial": k.serial, "statement_id": k.statement_id}
                for k in self.known
            ],
            "warnings": self.warnings,
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person the line's memo or payer points at."""

    record_id: int  # the online record
    dossier_id: int | None  # None: no paper dossier yet
    dossier_code: str
    name: str
    id_masked: str
    track: str
    level: str
    dossier_status: str  # DossierStatus value, or "" when the paper was not brought
    fee: Money | None  # None: the fee is not set (or not applicable)
    difference: Money | None  # the line's amount minus the fee
    evidence: tuple[str, ...]  # what matched, strongest first: 身份证号 / 受理编号 / 姓名
    paid_receipt: str  # the receipt code of the dossier's live payment, "" when unpaid


@dataclass(frozen=True, slots=True)
class LineProposal:
    line_id: int
    statement_id: int
    line_no: int
    txn_date: dt.date
    amount: Money
    payer_name: str
    payer_account: str
    memo: str
    serial: str
    status: LineStatus
    evidence: str  # the strongest evidence: 身份证号 / 受理编号 / 姓名, or ""
    weak: bool  # the only evidence is a name
    candidates: tuple[Candidate, ...]
    dossier_id: int | None  # proposed: the dossier to confirm; confirmed: the one paid
    note: str  # why, in Chinese (several people, the fee not set, …)
    payment_id: int | None = None  # confirmed: the payment
    receipt_code: str = ""  # confirmed, or already paid through this serial
    dismissal_reason: str = ""
    dismissal_note: str = ""


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


# -- import -----------------------------------------------------------------------------------


def import_statement(
    session: Session, actor: Actor, campaign: Campaign, path: Path
) -> StatementSummary:
    """Import a bank statement into the campaign. The caller commits; refused or failed, nothing
    is written."""
    require(actor, Action.bank_match)
    assert campaign.id is not None
    if actor.user_id is None:
        raise InvalidInput(_("请以收费员或负责人身份登录后导入"), code="bank.no_user")
    table = read_table(path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    before = session.exec(
        select(BankStatement).where(
            BankStatement.campaign_id == campaign.id, BankStatement.sha256 == sha
        )
    ).first()
    if before is not None:
        who = session.get(User, before.imported_by)
        raise Conflict(
            _(
                "“{name}”已于 {imported_at:%Y-%m-%d %H:%M} 导入过（{user}，第 {id} 号流水）：同一文件不再重复导入"
            ).format(
                name=path.name,
                imported_at=before.imported_at.astimezone(campaign.zone),
                user=who.display_name or who.username if who else "",
                id=before.id,
            ),
            code="bank.already_imported",
            statement_id=before.id,
        )
    rows = table.rows
    cols = _find_header(rows, path.name)
    account = _find_account(rows[: cols.header_line - 1])
    now = utcnow()
    summary = StatementSummary(
        statement_id=0,
        filename=path.name,
        sha256=sha,
        sheet=table.sheet,
        header_line=cols.header_line,
        columns=cols.headers,
        account=account,
    )
    if "payer_name" not in cols.fields:
        summary.warnings.append(_("表中没有“对方户名”列：只能按摘要/附言匹配"))
    if not cols.memo_cols:
        summary.warnings.append(_("表中没有“摘要/附言/用途/备注”列：只能按付款人姓名匹配"))
    if "serial" not in cols.fields:
        summary.warnings.append(_("表中没有“流水号”列：流水号按日期、金额、付款人和摘要生成"))

    f = cols.fields
    parsed: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    occurrences: Counter[tuple[Any, ...]] = Counter()
    data_rows = 0
    for i in range(cols.header_line, len(rows)):
        row, line = rows[i], i + 1
        if _is_blank(row):
            continue
        date_cell = _cell(row, f["date"])
        amount_cells = [_cell(row, f.get(k)) for k in ("credit", "debit", "amount") if k in f]
        try:
            day: dt.date | None = parse_date(date_cell)
        except _RowError:
            day = None
        if day is None and _is_total(row):
            summary.ignored.append((line, _("合计行")))
            continue
        if not _filled(date_cell) and not any(_filled(c) for c in amount_cells):
            summary.ignored.append((line, _("不是流水行（没有日期和金额）")))
            continue
        data_rows += 1
        try:
            day = parse_date(date_cell)
            fen = _row_amount(row, cols)
        except _RowError as exc:
            summary.skipped.append(SkippedLine(line, exc.code, exc.reason))
            continue
        payer = clean_text(_cell(row, f.get("payer_name")))[:200]
        payer_account = clean_text(_cell(row, f.get("payer_account")))[:60]
        parts: list[str] = []
        for j in cols.memo_cols:
            text = clean_text(_cell(row, j))
            if text and text not in parts:
                parts.append(text)
        memo = " ".join(parts)
        serial = clean_text(_cell(row, f.get("serial"))).replace(" ", "")
        if len(serial) > 100:
            summary.skipped.append(
                SkippedLine(
                    line,
                    "row.bad_serial",
                    _("流水号过长（{count} 位，最多 100 位）").format(count=len(serial)),
                )
            )
            continue
        if not serial:
            key = (day, fen, payer, payer_account, memo)
            occurrences[key] += 1
            serial = _derived_serial(
                account, day, fen, payer, payer_account, memo, occurrences[key]
            )
        if serial in seen:
            summary.skipped.append(
                SkippedLine(
                    line,
                    "row.duplicate_serial",
                    _("流水号 {serial} 与第 {seen} 行相同，本行未导入").format(
                        serial=serial, seen=seen[serial]
                    ),
                )
            )
            continue
        seen[serial] = line
        parsed.append(
            {
                "line_no": line,
                "txn_date": day,
                "amount_fen": fen,
                "payer_name": payer,
                "payer_account": payer_account,
                "memo": memo,
                "serial": serial,
            }
        )
    if data_rows == 0:
        raise InvalidInput(
            _("“{name}”表头（第 {header_line} 行）下面没有流水行").format(
                name=path.name, header_line=cols.header_line
            ),
            code="bank.no_rows",
        )
    if not parsed:
        first = "；".join(
            _("第 {line} 行：{reason}").format(line=s.line, reason=s.reason)
            for s in summary.skipped[:3]
        )
        raise InvalidInput(
            _("“{name}”中没有可以导入的流水行（{first}）").format(name=path.name, first=first),
            code="bank.no_valid_rows",
        )

    known: dict[str, int] = {}
    serials = [p["serial"] for p in parsed]
    for start in range(0, len(serials), 1000):
        known.update(
            session.exec(
                select(BankLine.serial, BankLine.statement_id).where(
                    BankLine.campaign_id == campaign.id,
                    col(BankLine.serial).in_(serials[start : start + 1000]),
                )
            ).all()
        )
    new = []
    for p in parsed:
        if p["serial"] in known:
            summary.known.append(KnownLine(p["line_no"], p["serial"], known[p["serial"]]))
        else:
            new.append(p)
    credits = [p for p in new if p["amount_fen"] > 0]
    statement = BankStatement(
        campaign_id=campaign.id,
        filename=path.name[:300],
        sha256=sha,
        account=account,
        imported_by=actor.user_id,
        imported_at=now,
        line_count=len(new),
        credit_count=len(credits),
    )
    try:  # another desk importing the same file or lines at this moment: the indexes refuse
        with session.begin_nested():
            session.add(statement)
            session.flush()
            if new:
                session.execute(
                    insert(BankLine),
                    [
                        {
                            **p,
                            "statement_id": statement.id,
                            "campaign_id": campaign.id,
                            "created_at": now,
                        }
                        for p in new
                    ],
                )
    except IntegrityError:
        raise Conflict(
            _("另一个窗口刚刚导入了同一文件或其中的流水：请刷新后重新导入"), code="bank.import_race"
        ) from None
    assert statement.id is not None
    summary.statement_id = statement.id
    summary.lines, summary.credits = len(new), len(credits)
    summary.debits = len(new) - len(credits)
    summary.credit_total = Money(sum(p["amount_fen"] for p in credits))
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action="bank.import",
        entity="bank_statement",
        entity_id=statement.id,
        campaign_id=campaign.id,
        desk=actor.desk,
        at=now,
        detail={"file": path.name, "sha256": sha, "account": account, **summary.counts()},
    )
    return summary


def statements(session: Session, campaign: Campaign) -> list[BankStatement]:
    """The campaign's imported statements, newest first."""
    return list(
        session.exec(
            select(BankStatement)
            .where(BankStatement.campaign_id == campaign.id)
            .order_by(col(BankStatement.id).desc())
        )
    )


# -- matching ---------------------------------------------------------------------------------


def _live(payment: type[Payment] | Any = Payment) -> ColumnElement[bool]:
    """SQL: this payment row is a payment and has not been voided (a bank line it was matched to
    stays accounted for after a refund)."""
    void = aliased(Payment)
    return and_(
        col(payment.kind) == PaymentKind.payment.value,
        ~exists().where(
            col(void.original_id) == col(payment.id), col(void.kind) == PaymentKind.void.value
        ),
    )


@dataclass(slots=True)
class _Person:
    record_id: int
    name: str
    id_number: str
    track: str
    level: str
    dossier_id: int | None = None
    dossier_code: str = ""
    status: str = ""
    fee_fen: int | None = None
    paid_receipt: str = ""


@dataclass
class _Index:
    """What the matcher needs of the campaign, loaded once."""

    people: dict[int, _Person]
    by_id: dict[str, int]
    by_code: dict[str, int]
    by_name: dict[str, list[int]]
    name_lengths: list[int]
    code_re: re.Pattern[str]
    prefix: str
    by_reference: dict[str, tuple[int, str]]  # live transfer's reference → (dossier, receipt)
    dossier_record: dict[int, int]


def _index(session: Session, campaign: Campaign) -> _Index:
    cid = campaign.id
    fees = {
        (r.track, r.level): r.amount_fen
        for r in session.exec(select(FeeRule).where(FeeRule.campaign_id == cid))
    }
    people: dict[int, _Person] = {}
    by_id: dict[str, int] = {}
    by_name: dict[str, list[int]] = {}
    for rid, number, name, key, track, level in session.execute(
        sa_select(
            col(OnlineRecord.id),
            col(OnlineRecord.id_number),
            col(OnlineRecord.name),
            col(OnlineRecord.name_key),
            col(OnlineRecord.track),
            col(OnlineRecord.level),
        ).where(col(OnlineRecord.campaign_id) == cid)
    ):
        people[rid] = _Person(rid, name, number, track, level, fee_fen=fees.get((track, level)))
        by_id[number] = rid
        if key:
            by_name.setdefault(key, []).append(rid)
    by_code: dict[str, int] = {}
    dossier_record: dict[int, int] = {}
    for did, rid, status, code, track, level in session.execute(
        sa_select(
            col(Dossier.id),
            col(Dossier.online_record_id),
            col(Dossier.status),
            col(Dossier.dossier_code),
            col(Dossier.track),
            col(Dossier.level),
        ).where(col(Dossier.campaign_id) == cid)
    ):
        p = people.get(rid)
        if p is None:
            continue
        p.dossier_id, p.dossier_code, p.status = did, code or "", status
        p.track, p.level, p.fee_fen = track, level, fees.get((track, level))
        dossier_record[did] = rid
        if code:
            by_code[code.upper()] = rid
    by_reference: dict[str, tuple[int, str]] = {}
    # a reference is used while its payment is not voided (a refund does not free it); a
    # dossier is paid while its payment is live (a payment refunded in full pays for nothing)
    for did, receipt, method, reference in session.exec(
        select(Payment.dossier_id, Payment.receipt_code, Payment.method, Payment.reference).where(
            Payment.campaign_id == cid, _live()
        )
    ).all():
        if method == PaymentMethod.transfer.value and reference:
            by_reference[reference] = (did, receipt)
    for did, receipt in session.exec(
        select(Payment.dossier_id, Payment.receipt_code).where(
            Payment.campaign_id == cid, live_clause()
        )
    ).all():
        rid = dossier_record.get(did)
        if rid is not None:
            people[rid].paid_receipt = receipt
    prefix = campaign.dossier_prefix.upper()
    return _Index(
        people=people,
        by_id=by_id,
        by_code=by_code,
        by_name=by_name,
        name_lengths=sorted({len(k) for k in by_name if len(k) >= 2}, reverse=True),
        code_re=re.compile(re.escape(prefix) + r"[0-9]{1,8}"),
        prefix=prefix,
        by_reference=by_reference,
        dossier_record=dossier_record,
    )


def _names_in(text: str, ix: _Index) -> set[int]:
    """Applicants whose name (key) appears in the text; a name inside a longer name that also
    appears there does not count (张伟 inside 张伟明)."""
    key = key_of_display(display_name(text))
    spans: list[tuple[int, int, str]] = []
    n = len(key)
    for start in range(n):
        if key[start].isdigit():
            continue
        for length in ix.name_lengths:
            end = start + length
            if end <= n and key[start:end] in ix.by_name:
                spans.append((start, end, key[start:end]))
    found: set[int] = set()
    for s, e, k in spans:
        if any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) for s2, e2, _ in spans):
            continue
        found.update(ix.by_name[k])
    return found


def _evidence(line: BankLine, ix: _Index) -> dict[int, set[str]]:
    """record id → what points at it."""
    found: dict[int, set[str]] = {}
    text = unicodedata.normalize("NFKC", line.memo).upper()
    for m in _ID_IN_TEXT.finditer(text.replace(" ", "")):
        rid = ix.by_id.get(m.group(0))
        if rid is not None:
            found.setdefault(rid, set()).add(EVIDENCE_ID)
    for m in ix.code_re.finditer(text.replace(" ", "")):
        digits = m.group(0)[len(ix.prefix) :]
        rid = ix.by_code.get(format_number(ix.prefix, int(digits)))
        if rid is not None:
            found.setdefault(rid, set()).add(EVIDENCE_CODE)
    names = _names_in(line.memo, ix) if line.memo else set()
    if line.payer_name:
        names.update(ix.by_name.get(name_key(line.payer_name), ()))
    for rid in names:
        found.setdefault(rid, set()).add(EVIDENCE_NAME)
    return found


def _candidate(p: _Person, amount: int, kinds: Iterable[str]) -> Candidate:
    return Candidate(
        record_id=p.record_id,
        dossier_id=p.dossier_id,
        dossier_code=p.dossier_code,
        name=p.name,
        id_masked=mask_id(p.id_number),
        track=p.track,
        level=p.level,
        dossier_status=p.status,
        fee=Money(p.fee_fen) if p.fee_fen is not None else None,
        difference=Money(amount - p.fee_fen) if p.fee_fen is not None else None,
        evidence=tuple(sorted(kinds, key=_STRENGTH.__getitem__)),
        paid_receipt=p.paid_receipt,
    )


def _strongest(kinds: Iterable[str]) -> str:
    return min(kinds, key=_STRENGTH.__getitem__, default="")


def _propose(line: BankLine, ix: _Index) -> LineProposal:
    assert line.id is not None
    amount = line.amount_fen
    base: dict[str, Any] = {
        "line_id": line.id,
        "statement_id": line.statement_id,
        "line_no": line.line_no,
        "txn_date": line.txn_date,
        "amount": Money(amount),
        "payer_name": line.payer_name,
        "payer_account": line.payer_account,
        "memo": line.memo,
        "serial": line.serial,
    }
    booked = ix.by_reference.get(bank_reference(line.serial))
    if booked is not None:  # recorded by hand at the desk with this serial
        did, receipt = booked
        p = ix.people[ix.dossier_record[did]]
        return LineProposal(
            **base,
            status=LineStatus.already_paid,
            evidence="",
            weak=False,
            candidates=(_candidate(p, amount, ()),),
            dossier_id=did,
            note=_("该流水号已登记收费：收据 {receipt}（档案 {dossier_code}）").format(
                receipt=receipt, dossier_code=p.dossier_code
            ),
            receipt_code=receipt,
        )
    found = _evidence(line, ix)
    if not found:
        return LineProposal(
            **base,
            status=LineStatus.unmatched,
            evidence="",
            weak=False,
            candidates=(),
            dossier_id=None,
            note=_("摘要和付款人中没有本批次申报人的身份证号、受理编号或姓名"),
        )
    strong = {rid: k for rid, k in found.items() if k - {EVIDENCE_NAME}}
    chosen = strong or found
    people = sorted(
        (ix.people[rid] for rid in chosen),
        key=lambda p: (_strongest(chosen[p.record_id]), p.dossier_code, p.record_id),
    )
    cands = tuple(_candidate(p, amount, chosen[p.record_id]) for p in people)
    evidence = _strongest(k for kinds in chosen.values() for k in kinds)
    weak = evidence == EVIDENCE_NAME
    payable = [
        c for c in cands if c.dossier_status == DossierStatus.accepted.value and not c.paid_receipt
    ]
    fitting = [c for c in payable if c.fee is not None and c.fee.fen == amount]
    common: dict[str, Any] = {**base, "candidates": cands}
    if len(fitting) == 1:
        c = fitting[0]
        return LineProposal(
            **common,
            status=LineStatus.proposed,
            evidence=_strongest(c.evidence),
            weak=_strongest(c.evidence) == EVIDENCE_NAME,
            dossier_id=c.dossier_id,
            note=_("仅姓名相符，请核对付款人") if _strongest(c.evidence) == EVIDENCE_NAME else "",
        )
    if len(fitting) > 1:
        who = "、".join(f"{c.name}（{c.dossier_code}）" for c in fitting)
        return LineProposal(
            **common,
            status=LineStatus.ambiguous,
            evidence=evidence,
            weak=weak,
            dossier_id=None,
            note=_("{count} 份档案都相符：{who}，请人工选择").format(count=len(fitting), who=who),
        )
    if payable:
        known = [c.fee.fen for c in payable if c.fee is not None]
        if len(payable) > 1 and len(known) == len(payable) and sum(known) == amount:
            note = _("金额等于 {count} 人评审费之和：一笔转账含多人，请人工处理").format(
                count=len(payable)
            )
        elif not known:
            note = _("评审费尚未设定：请负责人先设定收费标准")
        else:
            diffs = "；".join(
                _("{name} 应缴 {fee}，差额 {difference}").format(
                    name=c.name, fee=c.fee, difference=c.difference
                )
                for c in payable
                if c.fee is not None
            )
            note = _("金额与评审费不符（{differences}）：部分缴费或一笔多人，请人工处理").format(
                differences=diffs
            )
        return LineProposal(
            **common,
            status=LineStatus.partial,
            evidence=evidence,
            weak=weak,
            dossier_id=None,
            note=note,
        )
    waiting = [c for c in cands if not c.paid_receipt]
    if waiting:
        who = "、".join(c.name for c in waiting)
        return LineProposal(
            **common,
            status=LineStatus.not_accepted,
            evidence=evidence,
            weak=weak,
            dossier_id=None,
            note=_("{who} 的纸质材料尚未受理：受理后再确认").format(who=who),
        )
    paid = "、".join(
        _("{name}（收据 {receipt}）").format(name=c.name, receipt=c.paid_receipt) for c in cands
    )
    return LineProposal(
        **common,
        status=LineStatus.already_paid,
        evidence=evidence,
        weak=weak,
        dossier_id=cands[0].dossier_id if len(cands) == 1 else None,
        note=_("已缴费：{paid}；如重复转账请退回或剔除").format(paid=paid),
    )


def proposals(
    session: Session,
    campaign: Campaign,
    statement_id: int | None = None,
    *,
    viewer: Actor | None = None,
) -> list[LineProposal]:
    """Every credit line of the campaign (or of one statement) with what the matcher says, in
    statement and line order: confirmed and dismissed lines with their outcome, the others with
    their candidates. Reads only; a fixed number of queries whatever the number of lines.

    The lines are as ``viewer`` may see them: an ID number a payer wrote in the memo (or in a
    name or note) is masked (652801********1234) unless the viewer is a lead
    (``FULL_ID_ROLES``); with no viewer, masked. The matching reads the real memo."""
    cid = campaign.id
    q = select(BankLine).where(BankLine.campaign_id == cid, col(BankLine.amount_fen) > 0)
    if statement_id is not None:
        q = q.where(BankLine.statement_id == statement_id)
    lines = list(session.exec(q.order_by(col(BankLine.statement_id), col(BankLine.line_no))))
    if not lines:
        return []
    matched: dict[int, tuple[int, str, int]] = {}  # line → live payment (id, receipt, dossier)
    for line_id, pid, receipt, did in session.exec(
        select(BankMatch.line_id, Payment.id, Payment.receipt_code, Payment.dossier_id)
        .join(Payment, col(Payment.id) == BankMatch.payment_id)
        .join(BankLine, col(BankLine.id) == BankMatch.line_id)
        .where(BankLine.campaign_id == cid, _live())
    ).all():
        assert pid is not None
        matched[line_id] = (pid, receipt, did)
    dismissed = {
        d.line_id: d
        for d in session.exec(
            select(BankLineDismissal)
            .join(BankLine, col(BankLine.id) == BankLineDismissal.line_id)
            .where(BankLine.campaign_id == cid)
        )
    }
    ix = _index(session, campaign)
    out: list[LineProposal] = []
    for line in lines:
        assert line.id is not None
        base: dict[str, Any] = {
            "line_id": line.id,
            "statement_id": line.statement_id,
            "line_no": line.line_no,
            "txn_date": line.txn_date,
            "amount": Money(line.amount_fen),
            "payer_name": line.payer_name,
            "payer_account": line.payer_account,
            "memo": line.memo,
            "serial": line.serial,
            "evidence": "",
            "weak": False,
        }
        if line.id in matched:
            pid, receipt, did = matched[line.id]
            rid = ix.dossier_record.get(did)
            cands = (_candidate(ix.people[rid], line.amount_fen, ()),) if rid is not None else ()
            out.append(
                LineProposal(
                    **base,
                    status=LineStatus.confirmed,
                    candidates=cands,
                    dossier_id=did,
                    note="",
                    payment_id=pid,
                    receipt_code=receipt,
                )
            )
        elif line.id in dismissed:
            d = dismissed[line.id]
            out.append(
                LineProposal(
                    **base,
                    status=LineStatus.dismissed,
                    candidates=(),
                    dossier_id=None,
                    note=_(DISMISS_REASONS.get(d.reason, d.reason)),
                    dismissal_reason=d.reason,
                    dismissal_note=d.note,
                )
            )
        else:
            out.append(_propose(line, ix))
    proposed = Counter(p.dossier_id for p in out if p.status == LineStatus.proposed)
    for i, p in enumerate(out):
        if p.status == LineStatus.proposed and proposed[p.dossier_id] > 1:
            others = [
                str(q.line_no)
                for q in out
                if q.status == LineStatus.proposed
                and q.dossier_id == p.dossier_id
                and q.line_id != p.line_id
            ]
            note = _("第 {lines} 行流水也指向该档案，可能重复转账").format(lines="、".join(others))
            out[i] = replace(p, note=f"{p.note}；{note}" if p.note else note)
    if viewer is not None and viewer.role in FULL_ID_ROLES:
        return out
    return [
        replace(
            p,
            memo=mask_ids_in(p.memo),
            payer_name=mask_ids_in(p.payer_name),
            note=mask_ids_in(p.note),
            dismissal_note=mask_ids_in(p.dismissal_note),
        )
        for p in out
    ]


def unmatched_lines(
    session: Session,
    campaign: Campaign,
    statement_id: int | None = None,
    *,
    viewer: Actor | None = None,
) -> list[LineProposal]:
    """Credit lines neither confirmed nor set aside (whatever the matcher proposes for them)."""
    return [
        p
        for p in proposals(session, campaign, statement_id, viewer=viewer)
        if p.status not in (LineStatus.confirmed, LineStatus.dismissed)
    ]


def unpaid_dossiers(
    session: Session, campaign: Campaign, *, limit: int = 100_000
) -> list[QueueLine]:
    """Accepted dossiers without a live payment (the cashier's queue)."""
    return cashier_queue(session, campaign, limit=limit)


# -- decisions --------------------------------------------------------------------------------


def _lock_line(session: Session, campaign: Campaign, line_id: int) -> BankLine:
    """The line, locked: two desks deciding on one line take turns."""
    line = session.exec(select(BankLine).where(BankLine.id == line_id).with_for_update()).first()
    if line is None or line.campaign_id != campaign.id:
        raise NotFound(_("本批次没有这条银行流水"), code="bank.no_such_line")
    return line


def _live_match(session: Session, line_id: int) -> tuple[int, Payment | None]:
    """How many matches the line has, and the payment of the one still live (if any)."""
    rows = session.exec(
        select(BankMatch, Payment)
        .join(Payment, col(Payment.id) == BankMatch.payment_id)
        .where(BankMatch.line_id == line_id)
        .order_by(col(BankMatch.attempt))
    ).all()
    if not rows:
        return 0, None
    voided = set(
        session.exec(
            select(Payment.original_id).where(
                col(Payment.original_id).in_([p.id for _match, p in rows]),
                Payment.kind == PaymentKind.void.value,
            )
        ).all()
    )
    live = [p for _match, p in rows if p.id not in voided]
    return len(rows), (live[0] if live else None)


def _dismissal(session: Session, line_id: int) -> BankLineDismissal | None:
    return session.exec(
        select(BankLineDismissal).where(BankLineDismissal.line_id == line_id)
    ).first()


def _where(line: BankLine) -> str:
    return _("第 {statement} 号流水第 {line} 行（{serial}）").format(
        statement=line.statement_id, line=line.line_no, serial=line.serial
    )


def confirm_line(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    line_id: int,
    dossier_id: int,
    *,
    idempotency_key: str | None = None,
    now: dt.datetime | None = None,
) -> Payment:
    """The cashier confirms that a credit line paid a dossier's fee: a transfer payment with the
    line's serial as reference (``bank_reference``) and a ``BankMatch``. The amount must equal
    the fee; partial and multi-person transfers are handled by hand. The same idempotency key
    again returns the same payment. The caller commits and queues the receipt."""
    require(actor, Action.bank_match)
    now = now or utcnow()
    line = _lock_line(session, campaign, line_id)
    attempts, paid = _live_match(session, line_id)
    if paid is not None:
        key = (idempotency_key or "").strip()
        if key and paid.idempotency_key == key and paid.dossier_id == dossier_id:
            return paid  # the same confirmation again
        raise Conflict(
            _("{line} 已确认为收据 {receipt_code}：不能重复确认").format(
                line=_where(line), receipt_code=paid.receipt_code
            ),
            code="bank.already_matched",
            receipt_code=paid.receipt_code,
        )
    d = _dismissal(session, line_id)
    if d is not None:
        raise Conflict(
            _("{line} 已剔除（{reason}）：不能再确认为评审费").format(
                line=_where(line), reason=_(DISMISS_REASONS.get(d.reason, d.reason))
            ),
            code="bank.dismissed",
        )
    if line.amount_fen <= 0:
        raise InvalidInput(
            _("{line} 是支出（借方）流水，不是缴费").format(line=_where(line)), code="bank.debit"
        )
    dossier = session.get(Dossier, dossier_id)
    if dossier is None or dossier.campaign_id != campaign.id:
        raise NotFound(_("本批次没有这份档案"), code="bank.no_such_dossier")
    fee = fee_for(session, campaign.id or 0, dossier.track, dossier.level)
    if fee.amount.fen != line.amount_fen:
        raise InvalidInput(
            _(
                "流水金额 {amount_fen} 元与档案 {dossier} 的评审费 {amount} 元不符：部分缴费或一笔多人的转账请人工处理"
            ).format(
                amount_fen=Money(line.amount_fen),
                dossier=dossier.dossier_code or "",
                amount=fee.amount,
            ),
            code="bank.amount_mismatch",
            amount_fen=line.amount_fen,
            fee_fen=fee.amount.fen,
        )
    reference = bank_reference(line.serial)
    payment = take_payment(
        session,
        actor,
        campaign,
        dossier_id,
        method=PaymentMethod.transfer,
        reference=reference,
        idempotency_key=idempotency_key,
        now=now,
    )
    if payment.reference != reference:  # the key had made another payment of this dossier
        raise Conflict(_("该确认码已用于另一笔收费"), code="bank.key_reused")
    if payment.amount_fen != line.amount_fen:  # the fee changed since it was compared above
        raise Conflict(
            _(
                "流水金额 {amount_fen} 元与实收评审费 {amount_fen2} 元不符：收费标准刚被修改，请刷新后再确认"
            ).format(amount_fen=Money(line.amount_fen), amount_fen2=Money(payment.amount_fen)),
            code="bank.amount_mismatch",
        )
    assert actor.user_id is not None and payment.id is not None
    session.add(
        BankMatch(
            line_id=line_id,
            attempt=attempts,
            payment_id=payment.id,
            confirmed_by=actor.user_id,
            confirmed_at=now,
        )
    )
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=str(Action.bank_match),
        entity="bank_line",
        entity_id=line.serial,
        campaign_id=campaign.id,
        desk=actor.desk,
        at=now,
        detail={
            "statement": line.statement_id,
            "line_no": line.line_no,
            "dossier": dossier.dossier_code,
            "receipt": payment.receipt_code,
            "amount_fen": line.amount_fen,
            "reference": reference,
            "payer": line.payer_name,
            "attempt": attempts,
        },
    )
    return payment


def dismiss_line(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    line_id: int,
    *,
    reason: str,
    note: str,
    now: dt.datetime | None = None,
) -> BankLineDismissal:
    """Set a credit line aside as not a review fee (a reason from ``DISMISS_REASONS`` and a
    note): it no longer shows as unmatched. Final, like every decision on a line."""
    require(actor, Action.bank_match)
    now = now or utcnow()
    if reason not in DISMISS_REASONS:
        raise InvalidInput(
            _("请选择剔除原因：{reasons}").format(
                reasons="、".join(_(r) for r in DISMISS_REASONS.values())
            ),
            code="bank.dismiss_reason",
        )
    note = (note or "").strip()
    if not note:
        raise InvalidInput(_("剔除须写明说明（经办情况）"), code="bank.note_required")
    if len(note) > 500:
        raise InvalidInput(_("说明最多 500 字"), code="bank.note_too_long")
    line = _lock_line(session, campaign, line_id)
    if line.amount_fen <= 0:
        raise InvalidInput(
            _("{line} 是支出（借方）流水，无需剔除").format(line=_where(line)), code="bank.debit"
        )
    _match, paid = _live_match(session, line_id)
    if paid is not None:
        raise Conflict(
            _("{line} 已确认为收据 {receipt_code}：如需剔除请先由负责人作废收据").format(
                line=_where(line), receipt_code=paid.receipt_code
            ),
            code="bank.already_matched",
        )
    if _dismissal(session, line_id) is not None:
        raise Conflict(
            _("{line} 已剔除").format(line=_where(line)), code="bank.already_dismissed"
        )
    assert actor.user_id is not None
    row = BankLineDismissal(
        line_id=line_id, reason=reason, note=note, dismissed_by=actor.user_id, dismissed_at=now
    )
    session.add(row)
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action="bank.dismiss",
        entity="bank_line",
        entity_id=line.serial,
        campaign_id=campaign.id,
        desk=actor.desk,
        at=now,
        detail={
            "statement": line.statement_id,
            "line_no": line.line_no,
            "amount_fen": line.amount_fen,
            "payer": line.payer_name,
            "reason": reason,
            "note": note,
        },
    )
    return row
