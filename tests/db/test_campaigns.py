"""Loaded presets in the database: every fee of DOMAIN.md's table, unknown fees refused,
windows enforced, fee setting by a lead."""

import datetime as dt

import pytest
from sqlmodel import Session, select

from models.audit import AuditEvent
from models.errors import Conflict, FeeNotApplicable, FeeUnknown, InvalidInput
from models.money import Money
from models.permissions import SYSTEM, Actor
from models.services.campaigns import (
    fee_for,
    get_campaign,
    load_campaign,
    new_from_preset,
    read_preset,
    set_fee,
    set_window,
    window_status,
)
from models.vocab import Role

# DOMAIN.md "Fees per level": (preset, track, level) -> yuan, None = not stated (unknown)
FEE_TABLE = {
    ("000", "评审", "初级"): 220,
    ("000", "评审", "中级"): 380,
    ("000", "初次确定", "初级"): 100,
    ("000", "初次确定", "中级"): 380,
    ("000", "授予", "中级"): 380,
    ("002", "评审", "初级"): 220,
    ("002", "评审", "中级"): None,
    ("002", "初次确定", "初级"): 100,
    ("002", "初次确定", "中级"): 380,
    ("002", "授予", "中级"): 380,
    ("001", "评审", "初级"): 200,
    ("001", "评审", "中级"): 300,
    ("001", "评审", "高级"): 400,
    ("003", "初次确定", "初级"): None,
}
# "—" in the table: the notice's campaign does not take that track/level at all.
NOT_APPLICABLE = [
    ("000", "评审", "高级"),
    ("001", "初次确定", "初级"),
    ("001", "授予", "中级"),
    ("003", "评审", "中级"),
    ("002", "评审", "高级"),
]


def _load_all(session: Session) -> dict[str, int]:
    ids = {}
    for preset in ("000", "001", "002", "003"):
        filename, text = read_preset(preset)
        c = load_campaign(session, SYSTEM, text, filename=filename)
        assert c.id is not None
        ids[preset] = c.id
    session.commit()
    return ids


def test_every_fee_in_the_domain_table_reads_back(session: Session) -> None:
    ids = _load_all(session)
    for (preset, track, level), yuan in FEE_TABLE.items():
        if yuan is None:
            with pytest.raises(FeeUnknown) as exc:
                fee_for(session, ids[preset], track, level)
            assert "负责人" in exc.value.message
        else:
            fee = fee_for(session, ids[preset], track, level)
            assert fee.amount == Money.yuan(yuan), (preset, track, level)
            assert fee.clause


def test_not_applicable_combinations_are_refused(session: Session) -> None:
    ids = _load_all(session)
    for preset, track, level in NOT_APPLICABLE:
        with pytest.raises(FeeNotApplicable):
            fee_for(session, ids[preset], track, level)


def test_grade_names_map_to_fee_levels(session: Session) -> None:
    ids = _load_all(session)
    assert fee_for(session, ids["001"], "评审", "副高级").amount == Money.yuan(400)
    assert fee_for(session, ids["000"], "评审", "助理级").amount == Money.yuan(220)
    assert fee_for(session, ids["002"], "初次评定", "初级").amount == Money.yuan(220)


def test_lead_sets_an_unknown_fee_and_it_is_audited(session: Session) -> None:
    ids = _load_all(session)
    lead = Actor(user_id=None, username="lead", role=Role.lead)
    set_fee(
        session,
        lead,
        ids["003"],
        "初次确定",
        "初级",
        Money.yuan(100),
        reason="博湖县人社局电话确认，2024-10-24",
    )
    session.commit()
    assert fee_for(session, ids["003"], "初次确定", "初级").amount == Money.yuan(100)
    event = session.exec(select(AuditEvent).where(AuditEvent.action == "fee.set")).one()
    assert event.detail["old_fen"] is None and event.detail["new_fen"] == 10000
    assert event.actor_name == "lead"


def test_setting_a_fee_needs_a_reason_and_a_positive_amount(session: Session) -> None:
    ids = _load_all(session)
    lead = Actor(user_id=None, username="lead", role=Role.lead)
    with pytest.raises(InvalidInput):
        set_fee(session, lead, ids["003"], "初次确定", "初级", Money.yuan(100), reason=" ")
    with pytest.raises(InvalidInput):
        set_fee(session, lead, ids["003"], "初次确定", "初级", Money(0), reason="x")


def test_same_code_twice_is_a_conflict_and_new_from_preset_renames(session: Session) -> None:
    filename, text = read_preset("000")
    load_campaign(session, SYSTEM, text, filename=filename)
    with pytest.raises(Conflict):
        load_campaign(session, SYSTEM, text, filename=filename)
    c = new_from_preset(session, SYSTEM, "bz-vocational-2025", "000", prefix="ZJ25")
    session.commit()
    assert get_campaign(session, "bz-vocational-2025").id == c.id
    assert (c.dossier_prefix, c.receipt_prefix, c.notice_prefix) == ("ZJ25S", "ZJ25F", "ZJ25B")


def test_a_new_campaign_may_not_reuse_another_campaigns_number_prefixes(session: Session) -> None:
    """Two campaigns numbering ZJ21F00001 each: a scanned receipt could be either. The desk
    refuses and suggests a free prefix; --prefix gives one."""
    filename, text = read_preset("000")
    load_campaign(session, SYSTEM, text, filename=filename)
    with pytest.raises(Conflict) as used:
        new_from_preset(session, SYSTEM, "bz-vocational-2025", "000")
    assert used.value.code == "campaign.prefix_in_use"
    assert "ZJ21S" in used.value.message and "bz-vocational-2021" in used.value.message
    assert "--prefix ZJ25" in used.value.message  # the new code's year, where it has one
    with pytest.raises(Conflict) as again:  # a prefix that reads as the start of another's
        new_from_preset(session, SYSTEM, "bz-2025b", "000", prefix="ZJ21")
    assert again.value.code == "campaign.prefix_in_use"
    with pytest.raises(InvalidInput) as bad:
        new_from_preset(session, SYSTEM, "bz-2025b", "000", prefix="zj-25")
    assert bad.value.code == "campaign.bad_prefix"
    other = new_from_preset(session, SYSTEM, "bz-2025b", "000", prefix="BZ25")
    assert other.receipt_prefix == "BZ25F"
    with pytest.raises(Conflict):  # a file of its own with a prefix in use is refused too
        load_campaign(
            session,
            SYSTEM,
            text.replace('code = "bz-vocational-2021"', 'code = "copy-2021"'),
            filename=filename,
        )


def test_window_status_enforces_hours(session: Session) -> None:
    filename, text = read_preset("003")
    c = load_campaign(session, SYSTEM, text, filename=filename)
    session.commit()
    bj = dt.timezone(dt.timedelta(hours=8))
    assert not window_status(session, c, at=dt.datetime(2024, 10, 24, 9, 59, tzinfo=bj)).open
    assert window_status(session, c, at=dt.datetime(2024, 10, 24, 10, 0, tzinfo=bj)).open
    assert window_status(session, c, at=dt.datetime(2024, 10, 31, 17, 59, tzinfo=bj)).open
    late = window_status(session, c, at=dt.datetime(2024, 10, 31, 18, 0, tzinfo=bj))
    assert not late.open
    assert "逾期不予受理" in late.message


def test_window_status_for_a_date_only_window_covers_the_last_day(session: Session) -> None:
    filename, text = read_preset("000")
    c = load_campaign(session, SYSTEM, text, filename=filename)
    session.commit()
    bj = dt.timezone(dt.timedelta(hours=8))
    assert window_status(session, c, at=dt.datetime(2021, 10, 10, 23, 0, tzinfo=bj)).open
    early = window_status(session, c, at=dt.datetime(2021, 9, 24, 12, 0, tzinfo=bj))
    assert not early.open and "尚未开始" in early.message


def test_window_status_per_series(session: Session) -> None:
    # 001's dates are online declaration deadlines (三（五）1); the notice states no paper window,
    # so every series waits for the lead's window, and a window set for 工程系列 opens 工程 only
    filename, text = read_preset("001")
    c = load_campaign(session, SYSTEM, text, filename=filename)
    session.commit()
    bj = dt.timezone(dt.timedelta(hours=8))
    at = dt.datetime(2023, 8, 22, 12, 0, tzinfo=bj)
    for series in ("艺术", "工程", None):
        status = window_status(session, c, series=series, at=at)
        assert not status.open and status.unset and "desk campaign set-window" in status.message
    lead = Actor(user_id=None, username="负责人", role=Role.lead, desk="1号窗口")
    set_window(
        session,
        lead,
        c,
        starts_at=at - dt.timedelta(days=1),
        ends_at=at + dt.timedelta(days=1),
        reason="地区人社局通知",
        series="工程系列",
    )
    assert window_status(session, c, series="工程", at=at).open
    assert window_status(session, c, series="艺术", at=at).unset
