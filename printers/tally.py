"""The day tally (Z report) and the printer test page."""

from __future__ import annotations

from models.money import Money
from printers.data import TallyData, local
from printers.document import (
    QR,
    Barcode,
    Cut,
    Document,
    Rows,
    Rule,
    Ruler,
    Signature,
    Table,
    Text,
    Title,
)

# Who signs the day's tally, in the order they sign: counts the cash, checks the count, answers.
SIGNERS = ("清点人", "复核人", "负责人")


def day_tally(d: TallyData) -> Document:
    doc = Document("tally")
    doc.add(
        Text(d.office.committee, align="center"),
        Title("日结报表" if d.closed else "日结报表（未结）"),
        Text(f"{d.business_date:%Y-%m-%d}  {d.desk or '全办公室'}", align="center"),
        Rule(),
    )
    visits = (("报送", f"{d.visits} 次"),) if d.visits else ()
    doc.add(
        Rows(
            (
                *visits,
                ("受理", f"{d.dossiers_accepted} 份"),
                ("退回补正", f"{d.dossiers_returned} 份"),
                ("收据号", d.receipt_range or "无"),
                ("断号检查", d.gaps),
            )
        ),
        Rule(),
    )

    def table(title: str, lines: tuple) -> None:  # type: ignore[type-arg]
        total = sum((x.amount for x in lines), Money(0))
        rows = [(x.label, str(x.count), x.amount.grouped()) for x in lines]
        rows.append(("合计", str(sum(x.count for x in lines)), total.grouped()))
        doc.add(Text(title, bold=True))
        doc.add(
            Table(
                ("项目", "笔数", "金额"),
                tuple(rows),
                widths=(6, 2, 4),
                aligns=("left", "right", "right"),
            )
        )

    table("按缴费方式", d.by_method)
    table("按申报类型与级别", d.by_fee)
    if d.by_cashier:
        table("按收费员", d.by_cashier)
    if d.voids:
        table("作废与退费", d.voids)
    doc.add(Rule())
    cash = [("应有现金", f"￥{d.cash_expected.grouped()}")]
    if d.cash_counted is not None:
        diff = d.cash_counted - d.cash_expected
        cash += [("清点现金", f"￥{d.cash_counted.grouped()}"), ("差额", f"￥{diff.grouped()}")]
    doc.add(Rows(tuple(cash)))
    if d.pieces:
        doc.add(Text("现金清点", bold=True))
        doc.add(
            Table(
                ("面额", "张数"),
                tuple((label, str(n)) for label, n in d.pieces),
                widths=(6, 6),
                aligns=("left", "right"),
            )
        )
    if d.checks:
        doc.add(Text("应有与清点", bold=True))
        doc.add(
            Table(
                ("方式", "应有", "清点"),
                tuple((m, e.grouped(), c.grouped()) for m, e, c in d.checks),
                widths=(4, 4, 4),
                aligns=("left", "right", "right"),
            )
        )
    if d.note:
        doc.add(Text(f"说明：{d.note}"))
    doc.add(
        Rule(), Rows((("负责人", d.lead), ("打印时间", local(d.printed_at, d.office.timezone))))
    )
    if d.close_code:  # filed with the day: desk audit verify lists the same code
        doc.add(Rows((("日结校验码", d.close_code),)))
    doc.add(*(Signature(f"{who}（签字）：") for who in SIGNERS), Cut())
    return doc


def test_page(width_mm: int, encoding: str, printer: str = "") -> Document:
    """The printer test page. Its rulers are laid out for the printer's configured paper (cells
    and dots: an office sees whether its printer holds them); its GB18030 line holds characters
    outside GBK's two-byte range, printed by the printer's font only with
    ``gb18030_four_byte = true`` (else as a raster line)."""
    doc = Document("test")
    doc.add(
        Title("打印测试页"),
        Text(f"{printer} {width_mm}mm {encoding}".strip(), align="center"),
        Rule(),
        Ruler("每行 {cells} 格，{dots} 点", "中"),
        Text("末位数字与标尺末端竖线都应印全。"),
        Rule(),
    )
    doc.add(
        Text("标点：，。、；：？！（）《》“”￥①"),
        Text("姓名：阿依古丽·买买提  刘强"),
        Text("金额：￥380.00 叁佰捌拾元整"),
        Text("GBK 以外：刘䶮 𠮷"),
        Text("上行缺字或乱码时设："),
        Text("gb18030_four_byte = false"),
        Text("放大", scale=2, align="center"),
        Rule("="),
    )
    doc.add(
        Text("条码（Code128）：", bold=True),
        Barcode("ZJ21F00042"),
        Text("二维码：", bold=True),
        QR("https://www.xjzcsq.com/"),
        Cut(),
    )
    return doc
