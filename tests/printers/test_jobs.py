"""Print jobs on both databases: saved with the payment, sent to a local TCP printer; a closed
port or a timeout leaves the job failed with its reason and the payment intact; retry works;
an interrupted job is recovered."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from models.campaign import Campaign
from models.db import session_scope
from models.errors import Conflict
from models.payment import Payment
from models.printjob import PrintJob
from models.services.printing import claim, recover_interrupted, request_retry
from models.vocab import PrintJobStatus, Role
from printers.config import parse_printers
from tests.printers.fake_printer import FakePrinter
from tests.printers.support import CASHIER, payment_with_job
from tui.work.printing import DeskPrinters, send_job


def _printers(port: int, timeout: float = 2) -> DeskPrinters:
    return DeskPrinters(
        parse_printers(
            {
                "receipt": {
                    "connection": "network",
                    "host": "127.0.0.1",
                    "port": port,
                    "timeout": timeout,
                    "width": 58,
                }
            }
        )
    )


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


def _wait_received(printer: FakePrinter, payload: bytes) -> None:
    import time

    for _ in range(100):
        if printer.received.endswith(payload):
            break
        time.sleep(0.02)
    assert printer.received.endswith(payload)


def test_job_is_sent_to_the_printer(engine: Engine) -> None:
    with FakePrinter(status={1: 0x16, 2: 0x12, 4: 0x12}) as printer:
        printers = _printers(printer.port)
        _, job_id = payment_with_job(engine, printers)
        job = send_job(engine, printers, job_id)
        assert job.status == PrintJobStatus.sent
        assert job.attempts == 1
        with session_scope(engine, readonly=True) as s:
            saved = s.get(PrintJob, job_id)
            assert saved is not None
        _wait_received(printer, saved.payload)
        assert len(saved.payload_sha256) == 64


def test_closed_port_fails_the_job_not_the_payment_and_retry_works(engine: Engine) -> None:
    port = _closed_port()
    printers = _printers(port)
    payment_id, job_id = payment_with_job(engine, printers)
    job = send_job(engine, printers, job_id)
    assert job.status == PrintJobStatus.failed
    assert "连接被拒绝" in job.error
    with session_scope(engine, readonly=True) as s:
        assert s.get(Payment, payment_id) is not None  # the payment stands
    with FakePrinter(status=None) as printer:
        printers = _printers(printer.port)
        with session_scope(engine) as s:
            request_retry(s, CASHIER, job_id)
        job = send_job(engine, printers, job_id)
        assert job.status == PrintJobStatus.sent and job.attempts == 2 and job.error == ""


def test_timeout_fails_the_job(engine: Engine) -> None:
    with FakePrinter(read=False) as printer:
        printers = _printers(printer.port, timeout=1)
        # a payload far larger than the socket buffers, so the send blocks and times out
        payment_id, job_id = payment_with_job(engine, printers)
        with session_scope(engine) as s:
            job = s.get(PrintJob, job_id)
            assert job is not None
            job.payload = bytes(8 * 1024 * 1024)  # far beyond the socket buffers
            s.add(job)
        job = send_job(engine, printers, job_id)
        assert job.status == PrintJobStatus.failed and "超时" in job.error
        with session_scope(engine, readonly=True) as s:
            assert s.get(Payment, payment_id) is not None


def test_a_sent_or_sending_job_cannot_be_claimed_again(engine: Engine) -> None:
    printers = _printers(_closed_port())
    _, job_id = payment_with_job(engine, printers)
    with session_scope(engine) as s:
        claim(s, job_id)
    with pytest.raises(Conflict), session_scope(engine) as s:
        claim(s, job_id)
    with pytest.raises(Conflict), session_scope(engine) as s:
        request_retry(s, CASHIER, job_id)


def test_interrupted_job_is_recovered_as_failed(engine: Engine) -> None:
    printers = _printers(_closed_port())
    _, job_id = payment_with_job(engine, printers)
    with session_scope(engine) as s:
        claim(s, job_id)  # the desk dies here
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    with session_scope(engine) as s:
        assert recover_interrupted(s, desk="1号窗口", now=later) == 1
    with session_scope(engine, readonly=True) as s:
        job = s.exec(select(PrintJob)).one()
        assert job.status == PrintJobStatus.failed and "中途停止" in job.error


def _taken_with_unrendered_job(engine: Engine, printers: DeskPrinters) -> tuple[str, int]:
    """A payment taken by the fee desk's service, its receipt job saved unrendered with it."""
    from models.services.payments import take_payment
    from tests.factories import accepted, office
    from tui.work.printing import queue_receipt

    with session_scope(engine) as s:
        o = office(s)
        d = accepted(s, o, n=1)
        p = take_payment(
            s,
            o.actor(Role.cashier),
            o.campaign,
            d.id or 0,
            method="cash",
            now=dt.datetime(2021, 9, 27, 3, 0, tzinfo=dt.UTC),
        )
        job_id = queue_receipt(s, o.actor(Role.cashier), printers, p)
        return p.receipt_code, job_id


def test_receipt_job_is_saved_with_its_payment_and_rendered_once_after(engine: Engine) -> None:
    from models.audit import AuditEvent
    from models.services.documents import find_payment
    from printers.preview import render_text
    from printers.receipts import receipt
    from tui.work.printing import render_bytes, render_receipt_job
    from tui.work.records import receipt_data

    printers = _printers(_closed_port())
    code, job_id = _taken_with_unrendered_job(engine, printers)
    with session_scope(engine, readonly=True) as s:
        job = s.get(PrintJob, job_id)
        assert job is not None and job.payload == b"" and job.payload_sha256 == ""
        assert job.status == PrintJobStatus.queued and job.document == "receipt"
    preview = render_receipt_job(engine, printers, job_id)
    assert code in preview and "叁佰捌拾元整" in preview
    with session_scope(engine, readonly=True) as s:
        job = s.get(PrintJob, job_id)
        assert job is not None
        doc = receipt(receipt_data(s, find_payment(s, s.exec(select(Campaign)).one(), code)))
        assert job.payload == render_bytes(doc, printers.config("receipt"))  # the same receipt
        assert render_text(__import__("printers.document").document.layout(doc, 58)) == preview
        events = s.exec(select(AuditEvent).where(AuditEvent.action == "print.render")).all()
        assert [e.detail["sha256"] for e in events] == [job.payload_sha256]
    again = render_receipt_job(engine, printers, job_id)  # a second look: the same, not redone
    assert again == preview
    with session_scope(engine, readonly=True) as s:
        assert len(s.exec(select(AuditEvent).where(AuditEvent.action == "print.render")).all()) == 1


def test_an_unrendered_receipt_job_is_rendered_when_sent(engine: Engine) -> None:
    """The desk stopped between the payment's commit and the rendering: the job still prints."""
    with FakePrinter(status={1: 0x16, 2: 0x12, 4: 0x12}) as printer:
        printers = _printers(printer.port)
        _, job_id = _taken_with_unrendered_job(engine, printers)
        job = send_job(engine, printers, job_id)
        assert job.status == PrintJobStatus.sent
        with session_scope(engine, readonly=True) as s:
            saved = s.get(PrintJob, job_id)
            assert saved is not None and len(saved.payload) > 200
            assert len(saved.payload_sha256) == 64
        _wait_received(printer, saved.payload)


def test_a_receipt_job_is_laid_out_for_the_configured_line(engine: Engine) -> None:
    """An Epson TM-T82 China model: 80 mm at 512 dots, 42 cells. The cashier's receipt, saved
    unrendered with its payment, is rendered for that line, and so is its preview."""
    from printers.layout import cells
    from tests.printers.escpos_reader import rasters, text_segments
    from tui.work.printing import render_receipt_job

    printers = DeskPrinters(
        parse_printers({"receipt": {"connection": "preview", "dots": 512, "cells": 42}})
    )
    _, job_id = _taken_with_unrendered_job(engine, printers)
    preview = render_receipt_job(engine, printers, job_id)
    assert max(cells(line) for line in preview.splitlines()) <= 42
    with session_scope(engine, readonly=True) as s:
        job = s.get(PrintJob, job_id)
        assert job is not None
        segments = text_segments(job.payload, "gbk")
        assert 36 < max(cells(t) for t in segments) <= 42
        assert all(im.width == 512 for im in rasters(job.payload))
