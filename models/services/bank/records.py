"""What the bank services return: skipped and known lines, a statement's summary, a line's candidates and proposal; the evidence kinds and the dismissal reasons."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from models.bank import LineStatus
from models.i18n import N_
from models.money import Money

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
