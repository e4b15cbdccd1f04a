"""Serial, USB and CUPS printers through python-escpos's own classes, with stand-ins below
them: a pty for the serial line (a "printer" thread on the other end), a fake pyusb device,
a fake pycups module. What is asserted is what the transport asks of the device (how many
reads, with which timeouts; how many submissions), never how long it took."""

from __future__ import annotations

import os
import select
import threading
import types
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import serial
import usb.core

from printers.config import parse_printer
from printers.errors import PrinterError
from printers.transports import open_transport

OK = {1: 0x16, 2: 0x12, 4: 0x12}
NEAR_END = {1: 0x16, 2: 0x12, 4: 0x12 | 0x0C}
PAPER_OUT = {1: 0x16, 2: 0x12 | 0x20, 4: 0x12 | 0x60}


# --- serial: a pty is the line, a thread on its master side is the printer -------------------


class PtyPrinter:
    """Reads everything sent down the line; answers DLE EOT n from ``status`` (None: silent)."""

    def __init__(self, status: dict[int, int] | None) -> None:
        self.status = status
        self.master, slave = os.openpty()
        self.path = os.ttyname(slave)
        os.close(slave)  # pyserial opens the slave by its path
        self.received = bytearray()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while not self.stop.is_set():
            ready, _w, _x = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:  # no slave open at the moment
                continue
            self.received.extend(chunk)
            i = chunk.find(b"\x10\x04")
            while self.status is not None and 0 <= i < len(chunk) - 2:
                n = chunk[i + 2]
                if n in self.status:
                    os.write(self.master, bytes([self.status[n]]))
                i = chunk.find(b"\x10\x04", i + 3)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)
        os.close(self.master)


@dataclass
class SerialSpy:
    """Every read python-escpos or the transport makes: (size asked, timeout at that moment)."""

    reads: list[tuple[int, float | None]] = field(default_factory=list)
    ports: list[serial.Serial] = field(default_factory=list)


@pytest.fixture
def serial_spy(monkeypatch: pytest.MonkeyPatch) -> SerialSpy:
    spy = SerialSpy()

    class Spying(serial.Serial):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            spy.ports.append(self)

        def read(self, size: int = 1) -> bytes:
            spy.reads.append((size, self.timeout))
            data: bytes = super().read(size)
            return data

    monkeypatch.setattr(serial, "Serial", Spying)
    return spy


@pytest.fixture
def pty_printer(request: pytest.FixtureRequest) -> Iterator[PtyPrinter]:
    printer = PtyPrinter(request.param)
    yield printer
    printer.close()


def _serial(path: str, timeout: float = 10) -> Any:
    return open_transport(
        parse_printer(
            "receipt",
            {"connection": "serial", "device": path, "baudrate": 9600, "timeout": timeout},
        )
    )


@pytest.mark.parametrize("pty_printer", [None], indirect=True)
def test_a_silent_serial_printer_costs_one_short_read(
    pty_printer: PtyPrinter, serial_spy: SerialSpy
) -> None:
    _serial(pty_printer.path).send(b"receipt\n")
    assert len(serial_spy.reads) == 1  # no answer to DLE EOT 1: nothing more is asked
    _size, timeout = serial_spy.reads[0]
    assert timeout is not None and timeout <= 0.3
    assert serial_spy.ports[0].timeout == 10  # the job's own timeout back afterwards


@pytest.mark.parametrize("pty_printer", [NEAR_END], indirect=True)
def test_an_answering_serial_printer_is_read_one_byte_at_a_time(
    pty_printer: PtyPrinter, serial_spy: SerialSpy
) -> None:
    warning = _serial(pty_printer.path).send(b"receipt\n")
    assert warning is not None and "纸将尽" in warning
    # three questions (1, 2, 4), each read returning at its first byte, each bounded
    assert serial_spy.reads == [(1, 0.3)] * 3


@pytest.mark.parametrize("pty_printer", [PAPER_OUT], indirect=True)
def test_a_serial_printer_out_of_paper_refuses_the_job(
    pty_printer: PtyPrinter, serial_spy: SerialSpy
) -> None:
    with pytest.raises(PrinterError) as exc:
        _serial(pty_printer.path).send(b"receipt\n")
    assert "缺纸" in exc.value.message
    assert all(t is not None and t <= 0.3 for _size, t in serial_spy.reads)


# --- USB: pyusb's device replaced by a fake ---------------------------------------------------


class FakeBackend:
    """Not pyusb's libusb1 backend: python-escpos detaches no kernel driver."""


@dataclass
class FakeUsbDevice:
    status: dict[int, int] | None
    written: bytearray = field(default_factory=bytearray)
    reads: list[tuple[int, int | None]] = field(default_factory=list)
    pending: list[int] = field(default_factory=list)
    backend: object = field(default_factory=lambda: FakeBackend())  # no driver to detach
    _ctx: object = field(  # what usb.util.dispose_resources calls when escpos closes
        default_factory=lambda: types.SimpleNamespace(dispose=lambda device: None)
    )

    def set_configuration(self) -> None:
        pass

    def reset(self) -> None:
        pass

    def write(self, endpoint: int, data: bytes, timeout: int | None = None) -> int:
        self.written.extend(data)
        if self.status is not None and data[:2] == b"\x10\x04" and data[2] in self.status:
            self.pending.append(self.status[data[2]])
        return len(data)

    def read(self, endpoint: int, size: int, timeout: int | None = None) -> bytes:
        self.reads.append((size, timeout))
        if not self.pending:
            raise usb.core.USBTimeoutError("Operation timed out", errno=110)
        return bytes([self.pending.pop(0)])


@pytest.fixture
def usb_device(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> FakeUsbDevice:
    device = FakeUsbDevice(request.param)
    monkeypatch.setattr(usb.core, "find", lambda **kwargs: device)
    return device


def _usb() -> Any:
    return open_transport(
        parse_printer("receipt", {"connection": "usb", "vendor": 0x0416, "product": 0x5011})
    )


@pytest.mark.parametrize("usb_device", [None], indirect=True)
def test_a_silent_usb_printer_is_read_with_a_short_timeout(usb_device: FakeUsbDevice) -> None:
    assert _usb().send(b"receipt\n") is None
    assert usb_device.written.endswith(b"receipt\n")
    assert len(usb_device.reads) == 1
    _size, timeout = usb_device.reads[0]
    assert timeout is not None and timeout <= 300  # milliseconds


@pytest.mark.parametrize("usb_device", [NEAR_END], indirect=True)
def test_an_answering_usb_printer_warns_of_paper_near_end(usb_device: FakeUsbDevice) -> None:
    warning = _usb().send(b"receipt\n")
    assert warning is not None and "纸将尽" in warning
    assert len(usb_device.reads) == 3
    assert all(t is not None and t <= 300 for _size, t in usb_device.reads)


# --- CUPS: pycups replaced by a fake module -------------------------------------------------


class IPPError(Exception):
    """pycups raises cups.IPPError(status, message) when the server refuses a job."""


@dataclass
class FakeCups:
    refuse: str | None = None  # the server's reason when it refuses the job
    submitted: list[bytes] = field(default_factory=list)
    attempts: int = 0

    def module(self) -> types.SimpleNamespace:
        owner = self

        class Connection:
            def getPrinters(self) -> dict[str, dict[str, object]]:
                return {"XP80": {"printer-state": 3}}

            def getDefault(self) -> str:
                return "XP80"

            def printFile(self, name: str, path: str, title: str, options: dict[str, str]) -> int:
                owner.attempts += 1
                if owner.refuse is not None:
                    raise IPPError(1030, owner.refuse)
                with open(path, "rb") as f:
                    owner.submitted.append(f.read())
                return 7

        return types.SimpleNamespace(
            Connection=Connection,
            setServer=lambda host: None,
            setPort=lambda port: None,
            CUPS_FORMAT_RAW="application/vnd.cups-raw",
            IPPError=IPPError,
        )


@pytest.fixture
def cups_server(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> FakeCups:
    import escpos.printer.cups as escpos_cups

    fake = FakeCups(refuse=request.param)
    monkeypatch.setattr(escpos_cups, "cups", fake.module(), raising=False)
    monkeypatch.setattr(escpos_cups, "_DEP_PYCUPS", True)
    monkeypatch.setattr(escpos_cups, "DEFAULT_HOST", "localhost", raising=False)
    monkeypatch.setattr(escpos_cups, "DEFAULT_PORT", 631, raising=False)
    return fake


def _cups() -> Any:
    return open_transport(parse_printer("receipt", {"connection": "cups", "queue": "XP80"}))


@pytest.mark.parametrize("cups_server", [None], indirect=True)
def test_cups_submits_the_job(cups_server: FakeCups) -> None:
    assert _cups().send(b"\x1b@receipt\n") is None
    assert cups_server.submitted == [b"\x1b@receipt\n"]


@pytest.mark.parametrize("cups_server", ["client-error-not-accepting-jobs"], indirect=True)
def test_a_job_cups_refuses_is_a_failed_job(cups_server: FakeCups) -> None:
    transport = _cups()
    with pytest.raises(PrinterError) as exc:
        transport.send(b"\x1b@receipt\n")
    assert exc.value.code == "printer.submit_failed"
    assert "XP80" in exc.value.message
    assert "not-accepting-jobs" in exc.value.message
    transport.device.close()  # closing again (as python-escpos's __del__ does) …
    assert cups_server.attempts == 1  # … does not submit the refused job a second time


@pytest.mark.parametrize("cups_server", [None], indirect=True)
def test_a_job_half_written_for_cups_is_not_submitted(
    cups_server: FakeCups, monkeypatch: pytest.MonkeyPatch
) -> None:
    import escpos.printer.cups as escpos_cups

    def disk_full(self: Any, msg: bytes) -> None:
        self.pending_job = True
        self.tmpfile.write(msg[: len(msg) // 2])
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(escpos_cups.CupsPrinter, "_raw", disk_full)
    with pytest.raises(PrinterError) as exc:
        _cups().send(b"\x1b@receipt\n")
    assert exc.value.code == "printer.send_failed"
    assert cups_server.attempts == 0  # half a receipt is not handed to CUPS
