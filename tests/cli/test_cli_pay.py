"""``desk pay``: one dossier or a batch file, authenticated, receipt numbers in ``--json``, the
receipt printed; a batch run again pays nothing twice."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import col, select
from typer.testing import CliRunner

from models.db import session_scope
from models.payment import Payment
from tests.cli.test_cli_printing import _write_config, chinese_text
from tests.factories import accepted, office
from tui.cli import app

runner = CliRunner()
ENV = {"DESK_PASSWORD": "secret-pw"}


def _office(engine: Engine, tmp_path: Path) -> tuple[Path, Path]:
    with session_scope(engine) as s:
        o = office(s)
        for n in (1, 2, 3):
            accepted(s, o, n=n, name=f"申请人{n}")  # ZJ21S00002 … ZJ21S00004
    spool = tmp_path / "lp0"
    spool.write_bytes(b"")
    cfg = _write_config(tmp_path, f'[printers.receipt]\nconnection = "file"\npath = "{spool}"\n'
                                  'width = 58\n')
    return cfg, spool


def test_pay_one_dossier_with_change_and_a_printed_receipt(engine: Engine, db_url: str,
                                                           tmp_path: Path) -> None:
    cfg, spool = _office(engine, tmp_path)
    base = ["pay", "ZJ21S00002", "--method", "cash", "--tendered", "400", "--config", str(cfg),
            "--db", db_url]
    r = runner.invoke(app, [*base, "--user", "clerk"], env=ENV)
    assert r.exit_code == 1 and "受理员无权收取评审费" in r.output
    r = runner.invoke(app, [*base, "--user", "cashier", "--json"], env=ENV)
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert [(p["dossier"], p["receipt"], p["amount"], p["change"]) for p in got["paid"]] == [
        ("ZJ21S00002", "ZJ21F00002", "380.00", "20.00")]
    assert "ZJ21F00002" in chinese_text(spool.read_bytes(), "gbk")
    r = runner.invoke(app, [*base, "--user", "cashier"], env=ENV)  # again: refused, says when
    assert r.exit_code == 1 and "不能重复收费" in r.output and "ZJ21F00002" in r.output
    r = runner.invoke(app, ["pay", "ZJ21S00003", "--method", "transfer", "--user", "cashier",
                            "--config", str(cfg), "--db", db_url], env=ENV)
    assert r.exit_code == 1 and "须填写银行流水号" in r.output


def test_pay_a_batch_then_again_pays_nothing_twice(engine: Engine, db_url: str,
                                                   tmp_path: Path) -> None:
    cfg, _ = _office(engine, tmp_path)
    batch = tmp_path / "到账.csv"
    batch.write_bytes("受理编号,收款方式,流水号\nZJ21S00003,转账,BOC20210927001\n"
                      "zj21s00004,qr,4200001234567890\nZJ21S00099,cash,\n".encode("gb18030"))
    args = ["pay", "--batch", str(batch), "--user", "cashier", "--no-print", "--json",
            "--config", str(cfg), "--db", db_url]
    r = runner.invoke(app, args, env=ENV)
    assert r.exit_code == 1  # one line failed, the others are paid
    got = json.loads(r.output)
    assert [(p["line"], p["receipt"]) for p in got["paid"]] == [(2, "ZJ21F00002"),
                                                                 (3, "ZJ21F00003")]
    assert [(f["line"], f["code"]) for f in got["failed"]] == [(4, "payment.no_such_dossier")]
    r = runner.invoke(app, args, env=ENV)  # the same file again, e.g. after an interruption
    again = json.loads(r.output)
    assert [(p["receipt"], p["again"]) for p in again["paid"]] == [("ZJ21F00002", True),
                                                                   ("ZJ21F00003", True)]
    with session_scope(engine, readonly=True) as s:
        rows = s.exec(select(Payment).order_by(col(Payment.receipt_no))).all()
        assert [(p.receipt_code, p.method, p.reference) for p in rows] == [
            ("ZJ21F00001", "cash", ""), ("ZJ21F00002", "transfer", "BOC20210927001"),
            ("ZJ21F00003", "qr", "4200001234567890")]


def test_pay_needs_one_dossier_or_a_batch(db_url: str) -> None:
    r = runner.invoke(app, ["pay", "--db", db_url])
    assert r.exit_code == 1 and "二者选一" in r.output
    r = runner.invoke(app, ["pay", "ZJ21S00002", "--db", db_url])
    assert r.exit_code == 1 and "--method" in r.output
