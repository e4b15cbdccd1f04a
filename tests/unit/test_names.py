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
