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

from models.services.bank.decide import confirm_line, dismiss_line
from models.services.bank.imports import import_statement, statements
from models.services.bank.match import _index as _index
from models.services.bank.match import _propose as _propose
from models.services.bank.parse import (
    HEADER_SCAN_ROWS,
    HEADERS,
    NEEDED,
    TOTAL_WORDS,
    bank_reference,
    parse_amount,
    parse_date,
)
from models.services.bank.parse import _RowError as _RowError
from models.services.bank.proposals import proposals, unmatched_lines, unpaid_dossiers
from models.services.bank.records import (
    DISMISS_REASONS,
    EVIDENCE_CODE,
    EVIDENCE_ID,
    EVIDENCE_NAME,
    Candidate,
    KnownLine,
    LineProposal,
    SkippedLine,
    StatementSummary,
)

__all__ = [
    "DISMISS_REASONS",
    "EVIDENCE_CODE",
    "EVIDENCE_ID",
    "EVIDENCE_NAME",
    "HEADERS",
    "HEADER_SCAN_ROWS",
    "NEEDED",
    "TOTAL_WORDS",
    "Candidate",
    "KnownLine",
    "LineProposal",
    "SkippedLine",
    "StatementSummary",
    "bank_reference",
    "confirm_line",
    "dismiss_line",
    "import_statement",
    "parse_amount",
    "parse_date",
    "proposals",
    "statements",
    "unmatched_lines",
    "unpaid_dossiers",
]
