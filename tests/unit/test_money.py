from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.errors import InvalidInput
from models.money import MAX_YUAN, Money


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
        Money(3.8)  # type: ignore[arg-type]  # a float on purpose: refused at run time
    assert Money.parse(Decimal("380.5")).fen == 38050
    assert Money(38050).to_decimal() == Decimal("380.50")


def test_arithmetic() -> None:
    assert Money.yuan(380) + Money.yuan(220) == Money.yuan(600)
    assert Money.yuan(380) - Money(50) == Money(37950)
    assert -Money(1) == Money(-1)


@given(st.integers(min_value=-MAX_YUAN * 100, max_value=MAX_YUAN * 100))
def test_figures_round_trip(fen: int) -> None:
    assert Money.parse(Money(fen).figures()).fen == fen


@given(st.integers(min_value=0, max_value=10**11))
def test_capitals_always_end_properly(fen: int) -> None:
    text = Money(fen).capitals()
    assert text.endswith(("整", "角", "分"))
    assert not any(ch.isdigit() for ch in text)


# ---- fuzzed (issue 8): whatever is typed is an amount within bounds or a clear error ---------
from hypothesis import example, settings  # noqa: E402

from models.errors import DomainError  # noqa: E402
from tests.fuzz.support import assert_clear, hostile_text, tried  # noqa: E402


def _parsed(value: object) -> Money | None:
    try:
        m = Money.parse(value)  # type: ignore[arg-type]  # any value a file may hold, on purpose
    except DomainError as exc:
        assert_clear(exc)
        assert exc.code.startswith("money.")
        return None
    assert abs(m.fen) <= MAX_YUAN * 100
    assert Money.parse(m.figures()) == m  # what is shown parses back to the same amount
    return m


@settings(max_examples=400)
@given(hostile_text(40))
@example("9" * 5000)  # int() refused it with ValueError (more than 4 300 digits)
@example("99999999999999999999")  # a Money no column can hold
@example("1\n")
def test_any_typed_text_is_an_amount_or_a_clear_error(text: str) -> None:
    tried("money.hostile_text")
    _parsed(text)


_DIGITS = st.sampled_from([*"0123456789", "０", "٣", "३", "፩", "²"])
_NUMBERISH = st.tuples(
    st.sampled_from(["", "-", "+", "￥", "¥", " "]),
    st.lists(_DIGITS, min_size=0, max_size=30).map("".join),
    st.sampled_from(["", ".", "．", ","]),
    st.lists(_DIGITS, max_size=4).map("".join),
    st.sampled_from(["", "元", " 元", "e3", "%"]),
).map("".join)


@settings(max_examples=400)
@given(_NUMBERISH)
def test_number_like_text_is_an_amount_or_a_clear_error(text: str) -> None:
    tried("money.number_like")
    _parsed(text)


@settings(max_examples=200)
@given(
    st.one_of(
        st.integers(),
        st.integers(min_value=-(10**5000), max_value=10**5000),
        st.decimals(allow_nan=True, allow_infinity=True),
        st.booleans(),
    )
)
def test_ints_and_decimals_are_amounts_or_clear_errors(value: object) -> None:
    tried("money.int_decimal")
    _parsed(value)


def test_an_amount_beyond_the_limit_is_refused() -> None:
    assert Money.parse(str(MAX_YUAN)).fen == MAX_YUAN * 100
    for text in (str(MAX_YUAN + 1), "9" * 5000, MAX_YUAN + 1, -(10**5000)):
        with pytest.raises(InvalidInput) as exc:
            Money.parse(text)
        assert exc.value.code == "money.too_large" and "过大" in exc.value.message
