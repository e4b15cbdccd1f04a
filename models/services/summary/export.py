"""The campaign summary as a spreadsheet."""

from __future__ import annotations

from pathlib import Path

from models.i18n import on_paper
from models.services.summary.records import TOTAL, CampaignSummary, Figures

HEADERS = (
    "网上名单",
    "通过形式审核",
    "已受理",
    "受理率%",
    "退回补正未再报送",
    "未报送纸质材料",
    "已缴费",
    "已受理未缴费",
    "实收净额（元）",
    "已移交评委会",
    "非通过名单有材料",
)


def _cells(f: Figures) -> tuple[object, ...]:
    pct = f.accepted_pct
    return (
        f.online,
        f.approved,
        f.accepted,
        "" if pct is None else pct,
        f.returned,
        f.no_paper,
        f.paid,
        f.unpaid,
        f.fee_net,
        f.handed_over,
        f.other_paper,
    )


@on_paper
def summary_xlsx(path: Path, summary: CampaignSummary) -> Path:
    """The summary as a workbook: 按县市, 按单位, 按类型级别, each ending with a 合计 row."""
    from models.reports import write_xlsx

    total = _cells(summary.total)
    return write_xlsx(
        path,
        [
            (
                "按县市",
                ("县市", *HEADERS),
                [*[(c.county, *_cells(c.figures)) for c in summary.counties], (TOTAL, *total)],
            ),
            (
                "按单位",
                ("县市", "单位", *HEADERS),
                [
                    *[(u.county, u.unit, *_cells(u.figures)) for u in summary.units],
                    (TOTAL, "", *total),
                ],
            ),
            (
                "按类型级别",
                ("申报类型", "级别", *HEADERS),
                [
                    *[(g.track, g.level, *_cells(g.figures)) for g in summary.groups],
                    (TOTAL, "", *total),
                ],
            ),
        ],
    )
