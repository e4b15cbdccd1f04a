"""``desk backup`` and ``desk restore``: a lead's audited copy of the SQLite database with its
summary, no overwrite without --force, a restore only into a fresh database (the restored copy
passes ``desk audit verify``); on PostgreSQL the desk runs pg_dump, and restores a dump into
an empty database only. ``desk tally close``: the automatic backup after the lead's confirmation keeps the newest
N, and a backup that cannot be written leaves the day closed with a warning."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine, make_url
from sqlmodel import select
from typer.testing import CliRunner

from models import backup as bk
from models import migrate
from models.audit import AuditEvent
from models.db import is_sqlite, make_engine, session_scope, sqlite_url
from models.tally import DayClose
from tests.factories import office, office_with_payable
from tests.support import write_config
from tui.cli import app
from tui.work.backups import PG_AUTO_NOTE

runner = CliRunner()
ENV = {"DESK_PASSWORD": "secret-pw"}


def _setup(engine: Engine, tmp_path: Path, extra: str = "") -> list[str]:
    with session_scope(engine) as s:
        office(s)
    cfg = write_config(tmp_path, f'desk = "1号窗口"\n{extra}')
    return ["--config", str(cfg)]


def _pg_commands(db_url: str) -> tuple[str, str]:
    u = make_url(db_url)
    where = f"-h {u.host} -p {u.port or 5432}" + (f" -U {u.username}" if u.username else "")
    return f"pg_dump -Fc {where} -d {u.database} -f", f"pg_restore {where} -d {u.database}"


def test_backup_and_restore(engine: Engine, db_url: str, tmp_path: Path) -> None:
    base = _setup(engine, tmp_path)
    file = tmp_path / "copies" / "desk-0927.sqlite3"
    if not is_sqlite(engine):  # the server's tools, run by the desk (tests/db/test_pg_backup.py)
        _dump, restore = _pg_commands(db_url)
        dump_file = tmp_path / "desk.dump"
        r = runner.invoke(app, ["backup", str(dump_file), "--db", db_url, *base], env=ENV)
        assert r.exit_code == 1 and "请用 --user 指明操作人" in r.output
        r = runner.invoke(
            app, ["backup", str(dump_file), "--user", "lead", "--db", db_url, *base], env=ENV
        )
        assert r.exit_code == 0, r.output
        assert f"已用 pg_dump 备份到 {dump_file}" in r.output and "createdb" in r.output
        assert dump_file.read_bytes()[:5] == b"PGDMP"
        password = make_url(db_url).password
        assert not password or password not in r.output
        # the configured database holds data: never restored into
        r = runner.invoke(app, ["restore", str(dump_file), "--db", db_url, *base])
        assert r.exit_code == 1 and "不是空库" in r.output, r.output
        # a SQLite file is no PostgreSQL backup: refused (exit 1) with the commands
        sqlite_copy = tmp_path / "x.sqlite3"
        sqlite_copy.write_bytes(b"SQLite format 3\x00")
        r = runner.invoke(app, ["restore", str(sqlite_copy), "--db", db_url, *base])
        assert r.exit_code == 1 and restore in r.output and "新建的空数据库" in r.output
        return
    r = runner.invoke(app, ["backup", str(file), "--db", db_url, *base], env=ENV)
    assert r.exit_code == 1 and "请用 --user 指明操作人" in r.output
    r = runner.invoke(
        app, ["backup", str(file), "--user", "cashier", "--db", db_url, *base], env=ENV
    )
    assert r.exit_code == 1 and "收费员无权备份数据库" in r.output and not file.exists()
    r = runner.invoke(app, ["backup", str(file), "--user", "lead", "--db", db_url, *base], env=ENV)
    assert r.exit_code == 0, r.output
    assert f"已备份到 {file}" in r.output and "副本完整性检查通过" in r.output
    assert "缴费记录 1 条，材料 2 份，审计记录" in r.output and "用时" in r.output
    assert bk.describe(file).sha256 in r.output
    r = runner.invoke(app, ["backup", str(file), "--user", "lead", "--db", db_url, *base], env=ENV)
    assert r.exit_code == 1 and "已存在" in r.output and "--force" in r.output
    r = runner.invoke(
        app, ["backup", str(file), "--force", "--user", "lead", "--db", db_url, *base], env=ENV
    )
    assert r.exit_code == 0, r.output

    # restore: into a new file, then refused into one with data
    fresh = tmp_path / "restored" / "desk.sqlite3"
    r = runner.invoke(app, ["restore", str(file), "--to", str(fresh), *base])
    assert r.exit_code == 0, r.output
    assert f"已从 {file} 恢复到 {fresh}" in r.output and "缴费记录 1 条，材料 2 份" in r.output
    assert "完整性检查通过" in r.output and "backup.restore" in r.output
    copy = sqlite3.connect(fresh)
    assert copy.execute("SELECT receipt_code, amount_fen FROM payment").fetchall() == [
        ("ZJ21F00001", 38000)
    ]
    copy.close()
    r = runner.invoke(app, ["restore", str(file), "--to", str(fresh), *base])
    assert r.exit_code == 1 and "已有数据" in r.output and "改名" in r.output
    r = runner.invoke(app, ["restore", str(file), "--db", db_url, *base])  # the live database
    assert r.exit_code == 1 and "已有数据（用户 3 个" in r.output
    # into the configured database when it does not exist yet
    target = tmp_path / "new-office" / "desk.sqlite3"
    cfg = write_config(tmp_path, f'database_url = "{sqlite_url(target)}"\n')
    r = runner.invoke(app, ["restore", str(file), "--config", str(cfg)])
    assert r.exit_code == 0, r.output
    assert bk.describe(target).count("payment") == 1
    r = runner.invoke(
        app, ["restore", str(tmp_path / "nope.sqlite3"), "--to", str(tmp_path / "n.sqlite3"), *base]
    )
    assert r.exit_code == 1 and "找不到备份文件" in r.output


def test_a_restored_backup_passes_audit_verify(tmp_path: Path) -> None:
    """SQLite only: the backup of a desk with fees taken, restored, is accepted by the hash-chain
    check (the restore's own audit row is sealed into the chain)."""
    live = tmp_path / "desk.sqlite3"
    engine = make_engine(sqlite_url(live))
    migrate.upgrade(engine)
    office_with_payable(engine, dossiers=2)
    engine.dispose()
    db = ["--db", sqlite_url(live)]
    file, restored = tmp_path / "b.sqlite3", tmp_path / "restored.sqlite3"
    r = runner.invoke(app, ["backup", str(file), "--user", "lead", *db], env=ENV)
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["restore", str(file), "--to", str(restored)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        app, ["audit", "verify", "--user", "lead", "--db", sqlite_url(restored)], env=ENV
    )
    assert r.exit_code == 0, r.output
    assert "审计链完整" in r.output


DAYS = ("2021-09-27", "2021-09-28", "2021-09-29", "2021-09-30")


def _close(base: list[str], db_url: str, day: str, *extra: str) -> str:
    cash = "100x3,50x1,20x1,10x1" if day == DAYS[0] else "0"  # the factory's 380 on the 27th
    r = runner.invoke(
        app,
        [
            "tally",
            "close",
            "--user",
            "lead",
            "--cash",
            cash,
            "--no-print",
            "--date",
            day,
            "--db",
            db_url,
            *extra,
            *base,
        ],
        env=ENV,
    )
    assert r.exit_code == 0, r.output
    return r.output


def _closed(engine: Engine) -> list[str]:
    with session_scope(engine, readonly=True) as s:
        return sorted(
            c.business_date.isoformat() for c in s.exec(select(DayClose)) if c.status == "closed"
        )


def test_each_close_backs_up_and_the_newest_n_are_kept(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "备份"
    base = _setup(engine, tmp_path, f'backup_keep = 2\nbackup_dir = "{folder}"\n')
    outputs = [_close(base, db_url, day) for day in DAYS[:3]]
    report = json.loads(_close(base, db_url, DAYS[3], "--json"))
    assert report["status"] == "closed" and _closed(engine) == list(DAYS)
    if not is_sqlite(engine):  # the server's pg_dump: said once by each close, nothing written
        assert all(o.count(PG_AUTO_NOTE) == 1 for o in outputs)
        assert report["backup"] == {"ok": True, "path": None}
        assert not folder.exists()
        return
    assert all("已日结并锁定" in o and f"已自动备份数据库：{folder}" in o for o in outputs)
    kept = bk.automatic_backups(folder)
    assert [p.name.rsplit("-", 1)[1] for p in kept] == ["20210929.sqlite3", "20210930.sqlite3"]
    assert report["backup"] == {"ok": True, "path": str(kept[-1])}
    assert all(p.name.startswith("desk-") and "-bz-vocational-2021-" in p.name for p in kept)
    # the newest holds the four closed days; each backup is audited after it was written
    newest = sqlite3.connect(kept[-1])
    assert newest.execute("SELECT count(*) FROM day_close WHERE status = 'closed'").fetchone() == (
        4,
    )
    assert newest.execute(
        "SELECT count(*) FROM audit_event WHERE action = 'backup.write'"
    ).fetchone() == (3,)
    newest.close()
    with session_scope(engine, readonly=True) as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "backup.write")).all()
    assert len(events) == 4 and {e.actor_name for e in events} == {"lead"}
    assert events[-1].detail["file"] == kept[-1].name and events[-1].campaign_id is not None


def test_a_backup_that_cannot_be_written_leaves_the_day_closed(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the backup folder should be")  # root ignores chmod
    base = _setup(engine, tmp_path, f'backup_dir = "{blocked / "backups"}"\n')
    out = _close(base, db_url, DAYS[0])
    assert "已日结并锁定" in out and _closed(engine) == [DAYS[0]]
    if not is_sqlite(engine):
        assert PG_AUTO_NOTE in out
        return
    assert "警告：日结已确认并锁定，但自动备份失败：无法创建备份文件夹" in out
    assert "desk backup" in out
    with session_scope(engine, readonly=True) as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "backup.write")).all() == []
    # the day is locked all the same: the close of that day cannot be cancelled
    r = runner.invoke(
        app,
        [
            "tally",
            "cancel",
            "--reason",
            "重来",
            "--user",
            "lead",
            "--date",
            DAYS[0],
            "--db",
            db_url,
            *base,
        ],
        env=ENV,
    )
    assert r.exit_code == 1 and "已日结锁定" in r.output
