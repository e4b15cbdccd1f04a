"""Unexpected errors: one Chinese line for the person at the desk, the traceback in a log file
(``data_dir()/logs/desk-errors.log``) for whoever maintains the desk. Standard library only."""

from __future__ import annotations

import datetime as dt
import re
import sys
import tempfile
import traceback
from pathlib import Path

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
    path = data_dir() / "logs" / "desk-errors.log"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(head + body)
    except OSError:
        path = Path(tempfile.gettempdir()) / "desk-errors.log"
        with path.open("a", encoding="utf-8") as f:
            f.write(head + body)
    return path


def crash_message(exc: BaseException, where: Path) -> str:
    return _("程序内部错误（{name}），本次操作未完成、未保存；详细信息已写入 {where}，请交给维护人员").format(name=type(exc).__name__, where=where)
