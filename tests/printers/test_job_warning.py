"""A printer that prints but warns (paper near end): the job is sent, and the warning is kept
with it (the jobs list shows it) on both databases."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from models.db import session_scope
from models.printjob import PrintJob
from models.vocab import PrintJobStatus
from printers.config import parse_printers
from tests.printers.fake_printer import FakePrinter
from tests.printers.support import payment_with_job
from tui.work.printing import DeskPrinters, send_job

NEAR_END = {1: 0x16, 2: 0x12, 4: 0x12 | 0x0C}


def test_paper_near_end_is_sent_with_its_warning(engine: Engine) -> None:
    with FakePrinter(status=NEAR_END) as printer:
        printers = DeskPrinters(
            parse_printers(
                {
                    "receipt": {
                        "connection": "network",
                        "host": "127.0.0.1",
                        "port": printer.port,
                        "timeout": 2,
                        "width": 58,
                    }
                }
            )
        )
        _, job_id = payment_with_job(engine, printers)
        job = send_job(engine, printers, job_id)
    assert job.status == PrintJobStatus.sent
    assert "纸将尽" in job.error
    with session_scope(engine, readonly=True) as s:
        saved = s.get(PrintJob, job_id)
        assert saved is not None
        assert saved.status == PrintJobStatus.sent and "纸将尽" in saved.error
