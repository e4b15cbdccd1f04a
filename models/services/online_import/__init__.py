"""Import the platform's online-approved list into a campaign.

Every row of the file is accounted for: inserted, updated (what changed is kept), unchanged,
rejected with a reason code and a Chinese reason, or ignored as not data (blank, title, 合计).
A status other than 通过形式审核 is imported but not eligible for paper. The whole import is one
transaction: cancelled or failed, nothing is half-written. Each import is an audited batch
(file name, sha256, counts)."""

from __future__ import annotations

from models.services.online_import.batches import changed_since, last_batches
from models.services.online_import.imports import _bulk_insert as _bulk_insert
from models.services.online_import.imports import import_online
from models.services.online_import.records import (
    CHUNK,
    Flagged,
    ImportCancelled,
    ImportSummary,
    Progress,
    Rejected,
)
from models.services.online_import.report import ReportPlace, report_name, save_report, write_report

__all__ = [
    "CHUNK",
    "Flagged",
    "ImportCancelled",
    "ImportSummary",
    "Progress",
    "Rejected",
    "ReportPlace",
    "changed_since",
    "import_online",
    "last_batches",
    "report_name",
    "save_report",
    "write_report",
]
