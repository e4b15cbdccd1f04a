"""``desk summary``: the lead's campaign summary as text (80 columns), JSON and a workbook;
refused for a clerk; ``--until`` and the bad inputs each get a Chinese sentence."""

from __future__ import annotations

import json
from pathlib import Path

from rich.cells import cell_len
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from models.db import session_scope
from tests.factories import accepted, applicant, office
from tui.cli import app

runner = CliRunner()
ENV = {"DESK_PASSWORD": "secret-pw"}


def _setup(engine: Engine, tmp_path: Path) -> list[str]:
    with session_scope(engine) as s:
        o = office(s)  # county empty: one accepted and paid 380 on 2021-09-27, one returned
        accepted(s, o, n=1, name="张伟")  # 和静县职业技术学校, unpaid
        applicant(s, o.campaign, n=2, name="李娜", unit="和静县第一中学")  # no paper yet
        applicant(
            s, o.campaign, n=3, name="王芳", county="和硕县", unit="和硕县职业高中", level="初级"
        )
    cfg = tmp_path / "config.toml"
    cfg.write_text("", encoding="utf-8")
    return ["--config", str(cfg), "--db", engine.url.render_as_string(hide_password=False)]


def test_summary_text_json_and_xlsx(engine: Engine, tmp_path: Path) -> None:
    base = _setup(engine, tmp_path)
    r = runner.invoke(app, ["summary", "--user", "clerk", *base], env=ENV)
    assert r.exit_code == 1 and "受理员无权查看日结报表和汇总" in r.output
    r = runner.invoke(app, ["summary", "--user", "lead", "--json", *base], env=ENV)
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    t = got["total"]
    assert (
        t["online"],
        t["approved"],
        t["accepted"],
        t["returned"],
        t["no_paper"],
        t["paid"],
        t["fee_net_fen"],
        t["accepted_pct"],
    ) == (5, 5, 2, 1, 2, 1, 38000, 40.0)
    assert [c["county"] for c in got["counties"]] == ["和硕县", "和静县", "（未填县市）"]
    assert [(u["unit"], u["accepted"], u["no_paper"]) for u in got["counties"][1]["units"]] == [
        ("和静县第一中学", 0, 1),
        ("和静县职业技术学校", 1, 0),
    ]
    assert [(g["track"], g["level"], g["approved"]) for g in got["by_track_level"]] == [
        ("评审", "初级", 2),
        ("评审", "中级", 3),
    ]

    xlsx = tmp_path / "汇总.xlsx"
    r = runner.invoke(app, ["summary", "--user", "lead", "--xlsx", str(xlsx), *base], env=ENV)
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    at = lines.index("评审汇总（bz-vocational-2021），截至现在") + 1
    assert lines[at : at + 3] == [
        "网上名单 5 人，通过形式审核 5 人",
        "  已受理 2（40.0%）· 退回补正未再报送 1 · 未报送纸质材料 2",
        "  已缴费 1 · 已受理未缴费 1 · 实收净额 380.00 元",
    ]
    # every line fits 80 columns, but the exported file's path (as long as the directory's)
    fitted = [line for line in lines if not line.startswith("已导出：")]
    assert all(cell_len(line) <= 80 for line in fitted), max(fitted, key=cell_len)
    text = r.output
    for word in (
        "和硕县",
        "和硕县职业高中",
        "和静县第一中学",
        "小计",
        "按县市",
        "合计",
        "按申报类型、级别",
        "评审·中级",
        "380.00",
        f"已导出：{xlsx}",
    ):
        assert word in text, word
    assert xlsx.exists()
    import openpyxl

    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["按县市", "按单位", "按类型级别"]
    assert list(next(wb["按县市"].iter_rows(min_row=5, values_only=True)))[:4] == ["合计", 5, 5, 2]


def test_summary_until_and_bad_inputs(engine: Engine, tmp_path: Path) -> None:
    base = _setup(engine, tmp_path)
    r = runner.invoke(
        app, ["summary", "--user", "lead", "--json", "--until", "2021-09-26", *base], env=ENV
    )
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert got["until"].startswith("2021-09-26T23:59:59")
    assert (got["total"]["accepted"], got["total"]["no_paper"], got["total"]["fee_net_fen"]) == (
        0,
        5,
        0,
    )
    r = runner.invoke(
        app, ["summary", "--user", "lead", "--until", "2021-09-27 11:31", *base], env=ENV
    )
    assert r.exit_code == 0, r.output
    assert (
        "评审汇总（bz-vocational-2021），截至2021-09-27 11:31" in r.output
        and "已受理 0（0.0%）" in r.output
    )
    r = runner.invoke(app, ["summary", "--user", "lead", "--until", "9月27日", *base], env=ENV)
    assert r.exit_code == 1 and "截止时间“9月27日”格式不正确" in r.output
    r = runner.invoke(
        app, ["summary", "--user", "lead", "--xlsx", str(tmp_path / "a.csv"), *base], env=ENV
    )
    assert r.exit_code == 1 and "--xlsx 应为 .xlsx 文件" in r.output
