"""``desk --demo`` writes nothing outside its temporary folder (issue 24): the automatic backup
after a day close, the exports and the crash log all go into the demo's folder, which is gone
after exit, even with a configured ``backup_dir`` and ``backup_copy_dir``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from models.config import DeskConfig, data_dir
from models.files import write_private
from models.permissions import SYSTEM
from tui.cli import app


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def test_the_demo_writes_only_into_its_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, real_data = tmp_path / "home", tmp_path / "data"
    real_backups, usb = tmp_path / "backups", tmp_path / "usb"
    for d in (home, real_data, real_backups, usb):
        d.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("DESK_DATA_DIR", str(real_data))
    config = tmp_path / "config.toml"
    config.write_text(
        f'backup_dir = "{real_backups.as_posix()}"\nbackup_copy_dir = "{usb.as_posix()}"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("DESK_CONFIG", str(config))
    written: list[Path] = []

    class DemoRun:
        """The app's run replaced by what a demo session writes: the database opened (and
        migrated), a day close's automatic backup, an export, a crash logged."""

        def __init__(self, cfg: DeskConfig, *, demo: bool, **_: Any) -> None:
            assert demo
            self.cfg = cfg

        def run(self) -> None:
            from tui.work.backups import backup_after_close
            from tui.work.context import open_database
            from tui.work.crashlog import log_crash

            engine = open_database(self.cfg)
            backup = backup_after_close(
                engine,
                self.cfg,
                SYSTEM,
                campaign_code="bz-vocational-2021",
                campaign_id=None,
                day=dt.date.today(),
            )
            engine.dispose()
            assert backup.ok and backup.path is not None, backup.text
            export = data_dir() / "exports" / "日结报表.xlsx"  # as the day screen names it
            export.parent.mkdir(parents=True, exist_ok=True)
            write_private(export, b"xlsx")
            written.extend([backup.path, export, log_crash(RuntimeError("demo"))])

    monkeypatch.setattr("tui.app.make_app", DemoRun)
    result = CliRunner().invoke(app, ["--demo"])
    assert result.exit_code == 0, result.output
    assert len(written) == 3
    for folder in (home, real_data, real_backups, usb):
        assert _files(folder) == []
    demo_folder = written[0].parents[1]
    assert all(demo_folder in p.parents for p in written), written
    assert not demo_folder.exists()  # removed at exit
    assert data_dir() == real_data  # the demo's folder does not outlive it
