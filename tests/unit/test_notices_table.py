"""docs/notices.md accounts for the presets: every clause a preset cites (any key named ``clause``
or ending in it, at any depth) has a row of its own in that notice's section, the clause first
in the row's first cell; and every test a row names exists (where the row gives the file, in that
file). No database: the presets are read as TOML."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "notices.md"
PRESETS = ROOT / "models" / "presets"
TESTS = ROOT / "tests"
NOTICES = ("000", "001", "002", "003", "004")
COLUMNS = ["Clause", "The notice says", "What the desk does", "Where", "Test"]

NUMERALS = "一二三四五六七八九十"
# a clause reference as the presets write it: 四（二）1, 五、8, 三（三）3（2）, 五（二）1、2, 六
REFERENCE = re.compile(rf"^[{NUMERALS}]+[、（）0-9{NUMERALS}]*")
CLAUSE_CHARS = frozenset("、（）0123456789" + NUMERALS)
HEADING = re.compile(r"^##\s")
NOTICE_NO = re.compile(r"\b(\d{3})\b")
CELL_SPLIT = re.compile(r"(?<!\\)\|")
# a test's name; a file name (test_notice_rules.py) is not one
TEST_NAME = re.compile(r"\btest_\w+\b(?!\.py)")
TEST_IN_FILE = re.compile(r"(tests/[\w/]+\.py)::(test_\w+)")
TEST_DEF = re.compile(r"^\s*(?:async\s+)?def\s+(test_\w+)", re.MULTILINE)


# ---- the presets ------------------------------------------------------------------------------


def _clause_values(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and key.endswith("clause") and isinstance(value, str):
                yield value
            else:
                yield from _clause_values(value)
    elif isinstance(node, list):
        for value in node:
            yield from _clause_values(value)


def references(clause: str) -> list[str]:
    """The clause references one ``clause`` value cites: 四（二）1；二、2 → 四（二）1, 二、2;
    三、申报时间 → 三; a part that does not start with a clause (通知未载明…) cites none."""
    out = []
    for part in clause.split("；"):
        m = REFERENCE.match(part.strip())
        if m:
            ref = m.group(0).rstrip("、（")
            if ref:
                out.append(ref)
    return out


def preset_references(notice: str) -> list[str]:
    [path] = sorted(PRESETS.glob(f"{notice}-*.toml"))
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    found: list[str] = []
    for clause in _clause_values(data):
        for ref in references(clause):
            if ref not in found:
                found.append(ref)
    return found


# ---- the document -----------------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    return [c.strip() for c in CELL_SPLIT.split(line.strip().removeprefix("|").removesuffix("|"))]


def sections() -> dict[str, list[str]]:
    """notice number → the lines of its ``## 000 …`` section."""
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if HEADING.match(line):
            m = NOTICE_NO.search(line)
            current = out.setdefault(m.group(1), []) if m else None
        elif current is not None:
            current.append(line)
    return out


def rows(lines: list[str]) -> list[list[str]]:
    """The table rows of a section (not its header or separator)."""
    out = []
    for line in lines:
        if not line.lstrip().startswith("|"):
            continue
        cells = _cells(line)
        if cells == COLUMNS or all(set(c) <= set("-: ") for c in cells):
            continue
        out.append(cells)
    return out


def headers(lines: list[str]) -> list[list[str]]:
    return [
        _cells(line)
        for line in lines
        if line.lstrip().startswith("|") and _cells(line)[:1] == ["Clause"]
    ]


def cites(first_cell: str, ref: str) -> bool:
    """The first cell names ``ref`` first: 三 in “三 申报时间” or “三”, not in “三（五）1”; 三（二）1
    not in 三（二）10."""
    cell = first_cell.strip()
    if cell.split(maxsplit=1)[:1] == [ref]:
        return True
    return cell.startswith(ref) and (len(cell) == len(ref) or cell[len(ref)] not in CLAUSE_CHARS)


def _defined_tests() -> tuple[set[str], dict[str, set[str]]]:
    everywhere: set[str] = set()
    by_file: dict[str, set[str]] = {}
    for path in TESTS.rglob("*.py"):
        names = set(TEST_DEF.findall(path.read_text(encoding="utf-8")))
        everywhere |= names
        by_file[path.relative_to(ROOT).as_posix()] = names
    return everywhere, by_file


# ---- the tests --------------------------------------------------------------------------------


def test_the_reference_is_read_as_the_presets_write_it() -> None:
    assert references("四（二）1；二、2；五、4") == ["四（二）1", "二、2", "五、4"]
    assert references("三、申报时间；五、3：逾期不予受理") == ["三", "五、3"]
    assert references("三（三）2；三（三）3（1）（2）") == ["三（三）2", "三（三）3（1）（2）"]
    assert references("八（六）未载明评审中级收费") == ["八（六）"]
    assert references("通知未载明（全文无收费规定）") == []
    assert cites("三 申报时间", "三") and cites("三", "三") and cites("三，网上申报", "三")
    assert not cites("三（五）1", "三") and not cites("三（二）10", "三（二）1")
    assert not cites("五、3", "五") and cites("五（二）1、2", "五（二）1、2")


def test_every_notice_has_its_section_with_the_table() -> None:
    found = sections()
    assert [n for n in NOTICES if n not in found] == [], "missing sections in docs/notices.md"
    bad = [
        n
        for n in NOTICES
        if not headers(found[n])
        or not rows(found[n])
        or any(h != COLUMNS for h in headers(found[n]))
    ]
    assert bad == [], f"sections without a table of exactly the columns {COLUMNS}"
    short = [f"{n}: {row[:1]}" for n in NOTICES for row in rows(found[n]) if len(row) != 5]
    assert short == [], "rows without five cells"
    ticked = [f"{n}: {row[0]}" for n in NOTICES for row in rows(found[n]) if "`" in row[0]]
    assert ticked == [], "the Clause cell is plain text"


def test_every_clause_a_preset_cites_has_its_row() -> None:
    found = sections()
    missing = []
    for notice in NOTICES[:4]:
        firsts = [row[0] for row in rows(found.get(notice, []))]
        missing += [
            f"{notice} {ref}"
            for ref in preset_references(notice)
            if not any(cites(cell, ref) for cell in firsts)
        ]
    assert missing == [], "clauses the presets cite without a row in docs/notices.md: " + ", ".join(
        missing
    )


def test_every_test_the_table_names_exists() -> None:
    everywhere, by_file = _defined_tests()
    missing = []
    for notice, lines in sections().items():
        for row in rows(lines):
            if len(row) != 5:
                continue
            cell = row[4]
            missing += [
                f"{notice} {row[0][:12]}: {name}"
                for name in TEST_NAME.findall(cell)
                if name not in everywhere
            ]
            missing += [
                f"{notice} {row[0][:12]}: {path}::{name}"
                for path, name in TEST_IN_FILE.findall(cell)
                if name not in by_file.get(path, set())
            ]
    assert missing == [], "tests named in docs/notices.md that do not exist: " + ", ".join(missing)
