"""Issue 25 item 7: ``desk doctor --bundle FILE`` writes a support bundle (a zip): the config
without its secrets, the versions, doctor's results and the log's last lines with ID numbers and
phone numbers masked; 0600."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

from typer.testing import CliRunner

from models.bundle import redact_line, safe_config
from tui.cli import app
from tui.work.crashlog import LOG_NAME

runner = CliRunner()
ID = "110101199003074512"
PHONE = "13812345678"


def test_the_bundle_has_its_parts_and_no_secret(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "logs").mkdir(parents=True)
    (data / "logs" / LOG_NAME).write_text(
        f"--- 2026-12-05T10:00:00 pay\nIntegrityError: Key (id_number)=({ID}) phone {PHONE}\n",
        encoding="utf-8",
    )
    config = tmp_path / "config.toml"
    config.write_text(
        'desk = "1号窗口"\n'
        'database_url = "postgresql://desk:Pg-Secret-9@10.0.0.5:5432/desk"\n'
        '[printers.receipt]\nconnection = "file"\npath = "/dev/null"\npassword = "Printer-Pw"\n',
        encoding="utf-8",
    )
    target = tmp_path / "support.zip"
    r = runner.invoke(
        app,
        [
            *("doctor", "--config", str(config), "--bundle", str(target)),
            *("--db", f"sqlite:///{tmp_path / 'none.sqlite3'}"),
        ],
        env={"DESK_DATA_DIR": str(data), "DESK_DATABASE_URL": ""},
    )
    assert target.is_file(), r.output
    assert str(target) in r.output.replace("\n", "")
    if os.name != "nt":
        assert target.stat().st_mode & 0o777 == 0o600
    with zipfile.ZipFile(target) as z:
        assert sorted(z.namelist()) == ["config.json", "doctor.json", "log.txt", "versions.json"]
        everything = "".join(z.read(n).decode("utf-8") for n in z.namelist())
        settings = json.loads(z.read("config.json"))
        versions = json.loads(z.read("versions.json"))
        doctor = json.loads(z.read("doctor.json"))
        log = z.read("log.txt").decode("utf-8")
    assert settings["desk"] == "1号窗口" and settings["printers"]["receipt"]["password"] == "***"
    assert settings["database_url"].startswith("sqlite:///")  # --db is what doctor checked
    assert versions["desk"] and versions["schema"] and versions["python"]
    assert "textual" in versions["packages"]
    assert {c["id"] for c in doctor["checks"]} >= {"config", "db.reachable", "language"}
    assert "Printer-Pw" not in everything and "Pg-Secret-9" not in everything
    assert ID not in everything and "110101********4512" in log
    assert PHONE not in everything and "138****5678" in log


def test_secrets_are_removed_from_the_configuration() -> None:
    got = safe_config(
        {
            "database_url": "postgresql://desk:Pg-Secret-9@db/desk",
            "other": "postgresql://db/desk?user=desk&password=Q-9",
            "printers": {"label": {"token": "T", "host": "10.0.0.9"}},
            "db_password": "x",
        }
    )
    assert got["database_url"] == "postgresql://desk:***@db/desk"
    assert got["other"] == "postgresql://db/desk?user=desk&password=***"
    assert got["printers"]["label"] == {"token": "***", "host": "10.0.0.9"}
    assert got["db_password"] == "***"


def test_id_numbers_and_phones_are_masked_in_log_lines() -> None:
    assert redact_line(f"id {ID} and 11010119900307451X") == (
        "id 110101********4512 and 110101********451X"
    )
    assert redact_line(f"tel {PHONE}, 138-1234-5678, 010-62345678") == (
        "tel 138****5678, 138****5678, 010-********"
    )
    # a receipt number or a time stamp is not a phone
    assert redact_line("ZJ21F00001 at 20261205183000") == "ZJ21F00001 at 20261205183000"
