"""``desk db``: upgrade the schema, show its version."""

from __future__ import annotations

from typing import Annotated

import typer

from models.i18n import _
from tui.cli.common import ConfigOpt, DbOpt, app, handle_errors, out

db_app = typer.Typer(help=_("数据库：升级结构、查看版本"))
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
@handle_errors
def db_upgrade(
    config: ConfigOpt = None,
    db: DbOpt = None,
    no_backup: Annotated[
        bool, typer.Option("--no-backup", help=_("已经手工备份过：升级前不再自动备份"))
    ] = False,
) -> None:
    """把数据库结构升级到最新版本（先自动备份；新数据库会被创建）。"""
    from models import migrate
    from models.backup.auto import backup_directory
    from models.backup.upgrade import backup_before_upgrade
    from models.config import load_config
    from models.db import make_engine

    cfg = load_config(config)
    engine = make_engine(db or cfg.database_url, timeouts=cfg.timeouts)
    before = migrate.current_revision(engine)
    if not no_backup:  # the schema is about to change: the database as it is, first
        snap = backup_before_upgrade(engine, backup_directory(cfg.backup_dir))
        if snap is not None:
            out.print(_("升级前已备份到 {path}").format(path=snap.path))
    migrate.upgrade(engine)
    after = migrate.current_revision(engine)
    shown = engine.url.render_as_string(hide_password=True)
    if before == after:
        out.print(_("数据库 {shown} 已是最新版本 {after}").format(shown=shown, after=after))
    else:
        out.print(
            _("数据库 {shown} 已从 {before} 升级到 {after}").format(
                shown=shown, before=before or _("空库"), after=after
            )
        )


@db_app.command("current")
@handle_errors
def db_current(config: ConfigOpt = None, db: DbOpt = None) -> None:
    """显示数据库结构版本与程序所需版本。"""
    from models import migrate
    from models.config import load_config
    from models.db import make_engine

    cfg = load_config(config)
    engine = make_engine(db or cfg.database_url, timeouts=cfg.timeouts)
    out.print(_("数据库：{url}").format(url=engine.url.render_as_string(hide_password=True)))
    out.print(
        _("当前版本：{current}；程序需要：{head}").format(
            current=migrate.current_revision(engine) or _("（空库）"), head=migrate.head_revision()
        )
    )
