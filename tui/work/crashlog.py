"""Unexpected errors: one Chinese line for the person at the desk, the traceback in a log file
(``data_dir()/logs/desk-errors.log``) for whoever maintains the desk. Standard library only.

The log is its owner's only (0600 in a 0700 folder, ``models.files``); when the data folder
cannot be written it goes to a private folder of this user's in the system's temporary folder,
never through a symlink someone else planted there."""

from __future__ import annotations

import datetime as dt
import re
import sys
import traceback
from pathlib import Path

from models.files import append_private, private_dir, private_temp_dir
from models.i18n import _

_ID18 = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?![\dXx])")


def redact(text: str) -> str:
    """Full ID numbers in an error's text (PostgreSQL quotes the failing row) masked as on the
    screen: 652801********0024. The error log and the one line shown keep none."""
    return _ID18.sub(r"\1********\2", text)


def log_crash(exc: BaseException, context: str = "") -> Path:
    from models.config import data_dir

    head = f"--- {dt.datetime.now().isoformat(timespec='seconds')} {context or ' '.join(sys.argv[1:2])}\n"
    body = redact("".join(traceback.format_exception(exc)))
    problem: OSError | None = None
    for fallback in (False, True):  # the data folder, else this user's private /tmp folder
        try:
            folder = private_temp_dir("committee-desk") if fallback else data_dir() / "logs"
            path = private_dir(folder) / "desk-errors.log"
            append_private(path, head + body)
            return path
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
