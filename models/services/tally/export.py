"""The day view as a spreadsheet."""

from __future__ import annotations

from pathlib import Path

from models.i18n import _, paper
from models.money import Money
from models.reports import write_xlsx
from models.services.payments import REFUND_REASONS, VOID_REASONS
from models.services.tally.close import counted_cash
from models.services.tally.records import Correction, DayView, Line, desk_label
from models.vocab import (
    DayStatus,
    PaymentKind,
    PaymentMethod,
    denomination_label,
)

# ---------------------------------------------------------------------------------------------
# Export


def day_view_xlsx(path: Path, view: DayView) -> Path:
    with paper():
        return _day_view_xlsx(path, view)


def _day_view_xlsx(path: Path, view: DayView) -> Path:
    """The Z report as a workbook: 概况, the breakdowns, the corrections and the count."""

    def breakdown(lines: tuple[Line, ...]) -> list[list[object]]:
        return [
            [
                ln.label,
                ln.count,
                Money(ln.paid_fen),
                Money(ln.voided_fen),
                Money(ln.refunded_fen),
                Money(ln.net_fen),
            ]
            for ln in lines
        ]

    heads = ["项目", "收费笔数", "收费金额（元）", "作废冲减（元）", "退费（元）", "净额（元）"]
    close = view.close_of()
    summary: list[list[object]] = [
        ["评审批次", view.campaign_code],
        ["营业日", f"{view.day:%Y-%m-%d}"],
        ["范围", desk_label(view.desk)],
        ["报送（次）", view.visits],
        ["受理（份）", view.accepted],
        ["退回补正（份）", view.returned],
        ["收费笔数", view.total.count],
        ["收费金额（元）", Money(view.total.paid_fen)],
        ["作废冲减（元）", Money(view.total.voided_fen)],
        ["退费（元）", Money(view.total.refunded_fen)],
        ["净额（元）", Money(view.total.net_fen)],
        ["收据号", view.receipts.range_text],
        ["断号检查", view.receipts.gap_text],
        ["日结状态", DayStatus(close.status).label if close else "未日结"],
    ]
    if view.close_code:
        summary.append(["日结校验码", view.close_code])
    if close is not None and close.note:
        summary.append(["差额说明", close.note])
    counted: list[list[object]] = []
    if close is not None and close.counted:
        for d, n in counted_cash(close).items():
            counted.append([f"现金 {denomination_label(d)}", n, Money(d * n)])
        expected = view.expected()
        for m in PaymentMethod:
            got = int(close.counted.get("methods", {}).get(m.value, 0))
            counted.append(
                [
                    f"{m.label}：应有 {Money(expected[m.value]).figures()} 元，清点 {Money(got).figures()} 元",
                    "",
                    Money(got - expected[m.value]),
                ]
            )

    def reason(c: Correction) -> str:
        reasons = VOID_REASONS if c.kind == PaymentKind.void.value else REFUND_REASONS
        return _(reasons[c.reason]) if c.reason in reasons else c.reason

    corrections = [
        [
            c.code,
            PaymentKind(c.kind).label,
            c.original_code,
            f"{c.original_date:%Y-%m-%d}",
            Money(c.fen),
            PaymentMethod(c.method).label,
            reason(c),
            c.note,
            c.who,
            c.desk,
            c.charged_to,
            c.charged_desk,
        ]
        for c in view.corrections
    ]
    return write_xlsx(
        path,
        [
            ("概况", ["项目", "内容"], summary),
            ("按缴费方式", heads, breakdown(view.by_method)),
            ("按申报类型与级别", heads, breakdown(view.by_fee)),
            ("按收费员", heads, breakdown(view.by_cashier)),
            ("按窗口", heads, breakdown(view.by_desk)),
            (
                "作废与退费",
                [
                    "单号",
                    "类别",
                    "原收据号",
                    "原收费日期",
                    "金额（元）",
                    "方式",
                    "原因",
                    "说明",
                    "经办人",
                    "经办窗口",
                    "原收款人",
                    "原收款窗口",
                ],
                corrections,
            ),
            ("现金清点", ["项目", "张（枚）数", "金额/差额（元）"], counted),
        ],
    )
