"""The ``desk`` command against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tui.cli import app

runner = CliRunner()


def desk(
    db_url: str, *args: str, input: str | None = None, env: dict[str, str] | None = None
) -> Result:
    """Subcommand options come after the subcommand: ``desk campaign list --db URL``."""
    return runner.invoke(app, [*args, "--db", db_url], input=input, env=env)


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.startswith("committee-desk ")


def test_first_setup_then_authenticated_changes(db_url: str) -> None:
    # empty database: the first user needs no --user
    r = desk(db_url, "user", "add", "boss", "--role", "admin", input="secret-pw\n")
    assert r.exit_code == 0, r.output
    assert "已添加用户 boss（管理员）" in r.output
    # from now on --user is required …
    r = desk(db_url, "user", "add", "wang", "--role", "clerk", input="secret-pw\n")
    assert r.exit_code == 1
    assert "--user" in r.output
    # … and its password checked
    r = desk(
        db_url,
        "user",
        "add",
        "wang",
        "--role",
        "clerk",
        "--user",
        "boss",
        input="secret-pw\n",
        env={"DESK_PASSWORD": "wrong-pw"},
    )
    assert r.exit_code == 1 and "用户名或密码不正确" in r.output
    r = desk(
        db_url,
        "user",
        "add",
        "wang",
        "--role",
        "clerk",
        "--user",
        "boss",
        input="secret-pw\n",
        env={"DESK_PASSWORD": "secret-pw"},
    )
    assert r.exit_code == 0, r.output


def test_campaign_new_show_list_json(db_url: str) -> None:
    r = desk(db_url, "campaign", "new", "bz2021", "--from", "000")
    assert r.exit_code == 0, r.output
    r = desk(db_url, "campaign", "show", "bz2021", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    fees = {(f["track"], f["level"]): f["fen"] for f in data["fees"]}
    assert fees[("评审", "中级")] == 38000
    assert data["place"].endswith("529办公室")
    r = desk(db_url, "campaign", "list", "--json")
    assert [c["code"] for c in json.loads(r.output)["campaigns"]] == ["bz2021"]


def test_show_a_preset_not_yet_loaded(db_url: str) -> None:
    r = desk(db_url, "campaign", "show", "000")
    assert r.exit_code == 0, r.output
    assert "叁" not in r.output and "380.00 元" in r.output


def test_set_fee_by_lead_only(db_url: str) -> None:
    assert (
        desk(db_url, "user", "add", "admin", "--role", "admin", input="secret-pw\n").exit_code == 0
    )
    env = {"DESK_PASSWORD": "secret-pw"}
    assert (
        desk(
            db_url,
            "user",
            "add",
            "boss",
            "--role",
            "lead",
            "--user",
            "admin",
            input="secret-pw\n",
            env=env,
        ).exit_code
        == 0
    )
    r = desk(db_url, "campaign", "new", "bohu", "--from", "003", "--user", "boss", env=env)
    assert r.exit_code == 0, r.output
    r = desk(
        db_url,
        "campaign",
        "set-fee",
        "bohu",
        "初次确定",
        "初级",
        "100",
        "--reason",
        "县人社局确认",
        "--user",
        "boss",
        env=env,
    )
    assert r.exit_code == 0, r.output
    assert "壹佰元整" in r.output
    r = desk(
        db_url,
        "campaign",
        "set-fee",
        "bohu",
        "初次确定",
        "初级",
        "1.234",
        "--reason",
        "x",
        "--user",
        "boss",
        env=env,
    )
    assert r.exit_code == 1 and "金额" in r.output


def test_malformed_campaign_file_names_file_and_line(db_url: str, tmp_path: Path) -> None:
    from models.services.campaigns import read_preset

    text = read_preset("000")[1].replace("yuan = 220\n", 'yuan = "二百二"\n', 1)
    path = tmp_path / "next.toml"
    path.write_text(text, encoding="utf-8")
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "二百二" in s)
    r = desk(db_url, "campaign", "load", str(path))
    assert r.exit_code == 1
    flat = " ".join(r.output.split())
    assert "next.toml" in flat and f"第 {line} 行" in flat
    assert "Traceback" not in r.output


def test_unreachable_database_is_one_chinese_line() -> None:
    r = runner.invoke(
        app, ["campaign", "list", "--db", "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"]
    )
    assert r.exit_code == 1
    assert "无法连接数据库" in r.output
    assert "Traceback" not in r.output


@pytest.mark.parametrize("bad_role", ["boss", ""])
def test_bad_role(db_url: str, bad_role: str) -> None:
    r = desk(db_url, "user", "add", "x1", "--role", bad_role, input="secret-pw\n")
    assert r.exit_code == 1 and "未知的角色" in r.output


def test_commands_in_a_fresh_process(tmp_path: Path) -> None:
    """Each command as its own process, as at a desk: only the modules that command imports
    are loaded (a test run imports everything, which hid a missing table once)."""
    import os
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    env = {**os.environ, "DESK_PASSWORD": "pw-123456", "DESK_DATA_DIR": str(tmp_path)}

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", "from tui.cli import main; main()", *args, "--db", url],
            input=stdin,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    for args, stdin in (
        (("user", "add", "boss", "--role", "admin"), "pw-123456\n"),
        (("user", "add", "li", "--role", "lead", "--user", "boss"), "pw-123456\n"),
        (("campaign", "new", "bz21", "--from", "000", "--user", "li"), ""),
        (
            (
                "campaign",
                "set-fee",
                "bz21",
                "评审",
                "中级",
                "380",
                "--reason",
                "通知",
                "--user",
                "li",
            ),
            "",
        ),
    ):
        r = run(*args, stdin=stdin)
        assert r.returncode == 0, (args, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr


def test_a_lead_extends_the_window_from_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only with a reason, only a lead; the extension shows as an open window."""
    from models.db import make_engine, session_scope
    from models.services.campaigns import get_campaign, window_status
    from tests.factories import office

    url = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade", "--db", url]).exit_code == 0
    engine = make_engine(url)
    with session_scope(engine) as s:
        office(s)
    monkeypatch.setenv("DESK_PASSWORD", "secret-pw")
    import datetime as dt

    day = dt.date.today() + dt.timedelta(days=5)
    args = ["campaign", "extend-window", "bz-vocational-2021", "--until", f"{day}", "--db", url]
    r = runner.invoke(app, [*args, "--reason", "统一报送", "--user", "clerk"])
    assert r.exit_code != 0 and "受理员无权延长纸质材料报送时间" in r.output
    r = runner.invoke(app, [*args, "--reason", " ", "--user", "lead"])
    assert r.exit_code != 0 and "须写明原因" in r.output
    r = runner.invoke(app, [*args, "--reason", "和静县统一报送", "--user", "lead"])
    assert r.exit_code == 0, r.output
    assert f"报送时间至 {day + dt.timedelta(days=1)} 00:00" in r.output
    with session_scope(engine, readonly=True) as s:
        assert window_status(s, get_campaign(s, "bz-vocational-2021")).open


def _commands(command: object, path: list[str]) -> Iterator[list[str]]:
    subs = getattr(command, "commands", None)
    if isinstance(subs, dict):
        for name, sub in subs.items():
            yield from _commands(sub, [*path, name])
    else:
        yield path


def test_help_has_no_space_where_a_docstring_broke_a_chinese_line() -> None:
    """Click joins a paragraph's lines with a space: "收取时的审计 记录比对" was the help of
    ``desk audit verify``. Every command's description, at a width where nothing wraps."""
    import re

    from typer.main import get_command

    han_space_han = re.compile(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]")
    paths = list(_commands(get_command(app), []))
    assert len(paths) > 30
    for path in paths:
        out = runner.invoke(app, [*path, "--help"], env={"COLUMNS": "400"}).output
        description = out.split("╭")[0]
        assert not han_space_han.search(description), (path, description)


# --- issue 20, defect 13: without --user, the command names the roles it needs ----------------


@pytest.mark.parametrize(
    "args,roles,not_named",
    [
        (("pay", "ZJ21S00001", "--method", "cash"), "收费员或负责人", "管理员"),
        (
            ("campaign", "set-fee", "bz21", "评审", "中级", "380", "--reason", "通知"),
            "（负责人）",
            "管理员",
        ),
        (("roster", "handover", "--receiver", "秘书", "--yes"), "（负责人）", "管理员"),
        (("audit", "verify"), "负责人或管理员", "收费员"),
        (("bank", "list"), "收费员或负责人", "管理员"),
    ],
)
def test_no_user_names_the_roles_the_command_needs(
    db_url: str, args: tuple[str, ...], roles: str, not_named: str
) -> None:
    assert (
        desk(db_url, "user", "add", "boss", "--role", "admin", input="secret-pw\n").exit_code == 0
    )
    r = desk(db_url, *args)
    assert r.exit_code == 1, r.output
    flat = "".join(r.output.split())
    assert "--user" in flat and "(cli.no_user)" in flat, r.output
    assert roles in flat and not_named not in flat, r.output


# --- issue 20, defect 7: accounts from the command line --------------------------------------


def test_accounts_lifecycle_from_the_command_line(db_url: str) -> None:
    admin = {"DESK_PASSWORD": "admin-pw"}
    # an empty database: the first account is the admin, made without --user
    r = desk(db_url, "user", "add", "liu", "--role", "lead", input="lead-pw\n")
    assert r.exit_code == 1 and "第一个用户须为管理员" in r.output
    assert desk(db_url, "user", "add", "boss", "--role", "admin", input="admin-pw\n").exit_code == 0
    # the office's first lead needs no approver; the second does, and gets one
    r = desk(
        db_url,
        "user",
        "add",
        "liu",
        "--role",
        "lead",
        "--user",
        "boss",
        input="lead-pw\n",
        env=admin,
    )
    assert r.exit_code == 0, r.output
    r = desk(
        db_url,
        "user",
        "add",
        "zhao",
        "--role",
        "lead",
        "--user",
        "boss",
        input="lead-pw\n",
        env=admin,
    )
    assert r.exit_code == 1 and "--approver" in r.output and "(user.needs_approval)" in r.output
    r = desk(
        db_url,
        "user",
        "add",
        "zhao",
        "--role",
        "lead",
        "--user",
        "boss",
        "--approver",
        "liu",
        input="lead-pw\n",
        env={**admin, "DESK_APPROVER_PASSWORD": "wrong"},
    )
    assert r.exit_code == 1 and "用户名或密码不正确" in r.output
    r = desk(
        db_url,
        "user",
        "add",
        "zhao",
        "--role",
        "lead",
        "--user",
        "boss",
        "--approver",
        "liu",
        input="lead-pw\n",
        env={**admin, "DESK_APPROVER_PASSWORD": "lead-pw"},
    )
    assert r.exit_code == 0, r.output
    assert (
        desk(
            db_url,
            "user",
            "add",
            "li",
            "--role",
            "cashier",
            "--user",
            "boss",
            input="cash-pw\n",
            env=admin,
        ).exit_code
        == 0
    )
    # a lead manages no accounts
    r = desk(db_url, "user", "disable", "li", "--user", "liu", env={"DESK_PASSWORD": "lead-pw"})
    assert r.exit_code == 1 and "负责人无权停用用户" in r.output
    # the departed cashier, disabled, cannot act from the command line
    r = desk(db_url, "user", "disable", "li", "--user", "boss", env=admin)
    assert r.exit_code == 0 and "已停用用户 li" in r.output
    r = desk(db_url, "bank", "list", "--user", "li", env={"DESK_PASSWORD": "cash-pw"})
    assert r.exit_code == 1 and "用户名或密码不正确" in r.output  # as a wrong password says
    r = desk(
        db_url,
        "user",
        "passwd",
        "--user",
        "li",
        input="new-cash-pw\n",
        env={"DESK_PASSWORD": "cash-pw"},
    )
    assert r.exit_code == 1 and "用户名或密码不正确" in r.output
    r = desk(db_url, "user", "disable", "boss", "--user", "boss", env=admin)
    assert r.exit_code == 1 and "不能停用自己" in r.output
    r = desk(db_url, "user", "list", "--user", "boss", "--json", env=admin)
    assert r.exit_code == 0, r.output
    users = {u["username"]: u for u in json.loads(r.output)["users"]}
    assert users["li"]["active"] is False and users["li"]["disabled_at"]
    assert users["zhao"]["role"] == "lead" and users["boss"]["active"]
    # enabled again, with a reset: the next use must choose a new password first
    assert desk(db_url, "user", "enable", "li", "--user", "boss", env=admin).exit_code == 0
    r = desk(
        db_url, "user", "reset-password", "li", "--user", "boss", input="temp-123\n", env=admin
    )
    assert r.exit_code == 0, r.output
    r = desk(
        db_url,
        "campaign",
        "new",
        "bz21",
        "--from",
        "000",
        "--user",
        "li",
        env={"DESK_PASSWORD": "temp-123"},
    )
    assert r.exit_code == 1 and "deskuserpasswd--userli" in "".join(r.output.split()), r.output
    assert "(auth.must_change_password)" in "".join(r.output.split())
    r = desk(
        db_url,
        "user",
        "passwd",
        "--user",
        "li",
        input="cash-pw-2\n",
        env={"DESK_PASSWORD": "temp-123"},
    )
    assert r.exit_code == 0, r.output
    r = desk(db_url, "user", "list", "--user", "li", env={"DESK_PASSWORD": "cash-pw-2"})
    assert r.exit_code == 1 and "收费员无权查看用户列表" in r.output  # logged in, not allowed
    # promoting the cashier needs a lead's approval; the last lead cannot be demoted away …
    r = desk(db_url, "user", "set-role", "li", "--role", "lead", "--user", "boss", env=admin)
    assert r.exit_code == 1 and "--approver" in r.output
    r = desk(
        db_url,
        "user",
        "set-role",
        "li",
        "--role",
        "lead",
        "--user",
        "boss",
        "--approver",
        "zhao",
        env={**admin, "DESK_APPROVER_PASSWORD": "lead-pw"},
    )
    assert r.exit_code == 0 and "已把 li 的角色改为负责人" in r.output


def test_campaign_new_from_a_preset_in_use_asks_for_a_prefix_of_its_own(db_url: str) -> None:
    r = desk(db_url, "campaign", "new", "bz2021", "--from", "000")
    assert r.exit_code == 0, r.output
    r = desk(db_url, "campaign", "new", "bz-2025", "--from", "000")
    assert r.exit_code == 1 and "--prefix ZJ25" in r.output and "Traceback" not in r.output
    r = desk(db_url, "campaign", "new", "bz-2025", "--from", "000", "--prefix", "ZJ25")
    assert r.exit_code == 0, r.output
    r = desk(db_url, "campaign", "show", "bz-2025", "--json")
    assert "ZJ25F" in r.output
