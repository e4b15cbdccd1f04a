"""The checks of ``desk doctor`` of this machine's devices and folders: each printer (its
settings, whether it answers, its encoding), the Chinese font, where the database and backups
live and the room left there, who else can read them. Registers no command
(``tui.cli.doctor`` does); never imports Textual. What a check needs is imported inside it:
``desk --help`` pays for none."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from models.i18n import _
from tui.cli.doctor_checks import Check, check_fail, check_ok, check_warn

LOW_DISK = 500 * 1024 * 1024  # bytes free where the database and backups live
PRINTER_TIMEOUT = 3.0  # seconds to reach a printer while checking


def printer_checks(configs: dict[str, Any]) -> Iterator[Check]:
    from printers.config import ROLES
    from printers.errors import PrinterError
    from printers.transports import open_transport

    for role in ROLES:
        p = configs.get(role)
        area, pid = _("打印机 {role}").format(role=role), f"printer.{role}"
        if p is None or p.connection == "preview":
            yield check_warn(
                pid,
                area,
                _("预览（不连接打印机）"),
                _("在配置文件中设 [printers.{role}]，见 docs/zh/printers.md").format(role=role),
            )
            continue
        try:
            "评审费缴费凭证".encode(p.encoding)
        except (LookupError, UnicodeError):
            yield check_fail(
                pid,
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
                check_ok(pid, area, p.describe())
                if writable
                else check_fail(
                    pid,
                    area,
                    _("{where}：不能写入").format(where=p.describe()),
                    _("检查设备路径和权限（Linux：把用户加入 lp 组）"),
                )
            )
            continue
        if p.connection == "win32raw" and sys.platform != "win32":
            yield check_fail(
                pid,
                area,
                _("{where}：win32raw 只能在 Windows 上使用").format(where=p.describe()),
                _("在 Windows 上用 win32raw；其他系统用 network、usb 或 cups"),
            )
            continue
        try:
            status = open_transport(dataclasses.replace(p, timeout=PRINTER_TIMEOUT)).status()
        except PrinterError as exc:
            yield check_fail(
                pid, area, exc.message, _("开机、接线、核对地址后重试；见 docs/zh/printers.md")
            )
            continue
        except Exception as exc:  # a driver library missing (pyusb, pywin32, pycups) and the like
            yield check_fail(
                pid,
                area,
                _("{where}：{problem}").format(where=p.describe(), problem=exc),
                _("见 docs/zh/printers.md 的“连接方式”"),
            )
            continue
        problem = status.problem() if status else None
        if problem:
            yield check_warn(
                pid,
                area,
                _("{where}：{problem}").format(where=p.describe(), problem=problem),
                _("处理打印机后重试（desk printer test {role}）").format(role=role),
            )
        else:
            yield check_ok(
                pid,
                area,
                p.describe() + (_("，应答正常") if status else _("，已连通（不回报状态）")),
            )


def font_check(printers: dict[str, Any]) -> Check:
    from printers.errors import PrinterError
    from printers.fonts import find_cjk_font

    area = _("中文字体")
    configured = next((p.font for p in printers.values() if p.font), None)
    image_mode = any(p.image_mode for p in printers.values())
    try:
        font = find_cjk_font(configured)
    except PrinterError as exc:
        needs = _("图像模式打印必需") if image_mode else _("打印预览和生僻字需要")
        make = check_fail if image_mode else check_warn
        return make(
            "font",
            area,
            f"{exc.message}（{needs}）",
            _("安装 fonts-noto-cjk，或在 [printers.*] 中设 font"),
        )
    return check_ok("font", area, font.path)


def storage_checks(cfg: Any) -> list[Check]:
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
                check_fail(
                    "backup_dir",
                    area,
                    _("{where}：不能写入").format(where=where),
                    _("在配置文件中把 backup_dir 设为可写的文件夹"),
                )
            )
        else:
            free = shutil.disk_usage(probe).free
            found = _("{where}，剩余 {free:.1f} GB").format(where=where, free=free / 1024**3)
            out.append(
                check_warn("backup_dir", area, found, _("清理磁盘，或把 backup_dir 设到别的磁盘"))
                if free < LOW_DISK
                else check_ok("backup_dir", area, found)
            )
        if cfg.backup_copy_dir:
            out.append(backup_copy_check(cfg))
    return out


def backup_copy_check(cfg: Any) -> Check:
    """``backup.copy``: the newest day close's backup has its copy in ``backup_copy_dir``."""
    from models.backup import backup_directory
    from models.backup.copy import copy_state

    area = _("第二份备份")
    where = Path(cfg.backup_copy_dir).expanduser()
    state = copy_state(backup_directory(cfg.backup_dir), where)
    fix = _("插上 U 盘或连上网络文件夹（配置项 backup_copy_dir），把备份文件夹中最新的备份复制过去")
    if state.error:
        return check_warn(
            "backup.copy",
            area,
            _("{where}：{reason}").format(where=where, reason=state.error),
            fix,
        )
    if state.local is None:
        return check_ok("backup.copy", area, _("{where}：还没有日结备份").format(where=where))
    if state.copy is not None:
        return check_ok(
            "backup.copy",
            area,
            _("{where}：已有最近一次日结的备份 {name}").format(where=where, name=state.local.name),
        )
    if state.newest_copy is None:
        found = _("{where}：没有最近一次日结的备份 {name} 的副本").format(
            where=where, name=state.local.name
        )
    else:
        found = _("{where}：最新的副本 {copy} 比最近一次日结的备份 {name} 旧").format(
            where=where, copy=state.newest_copy.name, name=state.local.name
        )
    return check_warn("backup.copy", area, found, fix)


def privacy_checks(cfg: Any) -> list[Check]:
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
    folders = [("data_dir", data_dir())]
    if database is not None:
        folders = [
            ("database_dir", database.parent),
            *folders,
            ("backup_dir", backup_directory(cfg.backup_dir)),
        ]
        files = [
            p
            for p in (database, Path(f"{database}-wal"), Path(f"{database}-shm"))
            if others_can_use(p)
        ]
        if files:
            out.append(
                check_warn(
                    "privacy.database",
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
    for which, folder in folders:
        key = folder.resolve()
        if key in seen or not folder.is_dir():
            continue
        seen.add(key)
        if others_can_use(folder):
            out.append(
                check_warn(
                    f"privacy.{which}",
                    area,
                    _("文件夹 {path} 其他用户可以查看（权限 {mode}）").format(
                        path=folder, mode=mode_text(folder)
                    ),
                    _("运行 chmod 700 {path}（只让本用户打开）").format(path=folder),
                )
            )
    return out or [check_ok("privacy", area, _("数据库和数据文件夹仅本用户可以读取"))]
