"""Campaign files fuzzed: the shipped presets with a line dropped or duplicated, a value replaced
by one of another type or a random one (dates at the ends of the calendar, 64-bit integers,
control characters, long texts), random bytes and random text. ``parse_campaign`` gives a spec
or a PresetError (another DomainError at most) naming the file; and a spec that parses also
loads into the database (SQLite and PostgreSQL) or is refused, never a database error."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from models.campaign_spec import CampaignSpec, parse_campaign
from models.errors import DomainError
from models.permissions import SYSTEM
from models.services.campaigns import load_campaign, read_campaign_file, read_preset
from tests.fuzz.support import NASTY, assert_clear, hostile_text, tried

PRESETS = {n: read_preset(n) for n in ("000", "001", "002", "003")}


def _toml_string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; non-ASCII kept as it is)."""
    return json.dumps(text, ensure_ascii=False)


_VALUES = st.one_of(
    hostile_text(30).map(_toml_string),
    st.sampled_from(NASTY).map(_toml_string),
    st.integers(min_value=-(2**63), max_value=2**63 - 1).map(str),
    st.sampled_from(
        [
            "0",
            "-1",
            "2**31",
            "99999999999",
            "3.5",
            "inf",
            "nan",
            "-0.0",
            "true",
            "false",
            "[]",
            "{}",
            '[1, "a"]',
            "{ a = 1 }",
            '""',
            '"   "',
            "0001-01-01",
            "9999-12-31",
            "9999-12-31T23:59:59",
            "0001-01-01T00:00:00",
            "2021-09-25T10:00:00+14:00",
            "10:00:00",
            "2021-02-29",
            '"Asia"',
            '"../../etc/passwd"',
            '"UTC"',
            '"\\u0000"',
            '"\\u202e评审"',
            '"ZJ21S\\n"',
            '"review_form\\n"',
            '"bz-vocational-2021\\n"',
            '"评审"',
            '"中级"',
            '"高级"',
            '"访惠聚"',
            '["评审", "评审"]',
        ]
    ),
    st.integers(min_value=201, max_value=2000).map(lambda n: _toml_string("长" * n)),
)


# a value of the type the key already has: the file still parses, the value reaches the database
_SAME_TYPE = {
    "string": st.one_of(
        st.text(
            st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")),
            max_size=40,
        ),
        st.integers(min_value=50, max_value=400).map(lambda n: "长" * n),
        hostile_text(10),
    ).map(_toml_string),
    "int": st.one_of(
        st.integers(min_value=-(2**63), max_value=2**63 - 1),
        st.integers(min_value=-5, max_value=500),
    ).map(str),
}


@st.composite
def _retyped(draw: st.DrawFn) -> tuple[str, str]:
    """A preset with one string or integer value replaced by another of its type."""
    filename, text = PRESETS[draw(st.sampled_from(sorted(PRESETS)))]
    lines = text.splitlines()
    assigns = [
        (i, "string" if '= "' in line else "int")
        for i, line in enumerate(lines)
        if re.match(r'^\s*[A-Za-z_]+\s*=\s*("|-?\d+\s*(#.*)?$)', line)
    ]
    i, kind = draw(st.sampled_from(assigns))
    key = lines[i].split("=", 1)[0]
    lines[i] = f"{key}= {draw(_SAME_TYPE[kind])}"
    return filename, "\n".join(lines) + "\n"


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[str, str]:
    """A preset with 1–3 line edits: drop, duplicate, replace a value, append random text."""
    name = draw(st.sampled_from(sorted(PRESETS)))
    filename, text = PRESETS[name]
    lines = text.splitlines()
    for _ in range(draw(st.integers(1, 3))):
        assigns = [i for i, line in enumerate(lines) if re.match(r"^\s*[A-Za-z_]+\s*=", line)]
        how = draw(st.sampled_from(["value", "value", "value", "drop", "dup", "junk", "header"]))
        i = draw(st.sampled_from(assigns)) if assigns else 0
        if how == "value" and assigns:
            key = lines[i].split("=", 1)[0]
            lines[i] = f"{key}= {draw(_VALUES)}"
        elif how == "drop" and lines:
            del lines[i]
        elif how == "dup" and lines:
            lines.insert(i, lines[i])
        elif how == "junk":
            lines.insert(i, draw(hostile_text(20)))
        elif how == "header":  # a table header dropped or renamed
            heads = [j for j, line in enumerate(lines) if line.startswith("[")]
            if heads:
                j = draw(st.sampled_from(heads))
                lines[j] = draw(
                    st.sampled_from(
                        [
                            "",
                            "[[fees]]",
                            "[numbers]",
                            "[[windows]]",
                            "[[checklist]]",
                            "[nope]",
                            "[[contacts]]",
                        ]
                    )
                )
    return filename, "\n".join(lines) + "\n"


def _parses(filename: str, text: str) -> bool:
    try:
        parse_campaign(text, filename)
    except DomainError:
        return False
    return True


def _parse(filename: str, text: str) -> CampaignSpec | None:
    try:
        return parse_campaign(text, filename)
    except DomainError as exc:
        assert_clear(exc)
        assert filename in exc.message, exc.message
        return None


@settings(max_examples=400, deadline=None)
@given(_mutated())
@example(("000.toml", PRESETS["000"][1].replace('"Asia/Shanghai"', '"Asia"')))  # IsADirectoryError
@example(
    ("000.toml", PRESETS["000"][1].replace("end = 2021-10-10", "end = 9999-12-31"))
)  # OverflowError
@example(("000.toml", re.sub(r"start = \S+", "start = 0001-01-01T00:00:00", PRESETS["000"][1])))
def test_mutated_presets_parse_or_are_refused_in_chinese(case: tuple[str, str]) -> None:
    tried("campaign.mutated_preset")
    _parse(*case)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        hostile_text(300), st.binary(max_size=300).map(lambda b: b.decode("utf-8", "replace"))
    )
)
def test_random_text_is_refused_in_chinese(text: str) -> None:
    tried("campaign.random_text")
    _parse("随机.toml", text)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=500))
def test_random_bytes_from_a_file_are_refused_in_chinese(
    tmp_path_factory: pytest.TempPathFactory, data: bytes
) -> None:
    tried("campaign.random_file")
    path = tmp_path_factory.mktemp("toml") / "批次.toml"
    path.write_bytes(data)
    try:
        text = read_campaign_file(path)
    except DomainError as exc:
        assert_clear(exc, echo_checked=False)  # the message names the path, as it is
        return
    _parse(path.name, text)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(_retyped().filter(lambda case: _parses(*case)))
@example(("000.toml", PRESETS["000"][1].replace('title = "', 'title = "' + "长" * 300)))
@example(("000.toml", PRESETS["000"][1].replace('room = "529办公室"', 'room = "529\\u0000"')))
@example(
    (
        "000.toml",
        PRESETS["000"][1].replace(
            "max_online_submissions = 3", "max_online_submissions = 9999999999"
        ),
    )
)
@example(("000.toml", PRESETS["000"][1].replace("yuan = 380", "yuan = 30000000")))
def test_what_parses_also_loads(session: Session, case: tuple[str, str]) -> None:
    """Long texts, NUL and integers past 32 bits used to reach PostgreSQL (DataError)."""
    tried(f"campaign.load[{session.get_bind().dialect.name}]")
    filename, text = case
    if _parse(filename, text) is None:
        return
    tried(f"campaign.load_reached_db[{session.get_bind().dialect.name}]")
    savepoint = session.begin_nested()
    try:
        load_campaign(session, SYSTEM, text, filename=filename)
        session.flush()
    except DomainError as exc:
        assert_clear(exc)
    finally:
        if savepoint.is_active:
            savepoint.rollback()
