"""An import's report: where it is kept, its name, and writing it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from models.i18n import _
from models.services.online_import.records import ImportSummary


@dataclass(frozen=True, slots=True)
class ReportPlace:
    """Where the report of the rows not imported went."""

    path: Path | None  # the file written; None: it could be written nowhere
    wanted: Path  # where it was to go: --report, or beside the list
    problem: str = ""  # why it is not there, one sentence ("" when it is)

    @property
    def moved(self) -> bool:
        return self.path is not None and self.path != self.wanted


def report_name(source: Path, now: dt.datetime | None = None) -> str:
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return _("{stem}-未导入行-{stamp}.xlsx").format(stem=source.stem, stamp=stamp)


def save_report(
    summary: ImportSummary,
    source: Path,
    requested: Path | None = None,
    *,
    now: dt.datetime | None = None,
) -> ReportPlace:
    """Write the report where it can be written: at ``requested`` (a folder: the usual name in
    it), else beside the list ``source``; when that place cannot be written (a read-only
    folder, a missing one), in the data folder's ``reports/`` (created 0700). Called after the
    import is committed: it never raises for a place that cannot be written, it says where the
    report went and why not where it was to go."""
    from models.config import data_dir
    from models.files import CannotWrite, cannot_write, private_dir

    name = report_name(source, now)
    wanted = (
        source.with_name(name)
        if requested is None
        else requested / name
        if requested.is_dir()
        else requested
    )
    try:
        return ReportPlace(write_report(summary, wanted), wanted)
    except CannotWrite as exc:
        first = exc.reason
    fallback = data_dir() / "reports" / name
    try:
        private_dir(fallback.parent)
        path = write_report(summary, fallback)
    except (CannotWrite, OSError) as exc:
        second = exc if isinstance(exc, CannotWrite) else cannot_write(fallback, exc)
        return ReportPlace(
            None,
            wanted,
            _("{wanted}：{reason}；{fallback}：{reason2}").format(
                wanted=wanted, reason=first, fallback=fallback.parent, reason2=second.reason
            ),
        )
    return ReportPlace(
        path, wanted, _("{wanted} 无法写入：{reason}").format(wanted=wanted, reason=first)
    )


def write_report(summary: ImportSummary, path: Path) -> Path:
    """The rows that were not imported, with their line numbers and reasons (xlsx, 0600: it
    holds the ID numbers as typed). Raises CannotWrite when the file cannot be written."""
    from models.reports import write_xlsx

    return write_xlsx(
        path,
        [
            (
                _("未导入的行"),
                (_("原文件行号"), _("原因"), _("原因代码"), _("姓名"), _("身份证号（原样）")),
                [(r.line, r.reason, r.code, r.name, r.id_text) for r in summary.rejected],
            ),
            (
                _("未作为数据的行"),
                (_("原文件行号"), _("说明")),
                [(n, why) for n, why in summary.ignored],
            ),
            (
                _("已受理后网上撤回"),
                (
                    _("原文件行号"),
                    _("姓名"),
                    _("身份证号"),
                    _("原状态"),
                    _("新状态"),
                    _("受理编号"),
                ),
                [
                    (f.line, f.name, f.id_masked, f.old_status, f.new_status, f.dossier_code)
                    for f in summary.flagged
                ],
            ),
        ],
    )
