"""Connections to printers: python-escpos's classes behind our own factory (the pattern of
toolong's watcher factory). Every failure becomes a ``PrinterError`` with a Chinese message;
the print job records it and can be retried."""

from __future__ import annotations

import abc
import contextlib
import logging
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from models.i18n import _
from printers.config import PrinterConfig
from printers.errors import PrinterError
from printers.printer_status import DLE_EOT as DLE_EOT
from printers.printer_status import ERROR_OCCURRED, PrinterStatus
from printers.tspl import CALIBRATE as TSPL_CALIBRATE
from printers.tspl import STATUS_QUERY as TSPL_STATUS
from printers.tspl import status_faults as tspl_faults
from printers.zpl import CALIBRATE as ZPL_CALIBRATE
from printers.zpl import STATUS_QUERY as ZPL_STATUS
from printers.zpl import status_faults as zpl_faults

log = logging.getLogger(__name__)

STATUS_TIMEOUT = 1.5  # seconds to wait for a DLE EOT answer on the network
STATUS_READ_TIMEOUT = 0.3  # seconds, each status read on a serial line or USB

__all__ = ["EscposTransport", "PreviewTransport", "PrinterStatus", "Transport", "open_transport"]


class Transport(abc.ABC):
    def __init__(self, config: PrinterConfig) -> None:
        self.config = config

    @abc.abstractmethod
    def send(self, data: bytes) -> str | None:
        """Deliver the bytes or raise PrinterError. Returns a warning for the office (the
        job printed, but: paper near end …) or None."""

    def status(self) -> PrinterStatus | None:
        """Ask the printer (DLE EOT) where the connection can answer; None: cannot tell."""
        return None

    def calibrate(self) -> None:
        """A label printer measures its stock; other connections cannot be asked to."""
        raise PrinterError(
            _("这种连接方式不能校准标签打印机：请在打印机上按它的说明书校准"),
            code="printer.cannot_calibrate",
        )


class PreviewTransport(Transport):
    """No hardware: keeps the last job (and writes it to ``path`` if one is configured)."""

    def __init__(self, config: PrinterConfig) -> None:
        super().__init__(config)
        self.sent: list[bytes] = []

    def send(self, data: bytes) -> str | None:
        self.sent.append(data)
        return None


class EscposTransport(Transport):
    """Any python-escpos printer class; we use open/_raw/_read/close, and for the status
    query the serial port or USB device below it (to bound each read)."""

    def __init__(self, config: PrinterConfig, device: Any, where: str) -> None:
        super().__init__(config)
        self.device = device
        self.where = where

    def _open(self) -> None:
        try:
            self.device.open()
        except Exception as exc:  # python-escpos raises many kinds; all mean "cannot reach"
            raise PrinterError(_explain(exc, self.where), code="printer.offline") from exc

    def send(self, data: bytes) -> str | None:
        self._open()
        try:
            status = self._query()
            problem = status.problem() if status else None
            if problem:
                raise PrinterError(f"{self.where}：{problem}", code="printer.status")
            self.device._raw(data)
            flush = getattr(self.device, "flush", None)
            if callable(flush):
                flush()
        except PrinterError:
            self._disarm()
            raise
        except Exception as exc:
            self._disarm()  # half a job written for CUPS is dropped, not submitted
            raise PrinterError(_explain(exc, self.where), code="printer.send_failed") from exc
        self._submit()
        return status.warning() if status else None

    def _submit(self) -> None:
        """Close after the bytes went out. CUPS submits the job here (python-escpos sends
        in ``close()``), a file or serial line flushes: an error now is a failed job."""
        try:
            self.device.close()
        except Exception as exc:
            self._disarm()
            raise PrinterError(
                _("{where}：打印任务没有交出去，没有打印（{first}）").format(
                    where=self.where, first=_first_line(exc)
                ),
                code="printer.submit_failed",
            ) from exc

    def _disarm(self) -> None:
        """Close without submitting: drop a pending (CUPS) job first, so that neither this
        close nor python-escpos's own close or ``__del__`` hands it to the queue."""
        clear = getattr(self.device, "_clear", None)
        try:
            if callable(clear):
                clear()
            self.device.close()
        except Exception as exc:
            log.debug("closing %s after a failed job: %s", self.where, exc)

    def status(self) -> PrinterStatus | None:
        self._open()
        try:
            return self._query()
        finally:
            self._close()

    def calibrate(self) -> None:
        """Have a label printer measure its labels' gap or black mark (TSPL ``GAPDETECT``, ZPL
        ``~JC``); no status is asked first (a new roll may not be seen until it is measured)."""
        language = self.config.label.language
        if language == "escpos":
            raise PrinterError(
                _("{where} 是小票打印机：只有标签打印机（TSPL、ZPL）需要校准").format(
                    where=self.where
                ),
                code="printer.not_a_label",
            )
        self._open()
        try:
            self.device._raw(TSPL_CALIBRATE if language == "tspl" else ZPL_CALIBRATE)
        except Exception as exc:
            self._disarm()
            raise PrinterError(_explain(exc, self.where), code="printer.send_failed") from exc
        self._submit()

    def _query(self) -> PrinterStatus | None:
        if self.config.connection not in ("network", "usb", "serial"):
            return None
        if self.config.label.language != "escpos":  # a label printer speaks its own language
            return self._query_label(self.config.label.language)
        try:
            with self._bounded_reads() as read:
                printer = self._ask(1, read)
                if printer is None:
                    return None
                offline = self._ask(2, read)
                paper = self._ask(4, read)
                cause = None
                if offline is not None and offline & ERROR_OCCURRED:
                    cause = self._ask(3, read)  # which error: cutter, head temperature …
        except (OSError, TimeoutError) as exc:
            log.info("status query to %s not answered: %s", self.where, exc)
            return None
        if offline is None or paper is None:
            return None
        return PrinterStatus.from_replies(printer, offline, paper, cause)

    @contextlib.contextmanager
    def _bounded_reads(self) -> Iterator[Callable[[], bytes]]:
        """A read of one status answer that waits a short while, not the job's timeout: a
        printer that ignores DLE EOT must not stall every job."""
        port = getattr(self.device, "device", None)
        if self.config.connection == "serial" and port is not None:
            before = port.timeout  # pyserial: read(1) returns at the first byte
            port.timeout = STATUS_READ_TIMEOUT
            reset = getattr(port, "reset_input_buffer", None)
            if callable(reset):
                reset()  # an answer that came too late for the last job is not this one's
            try:
                yield lambda: bytes(port.read(1))
            finally:
                port.timeout = before
        elif self.config.connection == "usb" and port is not None:
            in_ep = self.device.in_ep
            ms = int(STATUS_READ_TIMEOUT * 1000)
            yield lambda: bytes(port.read(in_ep, 16, timeout=ms))
        else:
            settimeout = getattr(port, "settimeout", None)
            if callable(settimeout):
                settimeout(STATUS_TIMEOUT)
            try:
                yield self.device._read
            finally:
                if callable(settimeout):
                    settimeout(self.config.timeout)

    def _query_label(self, language: str) -> PrinterStatus | None:
        """TSPL ``<ESC>!?`` (one status byte) or ZPL ``~HS`` (three strings, each between STX
        and ETX), read with the same short waits; None when the printer does not answer."""
        try:
            with self._bounded_reads() as read:
                if language == "tspl":
                    self.device._raw(TSPL_STATUS)
                    reply = read()
                    if not reply:
                        return None
                    return PrinterStatus.from_label_faults(tspl_faults(reply[0]))
                self.device._raw(ZPL_STATUS)
                answer = b""
                for _n in range(16):  # ~HS answers about 80 bytes
                    chunk = read()
                    if not chunk:
                        break
                    answer += chunk
                    if answer.count(b"\x03") >= 3:
                        break
        except (OSError, TimeoutError) as exc:
            log.info("status query to %s not answered: %s", self.where, exc)
            return None
        faults = zpl_faults(answer)
        return None if "no_answer" in faults else PrinterStatus.from_label_faults(faults)

    def _ask(self, n: int, read: Callable[[], bytes]) -> int | None:
        self.device._raw(DLE_EOT + bytes([n]))
        reply = read()
        return reply[0] if reply else None

    def _close(self) -> None:
        try:
            self.device.close()
        except Exception as exc:
            log.debug("closing %s: %s", self.where, exc)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _explain(exc: BaseException, where: str) -> str:
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ConnectionRefusedError):
            return _("{where}：连接被拒绝（打印机未开机或端口不对）").format(where=where)
        if isinstance(cause, TimeoutError | socket.timeout):
            return _("{where}：连接超时（检查网线和 IP 地址）").format(where=where)
        if isinstance(cause, FileNotFoundError):
            return _("{where}：设备不存在（检查 USB 线或设备路径）").format(where=where)
        if isinstance(cause, PermissionError):
            return _("{where}：没有权限打开设备").format(where=where)
        if "No backend available" in str(cause):  # pyusb found no libusb
            return _(
                "{where}：本机没有 libusb（Linux：安装 libusb-1.0-0；Windows：改用 win32raw 连接）"
            ).format(where=where)
        cause = cause.__cause__ or cause.__context__
    return _("{where}：无法打印（{first}）").format(where=where, first=_first_line(exc))


def open_transport(config: PrinterConfig) -> Transport:
    """The factory: one transport per configured connection."""
    import escpos.printer as ep

    o = config.options
    c = config.connection
    if c == "preview":
        return PreviewTransport(config)
    if c == "file":
        return EscposTransport(
            config, ep.File(devfile=str(Path(o["path"]))), _("文件 {o}").format(o=o["path"])
        )
    if c == "network":
        return EscposTransport(
            config,
            ep.Network(host=o["host"], port=o["port"], timeout=config.timeout),
            _("网络打印机 {o}:{o2}").format(o=o["host"], o2=o["port"]),
        )
    if c == "usb":
        kwargs = {k: o[k] for k in ("in_ep", "out_ep") if k in o}
        return EscposTransport(
            config,
            ep.Usb(
                idVendor=o["vendor"],
                idProduct=o["product"],
                timeout=int(config.timeout * 1000),
                **kwargs,
            ),
            _("USB 打印机 {o:04x}:{o2:04x}").format(o=o["vendor"], o2=o["product"]),
        )
    if c == "serial":
        return EscposTransport(
            config,
            ep.Serial(devfile=o["device"], baudrate=o["baudrate"], timeout=config.timeout),
            _("串口打印机 {o}").format(o=o["device"]),
        )
    if c == "win32raw":
        from printers.spooler import SpoolerTransport

        return SpoolerTransport(config, _("Windows 打印机 {o}").format(o=o["name"]))
    if c == "cups":
        return EscposTransport(
            config,
            ep.CupsPrinter(printer_name=o["queue"]),
            _("CUPS 打印机 {o}").format(o=o["queue"]),
        )
    raise PrinterError(_("未知的打印机连接方式 {c}").format(c=c), code="printer.config")
