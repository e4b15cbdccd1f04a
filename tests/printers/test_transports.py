"""Connections: the network transport against a local TCP printer; refused, timed-out and
paper-out printers give Chinese errors."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from printers.config import parse_printer, parse_printers
from printers.errors import PrinterError
from printers.transports import PreviewTransport, Transport, open_transport
from tests.printers.fake_printer import FakePrinter

OK = {1: 0x16, 2: 0x12, 4: 0x12}  # online, cover closed, paper present
PAPER_OUT = {1: 0x16, 2: 0x12 | 0x20, 4: 0x12 | 0x60}
COVER_OPEN = {1: 0x1E, 2: 0x12 | 0x04, 4: 0x12}


def _net(port: int, timeout: float = 3) -> Transport:
    return open_transport(
        parse_printer(
            "receipt",
            {"connection": "network", "host": "127.0.0.1", "port": port, "timeout": timeout},
        )
    )


def _wait_for(predicate: Callable[[], bool], seconds: float = 5) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end and not predicate():
        time.sleep(0.02)


def test_network_printer_receives_the_job() -> None:
    payload = b"\x1b@\x1c&\xca\xd5\xbe\xdd\x1c.\n"
    with FakePrinter(status=OK) as printer:
        t = _net(printer.port)
        status = t.status()
        assert status is not None and status.problem() is None
        t.send(payload)
        _wait_for(lambda: printer.received.endswith(payload))
        assert printer.received.endswith(payload)


def test_a_printer_that_ignores_status_queries_still_prints() -> None:
    with FakePrinter(status=None) as printer:
        started = time.monotonic()
        _net(printer.port).send(b"hello\n")
        _wait_for(lambda: printer.received.endswith(b"hello\n"))
        assert printer.received.endswith(b"hello\n")
        assert time.monotonic() - started < 3  # one short status wait, not three long ones


@pytest.mark.parametrize(("status", "words"), [(PAPER_OUT, "缺纸"), (COVER_OPEN, "上盖打开")])
def test_status_faults_refuse_the_job(status: dict[int, int], words: str) -> None:
    with FakePrinter(status=status) as printer:
        with pytest.raises(PrinterError) as exc:
            _net(printer.port).send(b"receipt\n")
        assert words in exc.value.message
        assert b"receipt" not in printer.received


def test_closed_port_is_refused_in_chinese() -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    with pytest.raises(PrinterError) as exc:
        _net(port).send(b"x")
    assert "连接被拒绝" in exc.value.message
    assert exc.value.code == "printer.offline"


def test_a_printer_that_stops_reading_times_out() -> None:
    with FakePrinter(read=False) as printer:
        with pytest.raises(PrinterError) as exc:
            _net(printer.port, timeout=1).send(b"x" * (8 * 1024 * 1024))
        assert "超时" in exc.value.message


def test_file_transport_writes_the_bytes(tmp_path: Path) -> None:
    path = tmp_path / "lp0"
    t = open_transport(parse_printer("receipt", {"connection": "file", "path": str(path)}))
    t.send(b"\x1b@abc")
    assert path.read_bytes() == b"\x1b@abc"


def test_missing_device_file_is_explained(tmp_path: Path) -> None:
    t = open_transport(
        parse_printer("receipt", {"connection": "file", "path": str(tmp_path / "no" / "lp0")})
    )
    with pytest.raises(PrinterError) as exc:
        t.send(b"x")
    assert "设备不存在" in exc.value.message or "无法打印" in exc.value.message


def test_preview_is_the_default() -> None:
    printers = parse_printers({})
    assert set(printers) == {"receipt", "label"}
    assert isinstance(open_transport(printers["receipt"]), PreviewTransport)


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({"connection": "bluetooth"}, "connection 应为"),
        ({"connection": "network"}, "需要“host”"),
        ({"connection": "network", "host": "x", "port": 70000}, "port"),
        ({"width": 76}, "58 或 80"),
        ({"encoding": "utf8"}, "gbk"),
        ({"connection": "usb", "vendor": "0xZZ", "product": 1}, "整数"),
        ({"connection": "file", "path": "/dev/usb/lp0", "host": "x"}, "未知的键“host”"),
    ],
)
def test_bad_printer_config(raw: dict[str, object], words: str) -> None:
    with pytest.raises(PrinterError) as exc:
        parse_printer("receipt", raw)
    assert words in exc.value.message
    assert "[printers.receipt]" in exc.value.message


def test_usb_ids_accept_hex_strings() -> None:
    cfg = parse_printer("receipt", {"connection": "usb", "vendor": "0x0416", "product": 0x5011})
    assert cfg.options["vendor"] == 0x0416
    assert "0416:5011" in cfg.describe()


NEAR_END = {1: 0x16, 2: 0x12, 4: 0x12 | 0x0C}  # DLE EOT 4: paper near end (bits 2 and 3)


def test_paper_near_end_prints_and_warns() -> None:
    with FakePrinter(status=NEAR_END) as printer:
        warning = _net(printer.port).send(b"receipt\n")
        _wait_for(lambda: printer.received.endswith(b"receipt\n"))
        assert printer.received.endswith(b"receipt\n")
    assert warning is not None and "纸将尽" in warning


def test_a_printer_with_paper_gives_no_warning() -> None:
    with FakePrinter(status=OK) as printer:
        assert _net(printer.port).send(b"receipt\n") is None
        assert b"\x10\x04\x03" not in printer.received  # no error reported: cause not asked


@pytest.mark.parametrize(
    ("cause", "words"),
    [(0x12 | 0x08, "切刀故障"), (0x12 | 0x40, "打印头过热"), (0x12 | 0x20, "无法自行恢复")],
)
def test_error_cause_is_asked_and_named(cause: int, words: str) -> None:
    status = {1: 0x1E, 2: 0x12 | 0x40, 3: cause, 4: 0x12}  # DLE EOT 2: an error occurred
    with FakePrinter(status=status) as printer:
        with pytest.raises(PrinterError) as exc:
            _net(printer.port).send(b"receipt\n")
        assert b"\x10\x04\x03" in printer.received  # DLE EOT 3 asked
        assert b"receipt" not in printer.received
    assert words in exc.value.message
    assert exc.value.code == "printer.status"
