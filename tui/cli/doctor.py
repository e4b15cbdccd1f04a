"""``desk doctor``: what this desk needs, checked one by one, with what to do about each problem.

The checks: the config file; the database (reachable, schema version, SQLite's quick check, the
campaign and users in it, the server's clock); each printer (its settings, whether it answers,
its encoding); the Chinese font for previews, rare characters and image mode; the campaign's time
zone; where backups go and the room left there; the language. Exit status 1 when a check
fails, 0 otherwise (warnings included). Imported by tui.cli; never imports Textual.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.table import Table

from models.errors import DomainError
from models.i18n import _
from tui.cli.common import (
    ConfigOpt,
    DbOpt,
    JsonOpt,
    app,
    handle_errors,
    out,
)

CLOCK_SKEW = dt.timedelta(minutes=2)  # more than this between the desk and the server: warn
LOW_DISK = 500 * 1024 * 1024  # bytes free where the database and backups live
PRINTER_TIMEOUT = 3.0  # seconds to reach a printer while checking


@dataclass(frozen=True)
class Check:
    area: str
    status: str  # ok | warn | fail
    found: str
    fix: str = ""


def _ok(area: str, found: str) -> Check:
    return Check(area, "ok", found)


def _warn(area: str, found: str, fix: str = "") -> Check:
    return Check(area, "warn", found, fix)


def _fail(area: str, found: str, fix: str = "") -> Check:
    return Check(area, "fail", found, fix)


def run_checks(config_path: Path | None = None, db: str | None = None) -> list[Check]:
    """Every check, in order; a check that cannot run says why instead of stopping the rest."""
    from models.config import config_path as default_config_path
    from models.config import load_config

    area = _("配置文件")
    path = config_path or default_config_path()
    try:
        cfg = load_config(config_path)
    except DomainError as exc:
        return [_fail(area, exc.message, _("改正配置文件后再运行 desk doctor"))]
    checks = [
        _ok(area, str(path))
        if path.exists()
        else _warn(
            area,
            _("{path} 不存在：全部用默认值").format(path=path),
            _("多台受理台或网络打印机须写配置文件，见 docs/zh/setup.md"),
        )
    ]
    if db:
        cfg.database_url = db
    checks += _database(cfg)
    from printers.config import parse_printers
    from printers.errors import PrinterError

    try:  # read once: the printers' checks and the font's both need them
        printers = parse_printers(cfg.printers, str(cfg.path or _("配置文件")))
    except PrinterError as exc:
        checks.append(
            _fail(
                _("打印机"), exc.message, _("改正配置文件的 [printers.*]，见 docs/zh/printers.md")
            )
        )
        printers = {}
    else:
        checks += list(_printers(printers))
    checks.append(_font(printers))
    checks += _storage(cfg)
    checks += _privacy(cfg)
    checks.append(_language(cfg))
    return checks


def _database(cfg: Any) -> list[Check]:
    from models.health import probe

    area = _("数据库")
    health = probe(cfg)
    shown = health.shown
    if health.missing_file:
        return [
            _warn(
                area,
                _("{url}：文件还不存在").format(url=shown),
                _("第一次启动受理台（desk）或 desk db upgrade 时会创建"),
            )
        ]
    out: list[Check] = []
    if health.head is not None:
        if health.schema_ok:
            out.append(
                _ok(
                    area, _("{url}，结构版本 {revision}").format(url=shown, revision=health.current)
                )
            )
        else:
            out.append(
                _fail(
                    area,
                    _("{url}：结构版本 {current}，程序需要 {head}").format(
                        url=shown, current=health.current or _("（空库）"), head=health.head
                    ),
                    _("运行 desk db upgrade（先停止其他受理台）"),
                )
            )
            return out
    if health.quick_check is not None:
        whole = _("数据库完整性")
        out.append(
            _ok(whole, _("SQLite 快速检查通过"))
            if health.quick_check == "ok"
            else _fail(
                whole,
                _("SQLite 快速检查：{result}").format(result=health.quick_check),
                _("从最近的备份恢复（desk restore），见 docs/zh/backup.md"),
            )
        )
    if health.server_now is not None:
        out.append(_clock(health.server_now))
    if health.counted:
        out += _campaign(cfg, health)
        out.append(
            _ok(_("用户"), _("{count} 个").format(count=health.users))
            if health.users
            else _warn(
                _("用户"),
                _("还没有用户"),
                _("desk user add 名字 --role admin（先建管理员，再由管理员添加负责人）"),
            )
        )
    if health.error is not None:
        out.append(
            _fail(
                area,
                _("{url}：{reason}").format(url=shown, reason=health.error),
                _("检查数据库服务器是否在运行、地址和密码是否正确，见 docs/zh/multi-desk.md"),
            )
        )
    return out


def _campaign(cfg: Any, health: Any) -> list[Check]:
    """The campaign the desk works on: the configured one, or the only one in the database."""
    area = _("评审批次")
    if cfg.campaign:
        if health.chosen is None:
            return [
                _fail(area, health.chosen_error, _("改正配置文件的 campaign，或 desk campaign new"))
            ]
        c = health.chosen
        return [_ok(area, f"{c.code}：{c.title}"), _zone(c.timezone)]
    if len(health.campaigns) == 1:
        c = health.campaigns[0]
        return [_ok(area, f"{c.code}：{c.title}"), _zone(c.timezone)]
    return [
        _warn(
            area,
            _("数据库中有 {count} 个评审批次，配置文件未指定").format(count=len(health.campaigns)),
            _("新建：desk campaign new 代码 --from 000；多个时在配置文件写 campaign"),
        )
    ]


def _clock(server_now: Any) -> Check:
    here = dt.datetime.now(dt.UTC)
    skew = abs(here - server_now)
    area = _("时钟")
    if skew > CLOCK_SKEW:
        return _warn(
            area,
            _("本机与数据库服务器相差 {seconds:.0f} 秒").format(seconds=skew.total_seconds()),
            _("校准本机时间（Windows：设置 → 时间和语言 → 立即同步）"),
        )
    return _ok(
        area, _("本机与数据库服务器相差 {seconds:.1f} 秒").format(seconds=skew.total_seconds())
    )


def _zone(name: str) -> Check:
    import zoneinfo

    area = _("时区")
    try:
        zone = zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return _fail(
            area,
            _("评审批次的时区“{zone}”不存在").format(zone=name),
            _("重新安装受理台（tzdata 随程序安装）"),
        )
    now = dt.datetime.now(zone)
    return _ok(
        area,
        _("{zone}：现在 {now:%Y-%m-%d %H:%M}（UTC{offset}）").format(
            zone=name, now=now, offset=now.strftime("%z")
        ),
    )


def _printers(configs: dict[str, Any]) -> Iterator[Check]:
    from printers.config import ROLES
    from printers.errors import PrinterError
    from printers.transports import open_transport

    for role in ROLES:
        p = configs.get(role)
        area = _("打印机 {role}").format(role=role)
        if p is None or p.connection == "preview":
            yield _warn(
                area,
                _("预览（不连接打印机）"),
                _("在配置文件中设 [printers.{role}]，见 docs/zh/printers.md").format(role=role),
            )
            continue
        try:
            "评审费缴费凭证".encode(p.encoding)
        except (LookupError, UnicodeError):
            yield _fail(
                area,
                _("编码 {encoding} 不可用").format(encoding=p.encoding),
                _("encoding 用 gbk 或 gb18030"),
            )
            continue
        if p.connection == "file":
            where = Path(p.options["path"])
            writable = (
                os.access(where, os.W_OK) if where.exists() else os.access(where.parent, os.W_OK)
            )
            yield (
                _ok(area, p.describe())
                if writable
                else _fail(
                    area,
                    _("{where}：不能写入").format(where=p.describe()),
                    _("检查设备路径和权限（Linux：把用户加入 lp 组）"),
                )
            )
            continue
        if p.connection == "win32raw" and sys.platform != "win32":
            yield _fail(
                area,
                _("{where}：win32raw 只能在 Windows 上使用").format(where=p.describe()),
                _("在 Windows 上用 win32raw；其他系统用 network、usb 或 cups"),
            )
            continue
        try:
            status = open_transport(dataclasses.replace(p, timeout=PRINTER_TIMEOUT)).status()
        except PrinterError as exc:
            yield _fail(area, exc.message, _("开机、接线、核对地址后重试；见 docs/zh/printers.md"))
            continue
        except Exception as exc:  # a driver library missing (pyusb, pywin32, pycups) and the like
            yield _fail(
                area,
                _("{where}：{problem}").format(where=p.describe(), problem=exc),
                _("见 docs/zh/printers.md 的“连接方式”"),
            )
            continue
        problem = status.problem() if status else None
        if problem:
            yield _warn(
                area,
                _("{where}：{problem}").format(where=p.describe(), problem=problem),
                _("处理打印机后重试（desk printer test {role}）").format(role=role),
            )
        else:
            yield _ok(
                area, p.describe() + (_("，应答正常") if status else _("，已连通（不回报状态）"))
            )


def _font(printers: dict[str, Any]) -> Check:
    from printers.errors import PrinterError
    from printers.fonts import find_cjk_font

    area = _("中文字体")
    configured = next((p.font for p in printers.values() if p.font), None)
    image_mode = any(p.image_mode for p in printers.values())
    try:
        font = find_cjk_font(configured)
    except PrinterError as exc:
        needs = _("图像模式打印必需") if image_mode else _("打印预览和生僻字需要")
        make = _fail if image_mode else _warn
        return make(
            area, f"{exc.message}（{needs}）", _("安装 fonts-noto-cjk，或在 [printers.*] 中设 font")
        )
    return _ok(area, font.path)


def _storage(cfg: Any) -> list[Check]:
    from models.config import data_dir

    out = []
    if cfg.database_is_sqlite:
        where = Path(cfg.backup_dir) if cfg.backup_dir else data_dir() / "backups"
        probe = (
            where if where.exists() else next((p for p in where.parents if p.exists()), Path.cwd())
        )
        area = _("备份")
        if not os.access(probe, os.W_OK):
            out.append(
                _fail(
                    area,
                    _("{where}：不能写入").format(where=where),
                    _("在配置文件中把 backup_dir 设为可写的文件夹"),
                )
            )
        else:
            free = shutil.disk_usage(probe).free
            found = _("{where}，剩余 {free:.1f} GB").format(where=where, free=free / 1024**3)
            out.append(
                _warn(area, found, _("清理磁盘，或把 backup_dir 设到别的磁盘"))
                if free < LOW_DISK
                else _ok(area, found)
            )
    return out


def _privacy(cfg: Any) -> list[Check]:
    """The database file and the folders the desk keeps its data in (the database's, the data
    folder, the backups) must be this user's only: they hold full ID numbers, phones and
    password hashes. Nothing to check on Windows (modes mean nothing there)."""
    from models.backup import backup_directory, sqlite_file
    from models.config import data_dir
    from models.files import POSIX, mode_text, others_can_use

    if not POSIX:
        return []
    area = _("文件权限")
    out: list[Check] = []
    database = sqlite_file(cfg.database_url)
    folders = [data_dir()]
    if database is not None:
        folders = [database.parent, *folders, backup_directory(cfg.backup_dir)]
        files = [
            p
            for p in (database, Path(f"{database}-wal"), Path(f"{database}-shm"))
            if others_can_use(p)
        ]
        if files:
            out.append(
                _warn(
                    area,
                    _("数据库文件 {path} 其他用户可以读取（权限 {mode}）").format(
                        path=database, mode=mode_text(files[0])
                    ),
                    _("运行 chmod 600 {paths}（只让本用户读写）").format(
                        paths=" ".join(str(p) for p in files)
                    ),
                )
            )
    seen: set[Path] = set()
    for folder in folders:
        key = folder.resolve()
        if key in seen or not folder.is_dir():
            continue
        seen.add(key)
        if others_can_use(folder):
            out.append(
                _warn(
                    area,
                    _("文件夹 {path} 其他用户可以查看（权限 {mode}）").format(
                        path=folder, mode=mode_text(folder)
                    ),
                    _("运行 chmod 700 {path}（只让本用户打开）").format(path=folder),
                )
            )
    return out or [_ok(area, _("数据库和数据文件夹仅本用户可以读取"))]


def _language(cfg: Any) -> Check:
    from models import i18n

    area = _("界面语言")
    try:
        lang = i18n.normalise(cfg.language)
        i18n.catalog(lang)
    except (i18n.UnknownLanguage, OSError) as exc:
        return _fail(area, str(exc), _("配置文件 language 用 zh_CN 或 en"))
    return _ok(
        area,
        _("配置：{configured}；本次运行：{current}").format(
            configured=i18n.LANGUAGES[lang], current=i18n.LANGUAGES[i18n.current()]
        ),
    )


_MARKS: dict[str, tuple[str, str]] = {
    "ok": ("✓", "green"),
    "warn": ("!", "yellow"),
    "fail": ("✗", "bold red"),
}


@handle_errors
def doctor_cmd(config: ConfigOpt = None, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """检查本受理台：配置文件、数据库（连接、结构版本、评审批次、用户、时钟）、打印机（能否连通、编码）、中文字体、时区、备份位置和语言，并列出要做的修改。有检查未通过时退出码为 1。"""
    import typer

    checks = run_checks(config, db)
    failed = any(c.status == "fail" for c in checks)
    if as_json:
        sys.stdout.write(
            json.dumps(
                {"ok": not failed, "checks": [dataclasses.asdict(c) for c in checks]},
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
    else:
        table = Table(title=_("受理台自检"), show_lines=False, title_justify="left")
        for head in ("", _("项目"), _("情况")):
            table.add_column(head, overflow="fold")
        for c in checks:
            mark, style = _MARKS[c.status]
            table.add_row(f"[{style}]{mark}[/]", escape(c.area), escape(c.found))
        out.print(table, markup=True)
        todo = [c for c in checks if c.fix and c.status != "ok"]
        if todo:
            out.print(_("要做的："))
            for c in todo:
                out.print(f"  {_MARKS[c.status][0]} {c.area}：{c.fix}")
        out.print(_("有问题须处理") if failed else _("没有必须处理的问题"))
    if failed:
        raise typer.Exit(1)


app.command("doctor")(doctor_cmd)
