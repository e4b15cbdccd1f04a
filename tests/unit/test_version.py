"""``desk --version`` answers at once with the desk's version and the schema it is built for:
read from the migration files without Alembic, the same head Alembic finds."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

from models import migrate
from models.version import package_version, schema_head

ROOT = Path(__file__).resolve().parents[2]


def test_the_schema_head_is_alembics() -> None:
    assert schema_head() == migrate.head_revision() and schema_head()


def test_desk_version_imports_no_database_and_no_typer() -> None:
    code = (
        "import sys; sys.argv = ['desk', '--version']\n"
        "from tui.launch import main; main()\n"
        "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'typer', 'textual', 'alembic')"
        " if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"DESK_LANG": "zh_CN", "PATH": "/usr/bin:/bin"},
    )
    first, loaded = out.stdout.splitlines()
    assert first == f"committee-desk {package_version()}（数据库结构 {schema_head()}）"
    assert loaded == "[]"


def test_the_license_file_is_the_one_pyproject_names() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == {"text": "MIT"} and project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
