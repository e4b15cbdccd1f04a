"""``desk`` itself: the options before any command, and the TUI when no command is given.
Only this path imports Textual (tests/unit/test_import_hygiene.py)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from models.i18n import _
from tui.cli.common import ConfigOpt, DbOpt, app, err, handle_errors, out


def _defaults_for(command: Any, given: dict[str, Any]) -> dict[str, Any]:
    """Click's ``default_map`` giving ``given`` to every command below ``command`` (a group has
    ``commands``) that has such an option."""
    commands = getattr(command, "commands", None)
    if isinstance(commands, dict):
        return {name: _defaults_for(sub, given) for name, sub in commands.items()}
    names = {p.name for p in command.params}
    return {k: v for k, v in given.items() if k in names}


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    demo: Annotated[
        bool, typer.Option("--demo", help=_("在临时演示数据库上启动（预设 000，演示用户）"))
    ] = False,
    version: Annotated[bool, typer.Option("--version", help=_("显示版本号"))] = False,
    config: ConfigOpt = None,
    db: DbOpt = None,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            help=_(
                "界面语言：zh_CN（简体中文，默认）或 en（English）；也可用 DESK_LANG 或配置文件的 language"
            ),
            envvar="DESK_LANG",
        ),
    ] = None,
) -> None:
    """不带子命令时启动受理台界面（Textual）。"""
    # ``lang`` was applied by ``tui.launch`` before this module was imported (the help above is
    # already in it); it is declared here so that ``--lang`` is accepted and shown.
    del lang
    if version:
        from models.version import version_line

        out.print(version_line())
        raise typer.Exit()
    if ctx.invoked_subcommand is not None:
        # ``desk --db URL audit verify``: the options before the command hold for it (its own
        # ``--db``/``--config`` after it still win), as Click's defaults for every command
        if demo:
            err.print(_("[bold red]错误[/]：--demo 只用于启动受理台界面，不能与子命令一起使用"))
            raise typer.Exit(2)
        given = {k: v for k, v in (("db", db), ("config", config)) if v}
        if given:
            ctx.default_map = _defaults_for(ctx.command, given)
        return
    _run_tui(demo=demo, config=config, db=db)


@handle_errors
def _run_tui(*, demo: bool, config: Path | None, db: str | None) -> None:
    from models.config import load_config

    cfg = load_config(config)
    demo_dir = None
    real_data_dir = os.environ.get("DESK_DATA_DIR")
    if demo:
        # Everything the demo writes stays in its temporary folder, removed at exit: the
        # database, and as its data folder the day-close backups (a configured backup_dir
        # and backup_copy_dir are the real office's), the exports, the crash log, the login tag.
        demo_dir = tempfile.TemporaryDirectory(prefix="desk-demo-")
        os.environ["DESK_DATA_DIR"] = demo_dir.name
        cfg.database_url = f"sqlite:///{Path(demo_dir.name) / 'demo.sqlite3'}"
        cfg.backup_dir = cfg.backup_copy_dir = ""
        cfg.campaign = ""
    elif db:
        cfg.database_url = db
    from tui.app import make_app

    try:
        desk_app = make_app(cfg, demo=demo)
        desk_app.run()
    finally:
        if demo_dir is not None:
            if real_data_dir is None:
                os.environ.pop("DESK_DATA_DIR", None)
            else:
                os.environ["DESK_DATA_DIR"] = real_data_dir
            demo_dir.cleanup()
