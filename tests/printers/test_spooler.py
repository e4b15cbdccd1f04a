"""win32raw: the job is written to the Windows spooler and followed there until it leaves the
queue (printed) or fails. pywin32 does not exist here: a fake win32print module plays the
spooler, a job's states given as a sequence; the clock is the test's, so no test waits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from printers.config import parse_printer
from printers.errors import PrinterError
from printers.spooler import SpoolerTransport
from printers.transports import open_transport

GONE = None  # the job has left the queue: GetJob answers ERROR_INVALID_PARAMETER
SPOOLING, PRINTING = 0x08, 0x10
ERROR, OFFLINE, PAPEROUT, PRINTED, DELETED = 0x02, 0x20, 0x40, 0x80, 0x100
PAUSED_PRINTER, OFFLINE_PRINTER, PAPER_OUT_PRINTER = 0x01, 0x80, 0x10


class Win32Error(Exception):
    """pywintypes.error: (winerror, funcname, strerror), the code also as ``winerror``."""

    def __init__(self, winerror: int, funcname: str, strerror: str) -> None:
        super().__init__(winerror, funcname, strerror)
        self.winerror = winerror


@dataclass
class FakeSpooler:
    """The parts of win32print the transport uses. ``job_states``: the job's Status flags at
    each GetJob (GONE once it has left the queue); ``printer_states``: the printer's."""

    job_states: list[int | None] = field(default_factory=lambda: [SPOOLING, PRINTING, GONE])
    printer_states: list[int] = field(default_factory=lambda: [0])
    known: bool = True
    written: bytearray = field(default_factory=bytearray)
    calls: list[str] = field(default_factory=list)
    deleted: list[int] = field(default_factory=list)
    polls: int = 0

    def OpenPrinter(self, name: str) -> str:
        self.calls.append("OpenPrinter")
        if not self.known:
            raise Win32Error(1801, "OpenPrinter", "The printer name is invalid.")
        return f"handle:{name}"

    def GetPrinter(self, handle: str, level: int = 2) -> dict[str, Any]:
        state = self.printer_states[min(self.polls, len(self.printer_states) - 1)]
        return {"Status": state, "Attributes": 0, "pPrinterName": handle[7:]}

    def StartDocPrinter(self, handle: str, level: int, info: tuple[str, Any, str]) -> int:
        self.calls.append("StartDocPrinter")
        assert info[2] == "RAW"
        return 42

    def StartPagePrinter(self, handle: str) -> None:
        self.calls.append("StartPagePrinter")

    def WritePrinter(self, handle: str, data: bytes) -> int:
        self.written.extend(data)
        return len(data)

    def EndPagePrinter(self, handle: str) -> None:
        self.calls.append("EndPagePrinter")

    def EndDocPrinter(self, handle: str) -> None:
        self.calls.append("EndDocPrinter")

    def AbortPrinter(self, handle: str) -> None:
        self.calls.append("AbortPrinter")

    def ClosePrinter(self, handle: str) -> None:
        self.calls.append("ClosePrinter")

    def GetJob(self, handle: str, job_id: int, level: int = 1) -> dict[str, Any]:
        assert job_id == 42
        state = self.job_states[min(self.polls, len(self.job_states) - 1)]
        self.polls += 1
        if state is GONE:
            raise Win32Error(87, "GetJob", "The parameter is incorrect.")
        return {"JobId": job_id, "Status": state, "pStatus": None}

    def SetJob(self, handle: str, job_id: int, level: int, info: Any, command: int) -> None:
        assert command == 5  # JOB_CONTROL_DELETE
        self.deleted.append(job_id)


class Clock:
    """time.monotonic and time.sleep for the transport: sleeping moves the clock on."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _transport(spooler: FakeSpooler, clock: Clock, wait: float = 30.0) -> SpoolerTransport:
    config = parse_printer("receipt", {"connection": "win32raw", "name": "XP-80C"})
    return SpoolerTransport(
        config,
        "Windows 打印机 XP-80C",
        module=spooler,
        wait=wait,
        poll=0.5,
        clock=clock.monotonic,
        sleep=clock.sleep,
    )


def test_a_job_that_leaves_the_queue_is_printed() -> None:
    spooler, clock = FakeSpooler(), Clock()
    assert _transport(spooler, clock).send(b"\x1b@receipt\n") is None
    assert bytes(spooler.written) == b"\x1b@receipt\n"
    assert spooler.polls == 3  # spooling, printing, gone
    assert clock.sleeps == [0.5, 0.5]
    assert spooler.calls[-1] == "ClosePrinter" and not spooler.deleted


def test_a_job_kept_as_printed_is_printed() -> None:
    spooler, clock = FakeSpooler(job_states=[PRINTING, PRINTED]), Clock()
    assert _transport(spooler, clock).send(b"x") is None
    assert not spooler.deleted


@pytest.mark.parametrize(
    ("flags", "words"),
    [
        (PRINTING | ERROR, "出错"),
        (OFFLINE, "脱机"),
        (PAPEROUT, "缺纸"),
        (DELETED, "删除"),
    ],
)
def test_a_job_that_fails_in_the_queue_is_a_failed_job(flags: int, words: str) -> None:
    spooler, clock = FakeSpooler(job_states=[SPOOLING, flags]), Clock()
    with pytest.raises(PrinterError) as exc:
        _transport(spooler, clock).send(b"x")
    assert words in exc.value.message and "XP-80C" in exc.value.message
    assert exc.value.code == "printer.job_failed"
    if flags != DELETED:
        assert spooler.deleted == [42]  # taken off the queue: a retry cannot print it twice
    assert spooler.calls[-1] == "ClosePrinter"


def test_a_paused_printer_refuses_the_job_before_it_is_spooled() -> None:
    spooler, clock = FakeSpooler(printer_states=[PAUSED_PRINTER]), Clock()
    with pytest.raises(PrinterError) as exc:
        _transport(spooler, clock).send(b"x")
    assert "暂停" in exc.value.message
    assert exc.value.code == "printer.status"
    assert "StartDocPrinter" not in spooler.calls and not spooler.written


def test_a_printer_going_offline_while_the_job_waits_fails_it() -> None:
    spooler = FakeSpooler(job_states=[SPOOLING], printer_states=[0, 0, OFFLINE_PRINTER])
    clock = Clock()
    with pytest.raises(PrinterError) as exc:
        _transport(spooler, clock).send(b"x")
    assert "脱机" in exc.value.message
    assert spooler.deleted == [42]


def test_a_job_stuck_in_the_queue_fails_after_the_bounded_wait() -> None:
    spooler, clock = FakeSpooler(job_states=[SPOOLING]), Clock()
    with pytest.raises(PrinterError) as exc:
        _transport(spooler, clock, wait=30).send(b"x")
    assert "30 秒" in exc.value.message
    assert exc.value.code == "printer.spool_timeout"
    assert clock.now == pytest.approx(30, abs=0.5)
    assert spooler.polls == 61  # every half second, the first at once
    assert spooler.deleted == [42]


def test_an_unknown_printer_name_is_explained() -> None:
    spooler, clock = FakeSpooler(known=False), Clock()
    with pytest.raises(PrinterError) as exc:
        _transport(spooler, clock).send(b"x")
    assert "XP-80C" in exc.value.message and exc.value.code == "printer.offline"


def test_paper_out_printer_status_refuses_the_job() -> None:
    spooler, clock = FakeSpooler(printer_states=[PAPER_OUT_PRINTER]), Clock()
    with pytest.raises(PrinterError) as exc:
        _transport(spooler, clock).send(b"x")
    assert "缺纸" in exc.value.message


def test_win32raw_without_pywin32_is_a_printer_error() -> None:
    """On a machine without pywin32 (this one) the desk says so; python-escpos's Win32Raw
    raised a bare RuntimeError when the transport was made."""
    transport = open_transport(
        parse_printer("receipt", {"connection": "win32raw", "name": "XP-80C"})
    )
    with pytest.raises(PrinterError) as exc:
        transport.send(b"x")
    assert "pywin32" in exc.value.message
