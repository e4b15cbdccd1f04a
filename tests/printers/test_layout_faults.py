"""Layout faults found on paper previews (issue 23, item 6), each pinned by a test that failed
before its fix: the amount in capitals split across lines, a line starting with ``”，``, the
materials slip's ``份数`` heading wrapping at 58 mm, money not aligned on the decimal point, and
the day tally (Z report) without its total rows and signature lines."""

from __future__ import annotations

import re

import pytest

from printers.document import Document, Rows, Table, layout
from printers.layout import NO_START, cells, paper_cells, wrap
from printers.preview import render_text
from printers.samples import sample_document

WIDTHS = (58, 80)
CAPITALS = "（叁佰捌拾元整）"


def _text(kind: str, width: int) -> list[str]:
    return render_text(layout(sample_document(kind, width), width)).splitlines()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["void", "acceptance"])
def test_the_amount_in_capitals_is_never_split(kind: str, width: int) -> None:
    lines = _text(kind, width)
    assert any(CAPITALS in line for line in lines), "\n".join(lines)


def test_capitals_move_whole_to_the_next_line_and_nothing_is_lost() -> None:
    text = "应缴评审费：￥1,234.56（壹仟贰佰叁拾肆元伍角陆分）"
    lines = wrap(text, 32)
    assert lines == ["应缴评审费：￥1,234.56", "（壹仟贰佰叁拾肆元伍角陆分）"]
    assert wrap("大写：人民币叁佰捌拾元整", 20) == ["大写：", "人民币叁佰捌拾元整"]


def test_a_run_of_closing_marks_never_starts_a_line() -> None:
    # "一二三四五六七”" fills 16 cells exactly; "，" does not fit after it: the old rule carried
    # back only the "”", and the next line began "”，".
    lines = wrap("一二三四五六七”，八九十", 16)
    assert lines == ["一二三四五六", "七”，八九十"]


@pytest.mark.parametrize("width", [10, 12, 14, 16, 18, 20, 24])
def test_no_line_starts_with_closing_punctuation(width: int) -> None:
    text = "已盖章签署“已审核，与原件相符”，未加盖单位公章（原件）。学历证书（复印件）》，。完"
    lines = wrap(text, width)
    assert "".join(lines) == text
    assert all(cells(line) <= width for line in lines)
    assert not any(line[0] in NO_START for line in lines[1:] if line), lines


def test_an_ascii_word_is_not_split_to_carry_punctuation() -> None:
    # "一二三四 ABC" fills 12 cells; the old rule carried back the "C" alone: "AB" / "C，六"
    assert wrap("一二三四 ABC，六", 12) == ["一二三四", "ABC，六"]


@pytest.mark.parametrize("width", WIDTHS)
def test_materials_headings_do_not_wrap(width: int) -> None:
    lines = _text("materials", width)
    heading = next(i for i, line in enumerate(lines) if line.lstrip().startswith("序"))
    assert "份数" in lines[heading] and "备注" in lines[heading], lines[heading : heading + 2]
    assert set(lines[heading + 1]) == {"-"}


def test_table_headings_never_wrap_in_narrow_columns() -> None:
    t = Table(("序", "材料名称", "份数", "备注"), (("1", "评审表", "2", ""),), widths=(1, 30, 1, 1))
    lines = render_text(layout(Document("materials", [t]), 58)).splitlines()
    assert lines[0].split() == ["序", "材料名称", "份数", "备注"], lines
    assert lines[2].split() == ["1", "评审表", "2"], lines


_MONEY = re.compile(r"-?[0-9][0-9,]*\.[0-9]{2}(?![0-9])")


def _points(lines: list[str]) -> list[int]:
    """The display column of every money value's decimal point."""
    out = []
    for line in lines:
        for m in _MONEY.finditer(line):
            dot = m.group().index(".") + m.start()
            out.append(cells(line[:dot]))
    return out


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("kind", ["receipt", "refund", "tally"])
def test_money_is_aligned_on_the_decimal_point(kind: str, width: int) -> None:
    lines = [line for line in _text(kind, width) if "元" not in line]  # capitals: words
    points = _points(lines)
    assert len(points) >= 3, lines
    assert len(set(points)) == 1, "\n".join(line for line in lines if _MONEY.search(line))


def test_rows_right_align_money_and_leave_words_alone() -> None:
    doc = Document("receipt", [Rows((("金额", "￥380.00"), ("找零", "￥20.00"), ("方式", "现金")))])
    lines = render_text(layout(doc, 58)).splitlines()
    assert lines == [
        "金额：" + " " * 18 + "￥380.00",
        "找零：" + " " * 19 + "￥20.00",
        "方式：现金",
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_day_tally_has_totals_and_signature_lines(width: int) -> None:
    lines = _text("tally", width)
    totals = [line.split() for line in lines if line.startswith("合计")]
    # by method 22 payments 7,160.00; by track and level the same; voids 1 380.00
    assert ["合计", "22", "7,160.00"] in totals
    assert totals.count(["合计", "22", "7,160.00"]) == 2
    assert ["合计", "1", "380.00"] in totals
    at = [
        next(i for i, line in enumerate(lines) if line.startswith(f"{who}（签字）："))
        for who in SIGNERS
    ]
    assert at == sorted(at), "清点人, 复核人, 负责人 in that order"
    for i in at:
        assert lines[i].endswith("_" * 8) and cells(lines[i]) == paper_cells(width), lines[i]
        assert lines[i - 1] == "", f"no room to sign above {lines[i]!r}"


SIGNERS = ("清点人", "复核人", "负责人")
