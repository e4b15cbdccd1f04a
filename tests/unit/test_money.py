from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.errors import InvalidInput
from models.money import Money


@pytest.mark.parametrize(
    ("text", "fen", "capitals"),
    [
        ("380", 38000, "叁佰捌拾元整"),
        ("220", 22000, "贰佰贰拾元整"),
        ("100", 10000, "壹佰元整"),
        ("400", 40000, "肆佰元整"),
        ("0.50", 50, "伍角"),
        ("1 520.50", 152050, "壹仟伍佰贰拾元伍角"),
        ("1,520.50", 152050, "壹仟伍佰贰拾元伍角"),
        ("１５２０．５", 152050, "壹仟伍佰贰拾元伍角"),
        ("￥380", 38000, "叁佰捌拾元整"),
        ("¥380元", 38000, "叁佰捌拾元整"),
        ("100.05", 10005, "壹佰元零伍分"),
        ("10", 1000, "壹拾元整"),
        ("10010", 1001000, "壹万零壹拾元整"),
        ("0", 0, "零元整"),
    ],
)
def test_parse_and_capitals(text: str, fen: int, capitals: str) -> None:
    m = Money.parse(text)
    assert m.fen == fen
    assert m.capitals() == capitals


def test_figures_and_grouping() -> None:
    assert Money(152050).figures() == "1520.50"
    assert Money(152050).grouped() == "1,520.50"
    assert Money(-50).figures() == "-0.50"
    assert str(Money(38000)) == "￥380.00"
    assert Money(-38000).capitals() == "负叁佰捌拾元整"


@pytest.mark.parametrize("bad", ["", "  ", "abc", "1.234", "1e3", "38O", "3..8", "--1", "1.2.3"])
def test_bad_amounts_are_refused_in_chinese(bad: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        Money.parse(bad)
    assert "金额" in exc.value.message


def test_money_is_never_a_float() -> None:
    with pytest.raises(TypeError):
        Money(3.8)  # type: ignore[arg-type]
    assert Money.parse(Decimal("380.5")).fen == 38050
    assert Money(38050).to_decimal() == Decimal("380.50")


def test_arithmetic() -> None:
    assert Money.yuan(380) + Money.yuan(220) == Money.yuan(600)
    assert Money.yuan(380) - Money(50) == Money(37950)
    assert -Money(1) == Money(-1)


@given(st.integers(min_value=-10**12, max_value=10**12))
def test_figures_round_trip(fen: int) -> None:
    assert Money.parse(Money(fen).figures()).fen == fen


@given(st.integers(min_value=0, max_value=10**11))
def test_capitals_always_end_properly(fen: int) -> None:
    text = Money(fen).capitals()
    assert text.endswith(("整", "角", "分"))
    assert not any(ch.isdigit() for ch in text)
