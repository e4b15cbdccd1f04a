"""Languages: every message shown goes through gettext, and both catalogs hold every one.

``scripts/i18n.py check`` lists what a catalog lacks (a message missing or untranslated, a
fuzzy one, an English sentence whose ``{fields}`` differ from the Chinese, a .mo not compiled
from its .po). The source scan finds Chinese text that reaches the screen without ``_()``:
every Chinese string literal in ``models/``, ``tui/`` and ``printers/`` (but for the modules that
make the printed paperwork) is a message (inside ``_()``,
``N_()`` or ``pgettext()``), a docstring or comment, or data the desk matches against or prints
on the office's Chinese paperwork — those are listed in ``i18n_data.txt`` with why.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from models import i18n
from tests.support import load_script

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u3400-\u9fff]")
GETTEXT = {"_", "N_", "pgettext"}
SCANNED = ("models", "tui", "printers")
NOT_SCANNED = (
    "models/migrations/",
    "models/presets/",
    "models/demo_data/",
    "models/locale/",
    # the office's paperwork, printed in Chinese whatever the screen speaks (ADR 0004)
    "printers/receipts.py",
    "printers/labels.py",
    "printers/notices.py",
    "printers/tally.py",
    "printers/roster/",
    "printers/samples.py",
    "printers/preview.py",
)


def _script() -> ModuleType:
    return load_script("i18n")


def test_both_catalogs_hold_every_message() -> None:
    found = _script().problems()
    assert found == [], "\n".join(found[:40]) + f"\n({len(found)} in all; "
    "python scripts/i18n.py update, translate, python scripts/i18n.py compile)"


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _in_gettext(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in GETTEXT
        ):
            for sub in ast.walk(node):
                ids.add(id(sub))
    return ids


def chinese_literals() -> Iterator[tuple[str, int, str]]:
    """(file, line, text) of every Chinese string literal outside gettext and docstrings."""
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if rel.startswith(NOT_SCANNED):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            skip = _docstrings(tree) | _in_gettext(tree)
            for node in ast.walk(tree):
                if id(node) in skip:
                    continue
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and CJK.search(node.value)
                ):
                    yield rel, node.lineno, node.value


_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\"}


def _data_list() -> set[tuple[str, str]]:
    out = set()
    for line in (
        (ROOT / "tests" / "unit" / "i18n_data.txt").read_text(encoding="utf-8").splitlines()
    ):
        if line.strip() and not line.startswith("#"):
            rel, text = line.split("\t", 1)
            out.add((rel, re.sub(r"\\(.)", lambda m: _ESCAPES[m[1]], text)))
    return out


def test_every_chinese_string_is_a_message_or_listed_data() -> None:
    data = _data_list()
    loose = [(rel, line, text) for rel, line, text in chinese_literals() if (rel, text) not in data]
    assert loose == [], (
        "Chinese text outside _() (wrap it, or list it in i18n_data.txt):\n"
        + "\n".join(f"{rel}:{line}: {text!r}" for rel, line, text in loose[:40])
    )


def test_no_message_is_written_inside_an_f_string() -> None:
    """Babel cannot see ``_("…")`` inside an f-string's braces: such a message never reaches the
    catalogs, and stays Chinese in English."""
    hidden = []
    for top in SCANNED:
        for path in sorted((ROOT / top).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FormattedValue):
                    hidden += [
                        f"{path.relative_to(ROOT)}:{sub.lineno}"
                        for sub in ast.walk(node)
                        if isinstance(sub, ast.Call)
                        and isinstance(sub.func, ast.Name)
                        and sub.func.id in GETTEXT
                        and sub.args
                        and isinstance(sub.args[0], ast.Constant)
                    ]
    assert hidden == []


def test_the_data_list_names_only_strings_that_exist() -> None:
    present = {(rel, text) for rel, _line, text in chinese_literals()}
    stale = sorted(_data_list() - present)
    assert stale == [], f"in i18n_data.txt but no longer in the source: {stale[:10]}"


@pytest.mark.parametrize(
    "given,expected",
    [("zh", "zh_CN"), ("zh-CN", "zh_CN"), ("zh_CN.UTF-8", "zh_CN"), ("en_US", "en"), ("EN", "en")],
)
def test_language_names(given: str, expected: str) -> None:
    assert i18n.normalise(given) == expected


def test_an_unknown_language_is_refused_in_both() -> None:
    with pytest.raises(i18n.UnknownLanguage, match=r"不支持的界面语言“fr”.*unknown language 'fr'"):
        i18n.normalise("fr")


def _desk(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "tui.launch", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "DESK_CONFIG": "/nonexistent/desk.toml", **(env or {})},
    )


def test_desk_speaks_english_when_asked() -> None:
    got = _desk("--lang", "en", "--help")
    assert got.returncode == 0, got.stderr
    assert "paper intake and fee desk" in got.stdout and "Screen language" in got.stdout
    assert not CJK.search(got.stdout), got.stdout
    zh = _desk("--help")
    assert "纸质材料受理与收费台" in zh.stdout and "界面语言" in zh.stdout


def test_desk_lang_from_the_environment_and_a_wrong_one_refused() -> None:
    assert not CJK.search(_desk("campaign", "--help", env={"DESK_LANG": "en"}).stdout)
    bad = _desk("--lang", "fr", "--help")
    assert bad.returncode == 2 and "unknown language 'fr'" in bad.stderr
