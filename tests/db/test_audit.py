"""Audit rows are written with each change, in the same transaction: a rolled-back change
leaves neither the change nor its audit row."""

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from models.audit import AuditEvent
from models.campaign import Campaign
from models.db import session_scope
from models.permissions import SYSTEM
from models.services.campaigns import load_campaign, read_preset
from models.services.users import add_user
from models.users import User
from models.vocab import Role


def test_change_and_audit_commit_together(engine: Engine) -> None:
    with session_scope(engine) as s:
        add_user(s, SYSTEM, username="wang", role=Role.clerk, password="secret-pw")
        filename, text = read_preset("000")
        load_campaign(s, SYSTEM, text, filename=filename)
    with session_scope(engine, readonly=True) as s:
        events = s.exec(select(AuditEvent).order_by(col(AuditEvent.id))).all()
        assert [e.action for e in events] == ["user.add", "campaign.load"]
        assert events[0].detail == {"username": "wang", "role": "clerk"}
        assert events[1].entity_id == "bz-vocational-2021"
        assert events[1].at.tzinfo is not None


def test_rollback_takes_the_audit_row_with_it(engine: Engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        add_user(s, SYSTEM, username="wang", role=Role.clerk, password="secret-pw")
        filename, text = read_preset("000")
        load_campaign(s, SYSTEM, text, filename=filename)
        raise RuntimeError("power cut before commit")
    with session_scope(engine, readonly=True) as s:
        assert s.exec(select(AuditEvent)).all() == []
        assert s.exec(select(User)).all() == []
        assert s.exec(select(Campaign)).all() == []
