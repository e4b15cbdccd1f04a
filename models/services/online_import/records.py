"""What an online import reports: its progress callback, cancellation, rejected and flagged rows, and the summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from models.errors import DomainError

Progress = Callable[[str, int, int], None]  # phase label, done, total
CHUNK = 2000


class ImportCancelled(DomainError):
    code = "import.cancelled"


@dataclass
class Rejected:
    line: int
    code: str
    reason: str
    name: str = ""
    id_text: str = ""


@dataclass
class Flagged:
    line: int
    name: str
    id_masked: str
    old_status: str
    new_status: str
    dossier_code: str


@dataclass
class ImportSummary:
    filename: str
    sha256: str
    sheet: str
    header_line: int
    columns: dict[str, str]  # field → header as written
    unused_columns: list[str]
    data_rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    not_eligible: int = 0  # imported, status ≠ 通过形式审核
    rejected: list[Rejected] = field(default_factory=list)
    ignored: list[tuple[int, str]] = field(default_factory=list)  # (line, why): blank, 合计 …
    flagged: list[Flagged] = field(default_factory=list)  # withdrawn online after acceptance
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    batch_id: int | None = None
    imported_before: str = ""  # the same file (sha256) was imported at …

    def counts(self) -> dict[str, int]:
        return {
            "data_rows": self.data_rows,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
            "not_eligible": self.not_eligible,
            "ignored": len(self.ignored),
            "flagged": len(self.flagged),
        }

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.filename,
            "sha256": self.sha256,
            "sheet": self.sheet,
            "header_line": self.header_line,
            "columns": self.columns,
            "unused_columns": self.unused_columns,
            "dry_run": self.dry_run,
            "batch_id": self.batch_id,
            **self.counts(),
            "rejected_lines": [asdict(r) for r in self.rejected],
            "ignored_lines": [{"line": n, "reason": why} for n, why in self.ignored],
            "flagged_records": [asdict(f) for f in self.flagged],
            "warnings": self.warnings,
            "imported_before": self.imported_before,
        }
