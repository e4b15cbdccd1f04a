"""Personal data and secrets: full ID numbers reach the screen and an export only for the roles
that need them, each full-ID export is audited; passwords and full ID numbers never reach the
audit log or the error log, even when a database error quotes its statement's parameters."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import select
from typer.testing import CliRunner

from models.audit import AuditEvent
from models.config import data_dir
from models.db import session_scope
from models.errors import AuthenticationFailed, PermissionDenied
from models.permissions import FULL_ID_ROLES, POLICY, Action, Actor
from models.services.campaigns import get_campaign
from models.services.handover import roster
from models.services.intake import load_card
from models.services.users import authenticate
from models.vocab import Role
from tests.factories import AT, office, roster_office
from tui.cli import app
from tui.work.crashlog import log_crash

FULL_ID = "652801198001010024"  # the factory's applicant
_ID18 = re.compile(r"\d{17}[\dXx]")
runner = CliRunner()
ENV = {"DESK_PASSWORD": "secret-pw"}


def test_only_the_lead_sees_or_exports_full_numbers() -> None:
    assert {Role.lead} == FULL_ID_ROLES
    assert POLICY[Action.export_full_id] == {Role.lead}


def test_the_card_shows_the_full_number_to_the_lead_only(engine: Engine) -> None:
    with session_scope(engine) as s:
        o = office(s)
        for role in (Role.clerk, Role.cashier, Role.lead):
            if role == Role.cashier:
                continue  # the counter's card is the clerk's and the lead's
            card = load_card(s, o.actor(role), o.campaign, id_number=FULL_ID, now=AT)
            assert card.person is not None
            shown = card.person.id_shown
            assert shown == (FULL_ID if role == Role.lead else "652801********0024"), role


def test_full_id_roster_is_the_leads_and_audited(engine: Engine, tmp_path: Path) -> None:
    base = roster_office(engine, tmp_path)
    with session_scope(engine) as s:
        c = get_campaign(s, "bz-vocational-2021")
        for role in (Role.admin, Role.clerk, Role.cashier):  # none of them reads the roster
            with pytest.raises(PermissionDenied, match="无权查看移交花名册"):
                roster(s, Actor(user_id=None, username="x", role=role), c, full_ids=True)
    masked = tmp_path / "masked.xlsx"
    full = tmp_path / "full.xlsx"
    r = runner.invoke(app, ["roster", "export", str(masked), "--user", "lead", *base], env=ENV)
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app, ["roster", "export", str(full), "--full-id", "--user", "lead", *base], env=ENV
    )
    assert r.exit_code == 0, r.output
    assert "含完整身份证号" in r.output

    def numbers(path: Path) -> set[str]:
        ws = openpyxl.load_workbook(path)["移交花名册"]
        return {
            str(c)
            for row in ws.iter_rows(values_only=True)
            for c in row
            if c and _ID18.fullmatch(str(c))
        }

    assert numbers(masked) == set()
    assert FULL_ID in numbers(full)
    with session_scope(engine, readonly=True) as s:
        [event] = s.exec(select(AuditEvent).where(AuditEvent.action == "export.full_id")).all()
    assert event.actor_name == "lead" and event.detail["full_ids"] == 2
    assert FULL_ID not in str(event.detail)


def test_secrets_never_reach_the_logs(engine: Engine) -> None:
    with session_scope(engine) as s:
        o = office(s)
        load_card(s, o.actor(Role.clerk), o.campaign, id_number=FULL_ID, now=AT)
        load_card(s, o.actor(Role.clerk), o.campaign, id_number="652801198001019999", now=AT)
    for password in ("wrong-password-1", "secret-pw"):
        try:
            with session_scope(engine) as s:
                authenticate(s, "clerk", password)
        except AuthenticationFailed:
            pass
    # a database error quoting its statement: the parameters are not in its message
    with pytest.raises(DBAPIError) as exc, session_scope(engine) as s:
        s.connection().execute(
            text("INSERT INTO online_record (id_number) VALUES (:n)"), {"n": FULL_ID}
        )
    where = log_crash(exc.value, "test")  # PostgreSQL quotes the failing row: masked there
    assert where.is_relative_to(data_dir()) or where.exists()
    with session_scope(engine, readonly=True) as s:
        events = s.exec(select(AuditEvent)).all()
    logged = "\n".join(str((e.actor_name, e.entity_id, e.detail)) for e in events)
    logged += where.read_text(encoding="utf-8")
    for secret in ("wrong-password-1", "secret-pw", FULL_ID, "652801198001019999"):
        assert secret not in logged, secret
    assert not _ID18.search(logged), _ID18.search(logged)
