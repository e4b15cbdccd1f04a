"""Campaign files: the shipped presets parse; a malformed file names the file, line and problem."""

import datetime as dt

import pytest

from models.campaign_spec import parse_campaign
from models.errors import PresetError
from models.presets import preset_files
from models.services.campaigns import read_preset

BASE = read_preset("000")[1]


def test_four_presets_ship_one_per_notice() -> None:
    names = [p.name for p in preset_files()]
    assert [n[:3] for n in names] == ["000", "001", "002", "003"]


@pytest.mark.parametrize("preset", ["000", "001", "002", "003"])
def test_each_preset_parses_and_every_rule_names_its_clause(preset: str) -> None:
    filename, text = read_preset(preset)
    spec = parse_campaign(text, filename)
    assert spec.notice == preset
    assert all(f.clause for f in spec.fees)
    assert all(w.clause for w in spec.windows)
    assert all(i.clause for i in spec.checklist)
    assert spec.contacts, "contacts from the notice"


def test_prefixes_are_unique_across_presets() -> None:
    prefixes = []
    for p in preset_files():
        spec = parse_campaign(p.read_text(encoding="utf-8"), p.name)
        prefixes += [spec.dossier_prefix, spec.receipt_prefix, spec.notice_prefix]
    assert len(prefixes) == len(set(prefixes))


def test_bohu_window_has_hours_in_beijing_time() -> None:
    spec = parse_campaign(read_preset("003")[1], "003")
    w = spec.windows[0]
    assert w.starts_at == dt.datetime(2024, 10, 24, 2, 0, tzinfo=dt.UTC)  # 10:00 +08:00
    assert w.ends_at == dt.datetime(2024, 10, 31, 10, 0, tzinfo=dt.UTC)  # 18:00 +08:00


def test_a_date_only_window_includes_its_last_day() -> None:
    spec = parse_campaign(BASE, "000")
    w = spec.windows[0]
    assert w.starts_at == dt.datetime(2021, 9, 24, 16, 0, tzinfo=dt.UTC)  # 09-25 00:00 +08
    assert w.ends_at == dt.datetime(2021, 10, 10, 16, 0, tzinfo=dt.UTC)  # 10-11 00:00 +08


def test_tacheng_has_a_window_per_series() -> None:
    spec = parse_campaign(read_preset("001")[1], "001")
    series = {w.series for w in spec.windows}
    assert {"技工院校", "艺术", "工程", "农业"} <= series


def _error(text: str) -> PresetError:
    with pytest.raises(PresetError) as exc:
        parse_campaign(text, "next-year.toml")
    return exc.value


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_toml_syntax_error_names_file_and_line() -> None:
    broken = BASE.replace('room = "529办公室"', 'room = "529办公室')
    err = _error(broken)
    assert "next-year.toml" in err.message
    assert f"第 {_line_of(broken, 'room = ')} 行" in err.message
    assert err.detail["line"] == _line_of(broken, "room = ")


def test_unknown_key_in_a_fee_row_names_its_line() -> None:
    broken = BASE.replace('yuan = 380\nclause = "五、9"', 'yuan = 380\ncluase = "五、9"')
    err = _error(broken)
    assert "cluase" in err.message
    assert f"第 {_line_of(broken, 'cluase')} 行" in err.message


def test_float_fee_is_refused() -> None:
    broken = BASE.replace("yuan = 220", "yuan = 220.5")
    err = _error(broken)
    assert f"第 {_line_of(broken, 'yuan = 220.5')} 行" in err.message
    assert "浮点" in err.message


def test_fee_without_amount_or_unknown_is_refused() -> None:
    broken = BASE.replace("yuan = 220\n", "")
    err = _error(broken)
    assert "unknown = true" in err.message


def test_unknown_track_is_named() -> None:
    broken = BASE.replace('track = "授予"', 'track = "特评"')
    err = _error(broken)
    assert "特评" in err.message
    assert f"第 {_line_of(broken, '特评')}" in err.message or "第" in err.message


def test_bad_prefix_and_clashing_prefixes() -> None:
    err = _error(BASE.replace('dossier = "ZJ21S"', 'dossier = "zj"'))
    assert "前缀" in err.message
    err = _error(BASE.replace('receipt = "ZJ21F"', 'receipt = "ZJ21S"'))
    assert "互不相同" in err.message


def test_window_end_before_start() -> None:
    err = _error(BASE.replace("end = 2021-10-10", "end = 2021-09-01"))
    assert "结束时间早于开始时间" in err.message


def test_missing_required_key() -> None:
    err = _error(
        BASE.replace(
            'committee = "巴州中职、技工类院校教师系列中、初级专业技术人员职务任职资格评审委员会"\n',
            "",
        )
    )
    assert "committee" in err.message


def test_unknown_condition_in_checklist() -> None:
    broken = BASE.replace('when = ["has_papers"]', 'when = ["has_poems"]')
    err = _error(broken)
    assert f"第 {_line_of(broken, 'has_poems')} 行" in err.message
