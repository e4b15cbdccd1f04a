"""Files the desk writes are its owner's only (issue 20, defect 9) and a file that cannot be
written is one Chinese sentence, never a crash (defect 12): folders 0700, files 0600 (written
atomically, an older wider file replaced), the live SQLite database and its -wal/-shm 0600, the
error log 0600 and its /tmp fallback never following a planted symlink."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

import pytest

from models.errors import InvalidInput

posix_only = pytest.mark.skipif(os.name == "nt", reason="file modes mean nothing on Windows")


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def _bad_places(tmp_path: Path) -> dict[str, Path]:
    """Places no write can succeed, even as root: a missing folder, a path below a regular
    file, a path that is a folder."""
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    (tmp_path / "adir").mkdir(exist_ok=True)
    return {
        "missing": tmp_path / "missing" / "out.xlsx",
        "under a file": tmp_path / "afile" / "out.xlsx",
        "a folder": tmp_path / "adir",
    }


@posix_only
def test_private_dir_creates_every_missing_folder_0700(tmp_path: Path) -> None:
    from models.files import private_dir

    old = os.umask(0o022)
    try:
        leaf = private_dir(tmp_path / "a" / "b" / "c")
    finally:
        os.umask(old)
    assert leaf.is_dir()
    for p in (tmp_path / "a", tmp_path / "a" / "b", leaf):
        assert _mode(p) == 0o700, p
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    private_dir(shared)  # an existing folder is the administrator's: left as it is
    assert _mode(shared) == 0o755


@posix_only
def test_a_file_is_written_0600_atomically_and_a_wider_one_replaced(tmp_path: Path) -> None:
    from models.files import write_private

    old = os.umask(0o022)
    try:
        path = write_private(tmp_path / "out.txt", "甲乙丙")
        assert path.read_text(encoding="utf-8") == "甲乙丙" and _mode(path) == 0o600
        wide = tmp_path / "wide.bin"
        wide.write_bytes(b"old")
        os.chmod(wide, 0o644)
        write_private(wide, b"new")
        assert wide.read_bytes() == b"new" and _mode(wide) == 0o600
    finally:
        os.umask(old)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt", "wide.bin"]  # no .part left


def test_a_write_that_cannot_be_done_is_an_oserror_and_leaves_nothing(tmp_path: Path) -> None:
    from models.files import write_private

    for why, place in _bad_places(tmp_path).items():
        with pytest.raises(OSError):
            write_private(place, b"x")
        assert not (tmp_path / "missing").exists(), why
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adir", "afile"]
    assert list((tmp_path / "adir").iterdir()) == []


def test_save_private_says_in_one_chinese_sentence_why(tmp_path: Path) -> None:
    from models.files import save_private

    reasons = {}
    for why, place in _bad_places(tmp_path).items():
        with pytest.raises(InvalidInput) as exc:
            save_private(place, b"x")
        assert exc.value.code == "export.cannot_write"
        assert str(place) in exc.value.message and "未保存" in exc.value.message
        assert "\n" not in exc.value.message
        reasons[why] = exc.value.message
    assert "文件夹不存在" in reasons["missing"]
    assert "不是文件夹" in reasons["under a file"]
    assert "是一个文件夹" in reasons["a folder"]


def test_write_xlsx_into_a_missing_folder_is_one_sentence_not_a_crash(tmp_path: Path) -> None:
    """xlsxwriter raises FileCreateError (not an OSError) when it closes the workbook: it
    escaped write_xlsx's ``except OSError`` and the desk crashed with exit 2."""
    from models.reports import write_xlsx

    for why, place in _bad_places(tmp_path).items():
        with pytest.raises(InvalidInput) as exc:
            write_xlsx(place, [("表", ["姓名"], [["张伟"]])])
        assert exc.value.code == "export.cannot_write", why
        assert "未保存" in exc.value.message


@posix_only
def test_write_xlsx_is_0600(tmp_path: Path) -> None:
    import openpyxl

    from models.reports import write_xlsx

    path = write_xlsx(tmp_path / "x.xlsx", [("表", ["身份证号"], [["652801198705060017"]])])
    assert _mode(path) == 0o600
    assert openpyxl.load_workbook(path)["表"]["A2"].value == "652801198705060017"


@posix_only
def test_append_private_is_0600_and_never_follows_a_symlink(tmp_path: Path) -> None:
    from models.files import append_private

    log = tmp_path / "desk.log"
    log.write_text("old\n", encoding="utf-8")
    os.chmod(log, 0o644)
    append_private(log, "new\n")
    assert log.read_text(encoding="utf-8") == "old\nnew\n" and _mode(log) == 0o600
    target = tmp_path / "victim"
    target.write_text("keep\n", encoding="utf-8")
    link = tmp_path / "link.log"
    link.symlink_to(target)
    with pytest.raises(OSError):
        append_private(link, "x\n")
    assert target.read_text(encoding="utf-8") == "keep\n"


@posix_only
def test_the_private_temp_folder_is_never_someone_elses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from models.files import private_temp_dir

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    uid = os.getuid()
    mine = private_temp_dir("committee-desk")
    assert mine == tmp_path / f"committee-desk-{uid}" and _mode(mine) == 0o700
    assert private_temp_dir("committee-desk") == mine  # the same one next time
    # someone else put a symlink where the folder goes: not followed, a fresh folder instead
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    planted = tmp_path / f"planted-{uid}"
    planted.symlink_to(elsewhere, target_is_directory=True)
    got = private_temp_dir("planted")
    assert got != planted and got.parent == tmp_path and not got.is_symlink()
    assert _mode(got) == 0o700 and os.lstat(got).st_uid == uid
    # a folder that others may write to is not private
    open_dir = tmp_path / f"open-{uid}"
    open_dir.mkdir()
    os.chmod(open_dir, 0o777)
    if uid == 0:  # root can make it belong to somebody else
        os.chown(open_dir, 65534, 65534)
    got = private_temp_dir("open")
    assert got != open_dir and _mode(got) == 0o700


@posix_only
def test_the_error_log_is_0600_in_a_0700_folder_and_its_tmp_fallback_is_safe(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui.work.crashlog import log_crash

    data = tmp_path / "data"
    monkeypatch.setenv("DESK_DATA_DIR", str(data))
    old = os.umask(0o022)
    try:
        where = log_crash(RuntimeError("身份证 652801198705060017"), "test")
    finally:
        os.umask(old)
    assert where == data / "logs" / "desk-errors.log"
    assert _mode(where) == 0o600 and _mode(where.parent) == 0o700 and _mode(data) == 0o700
    assert "652801198705060017" not in where.read_text(encoding="utf-8")

    # the data folder cannot be written: the log goes to a private folder in /tmp, and a
    # symlink planted there by another user is not followed
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder", encoding="utf-8")
    monkeypatch.setenv("DESK_DATA_DIR", str(blocked / "data"))
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp))
    victim = tmp_path / "victim.txt"
    victim.write_text("keep\n", encoding="utf-8")
    (tmp / "desk-errors.log").symlink_to(victim)  # the old, shared fallback name
    trap = tmp / f"committee-desk-{os.getuid()}"
    trap.symlink_to(tmp_path, target_is_directory=True)
    where = log_crash(RuntimeError("boom"), "test")
    assert victim.read_text(encoding="utf-8") == "keep\n"
    assert where.parent.parent == tmp and not where.parent.is_symlink()
    assert _mode(where) == 0o600 and _mode(where.parent) == 0o700
    assert "boom" in where.read_text(encoding="utf-8")


@posix_only
def test_a_new_sqlite_database_and_its_wal_are_0600_in_a_0700_folder(tmp_path: Path) -> None:
    from sqlalchemy import text

    from models.db import make_engine, session_scope

    folder = tmp_path / "data"
    path = folder / "desk.sqlite3"
    old = os.umask(0o022)
    try:
        engine = make_engine(f"sqlite:///{path}")
        try:
            with session_scope(engine) as s:
                s.connection().execute(text("CREATE TABLE t (x TEXT)"))
                s.connection().execute(text("INSERT INTO t VALUES ('652801198705060017')"))
            companions = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm")]
            assert all(p.exists() for p in companions)
            for p in (path, *companions):
                assert _mode(p) == 0o600, p
        finally:
            engine.dispose()
    finally:
        os.umask(old)
    assert _mode(folder) == 0o700


@posix_only
def test_a_backup_is_0600_in_folders_made_0700(tmp_path: Path, sqlite_template: Path) -> None:
    import shutil

    from models import backup as bk
    from models.db import make_engine

    shutil.copyfile(sqlite_template, tmp_path / "desk.sqlite3")
    engine = make_engine(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    old = os.umask(0o022)
    try:
        snap = bk.backup_sqlite(engine, tmp_path / "new" / "sub" / "b.sqlite3")
        auto = bk.auto_backup(engine, tmp_path / "auto" / "backups", 3, "c-20210927")
    finally:
        os.umask(old)
        engine.dispose()
    assert auto is not None
    for file in (snap.path, auto):
        assert _mode(file) == 0o600, file
    for folder in (
        tmp_path / "new",
        tmp_path / "new" / "sub",
        tmp_path / "auto",
        tmp_path / "auto" / "backups",
    ):
        assert _mode(folder) == 0o700, folder
