import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.errors import InvalidInput
from models.idcard import ResidentId, Sex, make_check_digit, mask_id

VALID = "11010519491231002X"  # GB 11643-1999's own example
VALID2 = "652801198705060017"


def test_make_check_digit_matches_the_standard_example() -> None:
    assert make_check_digit("11010519491231002") == "X"


def test_valid_id_and_what_it_encodes() -> None:
    rid = ResidentId.parse(VALID)
    assert rid.number == VALID
    assert rid.birth_date == dt.date(1949, 12, 31)
    assert rid.sex is Sex.female  # 17th digit 2: even
    assert rid.masked() == "110105********002X"
    assert rid.last6 == "31002X"


def test_valid2() -> None:
    first17 = VALID2[:17]
    number = first17 + make_check_digit(first17)
    rid = ResidentId.parse(number)
    assert rid.sex is Sex.male
    assert rid.area_code == "652801"
    assert rid.masked() == "652801********" + number[-4:]


def test_lower_case_x_is_accepted() -> None:
    assert ResidentId.parse(VALID.lower()).number == VALID


def test_full_width_digits_spaces_and_apostrophe_are_cleaned() -> None:
    full = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else "ｘ" for c in VALID)
    assert ResidentId.parse(full).number == VALID
    assert ResidentId.parse("'" + VALID).number == VALID
    assert ResidentId.parse(" 110105 19491231 002X\u3000").number == VALID


def test_bad_check_digit_names_the_right_one() -> None:
    with pytest.raises(InvalidInput) as exc:
        ResidentId.parse("110105194912310021")
    assert exc.value.code == "id.bad_check_digit"
    assert "应为 X" in exc.value.message


def test_fifteen_digit_ids_are_refused_with_an_explanation() -> None:
    with pytest.raises(InvalidInput) as exc:
        ResidentId.parse("110105491231002")
    assert exc.value.code == "id.legacy_15"
    assert "15 位" in exc.value.message


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "id.empty"),
        ("   ", "id.empty"),
        ("6.54221199804186e+17", "id.excel_float"),
        ("65422119980418", "id.too_short"),
        ("1101051949123100201", "id.too_long"),
        ("11010519491231002Y", "id.bad_chars"),
        ("110105194913310025", "id.bad_birth_date"),
    ],
)
def test_bad_ids(text: str, code: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        ResidentId.parse(text)
    assert exc.value.code == code
    assert exc.value.message  # a Chinese sentence for the desk


def test_a_float_from_excel_is_explained() -> None:
    with pytest.raises(InvalidInput) as exc:
        ResidentId.parse(6.54221199804186e17)
    assert exc.value.code == "id.excel_float"
    assert "科学计数法" in exc.value.message


def test_mask_short_values() -> None:
    assert mask_id("1234") == "****"


@given(st.text(max_size=40))
def test_any_text_either_parses_or_gives_a_domain_error(text: str) -> None:
    try:
        rid = ResidentId.parse(text)
    except InvalidInput as exc:
        assert exc.code.startswith("id.")
    else:
        assert len(rid.number) == 18


# ---- fuzzed (issue 8): hostile text, mutated valid numbers, what spreadsheets deliver --------
from hypothesis import example, settings  # noqa: E402

from models.errors import DomainError  # noqa: E402
from tests.fuzz.support import NASTY, assert_clear, hostile_text, tried  # noqa: E402


def _outcome(value: object) -> ResidentId | None:
    """Parse; a refusal must be a clear Chinese error (short, nothing invisible quoted)."""
    try:
        rid = ResidentId.parse(value)
    except DomainError as exc:
        assert_clear(exc)
        assert exc.code.startswith("id.")
        return None
    # whatever was accepted is a real number: ASCII, 18 characters, its own check digit
    assert rid.number.isascii() and len(rid.number) == 18
    assert make_check_digit(rid.number[:17]) == rid.number[17]
    return rid


@settings(max_examples=400)
@given(hostile_text(60))
@example("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X")  # Arabic-Indic digits were accepted and stored as such
@example("\x00" * 18)
@example("\u202e" + VALID)
def test_hostile_text_parses_to_an_ascii_id_or_a_clear_error(text: str) -> None:
    tried("idcard.hostile_text")
    _outcome(text)


_DATES = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2010, 12, 31))


@st.composite
def _mutated_ids(draw: st.DrawFn) -> tuple[str, str]:
    """A valid number and one typist's or spreadsheet's mutation of it."""
    area = draw(st.sampled_from(["652801", "652822", "110105", "654002"]))
    first17 = area + draw(_DATES).strftime("%Y%m%d") + f"{draw(st.integers(0, 999)):03d}"
    number = first17 + make_check_digit(first17)
    chars = list(number)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(chars) - 1))
        how = draw(st.sampled_from(["replace", "insert", "delete", "swap", "script", "wide"]))
        if how == "replace":
            chars[i] = draw(st.one_of(st.sampled_from(NASTY), st.characters()))
        elif how == "insert":
            chars.insert(i, draw(st.sampled_from(NASTY)))
        elif how == "delete" and len(chars) > 1:
            del chars[i]
        elif how == "swap" and i + 1 < len(chars):
            chars[i], chars[i + 1] = chars[i + 1], chars[i]
        elif how == "script" and chars[i].isdigit():  # the same digit in another script
            chars[i] = chr(draw(st.sampled_from([0x0660, 0x06F0, 0x0966, 0xFF10])) + int(chars[i]))
        elif how == "wide" and chars[i].isascii():
            chars[i] = chr(ord(chars[i]) + 0xFEE0) if chars[i].isalnum() else chars[i]
    return number, "".join(chars)


@settings(max_examples=400)
@given(_mutated_ids())
def test_a_mutated_number_is_either_the_same_person_or_a_clear_error(case: tuple[str, str]) -> None:
    tried("idcard.mutated_valid")
    number, typed = case
    rid = _outcome(typed)
    if rid is not None and rid.number != number:
        # a different valid number: only a transposition can pass MOD 11-2 by chance
        assert sorted(rid.number) == sorted(number) or len(set(rid.number) ^ set(number)) <= 2


@settings(max_examples=200)
@given(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.binary(max_size=30),
        st.decimals(allow_nan=True),
        st.lists(st.integers(), max_size=3),
    )
)
@example(10**5000)  # str() of it raised ValueError
@example(652801198705060017)
def test_what_a_spreadsheet_cell_may_hold_is_parsed_or_refused(value: object) -> None:
    tried("idcard.cell_values")
    _outcome(value)


def test_every_id_number_in_a_text_is_masked() -> None:
    """A bank memo (附言) as typed: ASCII, full-width, spaced, a lower-case x; neighbouring
    digits of a longer number (a bank card's 19) are not an ID."""
    from models.idcard import mask_ids_in

    assert mask_ids_in(f"代缴评审费 {VALID2}，张伟") == "代缴评审费 652801********0017，张伟"
    assert mask_ids_in("11010519491231002x评审费") == "110105********002X评审费"
    assert mask_ids_in("６５２８０１１９８７０５０６００１７") == "652801********0017"
    assert mask_ids_in("6528 0119 8705 0600 17 王芳") == "652801********0017 王芳"
    assert mask_ids_in(f"{VALID2}/{VALID}") == "652801********0017/110105********002X"
    for kept in (
        "6228480012345678901",
        "6228 4800 1234 5678 901",
        "ZJ21S00003 评审费",
        "12345678901234567",
        "",
    ):
        assert mask_ids_in(kept) == kept
