import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printers.layout import cells, clean, pad, paper_cells, wrap


def test_paper_widths() -> None:
    assert paper_cells(58) == 32
    assert paper_cells(80) == 48
    with pytest.raises(ValueError):
        paper_cells(76)


def test_cells_count_cjk_and_dot_as_two() -> None:
    assert cells("ZJ21F00042") == 10
    assert cells("阿依古丽·买买提") == 16
    assert cells("金额：￥380.00") == 2 * 4 + 6


def test_clean_normalises_yen_and_strips_invisible() -> None:
    assert clean("¥380") == "￥380"
    assert clean("\u202e王五\x07\u200b") == "王五"


def test_pad() -> None:
    assert pad("收据", 8, "right") == "    收据"
    assert pad("收据", 8, "center") == "  收据  "


def test_wrap_keeps_punctuation_off_the_line_start() -> None:
    lines = wrap("本单位已对提供的申报材料逐一审核，真实准确，同意推荐", 16)
    assert all(cells(line) <= 16 for line in lines)
    assert not any(line.startswith("，") for line in lines)
    assert "".join(lines) == "本单位已对提供的申报材料逐一审核，真实准确，同意推荐"


def test_wrap_breaks_ascii_at_spaces_and_splits_long_words() -> None:
    assert wrap("Bayingol Mongol Autonomous Prefecture", 16) == [
        "Bayingol Mongol",
        "Autonomous",
        "Prefecture",
    ]
    assert wrap("X" * 40, 16) == ["X" * 16, "X" * 16, "X" * 8]


NAMES = st.text(
    alphabet=st.sampled_from([*list("阿依古丽买买提·刘强䶮abcXYZ 0123（）：，。-."), "𠇔"]),
    max_size=40,
)


@settings(max_examples=300)
@given(NAMES, st.sampled_from([14, 16, 24, 32, 48]))
def test_no_line_exceeds_the_width_and_nothing_is_lost(text: str, width: int) -> None:
    lines = wrap(text, width)
    assert all(cells(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == clean(text).replace(" ", "")
