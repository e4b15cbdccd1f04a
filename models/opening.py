"""Opening the desk's database: the engine, and a brand-new database brought to the newest
schema. An older schema must be upgraded on purpose (``desk db upgrade``): other desks may still
run the old code. An unreachable server is one ``DatabaseUnavailable`` line, not a traceback."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from models.config import DeskConfig
from models.db import make_engine
from models.errors import DatabaseUnavailable, DomainError
from models.i18n import _
from models.release import newer_schema
from models.version import schema_head


class SchemaOutdated(DomainError):
    code = "db.outdated"


def current_revision(engine: Engine) -> str | None:
    """The schema's version as Alembic records it (its ``alembic_version`` table), read without
    loading Alembic: every command and every start opens the database (a test holds it equal to
    ``models.migrate.current_revision``)."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one_or_none()


def open_database(config: DeskConfig, *, auto_create: bool = True) -> Engine:
    """Make the engine; a brand-new database is brought to the newest schema, an older one must
    be upgraded on purpose with ``desk db upgrade`` (other desks may still run the old code)."""
    engine = make_engine(config.database_url, timeouts=config.timeouts)
    try:
        current = current_revision(engine)
        head = schema_head()
        if current is None and auto_create:
            from models import migrate  # Alembic (0.1 s of import) only for a new database

            migrate.upgrade(engine)
        elif current != head and current is not None:
            with engine.connect() as conn:
                newer = newer_schema(conn, current)
            if newer is not None:  # another desk was upgraded: this one is the old one
                raise newer
            raise SchemaOutdated(
                _("数据库结构版本为 {current}，程序需要 {head}：请先运行 desk db upgrade").format(
                    current=current, head=head
                ),
            )
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(
            _("无法连接数据库 {url}：{reason}").format(
                url=engine.url.render_as_string(hide_password=True), reason=reason
            )
        ) from exc
    return engine
