"""``desk backup`` and ``desk restore``: the embedded SQLite database copied with SQLite's online
backup API (the desks keep working meanwhile), and restored into a fresh database. For
PostgreSQL both explain the server's tools (``pg_dump -Fc`` / ``pg_restore``) with the commands
for the configured database and exit with status 2.

``desk backup FILE [--force] [--user U]`` — a lead's or an admin's copy, audited.
``desk restore FILE [--to PATH]`` — into the configured SQLite database or ``PATH``, which must
not exist or hold no rows.
Imported by tui.cli; never imports Textual."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from models.i18n import _
from tui.cli.common import ConfigOpt, DbOpt, UserOpt, acting, app, err, handle_errors, out

ROW_LABELS = (
    ("payment", _("缴费记录"), _("条")),
    ("dossier", _("材料"), _("份")),
    ("audit_event", _("审计记录"), _("条")),
)
PG_PASSWORD_NOTE = _(
    "命令中不含密码：请用 PGPASSWORD 环境变量或 ~/.pgpass（Windows 为 %APPDATA%\\postgresql\\pgpass.conf）提供；pg_dump、pg_restore 的大版本应与服务器一致。"
)


def size_text(n: int) -> str:
    if n < 1024:
        return _("{n} 字节").format(n=n)
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return _("{n} 字节").format(n=n)


def rows_text(snap: Any) -> str:
    main = "，".join(f"{label} {snap.count(t):,} {unit}" for t, label, unit in ROW_LABELS)
    return _("{main}；共 {count} 张表 {rows:,} 行").format(
        main=main, count=len(snap.counts), rows=snap.rows
    )


def _backup_pg(url: str, file: Path, *, force: bool, user: str | None, desk: str) -> None:
    """``pg_dump -Fc`` run by the desk: the lead's audited copy; the desks keep working."""
    from models.backup import backup, pg_commands
    from models.db import make_engine, session_scope

    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            actor = acting(session, user, desk, "backup.write")
        snap = backup(engine, actor, file, force=force)
    finally:
        engine.dispose()
    out.print(_("已用 pg_dump 备份到 {path}").format(path=snap.path))
    out.print(
        _(
            "  大小 {size}，用时 {seconds:.2f} 秒，pg_restore --list 检查通过（数据库结构版本 {revision}）"
        ).format(size=size_text(snap.bytes), seconds=snap.seconds, revision=snap.revision)
    )
    out.print(f"  {rows_text(snap)}")
    out.print(f"  SHA-256 {snap.sha256}")
    out.print(
        _("恢复：先建一个空数据库（{create}），再 desk restore {file} --db 新库的地址").format(
            create=pg_commands(url, file).create, file=file
        )
    )


def _explain_pg_restore(url: str, file: Path) -> None:
    from models.backup import pg_commands

    cmd = pg_commands(url, file)
    out.print(
        _(
            "恢复目标是 PostgreSQL 数据库 {database}，但这个文件不是 pg_dump 的备份：SQLite 的备份不能恢复到 PostgreSQL（要恢复成单机文件请加 --to 文件路径）。PostgreSQL 的备份（desk backup 或 pg_dump -Fc 生成）恢复到新建的空数据库，也可以手工运行："
        ).format(database=cmd.database)
    )
    out.print(f"  {cmd.create}")
    out.print(f"  {cmd.restore}")
    out.print(PG_PASSWORD_NOTE)


@handle_errors
def backup_cmd(
    file: Annotated[Path, typer.Argument(help=_("备份文件（如 D:/备份/desk-20210927.sqlite3）"))],
    force: Annotated[bool, typer.Option("--force", help=_("文件已存在时覆盖"))] = False,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """备份数据库（负责人、管理员）。

    单机 SQLite 用在线备份写到 FILE，受理台不必停止工作；写完检查副本完整性。PostgreSQL 用服务器的 pg_dump（-Fc）写到 FILE（本机须有 PostgreSQL 客户端工具）。"""
    from models import migrate
    from models.backup import BackupFailed, backup, backup_sqlite, is_sqlite_url, sqlite_file
    from models.config import load_config
    from models.db import make_engine, session_scope

    cfg = load_config(config)
    url = db or cfg.database_url
    if not is_sqlite_url(url):  # the server's pg_dump, run here (or how to install it)
        _backup_pg(url, file, force=force, user=user, desk=cfg.desk)
        return
    source = sqlite_file(url)
    if source is None or not source.is_file():
        raise BackupFailed(
            _("数据库文件 {path} 不存在：没有可备份的数据").format(
                path=source or _("（内存数据库）")
            ),
            code="backup.no_database",
        )
    engine = make_engine(url)
    try:
        revision, head = migrate.current_revision(engine), migrate.head_revision()
        if revision == head:
            with session_scope(engine) as session:
                actor = acting(session, user, cfg.desk, "backup.write")
            snap = backup(engine, actor, file, force=force)
            note = ""
        else:  # an older schema (back it up before desk db upgrade): no audit table to write to
            snap = backup_sqlite(engine, file, force=force)
            note = _(
                "数据库结构版本为 {revision}，程序需要 {head}：本次备份未写审计记录；恢复后请运行 desk db upgrade"
            ).format(revision=revision or _("（空库）"), head=head)
    finally:
        engine.dispose()
    out.print(_("已备份到 {path}").format(path=snap.path))
    out.print(
        _(
            "  大小 {size}，用时 {seconds:.2f} 秒，副本完整性检查通过（数据库结构版本 {revision}）"
        ).format(size=size_text(snap.bytes), seconds=snap.seconds, revision=snap.revision)
    )
    out.print(f"  {rows_text(snap)}")
    out.print(f"  SHA-256 {snap.sha256}")
    if note:
        err.print(_("[yellow]注意[/]：{note}").format(note=escape(note)))


@handle_errors
def restore_cmd(
    file: Annotated[
        Path, typer.Argument(help=_("desk backup 或日结自动备份生成的 SQLite 备份文件"))
    ],
    to: Annotated[
        Path | None,
        typer.Option("--to", help=_("恢复到这个新文件（默认：配置的数据库，须不存在或为空库）")),
    ] = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """从备份恢复到新的空数据库。

    先检查备份（SQLite 文件、完整性、结构版本），再用在线备份复制。已有数据的数据库不会被覆盖。"""
    from models import migrate
    from models.backup import (
        RestoreRefused,
        is_sqlite_url,
        pg_commands,
        pg_restore_into,
        restore_sqlite,
        sqlite_file,
    )
    from models.config import load_config

    cfg = load_config(config)
    url = db or cfg.database_url
    if to is None and not is_sqlite_url(url):
        if not file.is_file() or file.read_bytes()[:5] != b"PGDMP":
            _explain_pg_restore(url, file)  # a SQLite backup cannot go into PostgreSQL
            raise typer.Exit(1)  # refused: not a PostgreSQL backup
        seconds = pg_restore_into(url, file)  # an empty database only
        out.print(
            _("已用 pg_restore 把 {path} 恢复到数据库 {database}（用时 {seconds:.2f} 秒）").format(
                path=file, database=pg_commands(url, file).database, seconds=seconds
            )
        )
        return
    target = to if to is not None else sqlite_file(url)
    if target is None:
        raise RestoreRefused(
            _("配置的是内存数据库：请用 --to 指定恢复到的文件"), code="backup.no_target"
        )
    done = restore_sqlite(file, target)
    src = done.source
    out.print(
        _("已从 {path} 恢复到 {path2}（用时 {seconds:.2f} 秒）").format(
            path=src.path, path2=done.target.path, seconds=done.seconds
        )
    )
    out.print(
        _("  备份：大小 {size}，SHA-256 {sha256}").format(
            size=size_text(src.bytes), sha256=src.sha256
        )
    )
    out.print(_("  恢复的数据：{rows}").format(rows=rows_text(src)))
    out.print(_("  数据库结构版本 {revision}，完整性检查通过").format(revision=src.revision))
    if done.audited:
        out.print(_("  已在恢复后的数据库中写入一条审计记录（backup.restore）"))
    else:
        err.print(
            _(
                "[yellow]注意[/]：备份的数据库结构版本 {revision} 早于程序所需的 {head}：使用前请运行 desk db upgrade"
            ).format(revision=escape(str(src.revision)), head=escape(str(migrate.head_revision())))
            + (f" --db sqlite:///{escape(str(target))}" if to is not None else "")
        )
    if to is not None:
        out.print(_("使用：desk --db sqlite:///{to}，或在配置文件中设 database_url").format(to=to))


app.command("backup")(backup_cmd)
app.command("restore")(restore_cmd)
