"""Importing the platform's online-approved list (both databases): the shipped samples, every
bad-input case with its line and reason, idempotent re-import, a newer export, cancellation,
files that are not what they claim, the command line."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlmodel import Session, col, func, select
from typer.testing import CliRunner

from models.audit import AuditEvent
from models.dossier import Dossier
from models.errors import InvalidInput, PermissionDenied
from models.imports import ImportBatch, OnlineChange
from models.online import OnlineRecord
from models.permissions import Actor
from models.services.online_import import ImportCancelled, import_online
from models.vocab import Role
from tests.factories import id_of, preset_campaign
from tests.files import GOOD, GOOD2, quirky_xlsx
from tui.cli import app

DATA = Path(__file__).resolve().parents[1] / "data"
XLSX = DATA / "online_approved_bz_vocational_2021.xlsx"
CSV = DATA / "online_approved_bz_vocational_2021_gb18030.csv"
LEAD = Actor(user_id=None, username="lead", role=Role.lead, desk="1号窗口")
CODE = "bz-vocational-2021"


@pytest.fixture
def campaign(session: Session) -> int:
    return preset_campaign(session)


def _count(session: Session, model: type) -> int:
    return int(session.exec(select(func.count()).select_from(model)).one())


def test_shipped_samples_import_with_expected_counts(session: Session, campaign: int) -> None:
    s = import_online(session, LEAD, CODE, XLSX)
    session.commit()
    assert s.counts() == {
        "data_rows": 300,
        "inserted": 300,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "not_eligible": 51,
        "ignored": 0,
        "flagged": 0,
    }
    assert s.header_line == 1 and s.unused_columns == ["序号", "审核通过时间"]
    assert _count(session, OnlineRecord) == 300
    rec = session.exec(
        select(OnlineRecord).where(OnlineRecord.id_number == "652823198610018863")
    ).one()
    assert (rec.name, rec.level, rec.track, rec.grade, rec.submission_count, rec.phone) == (
        "库尔班·帕提古丽",
        "中级",
        "评审",
        "讲师",
        3,
        "19123306697",
    )
    assert rec.county == "州直" and rec.pinyin_initials == "kebptgl"
    # the GB18030 CSV export of the same list: every record unchanged
    s = import_online(session, LEAD, CODE, CSV)
    session.commit()
    assert s.sheet == "gb18030" and s.unchanged == 300 and s.inserted == s.updated == 0
    # the same file again: nothing changes, and the desk says it saw the file before
    s = import_online(session, LEAD, CODE, XLSX)
    session.commit()
    assert s.unchanged == 300 and s.imported_before
    assert _count(session, OnlineRecord) == 300 and _count(session, OnlineChange) == 0
    batches = session.exec(select(ImportBatch).order_by(col(ImportBatch.id))).all()
    assert [b.counts["inserted"] for b in batches] == [300, 0, 0]
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "online.import")).all()
    assert [e.detail["sha256"] for e in events] == [b.sha256 for b in batches]


def test_every_bad_row_is_explained_with_its_line(
    session: Session, campaign: int, tmp_path: Path
) -> None:
    s = import_online(session, LEAD, CODE, quirky_xlsx(tmp_path / "other-bureau.xlsx"))
    session.commit()
    assert s.header_line == 2 and s.unused_columns == ["序号", "备注"]
    assert s.warnings == []
    got = {r.line: r.code for r in s.rejected}
    assert got == {
        4: "id.bad_check_digit",
        5: "id.too_short",
        6: "id.excel_float",
        7: "id.empty",
        8: "level.unknown",
        9: "track.unknown",
        10: "row.duplicate",
    }
    reasons = {r.line: r.reason for r in s.rejected}
    assert "已被 Excel 转成数字" in reasons[6] and "后几位已丢失" in reasons[6]
    assert "与第 3 行是同一人" in reasons[10]
    assert s.ignored == [(13, "空行"), (14, "合计行")]
    assert (s.inserted, s.not_eligible, s.data_rows) == (3, 1, 10)
    first = session.exec(select(OnlineRecord).where(OnlineRecord.id_number == GOOD)).one()
    assert first.name == "阿依古丽·买买提" and first.unit == "和静县职业技术学校"
    assert first.county == "和静县" and first.extra == {"序号": "1", "备注": "补交"}
    cleaned = session.exec(
        select(OnlineRecord).where(OnlineRecord.id_number == GOOD2.upper())
    ).one()
    assert (cleaned.name, cleaned.level, cleaned.grade, cleaned.track) == (
        "吴十",
        "初级",
        "助理级",
        "初次确定",
    )
    withdrawn = session.exec(select(OnlineRecord).where(OnlineRecord.name == "周九")).one()
    assert withdrawn.status == "退回修改"


def test_gbk_csv_with_crlf_and_a_bom_less_utf8_tsv(
    session: Session, campaign: int, tmp_path: Path
) -> None:
    text = (
        "姓名,身份证号,工作单位,申报级别,申报类型,审核状态\r\n"
        f"欧阳娜,{GOOD},库尔勒市职业技术学校,中级,评审,通过形式审核\r\n"
    )
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gbk"))
    s = import_online(session, LEAD, CODE, path)
    assert s.sheet == "gb18030" and s.inserted == 1
    tsv = tmp_path / "list.tsv"
    tsv.write_text(
        text.replace(",", "\t").replace(GOOD, GOOD2).replace("欧阳娜", "马丽"), encoding="utf-8"
    )
    s = import_online(session, LEAD, CODE, tsv)
    session.commit()
    assert s.sheet == "utf-8" and s.inserted == 1
    rec = session.exec(select(OnlineRecord).where(OnlineRecord.id_number == GOOD)).one()
    assert rec.name == "欧阳娜" and rec.county == "库尔勒市"


def test_newer_export_updates_keeps_changes_and_flags_withdrawn_after_acceptance(
    session: Session, campaign: int, tmp_path: Path
) -> None:
    header = "姓名,身份证号,工作单位,申报级别,申报类型,审核状态\n"
    first = tmp_path / "v1.csv"
    first.write_text(
        header + f"甲,{GOOD},A校,中级,评审,通过形式审核\n乙,{GOOD2},B校,中级,评审,通过形式审核\n",
        encoding="utf-8-sig",
    )
    import_online(session, LEAD, CODE, first)
    rec = session.exec(select(OnlineRecord).where(OnlineRecord.id_number == GOOD)).one()
    session.add(
        Dossier(
            campaign_id=campaign,
            online_record_id=id_of(rec),
            status="accepted",
            track="评审",
            level="中级",
            dossier_no=1,
            dossier_code="ZJ21S00001",
        )
    )
    session.commit()
    second = tmp_path / "v2.csv"
    second.write_text(
        header + f"甲,{GOOD},A校,中级,评审,退回修改\n乙,{GOOD2},B校二部,中级,评审,通过形式审核\n",
        encoding="utf-8-sig",
    )
    s = import_online(session, LEAD, CODE, second)
    session.commit()
    assert (s.updated, s.unchanged, s.inserted) == (2, 0, 0)
    assert [(f.name, f.dossier_code, f.new_status) for f in s.flagged] == [
        ("甲", "ZJ21S00001", "退回修改")
    ]
    changes = {c.record_id: c.changes for c in session.exec(select(OnlineChange))}
    assert changes[id_of(rec)] == {"status": ["通过形式审核", "退回修改"]}
    assert {"unit": ["B校", "B校二部"]} in changes.values()
    flagged = session.exec(
        select(AuditEvent).where(AuditEvent.action == "online.withdrawn_after_acceptance")
    ).all()
    assert [e.entity_id for e in flagged] == ["ZJ21S00001"]


def test_dry_run_and_cancel_write_nothing(session: Session, campaign: int) -> None:
    s = import_online(session, LEAD, CODE, XLSX, dry_run=True)
    session.commit()
    assert s.inserted == 300 and s.batch_id is None
    assert _count(session, OnlineRecord) == 0 and _count(session, ImportBatch) == 0
    cancel = threading.Event()

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "检查并写入":
            cancel.set()  # the lead presses 取消 as soon as the rows are being checked

    with pytest.raises(ImportCancelled):
        import_online(session, LEAD, CODE, XLSX, progress=progress, cancel=cancel)
    session.rollback()
    assert _count(session, OnlineRecord) == 0 and _count(session, ImportBatch) == 0


@pytest.mark.parametrize(
    ("name", "content", "code", "words"),
    [
        ("random.xlsx", os.urandom(10 * 1024 * 1024), "import.bad_excel", "不是有效的 Excel 文件"),
        ("random.csv", os.urandom(10 * 1024 * 1024), "import.binary", "不是文本文件"),
        (
            "notes.xlsx",
            "这是一个文本文件，不是表格。\n".encode() * 10,
            "import.bad_excel",
            "改了扩展名",
        ),
        ("list.pdf", b"%PDF-1.4", "import.bad_type", "不支持的文件类型"),
        ("empty.csv", b"", "import.empty", "是空的"),
        ("noheader.csv", "甲,乙,丙\n1,2,3\n".encode(), "import.no_header", "找不到表头"),
    ],
    ids=["random.xlsx", "random.csv", "notes.xlsx", "list.pdf", "empty.csv", "noheader.csv"],
)
def test_files_that_are_not_lists_get_a_clear_error(
    session: Session,
    campaign: int,
    tmp_path: Path,
    name: str,
    content: bytes,
    code: str,
    words: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InvalidInput) as exc:
        import_online(session, LEAD, CODE, path)
    assert exc.value.code == code
    assert words in exc.value.message


def test_only_a_lead_or_admin_imports(session: Session, campaign: int) -> None:
    for role in (Role.clerk, Role.cashier):
        with pytest.raises(PermissionDenied):
            import_online(session, Actor(user_id=None, username="x", role=role), CODE, XLSX)


def test_command_line_json_and_report(
    session: Session, campaign: int, db_url: str, tmp_path: Path
) -> None:
    path = quirky_xlsx(tmp_path / "other-bureau.xlsx")
    report = tmp_path / "report.xlsx"
    r = CliRunner().invoke(
        app,
        [
            "import",
            "online",
            str(path),
            "--campaign",
            CODE,
            "--json",
            "--report",
            str(report),
            "--db",
            db_url,
        ],
    )
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert (data["inserted"], data["updated"], data["unchanged"], data["rejected"]) == (3, 0, 0, 7)
    assert {x["line"]: x["code"] for x in data["rejected_lines"]}[6] == "id.excel_float"
    assert data["report"] == str(report)
    sheet = CalamineWorkbook.from_path(str(report)).get_sheet_by_name("未导入的行").to_python()
    assert sheet[0][:3] == ["原文件行号", "原因", "原因代码"]
    assert [row[0] for row in sheet[1:]] == [4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0]
    r = CliRunner().invoke(
        app, ["import", "online", str(XLSX), "--campaign", CODE, "--dry-run", "--db", db_url]
    )
    assert r.exit_code == 0, r.output
    assert "新增 300" in r.output and "未写入" in r.output
    r = CliRunner().invoke(
        app,
        ["import", "online", str(tmp_path / "missing.xlsx"), "--campaign", CODE, "--db", db_url],
    )
    assert r.exit_code == 1 and "找不到文件" in r.output
