"""Unexpected errors: one Chinese line for the person at the desk, the traceback in a log file
(``data_dir()/logs/desk-errors.log``) for whoever maintains the desk. Standard library only.

The log is its owner's only (0600 in a 0700 folder, ``models.files``); when the data folder
cannot be written it goes to a private folder of this user's in the system's temporary folder,
never through a symlink someone else planted there.

The log rotates as ``logging.handlers.RotatingFileHandler`` would: an entry that would take it
past ``LOG_MAX_BYTES`` first moves it to ``desk-errors.log.1`` (``.1`` to ``.2`` … the oldest,
``.{LOG_BACKUPS}``, dropped), so the logs never hold more than about 6 MB."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sys
import traceback
from pathlib import Path

from models.files import append_private, private_dir, private_temp_dir
from models.i18n import _

LOG_NAME = "desk-errors.log"
LOG_MAX_BYTES = 1024 * 1024  # one file at most (an entry alone is cut to fit)
LOG_BACKUPS = 5  # desk-errors.log.1 … .5 kept besides the current one

_ID18 = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")


def redact(text: str) -> str:
    """Full ID numbers in an error's text (PostgreSQL quotes the failing row) masked as on the
    screen: 652801********0024. The error log and the one line shown keep none."""
    return _ID18.sub(r"\1********\2", text)


def log_files() -> list[Path]:
    """Where the log may be, the data folder's first (a folder may not exist)."""
    from models.config import data_dir

    paths = [data_dir() / "logs" / LOG_NAME]
    with contextlib.suppress(OSError):
        paths.append(private_temp_dir("committee-desk") / LOG_NAME)
    return paths


def _rotated(path: Path, n: int) -> Path:
    return path.with_name(f"{path.name}.{n}")


def rotate(path: Path, incoming: int, max_bytes: int, backups: int) -> None:
    """Make room for ``incoming`` bytes: a log that would pass ``max_bytes`` becomes ``.1``, the
    older ones shift, the oldest beyond ``backups`` is replaced. Renames only: each keeps 0600."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    if size == 0 or size + incoming <= max_bytes:
        return
    for n in range(backups - 1, 0, -1):
        if _rotated(path, n).exists():
            os.replace(_rotated(path, n), _rotated(path, n + 1))
    if backups > 0:
        os.replace(path, _rotated(path, 1))
    else:
        path.unlink()


def _fit(text: str, max_bytes: int) -> str:
    """An entry cut to fit one file: its start and its end (where the error is)."""
    raw = text.encode("utf-8")
    if len(raw) <= max_bytes:
        return text
    keep = max(max_bytes // 2 - 16, 1)
    head = raw[:keep].decode("utf-8", "ignore")
    tail = raw[-keep:].decode("utf-8", "ignore")
    return f"{head}\n[…]\n{tail}"


def append_log(path: Path, text: str) -> Path:
    """Append one entry to the log ``path`` (its folder made private), rotating first."""
    private_dir(path.parent)
    entry = _fit(text, LOG_MAX_BYTES)
    rotate(path, len(entry.encode("utf-8")), LOG_MAX_BYTES, LOG_BACKUPS)
    return append_private(path, entry)


def recent_lines(count: int = 200) -> list[str]:
    """The log's last ``count`` lines (the rotated file's end first when the current one is
    short), from the data folder's log, else the temporary folder's; [] when there is none."""
    for path in log_files():
        lines: list[str] = []
        for p in (_rotated(path, 1), path):
            try:
                lines += p.read_text(encoding="utf-8", errors="replace").splitlines()
            except OSError:
                continue
        if lines:
            return lines[-count:]
    return []


def log_crash(exc: BaseException, context: str = "") -> Path:
    from models.config import data_dir

    head = f"--- {dt.datetime.now().isoformat(timespec='seconds')} {context or ' '.join(sys.argv[1:2])}\n"
    body = redact("".join(traceback.format_exception(exc)))
    problem: OSError | None = None
    for fallback in (False, True):  # the data folder, else this user's private /tmp folder
        try:
            folder = private_temp_dir("committee-desk") if fallback else data_dir() / "logs"
            return append_log(private_dir(folder) / LOG_NAME, head + body)
        except OSError as error:
            problem = error
    # nowhere to write (a full disk, say): the person at the desk still gets one sentence
    return Path(
        _("（错误日志无法写入：{reason}）").format(
            reason=getattr(problem, "strerror", None) or problem
        )
    )


def crash_message(exc: BaseException, where: Path) -> str:
    return _(
        "程序内部错误（{name}），本次操作未完成、未保存；详细信息已写入 {where}，请交给维护人员"
    ).format(name=type(exc).__name__, where=where)
