"""``desk tally``: the day's figures as text and JSON, a cashier's count waiting for the lead, the
lead's close with a difference (refused without a note), the Z report printed and exported."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from models.db import session_scope
from models.errors import InvalidInput
from tests.factories import office
from tests.printers.escpos_reader import chinese_text
from tests.support import write_config
from tui.cli import app
from tui.cli.tally import parse_pieces

runner = CliRunner()
ENV = {"DESK_PASSWORD": "secret-pw"}
DAY = "2021-09-27"  # the factory's payment: ZJ21F00001, 380 cash at 1号窗口


def _setup(engine: Engine, tmp_path: Path) -> tuple[list[str], Path]:
    with session_scope(engine) as s:
        office(s)
    spool = tmp_path / "lp0"
    spool.write_bytes(b"")
    cfg = write_config(
        tmp_path,
        f'desk = "1号窗口"\n[printers.receipt]\nconnection = "file"\n'
        f'path = "{spool}"\nwidth = 80\n',
    )
    return ["--config", str(cfg)], spool


def test_show_then_close_with_a_difference(engine: Engine, db_url: str, tmp_path: Path) -> None:
    base, spool = _setup(engine, tmp_path)
    base += ["--db", db_url, "--date", DAY]
    r = runner.invoke(app, ["tally", "show", "--user", "cashier", *base], env=ENV)
    assert r.exit_code == 1 and "收费员无权查看日结报表" in r.output
    r = runner.invoke(app, ["tally", "show", "--user", "lead", "--json", *base], env=ENV)
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert got["expected_fen"]["cash"] == 38000 and got["receipts"]["missing"] == []
    assert got["receipts"]["check"] == "已检查，收据号连续，无断号"
    r = runner.invoke(app, ["tally", "show", "--user", "lead", *base], env=ENV)
    assert r.exit_code == 0 and "按缴费方式" in r.output and "无断号" in r.output

    # the cashier counts the desk's cash (blind); the lead must confirm
    r = runner.invoke(
        app,
        ["tally", "close", "--user", "cashier", "--cash", "100x3,50x1,20x1", "--no-print", *base],
        env=ENV,
    )
    assert r.exit_code == 0, r.output
    assert "1号窗口现金已清点" in r.output and "-10.00" in r.output and "待负责人确认" in r.output
    # the lead confirms the desk: 10 yuan short, refused without a note, then with one
    r = runner.invoke(
        app,
        [
            "tally",
            "close",
            "--user",
            "lead",
            "--desk",
            "1号窗口",
            "--cash",
            "100x3,50x1,20x1",
            "--no-print",
            *base,
        ],
        env=ENV,
    )
    assert r.exit_code == 1 and "须填写差额说明" in r.output and "现金少 10.00 元" in r.output
    xlsx = tmp_path / "z.xlsx"
    r = runner.invoke(
        app,
        [
            "tally",
            "close",
            "--user",
            "lead",
            "--desk",
            "1号窗口",
            "--cash",
            "100元×3，50元×1，20元×1",
            "--note",
            "找零多找 10 元",
            "--xlsx",
            str(xlsx),
            *base,
        ],
        env=ENV,
    )
    assert r.exit_code == 0, r.output
    assert "已日结并锁定" in r.output and "日结报表已打印" in r.output
    printed = chinese_text(spool.read_bytes(), "gbk")
    assert "日结报表" in printed and "找零多找 10 元" in printed and "无断号" in printed
    summary = {
        row[0]: row[1]
        for row in openpyxl.load_workbook(xlsx)["概况"].iter_rows(min_row=2, values_only=True)
    }
    assert summary["日结状态"] == "已日结（锁定）" and summary["净额（元）"] == 380
    # locked: a cancel is refused
    r = runner.invoke(
        app,
        ["tally", "cancel", "--reason", "重来", "--desk", "1号窗口", "--user", "lead", *base],
        env=ENV,
    )
    assert r.exit_code == 1 and "已日结锁定" in r.output


def test_begin_cancel_and_export(engine: Engine, db_url: str, tmp_path: Path) -> None:
    base, _ = _setup(engine, tmp_path)
    base += ["--db", db_url, "--date", DAY]
    r = runner.invoke(app, ["tally", "begin", "--user", "lead", *base], env=ENV)
    assert r.exit_code == 0 and "全办公室日结" in r.output
    r = runner.invoke(app, ["tally", "begin", "--user", "lead", *base], env=ENV)
    assert r.exit_code == 1 and "日结中" in r.output
    r = runner.invoke(
        app, ["tally", "cancel", "--reason", "还有人要缴费", "--user", "lead", *base], env=ENV
    )
    assert r.exit_code == 0 and "恢复收费" in r.output
    out = tmp_path / "day.xlsx"
    r = runner.invoke(app, ["tally", "export", str(out), "--user", "lead", *base], env=ENV)
    assert r.exit_code == 0 and out.exists()
    r = runner.invoke(
        app,
        [
            "tally",
            "show",
            "--user",
            "lead",
            "--date",
            "27/09/2021",
            "--db",
            db_url,
            base[0],
            base[1],
        ],
        env=ENV,
    )
    assert r.exit_code == 1 and "应为 YYYY-MM-DD" in r.output


def test_pieces_as_typed() -> None:
    assert parse_pieces("100x3, 50x1,5角x2,0.1×4") == {10000: 3, 5000: 1, 50: 2, 10: 4}
    assert parse_pieces("１００＊２") == {10000: 2}
    for bad in ("100", "30x2", "abc", "100x"):
        with pytest.raises(InvalidInput, match="面额"):
            parse_pieces(bad)
