"""The desk's version and the database schema it is built for, read without SQLAlchemy or
Alembic (``desk --version`` answers at once)."""

from __future__ import annotations

import re
from pathlib import Path

_VERSIONS = Path(__file__).resolve().parent / "migrations" / "versions"
_REVISION = re.compile(r"^revision: str = ['\"](\w+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision: str \| None = ['\"](\w+)['\"]", re.M)


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("committee-desk")
    except PackageNotFoundError:
        return "0+unknown"


def schema_revisions() -> set[str]:
    """Every schema revision this desk's migrations know."""
    found: set[str] = set()
    for path in _VERSIONS.glob("*.py"):
        if (m := _REVISION.search(path.read_text(encoding="utf-8"))) is not None:
            found.add(m.group(1))
    return found


def schema_head() -> str:
    """The newest migration: the one no other revises (``models.migrate.head_revision`` reads the
    same files through Alembic; a test holds them equal)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in _VERSIONS.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        if (m := _REVISION.search(text)) is not None:
            revisions.add(m.group(1))
        if (d := _DOWN.search(text)) is not None:
            revised.add(d.group(1))
    heads = sorted(revisions - revised)
    return heads[-1] if heads else ""


def version_line() -> str:
    from models.i18n import _

    return _("committee-desk {version}（数据库结构 {schema}）").format(
        version=package_version(), schema=schema_head()
    )
