"""Backups (models/backup.py) on SQLite and what PostgreSQL gets instead: a copy taken while
another desk pays fees is whole (integrity_check, the same rows as the source up to one
transaction, gapless receipt numbers); an existing file is not overwritten and a failed backup
leaves no half file; a restore goes only into a fresh database and gives back the same rows;
a damaged, foreign or too-new file is refused; the automatic backup keeps the newest N and is
audited after the file is written. On PostgreSQL the backup is the server's (pg_dump)."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlmodel import col, select

from models import backup as bk
from models import migrate
from models.audit import AuditEvent
from models.backup import auto as bk_auto
from models.backup import make as bk_make
from models.db import is_sqlite, make_engine, session_scope, sqlite_url
from models.errors import PermissionDenied
from models.permissions import SYSTEM, Actor
from models.services.campaigns import load_campaign, read_preset
from models.services.payments import take_payment
from models.vocab import PaymentMethod, Role
from tests.factories import AT, office_with_payable

LEAD = Actor(user_id=None, username="lead", role=Role.lead, desk="1号窗口")
TABLES_COMPARED = (
    "payment",
    "dossier",
    "dossier_visit",
    "online_record",
    "desk_user",
    "campaign",
    "number_sequence",
    "audit_event",
)


def _rows(path: Path, table: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return list(conn.execute(f'SELECT * FROM "{table}" ORDER BY 1'))
    finally:
        conn.close()


def _integrity(path: Path) -> str:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def _source(engine: Engine) -> Path:
    path = bk.sqlite_file(engine.url.render_as_string(hide_password=False))
    assert path is not None
    return path


def _postgresql_has_no_file_backup(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(bk.BackupFailed) as exc:
        bk.backup_sqlite(engine, tmp_path / "x.sqlite3")
    assert exc.value.code == "backup.postgresql" and "pg_dump" in exc.value.message
    assert bk.auto_backup(engine, tmp_path / "auto", 3, "c-20210927", actor=LEAD) is None
    assert not (tmp_path / "auto").exists() and not (tmp_path / "x.sqlite3").exists()


# -- backup -------------------------------------------------------------------------------------


def test_a_backup_taken_while_another_desk_pays_is_whole(engine: Engine, tmp_path: Path) -> None:
    if not is_sqlite(engine):
        _postgresql_has_no_file_backup(engine, tmp_path)
        return
    to_pay = office_with_payable(engine, dossiers=60)
    with session_scope(engine, readonly=True) as s:
        from models.campaign import Campaign

        campaign = s.exec(select(Campaign)).one()
        cashier_id = s.exec(
            select(AuditEvent.actor_id).where(AuditEvent.actor_name == "cashier")
        ).first()
    cashier = Actor(user_id=cashier_id, username="cashier", role=Role.cashier, desk="1号窗口")
    other = make_engine(engine.url.render_as_string(hide_password=False))  # another desk
    paid: list[str] = []
    failures: list[BaseException] = []

    def pay() -> None:
        try:
            for dossier_id in to_pay:
                with session_scope(other) as s:
                    code = take_payment(
                        s, cashier, campaign, dossier_id, method=PaymentMethod.cash, now=AT
                    ).receipt_code
                paid.append(code)  # committed
        except BaseException as exc:  # pragma: no cover - shown by the assertion below
            failures.append(exc)

    writer = threading.Thread(target=pay)
    writer.start()
    copies = []
    try:
        while not paid and writer.is_alive():
            time.sleep(0.005)
        for i in range(4):
            copies.append((len(paid), bk.backup_sqlite(engine, tmp_path / f"b{i}.sqlite3")))
            time.sleep(0.02)
    finally:
        writer.join()
        other.dispose()
    assert not failures, failures
    assert len(paid) == len(to_pay)
    source = _source(engine)
    payments = _rows(source, "payment")
    events = _rows(source, "audit_event")
    during = 0
    for paid_before, snap in copies:
        assert snap.path.exists() and _integrity(snap.path) == "ok"
        assert snap.revision == migrate.head_revision() and snap.seconds > 0
        assert not Path(f"{snap.path}-wal").exists()  # one self-contained file
        got = _rows(snap.path, "payment")
        # a snapshot: the source's first rows, each payment whole, no receipt number skipped
        assert got == payments[: len(got)]
        assert len(got) >= 2 + paid_before
        numbers = [r[2] for r in got]
        assert numbers == list(range(1, len(got) + 1))
        assert _rows(snap.path, "audit_event") == events[: snap.count("audit_event")]
        assert snap.count("payment") == len(got)
        during += len(got) < len(payments)
    assert during, "no backup overlapped the writer: the test proves nothing"
    print(f"{during} of {len(copies)} backups taken while payments were being written")
    # when the writing has stopped the copy holds every row of every table
    final = bk.backup_sqlite(engine, tmp_path / "final.sqlite3")
    for table in TABLES_COMPARED:
        assert _rows(final.path, table) == _rows(source, table), table
    assert final.sha256 == bk.describe(final.path).sha256
    assert sorted(p.name for p in tmp_path.iterdir() if ".part" in p.name) == []


def test_an_existing_file_is_not_overwritten_and_a_failed_backup_leaves_nothing(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not is_sqlite(engine):
        _postgresql_has_no_file_backup(engine, tmp_path)
        return
    office_with_payable(engine)
    target = tmp_path / "out" / "copy.sqlite3"
    first = bk.backup_sqlite(engine, target)
    with pytest.raises(bk.BackupFailed) as exc:
        bk.backup_sqlite(engine, target)
    assert exc.value.code == "backup.exists" and "--force" in exc.value.message
    assert bk.describe(target).sha256 == first.sha256
    again = bk.backup_sqlite(engine, target, force=True)
    assert again.counts == first.counts
    with pytest.raises(bk.BackupFailed, match="不能是数据库本身"):
        bk.backup_sqlite(engine, _source(engine), force=True)

    # the copy breaks half-way: neither the target nor a temporary file is left
    def broken(source: sqlite3.Connection, dest: sqlite3.Connection) -> None:
        dest.execute("CREATE TABLE half (x)")
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(bk_make, "_copy", broken)  # where backup_sqlite finds it
    with pytest.raises(bk.BackupFailed, match="备份失败：disk I/O error"):
        bk.backup_sqlite(engine, tmp_path / "out" / "half.sqlite3")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["copy.sqlite3"]
    # a folder that cannot be made (a file is in the way)
    (tmp_path / "blocked").write_text("not a folder")
    with pytest.raises(bk.BackupFailed) as exc:
        bk.backup_sqlite(engine, tmp_path / "blocked" / "x.sqlite3")
    assert exc.value.code == "backup.io" and "无法写入" in exc.value.message


def test_only_a_lead_or_an_admin_backs_up_and_it_is_audited(engine: Engine, tmp_path: Path) -> None:
    if not is_sqlite(engine):
        _postgresql_has_no_file_backup(engine, tmp_path)
        return
    office_with_payable(engine)
    cashier = Actor(user_id=None, username="cashier", role=Role.cashier, desk="1号窗口")
    with pytest.raises(PermissionDenied, match="收费员无权备份数据库"):
        bk.backup(engine, cashier, tmp_path / "c.sqlite3")
    assert not (tmp_path / "c.sqlite3").exists()
    snap = bk.backup(engine, LEAD, tmp_path / "l.sqlite3")
    with session_scope(engine, readonly=True) as s:
        (event,) = s.exec(select(AuditEvent).where(AuditEvent.action == "backup.write")).all()
    assert event.entity == "backup" and event.entity_id == "l.sqlite3"
    assert event.detail["sha256"] == snap.sha256 and event.detail["bytes"] == snap.bytes
    assert event.detail["rows"]["payment"] == 2 and event.detail["automatic"] is False
    # the audit row is written after the file: the copy does not hold it
    assert snap.count("audit_event") == len(_rows(_source(engine), "audit_event")) - 1


# -- restore ------------------------------------------------------------------------------------


def test_restore_into_a_fresh_database_gives_back_the_same_rows(
    engine: Engine, tmp_path: Path
) -> None:
    if not is_sqlite(engine):
        _postgresql_has_no_file_backup(engine, tmp_path)
        return
    office_with_payable(engine)
    snap = bk.backup_sqlite(engine, tmp_path / "b.sqlite3")
    done = bk.restore_sqlite(snap.path, tmp_path / "new" / "desk.sqlite3")
    assert done.audited and done.source.sha256 == snap.sha256
    assert done.target.path == tmp_path / "new" / "desk.sqlite3"
    restored = done.target.path
    assert _integrity(restored) == "ok"
    for table in TABLES_COMPARED:
        if table != "audit_event":
            assert _rows(restored, table) == _rows(snap.path, table), table
    # the restored database says where it came from, after the backup's own events
    events = _rows(restored, "audit_event")
    assert events[:-1] == _rows(snap.path, "audit_event")
    with session_scope(make_engine(sqlite_url(restored)), readonly=True) as s:
        last = s.exec(select(AuditEvent).order_by(col(AuditEvent.id).desc())).first()
    assert last is not None and last.action == "backup.restore"
    assert last.detail["sha256"] == snap.sha256 and last.chain_seq is not None
    assert done.target.count("audit_event") == snap.count("audit_event") + 1

    # into an existing database that holds nothing (migrated, never used): allowed
    empty = tmp_path / "empty.sqlite3"
    fresh = make_engine(sqlite_url(empty))
    migrate.upgrade(fresh)
    fresh.dispose()
    again = bk.restore_sqlite(snap.path, empty)
    assert _rows(empty, "payment") == _rows(snap.path, "payment")
    assert again.target.count("desk_user") == 3
    # and into an empty file
    (tmp_path / "zero.sqlite3").write_bytes(b"")
    bk.restore_sqlite(snap.path, tmp_path / "zero.sqlite3")
    assert _rows(tmp_path / "zero.sqlite3", "dossier") == _rows(snap.path, "dossier")


def test_restore_is_refused_into_a_database_with_data(engine: Engine, tmp_path: Path) -> None:
    if not is_sqlite(engine):
        _postgresql_has_no_file_backup(engine, tmp_path)
        return
    office_with_payable(engine)
    snap = bk.backup_sqlite(engine, tmp_path / "b.sqlite3")
    source = _source(engine)
    before = bk.describe(source)
    with pytest.raises(bk.RestoreRefused) as exc:
        bk.restore_sqlite(snap.path, source)
    assert exc.value.code == "backup.target_in_use"
    assert "已有数据（用户 3 个" in exc.value.message and "改名" in exc.value.message
    assert "desk.sqlite3.old" in exc.value.message
    assert bk.describe(source).sha256 == before.sha256  # untouched
    # a database with rows but no user yet (a campaign loaded on first setup) is not empty either
    other = tmp_path / "other.sqlite3"
    first_run = make_engine(sqlite_url(other))
    migrate.upgrade(first_run)
    with session_scope(first_run) as s:
        filename, body = read_preset("000")
        load_campaign(s, SYSTEM, body, filename=filename)
    first_run.dispose()
    with pytest.raises(bk.RestoreRefused, match=r"other.sqlite3 已有数据（共 \d+ 行）"):
        bk.restore_sqlite(snap.path, other)
    with pytest.raises(bk.RestoreRefused, match="同一个文件"):
        bk.restore_sqlite(snap.path, snap.path)


def test_a_damaged_foreign_or_too_new_backup_is_refused(engine: Engine, tmp_path: Path) -> None:
    if not is_sqlite(engine):
        _postgresql_has_no_file_backup(engine, tmp_path)
        return
    office_with_payable(engine, dossiers=200)
    snap = bk.backup_sqlite(engine, tmp_path / "b.sqlite3")
    target = tmp_path / "t.sqlite3"

    def refused(path: Path, code: str) -> str:
        with pytest.raises(bk.BadBackup) as exc:
            bk.restore_sqlite(path, target)
        assert exc.value.code == code, exc.value.message
        assert not target.exists()
        return exc.value.message

    assert "找不到备份文件" in refused(tmp_path / "nope.sqlite3", "backup.missing")
    dump = tmp_path / "desk.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 100)
    assert "pg_restore" in refused(dump, "backup.not_sqlite")
    foreign = tmp_path / "foreign.sqlite3"
    sqlite3.connect(foreign).execute("CREATE TABLE x (y)").connection.close()
    assert "不是受理台的数据库" in refused(foreign, "backup.foreign")
    newer = tmp_path / "newer.sqlite3"
    shutil.copyfile(snap.path, newer)
    conn = sqlite3.connect(newer)
    with conn:
        conn.execute("UPDATE alembic_version SET version_num = '0099'")
    conn.close()
    assert "0099 本程序不认识" in refused(newer, "backup.unknown_revision")
    # a page of the applicants' table overwritten: integrity_check (or SQLite itself) says so
    broken = tmp_path / "broken.sqlite3"
    conn = sqlite3.connect(snap.path)
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    root = conn.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'online_record'"
    ).fetchone()[0]
    conn.close()
    data = bytearray(snap.path.read_bytes())
    start = (root - 1) * page
    data[start + 8 : start + page - 8] = b"\xa5" * (page - 16)
    broken.write_bytes(bytes(data))
    with pytest.raises(bk.BadBackup) as exc:
        bk.restore_sqlite(broken, target)
    assert exc.value.code in ("backup.corrupt", "backup.unreadable"), exc.value.message
    assert not target.exists()


# -- the automatic backup at a day close --------------------------------------------------------


def test_the_automatic_backup_keeps_the_newest_n(engine: Engine, tmp_path: Path) -> None:
    if not is_sqlite(engine):
        _postgresql_has_no_file_backup(engine, tmp_path)
        return
    office_with_payable(engine)
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "desk-手工备份.sqlite3").write_bytes(b"kept: not an automatic backup")
    (folder / "notes.txt").write_text("kept")
    start = dt.datetime(2021, 9, 27, 18, 30)
    made = []
    for i in range(5):
        now = start + dt.timedelta(days=i)
        made.append(
            bk.auto_backup(
                engine,
                folder,
                2,
                f"bz-vocational-2021-{now:%Y%m%d}",
                actor=LEAD,
                campaign_id=None,
                now=now,
            )
        )
    assert made[0] is not None and made[0].name == (
        "desk-20210927-183000-bz-vocational-2021-20210927.sqlite3"
    )
    left = sorted(p.name for p in folder.iterdir())
    assert made[3] is not None and made[4] is not None
    assert left == sorted(
        [
            made[3].name,
            made[4].name,
            "desk-手工备份.sqlite3",
            "notes.txt",
        ]
    )
    assert [p.name for p in bk.automatic_backups(folder)] == [made[3].name, made[4].name]
    # two closes in the same second: the second file gets a suffix, the first is not replaced
    same = bk.auto_backup(
        engine,
        folder,
        0,
        "bz-vocational-2021-20211001",
        actor=LEAD,
        now=start + dt.timedelta(days=4),
    )
    assert (
        same is not None
        and same.name.endswith("-2.sqlite3")
        and len(bk.automatic_backups(folder)) == 3
    )
    with session_scope(engine, readonly=True) as s:
        events = s.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "backup.write")
            .order_by(col(AuditEvent.id))
        ).all()
    assert len(events) == 6 and all(e.detail["automatic"] for e in events)
    newest = events[-1]
    assert newest.detail["file"] == same.name
    assert newest.detail["sha256"] == bk.describe(same).sha256
    assert newest.actor_name == "lead" and newest.desk == "1号窗口"
    # each backup holds the audit rows of the ones before it, not its own
    assert bk.describe(same).count("audit_event") == len(_rows(_source(engine), "audit_event")) - 1


def test_a_failed_automatic_backup_says_why(engine: Engine, tmp_path: Path) -> None:
    if not is_sqlite(engine):
        _postgresql_has_no_file_backup(engine, tmp_path)
        return
    office_with_payable(engine)
    (tmp_path / "file").write_text("a file where the folder should be")
    with pytest.raises(bk.BackupFailed) as exc:
        bk.auto_backup(engine, tmp_path / "file" / "backups", 3, "x", actor=LEAD)
    assert "无法创建备份文件夹" in exc.value.message
    with session_scope(engine, readonly=True) as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "backup.write")).all() == []


def test_an_audit_row_that_cannot_be_written_is_said_and_the_file_kept(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not is_sqlite(engine):
        _postgresql_has_no_file_backup(engine, tmp_path)
        return
    office_with_payable(engine)

    def busy(*args: object, **kwargs: object) -> None:
        raise OperationalError(
            "INSERT INTO audit_event", {}, sqlite3.OperationalError("database is locked")
        )

    monkeypatch.setattr(bk_auto, "record_backup", busy)  # where auto_backup finds it
    with pytest.raises(bk.BackupFailed) as exc:
        bk.auto_backup(engine, tmp_path / "b", 3, "x", actor=LEAD)
    (kept,) = bk.automatic_backups(tmp_path / "b")
    assert exc.value.code == "backup.audit"
    assert f"备份已写入 {kept}，但未能写入审计记录" in exc.value.message
    assert "database is locked" in exc.value.message


def test_backup_directory_and_postgresql_commands() -> None:
    from models.config import data_dir

    assert bk.backup_directory("") == data_dir() / "backups"
    assert bk.backup_directory("/srv/desk-backups") == Path("/srv/desk-backups")
    cmd = bk.pg_commands("postgresql://desk:s3cret@10.0.0.5:5433/desk_2021", "备份 9月.dump")
    assert cmd.dump == "pg_dump -Fc -h 10.0.0.5 -p 5433 -U desk -d desk_2021 -f '备份 9月.dump'"
    assert cmd.restore == (
        "pg_restore -h 10.0.0.5 -p 5433 -U desk -d desk_2021 --no-owner "
        "--exit-on-error '备份 9月.dump'"
    )
    assert cmd.create == "createdb -h 10.0.0.5 -p 5433 -U desk desk_2021"
    assert "s3cret" not in cmd.dump + cmd.restore + cmd.create
    local = bk.pg_commands("postgresql+psycopg:///desk?host=/var/run/postgresql", "d.dump")
    assert local.dump == "pg_dump -Fc -h /var/run/postgresql -p 5432 -d desk -f d.dump"
    assert bk.sqlite_file("sqlite://") is None and bk.sqlite_file("postgresql://x/y") is None
    assert bk.auto_name("批次 A/B", dt.datetime(2021, 9, 27, 8, 5, 1)) == (
        "desk-20210927-080501-批次_A_B.sqlite3"
    )


def test_system_actor_backs_up_a_first_run_database(tmp_path: Path) -> None:
    """First setup (no user yet): the system acts, as for the other commands."""
    engine = make_engine(sqlite_url(tmp_path / "new.sqlite3"))
    migrate.upgrade(engine)
    snap = bk.backup(engine, SYSTEM, tmp_path / "b.sqlite3")
    engine.dispose()
    assert snap.rows == 0 and snap.revision == migrate.head_revision()
