"""The online-approved list import fuzzed end to end on a real database (SQLite and PostgreSQL):
random bytes, truncated files, other encodings, mutated headers, hostile and huge cells,
embedded NULs (also past the first 64 KB, where the binary-file check does not look), random
and truncated xlsx, zips that are not workbooks. Every file is imported or refused with a
DomainError whose Chinese message names the file (and the line where there is one); rows that
cannot be used are rejected with their line and a reason. Each import runs in a savepoint that
is rolled back, so one database serves every example."""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from models.errors import DomainError
from models.permissions import Actor
from models.services.online_import import ImportSummary, import_online
from models.text import strip_invisible
from models.vocab import Role
from tests.factories import preset_campaign
from tests.fuzz.support import NASTY, assert_clear, hostile_text, tried

DATA = Path(__file__).resolve().parents[1] / "data"
XLSX = DATA / "online_approved_bz_vocational_2021.xlsx"
CSV = DATA / "online_approved_bz_vocational_2021_gb18030.csv"
LEAD = Actor(user_id=None, username="lead", role=Role.lead, desk="1号窗口")
CODE = "bz-vocational-2021"
SAMPLE_BYTES = CSV.read_bytes()
SAMPLE_ROWS = list(csv.reader(io.StringIO(SAMPLE_BYTES.decode("gb18030"), newline="")))
HEADER, ROWS = SAMPLE_ROWS[0], SAMPLE_ROWS[1:21]  # 20 people are enough to mutate
XLSX_BYTES = XLSX.read_bytes()


def fuzz(n: int) -> settings:
    """``n`` examples per database; no deadline (PostgreSQL's latency varies), the database
    fixtures serve every example."""
    return settings(
        max_examples=n, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )


_SEQ = itertools.count()


@pytest.fixture
def campaign(session: Session) -> int:
    return preset_campaign(session)


def _write(tmp_path: Path, suffix: str, data: bytes) -> Path:
    path = tmp_path / f"名单-{next(_SEQ)}{suffix}"
    path.write_bytes(data)
    return path


def _import(session: Session, path: Path) -> ImportSummary | None:
    """Import in a savepoint, rolled back; a refusal must be clear and name the file."""
    savepoint = session.begin_nested()
    try:
        summary = import_online(session, LEAD, CODE, path)
        session.flush()
    except DomainError as exc:
        assert_clear(exc)
        assert exc.code.startswith("import."), exc.code
        assert path.name in exc.message, exc.message
        return None
    finally:
        if savepoint.is_active:
            savepoint.rollback()
    _check(summary)
    return summary


def _check(s: ImportSummary) -> None:
    c = s.counts()
    assert c["inserted"] + c["updated"] + c["unchanged"] + c["rejected"] == c["data_rows"]
    for r in s.rejected:
        assert r.line > s.header_line and r.code and re.search(r"[\u4e00-\u9fff]", r.reason)
        assert len(r.reason) <= 500 and strip_invisible(r.reason) == r.reason, r.reason
        assert len(r.name) <= 60 and len(r.id_text) <= 40


def _csv(rows: list[list[str]], *, bom: bool = False, pad: bool = False) -> bytes:
    """UTF-8 CSV of ``rows``; with ``pad`` a 70 KB title row first, so that what follows lies
    past the 64 KB the binary-file check reads."""
    out = io.StringIO(newline="")
    w = csv.writer(out)
    if pad:
        w.writerow(["2021年度网审通过名单" + "。" * 24_000])
    w.writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode("utf-8", "surrogatepass")


# ---- bytes ----------------------------------------------------------------------------------
@fuzz(40)
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".tsv", ".txt"]))
@example(data=b"\xff\xfe" + "姓名,身份证号".encode("utf-16-le"), suffix=".csv")
@example(data=b"\x00" * 10, suffix=".csv")
def test_random_bytes(
    session: Session, campaign: int, tmp_path: Path, data: bytes, suffix: str
) -> None:
    tried(f"import.random_bytes[{session.get_bind().dialect.name}]")
    _import(session, _write(tmp_path, suffix, data))


@fuzz(30)
@given(
    cut=st.integers(min_value=1, max_value=len(SAMPLE_BYTES)),
    nul=st.one_of(st.none(), st.integers(min_value=0, max_value=len(SAMPLE_BYTES))),
)
def test_truncated_csv_and_embedded_nul(
    session: Session, campaign: int, tmp_path: Path, cut: int, nul: int | None
) -> None:
    tried(f"import.truncated_csv[{session.get_bind().dialect.name}]")
    data = SAMPLE_BYTES[:cut]
    if nul is not None:
        data = data[:nul] + b"\x00" + data[nul:]
    _import(session, _write(tmp_path, ".csv", data))


_ENCODINGS = st.sampled_from(
    [
        "utf-16",
        "utf-16-le",
        "utf-32",
        "big5",
        "shift_jis",
        "euc-kr",
        "cp1252",
        "mojibake",
        "utf-8-sig",
        "gbk",
        "utf-7",
    ]
)


@fuzz(25)
@given(encoding=_ENCODINGS, rows=st.integers(min_value=0, max_value=20))
def test_wrong_encodings(
    session: Session, campaign: int, tmp_path: Path, encoding: str, rows: int
) -> None:
    tried(f"import.wrong_encoding[{session.get_bind().dialect.name}]")
    text = "\r\n".join(",".join(r) for r in SAMPLE_ROWS[: rows + 1])
    if encoding == "mojibake":  # GB18030 read as Latin-1 and saved as UTF-8
        data = text.encode("gb18030").decode("latin-1").encode("utf-8")
    else:
        data = text.encode(encoding, errors="replace")
    _import(session, _write(tmp_path, ".csv", data))


# ---- rows and cells -------------------------------------------------------------------------
_HEADER_EDITS = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=len(HEADER) - 1),
        st.sampled_from(["drop", "hostile", "nasty", "star", "bracket", "swap", "blank", "dup"]),
        hostile_text(12),
    ),
    min_size=1,
    max_size=4,
)


@fuzz(40)
@given(edits=_HEADER_EDITS, bom=st.booleans())
def test_mutated_headers(
    session: Session, campaign: int, tmp_path: Path, edits: list[tuple[int, str, str]], bom: bool
) -> None:
    tried(f"import.mutated_header[{session.get_bind().dialect.name}]")
    rows = [list(HEADER), *(list(r) for r in ROWS)]
    for j, how, text in edits:
        j = min(j, len(rows[0]) - 1)
        if how == "drop":
            for r in rows:
                del r[j : j + 1]
        elif how == "hostile":
            rows[0][j] = text
        elif how == "nasty":
            rows[0][j] = rows[0][j][:1] + NASTY[len(text) % len(NASTY)] + rows[0][j][1:]
        elif how == "star":
            rows[0][j] = "*" + rows[0][j] + "（必填）"
        elif how == "bracket":
            rows[0][j] = rows[0][j] + "(" + text
        elif how == "swap" and j + 1 < len(rows[0]):
            rows[0][j], rows[0][j + 1] = rows[0][j + 1], rows[0][j]
        elif how == "blank":
            rows[0][j] = ""
        elif how == "dup":
            rows[0].append(rows[0][j])
    _import(session, _write(tmp_path, ".csv", _csv(rows, bom=bom)))


_CELL_VALUES = st.one_of(
    hostile_text(30),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "男性",
            "X" * 5,
            "9" * 12,
            "99999999999",
            "1e300",
            "-1",
            "²",
            "፩",
            "3.0",
            "中级（讲师）",
            "正高级",
            "初次确定",
            "撤回",
            "合计",
            "=1+1",
            "@SUM(A1)",
            "通过形式审核\x00",
            "'652801198705060017",
            "6.52801198705060E+17",
        ]
    ),
    st.integers(min_value=1000, max_value=6000).map(lambda n: "长" * n),  # a huge cell
)


@fuzz(60)
@given(
    cells=st.lists(
        st.tuples(st.integers(0, len(ROWS) - 1), st.integers(0, len(HEADER) - 1), _CELL_VALUES),
        min_size=1,
        max_size=8,
    ),
    pad=st.booleans(),
    extra_rows=st.lists(st.lists(hostile_text(10), max_size=20), max_size=3),
)
@example(cells=[(0, 3, "男性男性男性")], pad=False, extra_rows=[])  # 性别 longer than its column
@example(cells=[(0, 13, "99999999999")], pad=False, extra_rows=[])  # 提交次数 past 32 bits
@example(cells=[(0, 13, "፩")], pad=False, extra_rows=[])  # isdigit() but not int()
@example(cells=[(0, 5, "巴州\x00技工学校")], pad=True, extra_rows=[])  # NUL past the first 64 KB
def test_hostile_and_huge_cells(
    session: Session,
    campaign: int,
    tmp_path: Path,
    cells: list[tuple[int, int, str]],
    pad: bool,
    extra_rows: list[list[str]],
) -> None:
    tried(f"import.hostile_cells[{session.get_bind().dialect.name}]")
    rows = [list(HEADER), *(list(r) for r in ROWS), *extra_rows]
    for i, j, value in cells:
        rows[1 + i][j] = value
    _import(session, _write(tmp_path, ".csv", _csv(rows, pad=pad)))


def test_a_cell_past_the_csv_field_limit_names_its_line(
    session: Session, campaign: int, tmp_path: Path
) -> None:
    rows = [list(HEADER), *(list(r) for r in ROWS)]
    rows[3][5] = "单" * 140_000
    path = _write(tmp_path, ".csv", _csv(rows))
    with pytest.raises(DomainError) as exc:
        import_online(session, LEAD, CODE, path)
    assert exc.value.code == "import.bad_csv" and "第 4 行" in exc.value.message
    assert path.name in exc.value.message


# ---- workbooks ------------------------------------------------------------------------------
@fuzz(30)
@given(
    how=st.sampled_from(["random", "truncated", "zip", "flipped"]),
    data=st.binary(max_size=2000),
    cut=st.integers(min_value=1, max_value=len(XLSX_BYTES) - 1),
    suffix=st.sampled_from([".xlsx", ".xlsx", ".xls", ".ods", ".xlsm"]),
)
def test_broken_workbooks(
    session: Session, campaign: int, tmp_path: Path, how: str, data: bytes, cut: int, suffix: str
) -> None:
    tried(f"import.broken_xlsx[{session.get_bind().dialect.name}]")
    if how == "random":
        body = data
    elif how == "truncated":
        body = XLSX_BYTES[:cut]
    elif how == "flipped":  # one byte changed inside the real workbook
        body = XLSX_BYTES[:cut] + bytes([XLSX_BYTES[cut] ^ 0xFF]) + XLSX_BYTES[cut + 1 :]
    else:  # a zip that is not a workbook (or one with its sheet replaced by the bytes)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("[Content_Types].xml", data[:200])
            z.writestr("xl/workbook.xml", b"<workbook/>")
            z.writestr("xl/worksheets/sheet1.xml", data)
        body = buf.getvalue()
    _import(session, _write(tmp_path, suffix, body))


_XLSX_VALUES = st.one_of(
    hostile_text(20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.sampled_from([1e300, 6.52801198705060e17, 3.0]),
    st.dates(),
    st.integers(min_value=300, max_value=3000).map(lambda n: "长" * n),
)


@fuzz(40)
@given(
    cells=st.lists(
        st.tuples(st.integers(0, len(ROWS) - 1), st.integers(0, len(HEADER) - 1), _XLSX_VALUES),
        min_size=1,
        max_size=6,
    ),
    merge=st.booleans(),
)
@example(cells=[(0, 13, 1e10)], merge=False)  # 提交次数 as a number past 32 bits
def test_workbooks_with_hostile_cells(
    session: Session,
    campaign: int,
    tmp_path: Path,
    cells: list[tuple[int, int, object]],
    merge: bool,
) -> None:
    tried(f"import.hostile_xlsx[{session.get_bind().dialect.name}]")
    rows: list[list[object]] = [[*HEADER]]
    rows += [[*r] for r in ROWS]
    for i, j, value in cells:
        rows[1 + i][j] = value
    path = tmp_path / f"名单-{next(_SEQ)}.xlsx"
    wb = xlsxwriter.Workbook(
        str(path),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    ws = wb.add_worksheet("网审通过")
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if hasattr(v, "isoformat"):
                ws.write_datetime(r, c, v, date_fmt)
            elif isinstance(v, str):
                ws.write_string(r, c, strip_invisible(v, newlines=True))  # XML cannot hold controls
            else:
                ws.write(r, c, v)
    if merge:
        ws.merge_range(3, 5, 5, 5, "合并的单位")
    wb.close()
    _import(session, path)
