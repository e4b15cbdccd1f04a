"""Opening the desk's database: the engine, and a brand-new database brought to the newest
schema. An older schema must be upgraded on purpose (``desk db upgrade``): other desks may still
run the old code. An unreachable server is one ``DatabaseUnavailable`` line, not a traceback."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from models import migrate
from models.config import DeskConfig
from models.db import make_engine
from models.errors import DatabaseUnavailable, DomainError
from models.i18n import _


class SchemaOutdated(DomainError):
    code = "db.outdated"


def open_database(config: DeskConfig, *, auto_create: bool = True) -> Engine:
    """Make the engine; a brand-new database is brought to the newest schema, an older one must
    be upgraded on purpose with ``desk db upgrade`` (other desks may still run the old code)."""
    engine = make_engine(config.database_url, timeouts=config.timeouts)
    try:
        current = migrate.current_revision(engine)
        head = migrate.head_revision()
        if current is None and auto_create:
            migrate.upgrade(engine)
        elif current != head and current is not None:
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
