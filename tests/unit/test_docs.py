"""The documentation keeps up with the desk: the error-code tables are what the source raises,
every link and picture a page names is there, both languages have the same pages, and the codes
the advice mentions exist."""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

from tests.support import load_script

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
LINK = re.compile(r"!?\[[^\]]*\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _script() -> ModuleType:
    return load_script("error_codes")


def test_the_error_code_tables_are_what_the_source_raises() -> None:
    assert _script().main(["--check"]) == 0, "run python scripts/error_codes.py"


def test_every_code_the_advice_names_exists() -> None:
    known = set(_script().codes())
    for page in (DOCS / "zh" / "troubleshooting.md", DOCS / "en" / "troubleshooting.md"):
        advice = page.read_text(encoding="utf-8").split("<!-- error codes")[0]
        named = set(re.findall(r"`([a-z_]+\.[a-z_.]+)`", advice))
        assert named and named <= known, sorted(named - known)


def test_every_link_and_picture_is_there() -> None:
    missing = []
    for page in DOCS.rglob("*.md"):
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            if not (page.parent / target).resolve().exists():
                missing.append(f"{page.relative_to(ROOT)} → {target}")
    assert missing == []


def test_both_languages_have_the_same_pages_and_pictures() -> None:
    def names(folder: Path, suffix: str) -> set[str]:
        return {p.name for p in folder.glob(f"*{suffix}")}

    assert names(DOCS / "zh", ".md") == names(DOCS / "en", ".md")
    assert names(DOCS / "img" / "zh", ".svg") == names(DOCS / "img" / "en", ".svg") != set()
