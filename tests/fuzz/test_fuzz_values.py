"""Fuzzed values typed at the fee desk and the day close: payment references, fiscal receipt
numbers, payment methods, counted cash (the screen's pieces per denomination and the command
line's ``100x3,50x1``). Each either gives a value that obeys its rule or a clear Chinese
DomainError; nothing else ever escapes."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from models.errors import DomainError
from models.money import MAX_YUAN
from models.services.payments import _clean_fiscal, clean_reference, parse_method
from models.services.tally import MAX_PIECES, parse_count
from models.vocab import DENOMINATIONS, PaymentMethod
from tests.fuzz.support import NASTY, assert_clear, hostile_text, tried
from tui.cli.tally import parse_pieces

_REFERENCE = re.compile(r"[0-9A-Za-z\-_/]{4,64}")
_FISCAL = re.compile(r"[0-9A-Za-z\-]{4,40}")


def _refusal(exc: DomainError) -> None:
    assert_clear(exc)  # what was typed is quoted cleaned and shortened


@settings(max_examples=300)
@given(st.sampled_from(list(PaymentMethod)), hostile_text(80))
@example(PaymentMethod.card, "ＡＢＣＤ１２３４")
@example(PaymentMethod.qr, "4200001234\x00")
def test_payment_reference_is_clean_or_refused(method: PaymentMethod, text: str) -> None:
    tried("payments.clean_reference")
    try:
        ref = clean_reference(method, text)
    except DomainError as exc:
        _refusal(exc)
        assert exc.code.startswith("payment.")
        return
    assert ref == "" if method == PaymentMethod.cash else _REFERENCE.fullmatch(ref)


@settings(max_examples=300)
@given(hostile_text(60))
def test_fiscal_receipt_number_is_clean_or_refused(text: str) -> None:
    tried("payments.clean_fiscal")
    try:
        no = _clean_fiscal(text)
    except DomainError as exc:
        _refusal(exc)
        assert exc.code == "payment.bad_fiscal_no"
        return
    assert no == "" or _FISCAL.fullmatch(no)


@settings(max_examples=200)
@given(st.one_of(hostile_text(20), st.sampled_from(["现金", "1", "POS", " 扫码 ", "微信"])))
def test_payment_method_is_known_or_refused(text: str) -> None:
    tried("payments.parse_method")
    try:
        method = parse_method(text)
    except DomainError as exc:
        _refusal(exc)
        return
    assert method in PaymentMethod


# ---- counted cash -----------------------------------------------------------------------------
_PIECES = st.one_of(
    st.integers(min_value=-5, max_value=MAX_PIECES + 5),
    st.integers(),
    st.integers(min_value=10**4300, max_value=10**4400),  # str() refuses them
    hostile_text(12),
    st.sampled_from(["３", " 1 ", "፩", "²", "9" * 5000, "", "1e3", "0x10"]),
)


@settings(max_examples=300)
@given(
    st.dictionaries(
        st.one_of(st.sampled_from(DENOMINATIONS), st.integers(-10, 20_000)), _PIECES, max_size=10
    ),
    st.dictionaries(
        st.one_of(st.sampled_from([m.value for m in PaymentMethod]), hostile_text(8)),
        st.one_of(hostile_text(16), st.sampled_from(["9" * 5000, "380", "-1", ""])),
        max_size=4,
    ),
)
@example({10000: "፩"}, {})  # isdigit() but not int(): ValueError
@example({10000: "9" * 5000}, {})  # int() refuses 4 300+ digits: ValueError
@example({}, {"bogus": "1"})  # PaymentMethod("bogus"): ValueError
@example({10000: 1, "x": 1}, {})  # sorted() of mixed keys: TypeError
@example({10000: 10**5000, 10**5000: 1}, {})  # str() of them: ValueError
def test_counted_cash_is_a_count_or_a_clear_error(
    cash: dict[Any, Any], others: dict[Any, Any]
) -> None:
    tried("tally.parse_count")
    try:
        count = parse_count(cash, others)
    except DomainError as exc:
        assert_clear(exc)
        return
    assert set(count.cash) == set(DENOMINATIONS)
    assert all(0 <= n <= MAX_PIECES for n in count.cash.values())
    assert all(0 <= m.fen <= MAX_YUAN * 100 for m in count.others.values())


_PIECE_TEXT = st.lists(
    st.tuples(
        st.one_of(
            st.sampled_from(
                [
                    "100",
                    "50",
                    "20",
                    "10",
                    "5",
                    "1",
                    "0.5",
                    "0.1",
                    "5角",
                    "1元",
                    "2",
                    "0.05",
                    "９" * 400,
                    "9" * 400,
                    "100.000",
                ]
            ),
            hostile_text(6),
        ),
        st.sampled_from(["x", "×", "*", "＊", ":", "：", "X", ""]),
        st.one_of(
            st.integers(0, 10**7).map(str),
            st.sampled_from(["9" * 5000, "٣", "-1", ""]),
            hostile_text(4),
        ),
    ).map("".join),
    max_size=6,
).flatmap(
    lambda parts: st.sampled_from([",", "，", ";", " ", "、"]).map(lambda sep: sep.join(parts))
)


@settings(max_examples=300)
@given(st.one_of(_PIECE_TEXT, hostile_text(40)))
@example("9" * 400 + "x1")  # float("99…9") is inf: round(inf) raised OverflowError
@example("100x" + "9" * 5000)  # int() refuses 4 300+ digits: ValueError
@example("0.499x1")  # round(49.9) == 50 took it for 5 角
def test_command_line_pieces_are_pieces_or_a_clear_error(text: str) -> None:
    tried("cli_tally.parse_pieces")
    try:
        pieces = parse_pieces(text)
    except DomainError as exc:
        assert_clear(exc)
        return
    assert set(pieces) <= set(DENOMINATIONS)
    try:  # what the command line goes on to do with them
        parse_count(pieces)
    except DomainError as exc:
        assert_clear(exc)


def test_the_nasty_characters_are_characters() -> None:
    assert all(isinstance(c, str) and c for c in NASTY)
