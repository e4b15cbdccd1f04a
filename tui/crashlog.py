"""Unexpected errors: one Chinese line for the person at the desk, the traceback in a log file
(``data_dir()/logs/desk-errors.log``) for whoever maintains the desk. Standard library only."""

from __future__ import annotations

import datetime as dt
import sys
import tempfile
import traceback
from pathlib import Path


def log_crash(exc: BaseException, context: str = "") -> Path:
    from models.config import data_dir

    head = f"--- {dt.datetime.now().isoformat(timespec='seconds')} {context or ' '.join(sys.argv[1:2])}\n"
    body = "".join(traceback.format_exception(exc))
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
    return (f"程序内部错误（{type(exc).__name__}），本次操作未完成、未保存；"
            f"详细信息已写入 {where}，请交给维护人员")
