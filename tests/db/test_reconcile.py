"""Paper against online (both databases): every group counted from hand-made rows, the export
read back, the command line, and only a lead may look (audited)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlmodel import Session, select
from typer.testing import CliRunner

from models.audit import AuditEvent
from models.errors import PermissionDenied
from models.imports import ImportBatch, OnlineChange
from models.online import build_online_record
from models.permissions import Actor
from models.services.reconcile import reconcile
from models.vocab import Role
from tests.factories import AT, id_of, office
from tui.cli import app


@pytest.fixture
def lead(session: Session) -> Actor:
    o = office(session)  # 阿依古丽·买买提 accepted and paid; 刘䶮 returned
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
                unit="和静县职业技术学校",
                county="和静县",
                phone="13900000001",
            ),
            build_online_record(
                campaign_id=c.id,
                id_number="110105195001010020",
                name="张薇薇",
                level="初级",
                track="评审",
                status="退回修改",
                unit="和静县职业技术学校",
                county="和静县",
            ),
        ]
    )
    batch = ImportBatch(campaign_id=c.id, filename="v2.xlsx", sha256="0" * 64)
    session.add(batch)
    session.flush()
    session.add(
        OnlineChange(
            record_id=o.dossier.online_record_id,
            batch_id=id_of(batch),
            changes={"unit": ["甲", "乙"]},
            at=AT + dt.timedelta(days=1),
        )
    )
    session.commit()
    return o.actor(Role.lead)


def test_groups_and_counts(session: Session, lead: Actor) -> None:
    r = reconcile(session, lead, "bz-vocational-2021")
    session.commit()
    assert r.counts() == {
        "online_total": 4,
        "online_approved": 3,
        "no_paper": 1,
        "returned": 1,
        "accepted_unpaid": 0,
        "paid": 1,
        "changed_after_acceptance": 1,
        "refused": 0,
    }
    assert [p.name for p in r.no_paper] == ["张伟"]  # 张薇薇 is not approved: not chased
    assert r.no_paper_by_place() == {"和静县": {"和静县职业技术学校": r.no_paper}}
    assert r.changed_after_acceptance[0].note == "unit"
    assert r.paid[0].dossier_code == "ZJ21S00001"
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "online.reconcile")).all()
    assert len(events) == 1 and events[0].detail["no_paper"] == 1


def test_export_reads_back(session: Session, lead: Actor, tmp_path: Path) -> None:
    path = tmp_path / "核对.xlsx"
    reconcile(session, lead, "bz-vocational-2021", export=path)
    wb = CalamineWorkbook.from_path(str(path))
    assert wb.sheet_names[:3] == ["概况", "未报送纸质材料", "退回补正"]
    chase = wb.get_sheet_by_name("未报送纸质材料").to_python()
    assert chase[1][:4] == ["和静县", "和静县职业技术学校", "张伟", "110105********0038"]
    assert chase[1][8] == "13900000001"  # a text cell, not 1.39E+10
    summary = {name: value for name, value in wb.get_sheet_by_name("概况").to_python()[1:]}
    assert summary["已缴费"] == 1 and summary["通过但未报送纸质材料"] == 1


def test_only_a_lead(session: Session, lead: Actor) -> None:
    for role in (Role.clerk, Role.cashier, Role.admin):
        with pytest.raises(PermissionDenied):
            reconcile(session, Actor(user_id=None, username="x", role=role), "bz-vocational-2021")


def test_command_line(session: Session, lead: Actor, db_url: str) -> None:
    env = {"DESK_PASSWORD": "secret-pw"}
    r = CliRunner().invoke(
        app,
        ["reconcile", "-c", "bz-vocational-2021", "--json", "--user", "lead", "--db", db_url],
        env=env,
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["no_paper_by_county"] == {"和静县": {"和静县职业技术学校": ["张伟"]}}
    r = CliRunner().invoke(
        app, ["reconcile", "-c", "bz-vocational-2021", "--user", "lead", "--db", db_url], env=env
    )
    assert r.exit_code == 0 and "张伟  13900000001" in r.output
    r = CliRunner().invoke(
        app, ["reconcile", "-c", "bz-vocational-2021", "--user", "clerk", "--db", db_url], env=env
    )
    assert r.exit_code == 1 and "无权" in r.output
    r = CliRunner().invoke(
        app,
        [
            "reconcile",
            "-c",
            "bz-vocational-2021",
            "--user",
            "lead",
            "--export",
            "x.csv",
            "--db",
            db_url,
        ],
        env=env,
    )
    assert r.exit_code == 1 and ".xlsx" in r.output
