import pytest

from models.names import display_name, name_key, pinyin_keys

VARIANTS = [
    "阿依古丽·买买提",  # U+00B7
    "阿依古丽•买买提",  # U+2022 bullet
    "阿依古丽・买买提",  # U+30FB katakana middle dot
    "阿依古丽.买买提",
    "阿依古丽‧买买提",  # U+2027 hyphenation point
    "阿依古丽．买买提",  # full-width full stop
    "阿依古丽 · 买买提",
    "阿依古丽买买提",
    " 阿依古丽·买买提\u3000",
]


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_dot_variant_meets_on_one_key(variant: str) -> None:
    assert name_key(variant) == name_key(VARIANTS[0]) == "阿依古丽买买提"


@pytest.mark.parametrize("variant", VARIANTS[:-2])
def test_display_uses_the_canonical_dot(variant: str) -> None:
    assert display_name(variant) == "阿依古丽·买买提"


def test_pinyin_full_and_initials() -> None:
    keys = pinyin_keys("阿依古丽·买买提")
    assert keys.full == "ayigulimaimaiti"
    assert keys.initials == "ayglmmt"
    assert pinyin_keys("刘强").initials == "lq"


def test_rare_characters_outside_gbk_are_kept_and_have_pinyin() -> None:
    assert display_name("刘䶮") == "刘䶮"
    assert pinyin_keys("刘䶮").full == "liuyan"


def test_spaces_inside_chinese_names_are_noise_but_latin_names_keep_one() -> None:
    assert display_name("张 三") == "张三"
    assert display_name("姓\u3000名") == "姓名"
    assert display_name("John   Smith") == "John Smith"


def test_control_and_bidi_characters_are_removed() -> None:
    assert display_name("\u202e王五\x07\u200b") == "王五"


def test_full_width_latin_is_folded() -> None:
    assert name_key("ＡＢＣ") == name_key("abc")


# ---- hostile names (issue 8): one sanitising rule for screen and paper ------------------------
import unicodedata  # noqa: E402

from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from models.names import NAME_CELLS, fit_name  # noqa: E402
from models.text import cells, ellipsize, one_line, strip_invisible, visible  # noqa: E402
from tests.fuzz.support import hostile_text, tried  # noqa: E402

_HIDDEN = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def _nothing_hidden(text: str) -> bool:
    return not any(unicodedata.category(ch) in _HIDDEN for ch in text)


@settings(max_examples=300)
@given(hostile_text(1200))
@example("阿" * 1000)
@example("\U0010ffff")
@example("王\u202e五六\u202c")
def test_keys_and_pinyin_of_any_text_never_raise(text: str) -> None:
    tried("names.keys_any_text")
    shown = display_name(text)
    assert _nothing_hidden(shown)
    assert display_name(shown) == shown  # stored names give the same key when typed back
    assert name_key(text) == name_key(shown)
    keys = pinyin_keys(text)
    assert len(keys.initials) <= len(keys.full)


@settings(max_examples=300)
@given(hostile_text(1200), st.integers(min_value=1, max_value=120))
@example("王\u202e五六", NAME_CELLS)
@example("John\x00Smith\x1b[31m", NAME_CELLS)
def test_fit_name_is_one_visible_line_within_the_width(text: str, width: int) -> None:
    tried("names.fit_name")
    shown = fit_name(text, width)
    assert cells(shown) <= width
    assert _nothing_hidden(shown) and "\n" not in shown
    assert not any(unicodedata.combining(ch) for ch in shown)
    full = one_line(text)
    assert (
        shown == full
        or (shown == "" and width < cells("…"))
        or (shown.endswith("…") and full.startswith(shown[:-1].rstrip()))
    )
    assert fit_name(shown, width) == shown  # a second pass changes nothing


def test_what_sanitising_means() -> None:
    # controls and line separators are a space, bidi and zero-width characters go, order kept
    assert fit_name("王\u202e五六\u202c") == "王五六"
    assert fit_name("John\tSmith\u2028Jr\x00.") == "John Smith Jr."
    assert fit_name("阿依古丽\u200b·\u200f买买提") == "阿依古丽·买买提"
    assert fit_name("\x1b[31m刘强\x07") == "[31m刘强"  # ESC gone: the rest is plain text
    # a long name is cut at NAME_CELLS with an ellipsis (paper's count: CJK = 2 cells)
    long = fit_name("阿" * 1000)
    assert long == "阿" * 29 + "…" and cells(long) == NAME_CELLS
    assert fit_name("A" * 1000) == "A" * 58 + "…"
    assert ellipsize("刘强", 1) == ""
    # a rare character outside GBK is a character, not noise
    assert fit_name("刘䶮") == "刘䶮" and visible("𠇔") == "𠇔"
    assert strip_invisible("a\nb", newlines=True) == "a\nb"
