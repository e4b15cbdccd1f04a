"""``desk doctor``: what this desk needs, checked one by one, with what to do about each problem.

The checks: the config file; the database (reachable, schema version, SQLite's quick check, the
campaign and users in it, the server's clock); each printer (its settings, whether it answers,
its encoding); the Chinese font for previews, rare characters and image mode; the campaign's time
zone; where backups go and the room left there; the language. Exit status 1 when a check
fails, 0 otherwise (warnings included). Imported by tui.cli; never imports Textual.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from models.errors import DomainError
from models.i18n import _
from tui.cli.common import ConfigOpt, DbOpt, JsonOpt, app, handle_errors, out
from tui.cli.doctor_checks import (
    Check,
    check_fail,
    check_ok,
    check_warn,
    database_checks,
    language_check,
    zone_check,
)
from tui.cli.doctor_devices import font_check, printer_checks, privacy_checks, storage_checks


def run_checks(config_path: Path | None = None, db: str | None = None) -> list[Check]:
    """Every check, in order; a check that cannot run says why instead of stopping the rest."""
    from models.config import config_path as default_config_path
    from models.config import load_config

    area = _("配置文件")
    path = config_path or default_config_path()
    try:
        cfg = load_config(config_path)
    except DomainError as exc:
        return [check_fail("config", area, exc.message, _("改正配置文件后再运行 desk doctor"))]
    checks = [
        check_ok("config", area, str(path))
        if path.exists()
        else check_warn(
            "config",
            area,
            _("{path} 不存在：全部用默认值").format(path=path),
            _("多台受理台或网络打印机须写配置文件，见 docs/zh/setup.md"),
        )
    ]
    if db:
        cfg.database_url = db
    checks += database_checks(cfg)
    if not any(c.id == "tz" for c in checks):  # no campaign to take it from: the default zone
        checks.append(zone_check(None))
    from printers.config import parse_printers
    from printers.errors import PrinterError

    try:  # read once: the printers' checks and the font's both need them
        printers = parse_printers(cfg.printers, str(cfg.path or _("配置文件")))
    except PrinterError as exc:
        checks.append(
            check_fail(
                "printers",
                _("打印机"),
                exc.message,
                _("改正配置文件的 [printers.*]，见 docs/zh/printers.md"),
            )
        )
        printers = {}
    else:
        checks += list(printer_checks(printers))
    checks.append(font_check(printers))
    checks += storage_checks(cfg)
    checks += privacy_checks(cfg)
    checks.append(language_check(cfg))
    return checks


_MARKS: dict[str, tuple[str, str]] = {
    "ok": ("✓", "green"),
    "warn": ("!", "yellow"),
    "fail": ("✗", "bold red"),
}


def write_support_bundle(
    target: Path, report: dict[str, object], config_path: Path | None, db: str | None
) -> Path:
    """``--bundle``: the config without secrets, the versions, ``report`` and the log's last
    lines, redacted (``models.bundle``)."""
    import dataclasses

    from models.bundle import versions, write_bundle
    from models.config import load_config
    from models.version import package_version, schema_head
    from tui.work.crashlog import recent_lines

    settings: dict[str, object]
    try:
        cfg = load_config(config_path)
    except DomainError as exc:
        settings = {"error": exc.message}
    else:
        if db:
            cfg.database_url = db
        settings = {
            k: (str(v) if isinstance(v, Path) else v) for k, v in dataclasses.asdict(cfg).items()
        }
    return write_bundle(
        target,
        config=settings,
        versions=versions(schema_head(), package_version()),
        doctor=report,
        log_lines=recent_lines(),
    )


BundleOpt = Annotated[
    Path | None,
    typer.Option(
        "--bundle",
        help=_(
            "把支持包（去掉密码的配置、版本、自检结果、隐去身份证号和电话的日志）写入此 zip 文件"
        ),
        dir_okay=False,
    ),
]


@handle_errors
def doctor_cmd(
    config: ConfigOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
    bundle: BundleOpt = None,
) -> None:
    """检查本受理台，列出要做的修改。

    检查配置文件、数据库（连接、结构版本、评审批次、用户、时钟）、打印机（能否连通、编码）、中文字体、时区、备份位置和语言。有检查未通过时退出码为 1。加 --bundle 文件，另写一个支持包交给维护人员。"""
    checks = run_checks(config, db)
    failed = any(c.status == "fail" for c in checks)
    report = {"ok": not failed, "checks": [c.to_json() for c in checks]}
    written = None
    if bundle is not None:
        from models.files import cannot_write

        try:
            written = write_support_bundle(bundle, report, config, db)
        except OSError as exc:
            raise cannot_write(bundle, exc) from None
    if as_json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    else:
        table = Table(title=_("受理台自检"), show_lines=False, title_justify="left")
        for head in ("", _("项目"), _("情况")):
            table.add_column(head, overflow="fold")
        for c in checks:
            mark, style = _MARKS[c.status]
            table.add_row(Text(mark, style=style), c.area, c.found)
        out.print(table)
        todo = [c for c in checks if c.fix and c.status != "ok"]
        if todo:
            out.print(_("要做的："))
            for c in todo:
                out.print(f"  {_MARKS[c.status][0]} {c.area}：{c.fix}")
        out.print(_("有问题须处理") if failed else _("没有必须处理的问题"))
        if written is not None:
            out.print(_("支持包已写入 {path}").format(path=written), markup=False)
    if failed:
        raise typer.Exit(1)


app.command("doctor")(doctor_cmd)
