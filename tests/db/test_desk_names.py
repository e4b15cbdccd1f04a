"""Issue 20 (11): look-alike desk names. A desk named ``D1\\u200b`` (a zero-width space after it)
paid into D1's day while D1 was closing: names are normalised when the config is read, by the
services, and the database refuses a money row whose desk name is not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session
from typer.testing import CliRunner

from models.config import load_config
from models.db import session_scope
from models.errors import InvalidInput
from models.payment import Payment
from models.permissions import Actor
from models.services.tally import begin_close
from models.tally import DayClose
from models.text import clean_desk_name
from models.vocab import Role
from tests.factories import AT, accepted, office
from tui.cli import app

DAY = dt.date(2021, 9, 27)


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("D1\u200b", "D1"),
        ("\u200bD1", "D1"),
        (" D1 ", "D1"),
        ("Ｄ１", "D1"),
        ("D\u202e1", "D1"),
        ("1号\u00a0窗口", "1号 窗口"),
        ("1号窗口", "1号窗口"),
        ("D1\x00", "D1"),
        ("D1\ufeff", "D1"),
    ],
)
def test_a_desk_name_is_kept_in_one_form(typed: str, kept: str) -> None:
    assert clean_desk_name(typed) == kept
    assert Actor(user_id=1, username="x", role=Role.cashier, desk=typed).desk == kept


def test_the_config_normalises_the_desk_and_refuses_an_empty_one(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('desk = "D1\\u200b"\n', encoding="utf-8")
    assert load_config(cfg).desk == "D1"
    cfg.write_text('desk = "\\u200b \\u200d"\n', encoding="utf-8")
    with pytest.raises(InvalidInput) as empty:
        load_config(cfg)
    assert empty.value.code == "config.bad_desk"


def test_a_look_alike_desk_cannot_pay_into_a_closing_desks_day(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    with session_scope(engine) as s:
        o = office(s)
        accepted(s, o, n=2)
        from models.services.tally import today

        begin_close(
            s, o.actor(Role.cashier, desk="D1"), o.campaign, today(o.campaign), desk="D1"
        )  # the command line pays now
    cfg = tmp_path / "config.toml"
    cfg.write_text('desk = "D1\\u200b"\n', encoding="utf-8")
    r = CliRunner().invoke(
        app,
        [
            "pay",
            "ZJ21S00002",
            "--method",
            "cash",
            "--no-print",
            "--user",
            "cashier",
            "--config",
            str(cfg),
            "--db",
            db_url,
        ],
        env={"DESK_PASSWORD": "secret-pw"},
    )
    assert r.exit_code == 1 and "本窗口已开始" in r.output, r.output


def test_the_database_refuses_a_money_row_with_a_look_alike_desk(engine: Engine) -> None:
    with session_scope(engine) as s:
        o = office(s)
        row = {c: getattr(o.payment, c) for c in Payment.model_fields if c != "id"}
        lead_id = o.lead.id
        cid = o.campaign.id
    row.update(
        receipt_no=50,
        receipt_code="ZJ21F00050",
        kind="void",
        original_id=o.payment.id,
        desk="1号窗口\u200b",
        idempotency_key=None,
        tendered_fen=None,
    )
    with pytest.raises((IntegrityError, DBAPIError)), session_scope(engine) as s:
        s.connection().execute(insert(Payment), row)
    with pytest.raises((IntegrityError, DBAPIError)), session_scope(engine) as s:
        s.add(
            DayClose(
                campaign_id=cid or 0,
                business_date=DAY,
                desk=" D1",
                status="closing",
                begun_by_id=lead_id or 0,
            )
        )


def test_a_close_begun_under_a_look_alike_name_is_the_desks_own(session: Session) -> None:
    o = office(session)
    lead = o.actor(Role.lead)
    row = begin_close(session, lead, o.campaign, DAY, desk="1号窗口\u200b", now=AT)
    assert row.desk == "1号窗口"


def test_a_desk_with_the_longest_name_can_take_a_fee(session: Session) -> None:
    """The fee screen's confirmation key for a 40-character desk name fits the 64 a key may be
    (desk + 24 hex digits was 65: every payment of such a desk was refused)."""
    from tui.screens.fees import confirmation_key

    desk = "收费窗口" * 10  # 40 characters, the most a config allows
    key = confirmation_key(desk)
    assert len(key) <= 64 and key != confirmation_key(desk)
    o = office(session)
    d = accepted(session, o, n=2)
    from models.services.payments import take_payment

    p = take_payment(
        session,
        o.actor(Role.cashier, desk=desk),
        o.campaign,
        d.id or 0,
        method="cash",
        idempotency_key=key,
        now=AT,
    )
    assert p.desk == desk and p.idempotency_key == key
