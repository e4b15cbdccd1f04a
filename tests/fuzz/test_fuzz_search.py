"""Search at the counter fuzzed on a real database (SQLite and PostgreSQL): random text with
control characters, bidi marks, lone surrogates, the last code point, markup and digits of other
scripts either finds people or gives a DomainError, and never another exception. The office holds
a few people, one whose stored name came in hostile (written directly, as an old database or a
hand edit would leave it)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from models.campaign import Campaign
from models.errors import DomainError
from models.idcard import make_check_digit
from models.online import OnlineRecord, build_online_record
from models.services.intake import card_for
from models.services.payments import find_dossier
from models.services.search import LIMIT, search
from models.vocab import Role
from tests.factories import AT, Office, office
from tests.fuzz.support import NASTY, assert_clear, hostile_text, tried
from tests.support import CLERK

HOSTILE_NAME = "[/]王\u202e五六\x00\x1b[31m" + "阿" * 150
HOSTILE_ID = "65280119900101001" + make_check_digit("65280119900101001")


@pytest.fixture
def desk(session: Session) -> Office:
    o = office(session)
    c = o.campaign
    assert c.id is not None
    session.add_all(
        [
            build_online_record(
                campaign_id=c.id,
                id_number="110105194912310038",
                name="张伟",
                level="中级",
                track="评审",
                status="通过形式审核",
                unit="库尔勒市第一中学",
            ),
            build_online_record(
                campaign_id=c.id,
                id_number="11010519500101104X",
                name="单雄",
                level="初级",
                track="评审",
                status="通过形式审核",
                unit="和静县职业技术学校",
            ),
            OnlineRecord(
                campaign_id=c.id,
                id_number=HOSTILE_ID,
                id_last6=HOSTILE_ID[-6:],
                name=HOSTILE_NAME.replace("\x00", ""),
                name_key="王五六阿阿阿",
                pinyin_full="wangwuliu",
                pinyin_initials="wwl",
                level="中级",
                track="评审",
                status="通过形式审核",
                unit="[bold]单位\u202e",
            ),
        ]
    )
    session.commit()
    return o


@pytest.fixture
def campaign(desk: Office) -> Campaign:
    return desk.campaign


_WORDS = st.sampled_from(
    [
        "张",
        "张伟",
        "zw",
        "zhang",
        "wang",
        "王五",
        "单位",
        "ZJ21S",
        "ZJ21S00001",
        "ZJ21F00001",
        "ZJ21B00001",
        "01104x",
        HOSTILE_ID,
        HOSTILE_ID[-6:],
        "阿依古丽",
        "库尔勒",
        "652801",
        "[/]",
        "王\u202e五",
    ]
)
_QUERIES = st.one_of(
    hostile_text(40),
    st.lists(st.one_of(_WORDS, st.sampled_from(NASTY)), max_size=6).map("".join),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=_QUERIES)
@example(text="\U0010ffff")  # the name range's upper bound was chr(0x110000): ValueError
@example(text="王\U0010ffff")
@example(text="\ud7ff")  # the upper bound was the surrogate U+D800: no encoding can send it
@example(text="\ud800")
@example(text="ZJ21S٠٠٠٠١")
@example(text="\x00")
@example(text="ZJ21S00001\x00")
@example(text="65280119900101001\ud800")
def test_any_query_finds_people_or_gives_a_domain_error(
    session: Session, desk: Office, text: str
) -> None:
    tried(f"search.any_query[{session.get_bind().dialect.name}]")
    try:
        result = search(session, CLERK, desk.campaign, text)
    except DomainError as exc:
        assert_clear(exc)
    else:
        assert len(result.hits) <= LIMIT
        assert all(h.record_id for h in result.hits)
    # the intake counter's scan box: an ID, a number, or whatever finds exactly one person
    try:
        card = card_for(session, desk.actor(Role.clerk), desk.campaign, text, now=AT)
    except DomainError as exc:
        assert_clear(exc)
    else:
        assert card.person is None or card.person.record_id
    # the fee desk's box: a dossier number or an ID (a NUL or a lone surrogate once reached
    # the database: PostgreSQL's DataError, psycopg's UnicodeEncodeError)
    try:
        dossier = find_dossier(session, desk.actor(Role.cashier), desk.campaign, text)
    except DomainError as exc:
        assert_clear(exc)
    else:
        assert dossier.campaign_id == desk.campaign.id


def test_the_hostile_name_is_found_by_its_id_and_its_name(
    session: Session, campaign: Campaign
) -> None:
    by_id = search(session, CLERK, campaign, HOSTILE_ID)
    assert by_id.how == "身份证号" and [h.record_id for h in by_id.hits]
    by_name = search(session, CLERK, campaign, "王五")
    assert by_name.how == "姓名" and by_name.hits[0].name.startswith("[/]王")
