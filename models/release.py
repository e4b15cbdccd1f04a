"""DeskRelease: which desk version brought the database to which schema, and when. A desk
older than the database's schema reads the newest row to say which version to install."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, inspect, select
from sqlalchemy.engine import Connection
from sqlmodel import Field, SQLModel, col

from models.errors import DomainError
from models.i18n import _
from models.types import UTCDateTime, utcnow
from models.version import package_version, schema_revisions


class DeskRelease(SQLModel, table=True):
    __tablename__ = "desk_release"

    id: int | None = Field(default=None, primary_key=True)
    version: str = Field(sa_type=String(40))  # the package's version, e.g. 0.9.0
    revision: str = Field(sa_type=String(40))  # the schema it brought the database to
    upgraded_at: dt.datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class SchemaNewer(DomainError):
    """The database's schema is newer than this desk: another desk was upgraded."""

    code = "db.newer"


def newer_schema(conn: Connection, current: str) -> SchemaNewer | None:
    """The refusal for a desk older than the database (``current`` is a revision this desk does
    not know), naming the version that upgraded it; None when this desk knows ``current``."""
    if current in schema_revisions():
        return None
    version = None
    if inspect(conn).has_table("desk_release"):
        version = conn.execute(
            select(col(DeskRelease.version)).order_by(col(DeskRelease.id).desc()).limit(1)
        ).scalar_one_or_none()
    mine = package_version()
    if version:
        return SchemaNewer(
            _(
                "数据库已由受理台 {version} 升级（结构 {current}），本机受理台 {mine} 较旧，不能使用它：请在本机安装受理台 {version} 或更新的版本（见 docs/zh/setup.md“升级”）"
            ).format(version=version, current=current, mine=mine)
        )
    return SchemaNewer(
        _(
            "数据库结构 {current} 比本机受理台 {mine} 新，不能使用它：请安装与其他受理台相同或更新的版本（见 docs/zh/setup.md“升级”）"
        ).format(current=current, mine=mine)
    )
