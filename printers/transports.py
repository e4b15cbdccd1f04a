"""Connections to printers: python-escpos's classes behind our own factory (the pattern of
toolong's watcher factory). Every failure becomes a ``PrinterError`` with a Chinese message;
the print job records it and can be retried."""

from __future__ import annotations

import abc
import logging
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models.i18n import _
from printers.config import PrinterConfig
from printers.errors import PrinterError

log = logging.getLogger(__name__)

DLE_EOT = b"\x10\x04"
STATUS_TIMEOUT = 1.5  # seconds to wait for a DLE EOT answer


@dataclass(frozen=True)
class PrinterStatus:
    online: bool
    paper_out: bool = False
    cover_open: bool = False
    error: bool = False

    def problem(self) -> str | None:
        if self.cover_open:
            return _("打印机上盖打开")
        if self.paper_out:
            return _("打印机缺纸")
        if self.error:
            return _("打印机报告错误（切刀或过热）")
        if not self.online:
            return _("打印机离线")
        return None


class Transport(abc.ABC):
    def __init__(self, config: PrinterConfig) -> None:
        self.config = config

    @abc.abstractmethod
    def send(self, data: bytes) -> None:
        """Deliver the bytes or raise PrinterError."""

    def status(self) -> PrinterStatus | None:
        """Ask the printer (DLE EOT) where the connection can answer; None: cannot tell."""
        return None


class PreviewTransport(Transport):
    """No hardware: keeps the last job (and writes it to ``path`` if one is configured)."""

    def __init__(self, config: PrinterConfig) -> None:
        super().__init__(config)
        self.sent: list[bytes] = []

    def send(self, data: bytes) -> None:
        self.sent.append(data)


class EscposTransport(Transport):
    """Any python-escpos printer class; we only use open/_raw/_read/close."""

    def __init__(self, config: PrinterConfig, device: Any, where: str) -> None:
        super().__init__(config)
        self.device = device
        self.where = where

    def _open(self) -> None:
        try:
            self.device.open()
        except Exception as exc:  # python-escpos raises many kinds; all mean "cannot reach"
            raise PrinterError(_explain(exc, self.where), code="printer.offline") from exc

    def send(self, data: bytes) -> None:
        self._open()
        try:
            problem = self._status_problem()
            if problem:
                raise PrinterError(f"{self.where}：{problem}", code="printer.status")
            self.device._raw(data)
            flush = getattr(self.device, "flush", None)
            if callable(flush):
                flush()
        except PrinterError:
            raise
        except Exception as exc:
            raise PrinterError(_explain(exc, self.where), code="printer.send_failed") from exc
        finally:
            self._close()

    def status(self) -> PrinterStatus | None:
        self._open()
        try:
            return self._query()
        finally:
            self._close()

    def _status_problem(self) -> str | None:
        status = self._query()
        return status.problem() if status else None

    def _query(self) -> PrinterStatus | None:
        if self.config.connection not in ("network", "usb", "serial"):
            return None
        sock = getattr(self.device, "device", None)
        settimeout = getattr(sock, "settimeout", None)
        if callable(settimeout):  # a printer that ignores DLE EOT must not stall every job
            settimeout(STATUS_TIMEOUT)
        try:
            printer = self._ask(1)
            if printer is None:
                return None
            offline = self._ask(2)
            paper = self._ask(4)
        except (OSError, TimeoutError) as exc:
            log.info("status query to %s not answered: %s", self.where, exc)
            return None
        finally:
            if callable(settimeout):
                settimeout(self.config.timeout)
        if offline is None or paper is None:
            return None
        return PrinterStatus(
            online=not printer & 0x08,
            cover_open=bool(offline & 0x04),
            paper_out=bool(paper & 0x60) or bool(offline & 0x20),
            error=bool(offline & 0x40),
        )

    def _ask(self, n: int) -> int | None:
        self.device._raw(DLE_EOT + bytes([n]))
        reply = self.device._read()
        return reply[0] if reply else None

    def _close(self) -> None:
        try:
            self.device.close()
        except Exception as exc:
            log.debug("closing %s: %s", self.where, exc)


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
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return _("{where}：无法打印（{first}）").format(where=where, first=first)


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
        return EscposTransport(
            config, ep.Win32Raw(printer_name=o["name"]), _("Windows 打印机 {o}").format(o=o["name"])
        )
    if c == "cups":
        return EscposTransport(
            config,
            ep.CupsPrinter(printer_name=o["queue"]),
            _("CUPS 打印机 {o}").format(o=o["queue"]),
        )
    raise PrinterError(_("未知的打印机连接方式 {c}").format(c=c), code="printer.config")
