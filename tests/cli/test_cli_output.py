"""What ``desk`` prints, byte for byte, to a pipe and to a terminal: styles as the terminal's
escape codes, never as Rich's markup written out (``[bold]…[/]``); nothing but text to a pipe."""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.engine import Engine

from models.db import session_scope
from tests.cli.terminal import desk_env, run_desk
from tests.factories import office
from tests.support import write_config

MARKUP = re.compile(rb"\[/?(?:b|bold|dim|i|red|green|yellow)?\]|\[/\]")
BOLD = b"\x1b[1m"
DIM = b"\x1b[2m"


def _clean_pipe(data: bytes) -> None:
    assert MARKUP.search(data) is None, data[:400]
    assert b"\x1b" not in data, data[:400]


def _styled_terminal(data: bytes, *styles: bytes) -> None:
    assert MARKUP.search(data) is None, data[:400]
    for style in styles:
        assert style in data, data[:400]


def test_campaign_show_to_a_pipe_and_a_terminal() -> None:
    env = desk_env()
    code, piped, err = run_desk(["campaign", "show", "000"], env, tty=False)
    assert code == 0, err.decode()
    assert "2021年度".encode() in piped and "纸质材料清单".encode() in piped
    _clean_pipe(piped)
    code, shown, err = run_desk(["campaign", "show", "000"], env, tty=True)
    assert code == 0, err.decode()
    _styled_terminal(shown, BOLD, DIM)
    assert "依据：".encode() in piped and "依据：".encode() in shown


def test_campaign_list_to_a_pipe_and_a_terminal() -> None:
    env = desk_env()
    code, piped, err = run_desk(["campaign", "list"], env, tty=False)
    assert code == 0, err.decode()
    assert b"desk campaign new" in piped
    _clean_pipe(piped)
    code, shown, err = run_desk(["campaign", "list"], env, tty=True)
    assert code == 0, err.decode()
    _styled_terminal(shown, DIM)


def test_tally_show_to_a_pipe_and_a_terminal(engine: Engine, db_url: str, tmp_path: Path) -> None:
    with session_scope(engine) as s:
        office(s)
    cfg = write_config(tmp_path, 'desk = "1号窗口"\n')
    args = ["tally", "show", "--user", "lead", "--date", "2021-09-27"]
    args += ["--config", str(cfg), "--db", db_url]
    env = desk_env(DESK_PASSWORD="secret-pw")
    code, piped, err = run_desk(args, env, tty=False)
    assert code == 0, err.decode()
    assert "日结报表".encode() in piped and "按缴费方式".encode() in piped
    _clean_pipe(piped)
    code, shown, err = run_desk(args, env, tty=True)
    assert code == 0, err.decode()
    _styled_terminal(shown, BOLD)
    assert "日结报表".encode() in shown


def test_doctor_to_a_pipe_and_a_terminal(tmp_path: Path) -> None:
    env = desk_env()
    code, piped, err = run_desk(["doctor"], env, tty=False)
    assert code in (0, 1), err.decode()
    assert "受理台自检".encode() in piped
    _clean_pipe(piped)
    code, shown, err = run_desk(["doctor"], env, tty=True)
    assert "受理台自检".encode() in shown
    _styled_terminal(shown, b"\x1b[3")  # a colour for each mark
