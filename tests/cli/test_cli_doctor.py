"""``desk doctor``: a working office passes; a printer that does not answer, a schema behind the
program, a font that is not there and a wrong config are each named with what to do."""

from __future__ import annotations

import json
import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TypedDict

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from models import migrate
from models.campaign import Campaign
from models.db import session_scope
from models.permissions import SYSTEM
from models.services.users import add_user
from models.vocab import Role
from tests.factories import preset_campaign
from tests.support import free_port
from tui.cli import app

runner = CliRunner()


class Check(TypedDict):
    """One line of ``desk doctor --json``: ``id`` is stable, ``label`` in the desk's language."""

    id: str
    label: str
    status: str
    found: str
    fix: str


class Report(TypedDict):
    ok: bool
    checks: list[Check]


@pytest.fixture
def listening() -> Iterator[int]:
    """A port where something accepts connections (and never answers DLE EOT)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()

    def serve() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _addr = server.accept()
            except OSError:
                continue
            conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield int(server.getsockname()[1])
    stop.set()
    t.join()
    server.close()


def _office(engine: Engine) -> str:
    with session_scope(engine) as s:
        c = s.get(Campaign, preset_campaign(s))
        assert c is not None
        add_user(s, SYSTEM, username="lead", role=Role.lead, password="lead-secret")
        return c.code


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "desk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _doctor(config: Path, url: str, tmp_path: Path) -> tuple[int, Report]:
    r = runner.invoke(
        app,
        ["doctor", "--config", str(config), "--db", url, "--json"],
        env={"DESK_DATA_DIR": str(tmp_path / "data")},
    )
    return r.exit_code, json.loads(r.stdout)


def _by_id(report: Report) -> dict[str, Check]:
    checks = {c["id"]: c for c in report["checks"]}
    assert len(checks) == len(report["checks"]), [c["id"] for c in report["checks"]]
    return checks


def test_a_working_office_passes_and_a_silent_printer_fails(
    engine: Engine, tmp_path: Path, listening: int
) -> None:
    code = _office(engine)
    url = engine.url.render_as_string(hide_password=False)
    closed = free_port()  # nothing listens there
    config = _config(
        tmp_path,
        f'''campaign = "{code}"
[printers.receipt]
connection = "network"
host = "127.0.0.1"
port = {listening}
[printers.label]
connection = "network"
host = "127.0.0.1"
port = {closed}
width = 58
''',
    )
    status, report = _doctor(config, url, tmp_path)
    checks = _by_id(report)
    assert checks["config"]["status"] == "ok"
    head = migrate.head_revision()
    assert head is not None
    assert checks["db.schema"]["status"] == "ok" and head in checks["db.schema"]["found"]
    assert checks["campaign"]["status"] == "ok" and code in checks["campaign"]["found"]
    assert checks["users"]["found"] == "1 个"
    assert checks["tz"]["status"] == "ok" and "Asia/Shanghai" in checks["tz"]["found"]
    receipt, label = checks["printer.receipt"], checks["printer.label"]
    assert receipt["status"] == "ok" and f"127.0.0.1:{listening}" in receipt["found"]
    assert label["status"] == "fail" and "连接被拒绝" in label["found"] and label["fix"]
    assert status == 1 and report["ok"] is False
    if engine.dialect.name == "postgresql":
        assert checks["db.clock"]["status"] == "ok"  # the server's clock against this desk's
    else:
        assert checks["db.integrity"]["found"] == "SQLite 快速检查通过"


def test_a_schema_behind_the_program_a_missing_font_and_a_wrong_config(
    engine: Engine, tmp_path: Path
) -> None:
    _office(engine)
    url = engine.url.render_as_string(hide_password=False)
    migrate.downgrade(engine, "0007")
    config = _config(
        tmp_path,
        f'''[printers.receipt]
connection = "file"
path = "{tmp_path / "lp0"}"
image_mode = true
font = "{tmp_path / "no-such-font.ttf"}"
''',
    )
    status, report = _doctor(config, url, tmp_path)
    checks = _by_id(report)
    db = checks["db.schema"]
    assert db["label"] == "数据库"
    assert db["status"] == "fail" and "0007" in db["found"] and "desk db upgrade" in db["fix"]
    assert checks["printer.receipt"]["status"] == "ok"  # a file it may create
    font = checks["font"]
    assert font["status"] == "fail" and "no-such-font.ttf" in font["found"]
    assert status == 1
    migrate.upgrade(engine)

    bad = _config(tmp_path, 'language = "fr"\n')
    status, report = _doctor(bad, url, tmp_path)
    assert _by_id(report)["language"]["status"] == "fail" and status == 1
    broken = _config(tmp_path, "campaign = \n")
    status, report = _doctor(broken, url, tmp_path)
    [only] = report["checks"]
    assert only["status"] == "fail" and "格式错误" in only["found"] and status == 1


def test_doctor_speaks_a_table_with_what_to_do(tmp_path: Path) -> None:
    r = runner.invoke(
        app,
        [
            "doctor",
            "--config",
            str(tmp_path / "none.toml"),
            "--db",
            f"sqlite:///{tmp_path / 'new.sqlite3'}",
        ],
        env={"DESK_DATA_DIR": str(tmp_path / "data")},
    )
    assert r.exit_code == 0, r.output
    assert "受理台自检" in r.output and "要做的：" in r.output
    assert "第一次启动受理台（desk）或 desk db upgrade 时会创建" in r.output


@pytest.mark.skipif(os.name == "nt", reason="file modes mean nothing on Windows")
def test_doctor_warns_when_others_can_read_the_database_or_its_folders(tmp_path: Path) -> None:
    """Issue 20 (defect 9): a database file, a data folder or a backup folder that others can
    read is named with the chmod that fixes it; once private, nothing is said."""
    from models.db import make_engine

    data = tmp_path / "data"
    data.mkdir()
    backups = tmp_path / "backups"
    backups.mkdir()
    db = data / "desk.sqlite3"
    engine = make_engine(f"sqlite:///{db}")
    migrate.upgrade(engine)
    engine.dispose()
    for path, mode in ((data, 0o755), (backups, 0o755), (db, 0o644)):
        os.chmod(path, mode)
    config = _config(tmp_path, f'backup_dir = "{backups}"\n')
    status, report = _doctor(config, f"sqlite:///{db}", tmp_path)
    assert status == 0  # a warning, not a failure
    found = [c for c in report["checks"] if c["id"].startswith("privacy")]
    text = "\n".join(f"{c['status']} {c['found']} {c['fix']}" for c in found)
    assert all(c["status"] == "warn" for c in found) and len(found) == 3, text
    assert (
        f"chmod 600 {db}" in text and f"chmod 700 {data}" in text and f"chmod 700 {backups}" in text
    )
    assert "0644" in text and "0755" in text
    for path, mode in ((data, 0o700), (backups, 0o700), (db, 0o600)):
        os.chmod(path, mode)
    status, report = _doctor(config, f"sqlite:///{db}", tmp_path)
    checks = [c for c in report["checks"] if c["id"].startswith("privacy")]
    assert [c["status"] for c in checks] == ["ok"], checks


def test_doctor_creates_no_database(tmp_path: Path) -> None:
    """The database file is created 0600 when an engine is made: doctor must still see that
    there is none yet, and leave none behind."""
    new = tmp_path / "none" / "new.sqlite3"
    r = runner.invoke(
        app,
        ["doctor", "--config", str(tmp_path / "none.toml"), "--db", f"sqlite:///{new}", "--json"],
        env={"DESK_DATA_DIR": str(tmp_path / "data")},
    )
    assert r.exit_code == 0, r.output
    # read as JSON: in the table a long temporary path wraps the cell's words across lines
    (database,) = [c for c in json.loads(r.output)["checks"] if c["id"] == "db.reachable"]
    assert database["found"].endswith("文件还不存在") and not new.exists()


def test_doctor_has_a_time_zone_row_even_without_a_campaign(tmp_path: Path) -> None:
    """The README promises the time zone among the checks: on a fresh machine (no database, so
    no campaign) the row checks the default zone, Asia/Shanghai, and says this machine's."""
    new = tmp_path / "new.sqlite3"
    args = ["doctor", "--config", str(tmp_path / "none.toml"), "--db", f"sqlite:///{new}"]
    r = runner.invoke(app, [*args, "--json"], env={"DESK_DATA_DIR": str(tmp_path / "data")})
    assert r.exit_code == 0, r.output
    tz = _by_id(json.loads(r.stdout))["tz"]
    assert tz["status"] == "ok" and tz["label"] == "时区", tz
    assert "Asia/Shanghai" in tz["found"] and "本机" in tz["found"], tz
    r = runner.invoke(app, args, env={"DESK_DATA_DIR": str(tmp_path / "data")})
    assert "时区" in r.output and "Asia/Shanghai" in r.output


def test_doctor_json_ids_are_the_same_in_every_language(engine: Engine, tmp_path: Path) -> None:
    """``--json`` names each check by a stable id (``db.schema``, ``tz``, ``printer.receipt``)
    and gives the translated label beside it: a script reads the same ids in English."""
    code = _office(engine)
    url = engine.url.render_as_string(hide_password=False)
    config = _config(tmp_path, f'campaign = "{code}"\n')
    _status, zh = _doctor(config, url, tmp_path)
    from models import i18n

    previous = i18n.current()
    i18n.use("en")
    try:
        r = runner.invoke(
            app,
            ["doctor", "--config", str(config), "--db", url, "--json"],
            env={"DESK_DATA_DIR": str(tmp_path / "data")},
        )
    finally:
        i18n.use(previous)
    en: Report = json.loads(r.stdout)
    assert [c["id"] for c in en["checks"]] == [c["id"] for c in zh["checks"]]
    ids = set(_by_id(zh))
    assert {"config", "db.schema", "campaign", "tz", "users", "language"} <= ids, ids
    assert _by_id(zh)["tz"]["label"] == "时区" and _by_id(en)["tz"]["label"] == "Time zone"
