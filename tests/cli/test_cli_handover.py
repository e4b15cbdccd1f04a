"""``desk roster``: show the handover roster (text and JSON), export it as xlsx and HTML, hand
over (lead only, confirmed, slip printed), list the handovers and print a slip again."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from sqlalchemy.engine import Engine
from sqlmodel import col, select
from typer.testing import CliRunner

from models.db import session_scope
from models.dossier import Dossier
from models.printjob import PrintJob
from tests.factories import roster_office
from tui.cli import app

runner = CliRunner()
ENV = {"DESK_PASSWORD": "secret-pw"}


def test_roster_show_and_export(engine: Engine, tmp_path: Path) -> None:
    base = roster_office(engine, tmp_path)
    r = runner.invoke(app, ["roster", "show", "--user", "cashier", *base], env=ENV)
    assert r.exit_code == 1 and "收费员无权查看移交花名册" in r.output
    r = runner.invoke(app, ["roster", "show", "--user", "lead", "--json", *base], env=ENV)
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert (got["total"], got["must_defend"], got["not_required"]) == (2, 1, 1)
    assert [
        (g["specialty"], g["level"], [x["dossier"] for x in g["lines"]]) for g in got["groups"]
    ] == [("机电技术应用", "中级", ["ZJ21S00001"]), ("计算机应用", "初级", ["ZJ21S00002"])]
    assert got["groups"][0]["lines"][0]["defence"] == "须答辩"
    assert got["groups"][0]["lines"][0]["id"] == "652801********0024"
    assert [(x["dossier"], x["reason"]) for x in got["left_out"]] == [("ZJ21S00003", "未缴费")]
    r = runner.invoke(app, ["roster", "show", "--user", "lead", *base], env=ENV)
    assert r.exit_code == 0, r.output
    assert "ZJ21S00001 阿依古丽·买买提" in r.output and "须答辩" in r.output
    assert "已受理但未列入（1 份）：ZJ21S00003 李娜 未缴费" in r.output
    assert "免于答辩范围（以通知为准）：" in r.output

    xlsx = tmp_path / "移交花名册.xlsx"
    r = runner.invoke(app, ["roster", "export", str(xlsx), "--user", "lead", *base], env=ENV)
    assert r.exit_code == 0, r.output
    assert "共 2 份，其中须答辩 1 份" in r.output
    ws = openpyxl.load_workbook(xlsx)["移交花名册"]
    codes = [
        row[1]
        for row in ws.iter_rows(values_only=True)
        if row[0] and row[1] and str(row[1]).startswith("ZJ21S")
    ]
    assert codes == ["ZJ21S00001", "ZJ21S00002"]
    assert len(ws._images) == 2
    page = tmp_path / "roster.html"
    r = runner.invoke(app, ["roster", "export", str(page), "--user", "lead", *base], env=ENV)
    assert r.exit_code == 0, r.output
    assert page.read_text(encoding="utf-8").count("<svg") == 2
    r = runner.invoke(
        app, ["roster", "export", str(tmp_path / "x.pdf"), "--user", "lead", *base], env=ENV
    )
    assert r.exit_code == 1 and "只能导出为 .xlsx 或 .html" in r.output


def test_roster_handover(engine: Engine, tmp_path: Path) -> None:
    base = roster_office(engine, tmp_path)
    cmd = ["roster", "handover", "--receiver", "评审委员会秘书 王敏"]
    r = runner.invoke(app, [*cmd, "--user", "lead", *base], env=ENV)
    assert r.exit_code == 1 and "请加 --yes 确认移交" in r.output
    r = runner.invoke(app, [*cmd, "--yes", "--user", "cashier", *base], env=ENV)
    assert r.exit_code == 1 and "收费员无权向评审委员会移交材料" in r.output
    r = runner.invoke(
        app, [*cmd, "--yes", "--dossier", "ZJ21S00003", "--user", "lead", *base], env=ENV
    )
    assert r.exit_code == 1 and "ZJ21S00003 未缴费" in r.output and "handover.unpaid" in r.output
    r = runner.invoke(
        app, [*cmd, "--yes", "--note", "第一批", "--user", "lead", "--json", *base], env=ENV
    )
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert (got["handover_no"], got["count"], got["dossiers"], got["print_error"]) == (
        1,
        2,
        ["ZJ21S00001", "ZJ21S00002"],
        None,
    )
    with session_scope(engine, readonly=True) as s:
        assert [
            d.status
            for d in s.exec(
                select(Dossier).where(col(Dossier.dossier_code).in_(["ZJ21S00001", "ZJ21S00002"]))
            )
        ] == ["handed_over"] * 2
        [job] = s.exec(select(PrintJob).where(PrintJob.document == "handover")).all()
        assert job.status == "sent" and job.printer == "receipt"
    r = runner.invoke(app, [*cmd, "--yes", "--user", "lead", *base], env=ENV)
    assert r.exit_code == 1 and "没有可移交的档案" in r.output
    r = runner.invoke(app, ["roster", "show", "--all", "--user", "lead", *base], env=ENV)
    assert r.exit_code == 0 and "已第 1 次移交" in r.output
    r = runner.invoke(app, ["roster", "handovers", "--user", "lead", *base], env=ENV)
    assert r.exit_code == 0, r.output
    assert "第 1 次" in r.output and "移交人 负责人刘强" in r.output
    assert "接收人 评审委员会秘书 王敏  2 份  第一批" in r.output
    r = runner.invoke(app, ["roster", "slip", "1", "--preview", "--user", "lead", *base], env=ENV)
    assert r.exit_code == 0, r.output
    assert "移交单" in r.output and "ZJ21S00002" in r.output and "张伟" in r.output
    r = runner.invoke(app, ["roster", "slip", "1", "--user", "lead", *base], env=ENV)
    assert r.exit_code == 0 and "已打印第 1 次移交的移交单" in r.output
    r = runner.invoke(app, ["roster", "slip", "9", "--user", "lead", *base], env=ENV)
    assert r.exit_code == 1 and "没有第 9 次移交" in r.output
