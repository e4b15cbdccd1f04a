"""Money in every ``--json`` output is integer fen, under a key that ends in ``_fen`` (or is
``fen``): never a yuan string such as ``"380.00"`` beside another command's fen."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from models.db import session_scope
from tests.factories import accepted, office
from tests.support import write_config
from tui.cli import app

runner = CliRunner()
ENV = {"DESK_PASSWORD": "secret-pw"}
YUAN = re.compile(r"^-?[\d,]+\.\d{1,2}$")
PAY = ["pay", "ZJ21S00002", "--method", "cash", "--tendered", "400", "--no-print"]
CLOSE = ["tally", "close", "--date", "2021-09-27", "--desk", "1号窗口", "--cash", "100x3,50x1"]
MONEY_WORDS = (
    "amount",
    "fee",
    "change",
    "difference",
    "credit_total",
    "net",
    "counted",
    "expected",
)


def _money_problems(data: Any, where: str = "") -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            here = f"{where}.{key}"
            scalar = not isinstance(value, (dict, list)) or (
                isinstance(value, dict) and all(isinstance(v, int) for v in value.values())
            )
            money_key = scalar and any(w in key for w in MONEY_WORDS)
            if money_key and not (key.endswith("_fen") or key == "fen"):
                yield f"{here}: a money key without _fen ({value!r})"
            if money_key and isinstance(value, str):
                yield f"{here}: money as a string {value!r}"
            yield from _money_problems(value, here)
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _money_problems(value, f"{where}[{i}]")
    elif isinstance(data, str) and YUAN.match(data):
        yield f"{where}: a yuan figure as a string {data!r}"


def _json(args: list[str]) -> Any:
    r = runner.invoke(app, args, env=ENV)
    assert r.exit_code == 0, (args, r.output)
    return json.loads(r.output)


def test_every_json_output_gives_money_in_fen(engine: Engine, db_url: str, tmp_path: Path) -> None:
    with session_scope(engine) as s:
        o = office(s)  # ZJ21F00001: 380 cash on 2021-09-27
        accepted(s, o, n=1, name="张伟")  # ZJ21S00002
        accepted(s, o, n=2, name="李娜")  # ZJ21S00003
    cfg = write_config(tmp_path, 'desk = "1号窗口"\n')
    base = ["--config", str(cfg), "--db", db_url]
    statement = tmp_path / "流水.csv"
    statement.write_bytes(
        "交易日期,贷方金额,对方户名,附言,流水号\n2021-09-27,380.00,李娜,评审费,TX0001\n".encode(
            "gb18030"
        )
    )
    outputs = {
        "pay": _json([*PAY, "--json", "--user", "cashier", *base]),
        "bank import": _json(
            ["bank", "import", str(statement), "--json", "--user", "cashier", *base]
        ),
        "bank list": _json(["bank", "list", "--json", "--user", "cashier", *base]),
        "summary": _json(["summary", "--json", "--user", "lead", *base]),
        "tally show": _json(
            ["tally", "show", "--date", "2021-09-27", "--json", "--user", "lead", *base]
        ),
        "tally close": _json(
            [*CLOSE, "--note", "少 30 元", "--no-print", "--json", "--user", "lead", *base]
        ),
        "campaign show": _json(["campaign", "show", "bz-vocational-2021", "--json", *base]),
        "roster show": _json(["roster", "show", "--json", "--user", "lead", *base]),
    }
    paid = outputs["pay"]["paid"][0]
    assert (paid["amount_fen"], paid["change_fen"]) == (38000, 2000)
    assert outputs["bank import"]["credit_total_fen"] == 38000
    line = outputs["bank list"]["lines"][0]
    assert line["amount_fen"] == 38000
    assert [k["fee_fen"] for k in line["candidates"]] == [38000]
    assert outputs["summary"]["total"]["fee_net_fen"] == 76000  # the office's and ZJ21S00002
    assert outputs["tally close"]["differences_fen"] == {"cash": -3000}
    problems = [p for name, data in outputs.items() for p in _money_problems(data, name)]
    assert problems == []
