"""Issue 25 item 6: the second copy of each day close's backup (``backup_copy_dir``: a USB disk or
a network folder). The close copies its backup there and verifies it; a copy that cannot be made
is a warning with the close (the day stays closed, the local backup stays); ``desk doctor`` warns
when the newest close's backup has no copy there, or only an older one."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from models.backup import copy as bk_copy
from models.backup.records import BackupFailed
from models.db import session_scope
from tests.factories import office
from tests.support import write_config
from tui.cli import app

runner = CliRunner()
ENV = {"DESK_PASSWORD": "secret-pw"}
DAY = "2021-09-27"  # the factory's payment: 380 cash at 1号窗口


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _office(engine: Engine, tmp_path: Path, copy_dir: Path) -> tuple[list[str], Path]:
    if engine.dialect.name != "sqlite":
        pytest.skip("on PostgreSQL the server's pg_dump backs up; no automatic file backup")
    with session_scope(engine) as s:
        office(s)
    local = tmp_path / "backups"
    cfg = write_config(
        tmp_path,
        f'desk = "1号窗口"\nbackup_dir = "{local}"\nbackup_copy_dir = "{copy_dir}"\n',
    )
    url = engine.url.render_as_string(hide_password=False)
    return ["--config", str(cfg), "--db", url], local


def _close(base: list[str]) -> dict[str, object]:
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
            "100x3,50x1,20x1,10x1",
            "--no-print",
            "--json",
            "--date",
            DAY,
            *base,
        ],
        env=ENV,
    )
    assert r.exit_code == 0, r.output
    report: dict[str, object] = json.loads(r.stdout)
    return report


def _doctor(base: list[str], tmp_path: Path) -> dict[str, str]:
    r = runner.invoke(
        app, ["doctor", *base, "--json"], env={"DESK_DATA_DIR": str(tmp_path / "data")}
    )
    (check,) = [c for c in json.loads(r.stdout)["checks"] if c["id"] == "backup.copy"]
    return dict(check)


def test_the_close_copies_its_backup_and_verifies_the_copy(engine: Engine, tmp_path: Path) -> None:
    copies = tmp_path / "usb" / "desk-backups"
    base, local = _office(engine, tmp_path, copies)
    report = _close(base)
    assert report["status"] == "closed"
    backup = report["backup"]
    assert isinstance(backup, dict) and backup["ok"] is True, backup
    made = Path(backup["path"])
    copy = Path(backup["copy"])
    assert made.parent == local and copy.parent == copies and copy.name == made.name
    assert _sha(copy) == _sha(made)
    conn = sqlite3.connect(copy)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
    if os.name != "nt":
        assert copy.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in copies.iterdir()] == [copy.name]  # no temporary file left
    assert _doctor(base, tmp_path)["status"] == "ok"


def test_an_unwritable_second_folder_warns_and_the_close_stays(
    engine: Engine, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the USB folder should be", encoding="utf-8")
    base, local = _office(engine, tmp_path, blocker / "desk-backups")
    report = _close(base)
    assert report["status"] == "closed"
    backup = report["backup"]
    assert isinstance(backup, dict) and backup["ok"] is False, backup
    assert "第二份备份未完成" in backup["copy_warning"] and "error" not in backup
    made = Path(backup["path"])
    assert made.parent == local and made.is_file()  # the local backup stays
    # the close is committed: the day is locked
    r = runner.invoke(
        app,
        [
            *("tally", "cancel", "--reason", "重来", "--desk", "1号窗口", "--user", "lead"),
            *("--date", DAY, *base),
        ],
        env=ENV,
    )
    assert r.exit_code == 1 and "已日结锁定" in r.output
    warned = _doctor(base, tmp_path)
    assert warned["status"] == "warn" and "backup_copy_dir" in warned["fix"], warned


def test_a_copy_that_differs_is_refused_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "desk-20210927-183005-c.sqlite3"
    conn = sqlite3.connect(source)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    target = tmp_path / "copies"

    def torn(src: Path, dst: Path) -> None:  # a USB disk pulled halfway
        Path(dst).write_bytes(Path(src).read_bytes()[:100])

    monkeypatch.setattr(shutil, "copyfile", torn)
    with pytest.raises(BackupFailed) as caught:
        bk_copy.copy_backup(source, target)
    assert caught.value.code == "backup.copy_differs"
    assert str(target / source.name) in caught.value.message and ".part" not in caught.value.message
    assert list(target.iterdir()) == []
    monkeypatch.undo()
    copy = bk_copy.copy_backup(source, target)
    assert _sha(copy) == _sha(source)


def test_doctor_warns_when_the_copy_is_missing_or_older(engine: Engine, tmp_path: Path) -> None:
    copies = tmp_path / "usb"
    base, local = _office(engine, tmp_path, copies)
    report = _close(base)
    backup = report["backup"]
    assert isinstance(backup, dict)
    made, copy = Path(backup["path"]), Path(backup["copy"])
    assert _doctor(base, tmp_path)["status"] == "ok"
    # an older copy only: the USB disk was away at the last close
    older = copies / "desk-20000101-000000-old.sqlite3"
    shutil.copyfile(made, older)
    copy.unlink()
    check = _doctor(base, tmp_path)
    assert check["status"] == "warn" and older.name in check["found"], check
    assert made.name in check["found"] and "旧" in check["found"], check
    # no copy at all
    older.unlink()
    check = _doctor(base, tmp_path)
    assert check["status"] == "warn" and "没有" in check["found"], check
    # the folder itself gone (the disk not plugged in)
    copies.rmdir()
    check = _doctor(base, tmp_path)
    assert check["status"] == "warn" and "不存在" in check["found"], check
    assert local.is_dir()
