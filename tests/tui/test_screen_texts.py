"""The screens' texts and tables are plain functions of the services' data: tested here without
an app, a screen or a database."""

from __future__ import annotations

from models.money import Money
from tui.screens.fees.fee_text import change_text, confirmation_key
from tui.screens.intake.card_text import NO, UNJUDGED, YES, conditions_line, mark
from tui.screens.tally.tables import comparison, money


def test_the_change_or_what_is_short() -> None:
    due = Money.parse("260")
    assert change_text(Money.parse("300"), due).plain == "找零 40.00 元"
    short = change_text(Money.parse("200"), due)
    assert short.plain == "少 60.00 元" and "red" in str(short.style)


def test_a_confirmation_key_is_one_per_opened_fee_and_fits_64() -> None:
    a, b = confirmation_key("窗口" * 20), confirmation_key("窗口" * 20)
    assert a != b and a[:8] == b[:8] and len(a) <= 64


def test_a_checklist_mark() -> None:
    assert mark(True, True).plain == YES and mark(False, True).plain == NO
    assert mark(None, True).plain == UNJUDGED and mark(True, False).plain == ""


def test_the_conditions_line_says_when_there_is_none_to_choose() -> None:
    assert conditions_line(set(), False) == "适用条件（C）：无（本类别没有可选条件）"


def test_amounts_grouped_and_the_difference_column() -> None:
    assert money(123456) == "1,234.56"
    table = comparison({"cash": 10000}, {"cash": 9000})
    assert [c.header for c in table.columns] == ["方式", "应有", "清点", "差额"]
    assert table.row_count == 4  # every payment method, counted or not
