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
