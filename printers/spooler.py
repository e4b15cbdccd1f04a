"""win32raw: the job goes to the Windows spooler as a RAW document and is followed there until
it leaves the queue (printed) or fails. A job the spooler merely holds is not a printed one:
a paused, offline or paper-out printer, a job in error, or one still queued after ``wait``
seconds is a failed job, taken off the queue so that a retry cannot print it twice.

pywin32's ``win32print`` is driven directly (python-escpos's Win32Raw keeps no job id); it is
imported when a job is sent, or injected (tests, on a machine without Windows)."""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Callable
from typing import Any

from models.i18n import _
from printers.config import PrinterConfig
from printers.errors import PrinterError
from printers.transports import Transport

log = logging.getLogger(__name__)

WAIT = 30.0  # seconds a job may stay in the queue
POLL = 0.5  # seconds between two looks at it

ERROR_INVALID_PARAMETER = 87  # GetJob of a job no longer in the queue
JOB_CONTROL_DELETE = 5

# JOB_INFO_1.Status
JOB_PAUSED, JOB_ERROR, JOB_DELETING = 0x1, 0x2, 0x4
JOB_OFFLINE, JOB_PAPEROUT, JOB_PRINTED, JOB_DELETED = 0x20, 0x40, 0x80, 0x100
JOB_BLOCKED_DEVQ, JOB_USER_INTERVENTION, JOB_COMPLETE = 0x200, 0x400, 0x1000
# PRINTER_INFO_2.Status and .Attributes
PRINTER_PAUSED, PRINTER_ERROR, PRINTER_PAPER_JAM, PRINTER_PAPER_OUT = 0x1, 0x2, 0x8, 0x10
PRINTER_PAPER_PROBLEM, PRINTER_OFFLINE, PRINTER_NOT_AVAILABLE = 0x40, 0x80, 0x1000
PRINTER_USER_INTERVENTION, PRINTER_DOOR_OPEN = 0x100000, 0x400000
ATTRIBUTE_WORK_OFFLINE = 0x400


def _printer_problem(info: dict[str, Any]) -> str | None:
    status = int(info.get("Status") or 0)
    if status & PRINTER_PAUSED:
        return _("打印机在 Windows 中被暂停（在“打印机和扫描仪”中打开它的队列，取消暂停）")
    if status & PRINTER_OFFLINE or int(info.get("Attributes") or 0) & ATTRIBUTE_WORK_OFFLINE:
        return _("打印机脱机（检查电源和连线；Windows 中取消“脱机使用打印机”）")
    if status & PRINTER_NOT_AVAILABLE:
        return _("打印机不可用（检查电源和连线）")
    if status & PRINTER_DOOR_OPEN:
        return _("打印机上盖打开")
    if status & PRINTER_PAPER_OUT:
        return _("打印机缺纸")
    if status & PRINTER_PAPER_JAM:
        return _("打印机卡纸")
    if status & (PRINTER_PAPER_PROBLEM | PRINTER_USER_INTERVENTION):
        return _("打印机需要人工处理（看打印机的指示灯）")
    if status & PRINTER_ERROR:
        return _("打印机报告错误")
    return None


def _job_problem(status: int) -> str | None:
    if status & (JOB_DELETING | JOB_DELETED):
        return _("打印任务在 Windows 打印队列中被删除")
    if status & JOB_PAPEROUT:
        return _("打印机缺纸")
    if status & JOB_OFFLINE:
        return _("打印机脱机（检查电源和连线）")
    if status & (JOB_BLOCKED_DEVQ | JOB_USER_INTERVENTION):
        return _("打印机需要人工处理（看打印机的指示灯）")
    if status & JOB_ERROR:
        return _("打印任务出错（看 Windows 打印队列中的说明）")
    if status & JOB_PAUSED:
        return _("打印任务在 Windows 打印队列中被暂停")
    return None


class SpoolerTransport(Transport):
    def __init__(
        self,
        config: PrinterConfig,
        where: str,
        *,
        module: Any = None,
        wait: float = WAIT,
        poll: float = POLL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(config)
        self.where = where
        self.name = str(config.options.get("name", ""))
        self.module = module
        self.wait, self.poll = wait, poll
        self.clock, self.sleep = clock, sleep

    def _win32print(self) -> Any:
        if self.module is None:
            try:
                self.module = importlib.import_module("win32print")
            except ImportError as exc:
                raise PrinterError(
                    _("{where}：本机没有 pywin32（win32raw 连接只在 Windows 上可用）").format(
                        where=self.where
                    ),
                    code="printer.config",
                ) from exc
        return self.module

    def _say(self, problem: str) -> str:
        return _("{where}：{problem}").format(where=self.where, problem=problem)

    def send(self, data: bytes) -> str | None:
        w = self._win32print()
        try:
            handle = w.OpenPrinter(self.name)
        except Exception as exc:  # pywintypes.error: no such printer, no access
            raise PrinterError(
                self._say(
                    _("Windows 找不到或打不开这台打印机（{first}）").format(first=_text(exc))
                ),
                code="printer.offline",
            ) from exc
        try:
            problem = _printer_problem(w.GetPrinter(handle, 2))
            if problem:
                raise PrinterError(self._say(problem), code="printer.status")
            job_id = self._spool(w, handle, data)
            self._follow(w, handle, job_id)
        finally:
            try:
                w.ClosePrinter(handle)
            except Exception as exc:
                log.debug("closing %s: %s", self.where, exc)
        return None

    def _spool(self, w: Any, handle: Any, data: bytes) -> int:
        try:
            job_id = int(w.StartDocPrinter(handle, 1, ("committee-desk", None, "RAW")))
        except Exception as exc:
            raise PrinterError(
                self._say(_("Windows 不接受打印任务（{first}）").format(first=_text(exc))),
                code="printer.send_failed",
            ) from exc
        try:
            w.StartPagePrinter(handle)
            written = w.WritePrinter(handle, data)
            if written is not None and written != len(data):
                raise OSError(f"{written}/{len(data)} bytes")
            w.EndPagePrinter(handle)
            w.EndDocPrinter(handle)
        except Exception as exc:
            try:
                w.AbortPrinter(handle)  # the half-written job is dropped, not printed
            except Exception as abort:
                log.debug("aborting the job on %s: %s", self.where, abort)
            raise PrinterError(
                self._say(_("写入打印队列失败（{first}）").format(first=_text(exc))),
                code="printer.send_failed",
            ) from exc
        return job_id

    def _follow(self, w: Any, handle: Any, job_id: int) -> None:
        """Look at the job every ``poll`` seconds until it has left the queue (printed), has
        been reported printed, or fails; at most ``wait`` seconds."""
        deadline = self.clock() + self.wait
        while True:
            try:
                status = int(w.GetJob(handle, job_id, 1).get("Status") or 0)
            except Exception as exc:
                if getattr(exc, "winerror", None) == ERROR_INVALID_PARAMETER:
                    return  # no longer in the queue: the spooler has handed it to the printer
                self._cancel(w, handle, job_id)
                raise PrinterError(
                    self._say(
                        _("读不到打印任务的状态，不知道是否已打出（{first}）").format(
                            first=_text(exc)
                        )
                    ),
                    code="printer.job_failed",
                ) from exc
            if status & (JOB_PRINTED | JOB_COMPLETE):
                return
            problem = _job_problem(status) or _printer_problem(w.GetPrinter(handle, 2))
            if problem and status & (JOB_DELETING | JOB_DELETED):
                raise PrinterError(self._say(problem), code="printer.job_failed")
            if problem:
                self._cancel(w, handle, job_id)
                raise PrinterError(
                    self._say(_("{problem}；任务已从打印队列撤下").format(problem=problem)),
                    code="printer.job_failed",
                )
            if self.clock() >= deadline:
                self._cancel(w, handle, job_id)
                raise PrinterError(
                    self._say(
                        _(
                            "打印任务在 Windows 打印队列中等了 {seconds} 秒仍未打出，已撤下"
                            "（打印机可能没有连上）"
                        ).format(seconds=f"{self.wait:g}")
                    ),
                    code="printer.spool_timeout",
                )
            self.sleep(self.poll)

    def _cancel(self, w: Any, handle: Any, job_id: int) -> None:
        try:
            w.SetJob(handle, job_id, 0, None, JOB_CONTROL_DELETE)
        except Exception as exc:
            log.warning("could not delete job %s on %s: %s", job_id, self.where, exc)


def _text(exc: BaseException) -> str:
    """pywintypes.error's (winerror, funcname, strerror) read as its message."""
    args = exc.args
    if len(args) == 3 and isinstance(args[2], str):
        return str(args[2])
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
