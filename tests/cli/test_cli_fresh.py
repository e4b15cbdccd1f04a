"""A read-only command on a fresh machine creates nothing and says what to do: no database file
appears for ``desk campaign list``, ``campaign show`` or ``tally show``; and a database without
a campaign says there is none and how to make one, not that there are several."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from models.db import session_scope
from models.permissions import SYSTEM
from models.services.campaigns import load_campaign, read_preset
from tui.cli import app

runner = CliRunner()


def _files(top: Path) -> list[Path]:
    return sorted(p for p in top.rglob("*") if p.is_file()) if top.exists() else []


def test_read_commands_on_a_fresh_machine_create_nothing(tmp_path: Path) -> None:
    data = Path(os.environ["DESK_DATA_DIR"])
    r = runner.invoke(app, ["campaign", "list"])
    assert r.exit_code == 0, r.output
    assert "还没有数据库" in r.output and "可用预设" in r.output, r.output
    assert _files(data) == []
    r = runner.invoke(app, ["campaign", "show", "000"])
    assert r.exit_code == 0 and "纸质材料清单" in r.output, r.output
    assert _files(data) == []
    r = runner.invoke(app, ["tally", "show"])
    assert r.exit_code == 1, r.output
    assert "还没有数据库" in r.output and "有多个评审批次" not in r.output, r.output
    assert _files(data) == []
    for args in (["summary"], ["audit", "verify"], ["user", "list"], ["roster", "show"]):
        r = runner.invoke(app, args)
        assert r.exit_code == 1 and "还没有数据库" in r.output, (args, r.output)
        assert _files(data) == [], args


def test_no_campaign_says_none_and_how_to_make_one(db_url: str) -> None:
    r = runner.invoke(app, ["tally", "show", "--db", db_url])
    assert r.exit_code == 1, r.output
    assert "有多个评审批次" not in r.output
    assert "还没有评审批次" in r.output and "desk campaign new" in r.output, r.output


def test_several_campaigns_are_named(engine: Engine, db_url: str) -> None:
    with session_scope(engine) as s:
        for preset in ("000", "001"):
            filename, text = read_preset(preset)
            load_campaign(s, SYSTEM, text, filename=filename)
    r = runner.invoke(app, ["tally", "show", "--db", db_url])
    assert r.exit_code == 1, r.output
    assert "有 2 个评审批次" in r.output and "--campaign" in r.output, r.output
