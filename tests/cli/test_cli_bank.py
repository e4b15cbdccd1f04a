"""``desk bank``: import a statement (authenticated, once), then list the matcher's proposals and
the unpaid dossiers, as text and as JSON."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from models.db import session_scope
from tests.factories import accepted, office
from tui.cli import app

runner = CliRunner()
ENV = {"DESK_PASSWORD": "secret-pw"}


def test_bank_import_then_list(engine: Engine, db_url: str, tmp_path: Path) -> None:
    with session_scope(engine) as s:
        o = office(s)
        accepted(s, o, n=1, name="张伟")  # ZJ21S00002
        accepted(s, o, n=2, name="李娜")  # ZJ21S00003
    cfg = tmp_path / "config.toml"
    cfg.write_text("", encoding="utf-8")
    path = tmp_path / "流水.csv"
    path.write_bytes(
        (
            "银行账户明细\n交易日期,贷方金额,对方户名,附言,流水号\n"
            "2021-09-27,380.00,张伟,评审费,TX0001\n"
            "2021-09-27,abc,某某,评审费,TX0002\n"
        ).encode("gb18030")
    )
    base = ["--config", str(cfg), "--db", db_url]
    r = runner.invoke(app, ["bank", "import", str(path), "--user", "clerk", *base], env=ENV)
    assert r.exit_code == 1 and "受理员无权银行流水对账" in r.output
    r = runner.invoke(
        app, ["bank", "import", str(path), "--user", "cashier", "--json", *base], env=ENV
    )
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert (got["credits"], got["header_line"]) == (1, 2)
    assert [(x["line"], x["code"]) for x in got["skipped_lines"]] == [(4, "row.bad_amount")]
    r = runner.invoke(app, ["bank", "import", str(path), "--user", "cashier", *base], env=ENV)
    assert r.exit_code == 1 and "导入过" in r.output
    r = runner.invoke(app, ["bank", "list", "--user", "cashier", "--json", *base], env=ENV)
    assert r.exit_code == 0, r.output
    listed = json.loads(r.output)
    assert [(x["serial"], x["status"], x["evidence"]) for x in listed["lines"]] == [
        ("TX0001", "proposed", "姓名")
    ]
    assert [u["dossier"] for u in listed["unpaid"]] == ["ZJ21S00002", "ZJ21S00003"]
    r = runner.invoke(app, ["bank", "list", "--user", "cashier", *base], env=ENV)
    assert r.exit_code == 0 and "建议匹配" in r.output and "ZJ21S00002" in r.output


def test_bank_list_masks_id_numbers_in_memos_but_for_a_lead(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    """Issue 20 (defect 13): the memo's ID number, in text and in JSON, is 652801********0024
    for a cashier; a lead sees it whole."""
    with session_scope(engine) as s:
        o = office(s)
        accepted(s, o, n=1, name="张伟")
    full = "652801198001010024"  # the office's applicant (paid)
    cfg = tmp_path / "config.toml"
    cfg.write_text("", encoding="utf-8")
    path = tmp_path / "流水.csv"
    path.write_bytes(
        (
            "交易日期,贷方金额,对方户名,附言,流水号\n"
            f"2021-09-27,380.00,某某,评审费 {full},TX0001\n"
            "2021-09-27,380.00,某某,６５２８０１ １９８００１０１００２４,TX0002\n"
        ).encode("gb18030")
    )
    base = ["--config", str(cfg), "--db", db_url]
    r = runner.invoke(app, ["bank", "import", str(path), "--user", "cashier", *base], env=ENV)
    assert r.exit_code == 0, r.output
    for args in ([], ["--json"]):
        r = runner.invoke(app, ["bank", "list", "--user", "cashier", *args, *base], env=ENV)
        assert r.exit_code == 0, r.output
        assert full not in r.output and "１９８００１０１" not in r.output
        assert r.output.count("652801********0024") >= 2, r.output
    r = runner.invoke(app, ["bank", "list", "--user", "lead", "--json", *base], env=ENV)
    assert r.exit_code == 0 and full in r.output
