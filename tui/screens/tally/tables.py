"""The day's figures as Rich renderables: the breakdowns, the expected-against-counted
comparison, the day's head and tables, the close's lines, the handover roster and the campaign
summary. Plain functions of the services' views: no screen, no Textual."""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text

from models.i18n import _
from models.money import Money
from models.services.payments import REFUND_REASONS, VOID_REASONS
from models.services.tally import DayView, desk_label
from models.vocab import DayStatus, PaymentMethod
from tui import plain
from tui.widgets.columns import NAME_MOST, Column, fit

ROOM = 78  # the day's view at 80 columns, less its scrollbar


def money(fen: int) -> str:
    """An amount grouped by thousands (1,234.00)."""
    return Money(fen).grouped()


def breakdown(title: str, lines: Any, total: Any = None) -> Table:
    t = Table(
        title=title,
        title_justify="left",
        title_style="bold",
        box=None,
        pad_edge=False,
        padding=(0, 1),
        expand=False,
    )
    for i, (head, width) in enumerate(
        (
            (_("项目"), 16),
            (_("笔数"), 5),
            (_("收费"), 11),
            (_("作废"), 9),
            (_("退费"), 9),
            (_("净额"), 11),
        )
    ):
        t.add_column(
            head,
            justify="left" if i == 0 else "right",
            width=width,
            no_wrap=True,
            overflow="ellipsis",
        )
    for x in (*lines, *([total] if total is not None and lines else [])):
        t.add_row(
            plain.plain(x.label),
            str(x.count),
            money(x.paid_fen),
            money(x.voided_fen),
            money(x.refunded_fen),
            money(x.net_fen),
            style="bold" if x is total else None,
        )
    return t


def comparison(expected: dict[str, int], counted: dict[str, int]) -> Table:
    t = Table(box=None, pad_edge=False, padding=(0, 1))
    for i, (head, width) in enumerate(
        ((_("方式"), 10), (_("应有"), 12), (_("清点"), 12), (_("差额"), 12))
    ):
        t.add_column(head, justify="left" if i == 0 else "right", width=width)
    for m in PaymentMethod:
        e, c = expected.get(m.value, 0), counted.get(m.value, 0)
        diff = c - e
        t.add_row(
            m.label, money(e), money(c), Text(money(diff), style="bold red" if diff else "green")
        )
    return t


def status_text(view: DayView) -> Text:
    """日结 · the day · the desk · the close's state (or the office's)."""
    close = view.close_of()
    office = view.close_of("")
    state = (
        DayStatus(close.status).label
        if close
        else (_("全办公室") + DayStatus(office.status).label if office else _("未日结"))
    )
    return Text(
        _("日结 · {day:%Y-%m-%d} · {desk} · {state}").format(
            day=view.day, desk=desk_label(view.desk), state=state
        )
    )


def day_head(view: DayView) -> Text:
    """Visits, acceptances and returns; the fees and the net; the receipts' range and gaps."""
    r = view.receipts
    gap_style = "green" if r.ok else "bold red"
    head = Text.assemble(
        _("报送 {visits} 次 · 受理 {accepted} 份 · 退回补正 {returned} 份\n").format(
            visits=view.visits, accepted=view.accepted, returned=view.returned
        ),
        _("收费 {count} 笔 {amount} 元 · 净额 ").format(
            count=view.total.count, amount=money(view.total.paid_fen)
        ),
        (_("{amount} 元").format(amount=money(view.total.net_fen)), "bold"),
        "\n",
        # no receipts: the check's line says so ("今日无收据"), not "收据号 无" before it
        _("收据号 {range_text} · ").format(range_text=r.range_text) if r.first is not None else "",
        (r.gap_text, gap_style),
    )
    return head


def day_tables(view: DayView) -> Group:
    """The day's breakdowns (by method, fee, cashier, desk) and its voids and refunds."""
    tables: list[Any] = [
        breakdown(_("按缴费方式"), view.by_method, view.total),
        breakdown(_("按申报类型与级别"), view.by_fee),
        breakdown(_("按收费员"), view.by_cashier),
    ]
    if not view.desk:
        tables.append(breakdown(_("按窗口"), view.by_desk))
    if view.corrections:
        t = Table(
            title=_("作废与退费"),
            title_justify="left",
            title_style="bold",
            box=None,
            pad_edge=False,
            padding=(0, 1),
        )
        for i, (head_, width) in enumerate(
            (
                (_("单号"), 10),
                (_("原收据"), 10),
                (_("原日期"), 5),
                (_("金额"), 9),
                (_("经办"), 8),
                (_("原收款"), 8),
                (_("原因/说明"), 14),
            )
        ):
            t.add_column(
                head_,
                width=width,
                no_wrap=True,
                overflow="ellipsis",
                justify="right" if i == 3 else "left",
            )
        for c in view.corrections:
            reasons = VOID_REASONS if c.kind == "void" else REFUND_REASONS
            t.add_row(
                c.code,
                c.original_code,
                f"{c.original_date:%m-%d}",
                ("-" if c.kind == "void" else _("退")) + Money(c.fen).figures(),
                plain.plain(c.who),
                plain.plain(c.charged_to),
                plain.plain(f"{_(reasons.get(c.reason, c.reason))} {c.note}"),
            )
        tables.append(t)
    return Group(*tables)


def close_view(view: DayView) -> Group:
    """The closes of the day, the comparison once counted, the close's check code."""
    lines: list[Any] = []
    for c in view.closes:
        lines.append(
            Text(
                plain.pair(desk_label(c.desk), DayStatus(c.status).label)
                + (
                    _("，差额 {amount} 元").format(amount=Money(c.difference_fen).figures())
                    if c.difference_fen
                    else ""
                )
                + (_("，说明：{note}").format(note=c.note) if c.note else ""),
                style="green" if c.status == DayStatus.closed.value else "yellow",
            )
        )
    close = view.close_of()
    if close is not None and close.counted:
        lines.append(
            comparison(close.expected.get("methods", {}), close.counted.get("methods", {}))
        )
    if view.close_code:  # on the Z report too: desk audit verify --codes lists the same
        lines.append(Text(plain.pair(_("日结校验码"), view.close_code), style="dim"))
    if not lines:
        lines.append(
            Text(_("未开始日结：F6 开始日结（该范围停止收费）→ F3 清点 → F9 确认"), style="dim")
        )
    return Group(Text(_("日结"), style="bold"), *lines)


def roster_view(r: Any) -> Group:
    """移交花名册: the head, one table per series, specialty and level, and what is left out."""
    head = Text(
        _(
            "移交花名册：可移交 {to_hand_over} 份（共 {total} 份，须答辩 {must_defend} 人）· 未缴费等未列入 {count} 份 · H 移交评审委员会 · E 导出花名册"
        ).format(
            to_hand_over=r.to_hand_over,
            total=r.total,
            must_defend=r.must_defend,
            count=len(r.left_out),
        ),
        style="bold",
    )
    tables: list[Any] = []
    for g in r.groups:
        t = Table(
            title=plain.plain(
                _("{series} · {specialty} · {level}（{count} 人，须答辩 {must_defend} 人）").format(
                    series=g.series,
                    specialty=g.specialty,
                    level=g.level,
                    count=len(g.lines),
                    must_defend=g.must_defend,
                )
            ),
            title_justify="left",
            title_style="bold",
            box=None,
            pad_edge=False,
            padding=(0, 1),
        )
        columns = (
            Column(_("受理编号"), 10, least=10, gives=1),
            Column(_("姓名"), NAME_MOST, least=6, gives=0, name=True),
            Column(_("单位"), 24, least=6, gives=3),
            Column(_("级别"), 4, least=4, gives=1),
            Column(_("答辩"), 18, least=6, gives=2),
            Column(_("移交"), 5, least=5, gives=1),
        )
        rows = [
            (
                x.dossier_code,
                plain.name(x.name, NAME_MOST),
                plain.plain(x.unit),
                plain.short_level(x.level),
                plain.plain(x.defence_text),
                _("第{handover_no}批").format(handover_no=x.handover_no) if x.handover_no else "",
            )
            for x in g.lines
        ]
        for c, width in zip(columns, fit(columns, rows, ROOM), strict=True):
            t.add_column(c.label, width=width, no_wrap=True, overflow="ellipsis")
        for row in rows:
            t.add_row(*row)
        tables.append(t)
    left = [
        Text.assemble(
            _("未列入：{dossier_code} ").format(dossier_code=x.dossier_code),
            plain.name(x.name),
            _("（{reason}）").format(reason=_(x.reason)),
            style="yellow",
        )
        for x in r.left_out[:20]
    ]
    return Group(head, *tables, *left)


SUMMARY_WIDTH = 76  # the rows beside a scrollbar at 80 columns


def _summary_grid(*, header: bool) -> Table:
    """The summary's columns, at fixed widths so that the headers above the scrolling rows and
    the rows line up: each figure's column as wide as its header's longest word (a header of
    several words is stacked on lines of its own, "Not / handed / in"), the name's column the
    rest, at most 22."""
    t = Table(box=None, pad_edge=False, padding=(0, 1), show_header=header, header_style="bold")
    figures = [
        (_("通过"), 5),
        (_("受理"), 5),
        (_("退回"), 4),
        (_("未报送"), 6),
        (_("已缴费"), 6),
        (_("移交"), 4),
        (_("净收费"), 10),
    ]
    widths = [max(width, *(cell_len(word) for word in head.split())) for head, width in figures]
    gaps = 2 * len(figures)
    t.add_column(
        _("县市 / 单位"),
        width=max(10, min(22, SUMMARY_WIDTH - gaps - sum(widths))),
        overflow="fold",  # a long unit's name on two lines, not cut
    )
    for (head, _width), width in zip(figures, widths, strict=True):
        t.add_column(head, width=width, justify="right", overflow="fold")
    return t


def summary_heading(summary: Any) -> Group:
    """What stays above the summary's rows as they scroll: the title, the campaign's title on
    lines of its own (wrapped whole), and the column headers."""
    title = plain.plain(summary.campaign_title)
    title.end = "\n"  # plain text ends its line: else the headers ran on after it ("…评审  县")
    return Group(
        Text(_("本批次汇总（与网上通过形式审核名单核对）"), style="bold"),
        title,
        _summary_grid(header=True),
    )


def summary_table(summary: Any) -> Table:
    """The campaign to date against the online-approved counts, per county and unit (under
    ``summary_heading``'s column headers)."""
    t = _summary_grid(header=False)

    def row(label: str, f: Any, style: str | None = None) -> None:
        t.add_row(
            plain.plain(label),
            str(f.approved),
            str(f.accepted),
            str(f.returned),
            str(f.no_paper),
            str(f.paid),
            str(f.handed_over),
            Money(f.fee_net_fen).grouped(),
            style=style,
        )

    for county in summary.counties:
        row(county.county, county.figures, "bold")
        for unit in county.units:
            row("  " + unit.unit, unit.figures)
    row(_("合计"), summary.total, "bold")
    return t
