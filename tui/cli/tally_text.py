"""The day view as ``desk tally show`` gives it: JSON (``--json``) or the text tables. Registers
no command (``tui.cli.tally`` does); never imports Textual. The services are imported inside
``print_view``: ``desk --help`` pays for none."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from models.i18n import _
from tui.cli.common import out


def view_json(view: Any) -> dict[str, Any]:
    def lines(xs: Any) -> list[dict[str, Any]]:
        return [
            {
                "key": x.key,
                "label": x.label,
                "count": x.count,
                "paid_fen": x.paid_fen,
                "voided_fen": x.voided_fen,
                "refunded_fen": x.refunded_fen,
                "net_fen": x.net_fen,
            }
            for x in xs
        ]

    return {
        "campaign": view.campaign_code,
        "date": view.day.isoformat(),
        "desk": view.desk,
        "visits": view.visits,
        "accepted": view.accepted,
        "returned": view.returned,
        "total": lines([view.total])[0],
        "by_method": lines(view.by_method),
        "by_fee": lines(view.by_fee),
        "by_cashier": lines(view.by_cashier),
        "by_desk": lines(view.by_desk),
        "expected_fen": view.expected(),
        "corrections": [
            {
                "code": c.code,
                "kind": c.kind,
                "original": c.original_code,
                "original_date": c.original_date.isoformat(),
                "fen": c.fen,
                "method": c.method,
                "reason": c.reason,
                "note": c.note,
                "who": c.who,
                "desk": c.desk,
            }
            for c in view.corrections
        ],
        "receipts": {
            "first": view.receipts.first,
            "last": view.receipts.last,
            "count": view.receipts.count,
            "missing": list(view.receipts.missing),
            "follows_on": view.receipts.follows_on,
            "check": view.receipts.gap_text,
        },
        "closes": [
            {"desk": c.desk, "status": c.status, "difference_fen": c.difference_fen, "note": c.note}
            for c in view.closes
        ],
    }


def print_view(view: Any) -> None:
    from models.money import Money
    from models.services.tally import desk_label
    from models.vocab import DayStatus

    # styles, not markup: ``out`` prints data as it is (a desk's name may hold [brackets])
    out.print(
        Text.assemble(
            (
                _("{day:%Y-%m-%d} {desk} 日结报表").format(
                    day=view.day, desk=desk_label(view.desk)
                ),
                "bold",
            ),
            "  ",
            _("报送 {visits} 次，受理 {accepted} 份，退回补正 {returned} 份").format(
                visits=view.visits, accepted=view.accepted, returned=view.returned
            ),
        )
    )
    for title, lines in (
        (_("按缴费方式"), view.by_method),
        (_("按申报类型与级别"), view.by_fee),
        (_("按收费员"), view.by_cashier),
        (_("按窗口"), view.by_desk),
    ):
        if not lines:
            continue
        t = Table(title=title, title_justify="left", pad_edge=False)
        for i, head in enumerate(
            (_("项目"), _("笔数"), _("收费"), _("作废"), _("退费"), _("净额"))
        ):
            t.add_column(head, justify="left" if i == 0 else "right")
        for x in (*lines, view.total):
            t.add_row(
                x.label,
                str(x.count),
                Money(x.paid_fen).grouped(),
                Money(x.voided_fen).grouped(),
                Money(x.refunded_fen).grouped(),
                Money(x.net_fen).grouped(),
            )
        out.print(t)
    for c in view.corrections:
        when = (
            ""
            if c.original_date == view.day
            else _("（原收费日 {original_date:%Y-%m-%d}）").format(original_date=c.original_date)
        )
        out.print(
            _("{kind} {code} ← {original_code}{when} {amount} 元 {reason} {note}").format(
                kind=_("作废") if c.kind == "void" else _("退费"),
                code=c.code,
                original_code=c.original_code,
                when=when,
                amount=Money(c.fen).figures(),
                reason=c.reason,
                note=c.note,
            )
        )
    out.print(
        _("收据号：{range_text}；断号检查：{gap_text}").format(
            range_text=view.receipts.range_text, gap_text=view.receipts.gap_text
        )
    )
    for c in view.closes:
        out.print(
            _("日结：{desk} {label}").format(
                desk=desk_label(c.desk), label=DayStatus(c.status).label
            )
            + (
                _("，差额 {difference} 元").format(difference=Money(c.difference_fen).figures())
                if c.difference_fen
                else ""
            )
            + (_("，说明：{note}").format(note=c.note) if c.note else "")
        )
