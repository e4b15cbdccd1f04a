"""The print-jobs screen (F8) at 80×24: a failed job shows its reason and is retried with R; while
a printer hangs the screen still answers keys; an interrupted job is reported at login."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from textual.widgets import DataTable, Static

from models.config import DeskConfig
from models.db import session_scope
from models.demo import seed_demo
from models.permissions import Actor
from models.printjob import PrintJob
from models.services.printing import claim, finish, queue_job
from models.vocab import PrintJobStatus, Role
from tests.pilot import SIZE, login, settle, wait_until
from tests.printers.fake_printer import FakePrinter
from tui.app import DeskApp, make_app
from tui.screens.home import HomeScreen
from tui.screens.print_jobs import PrintJobsScreen

DESK = "1号窗口"


def _failed_job(engine: Engine, payload: bytes = b"\x1b@test\n", *, sending: bool = False) -> int:
    with session_scope(engine) as s:
        seed_demo(s)
        actor = Actor(user_id=None, username="cashier", role=Role.cashier, desk=DESK)
        job = queue_job(s, actor, document="receipt", payload=payload, printer="receipt")
        assert job.id is not None
        job_id = job.id
    with session_scope(engine) as s:
        claim(
            s, job_id, now=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10) if sending else None
        )
        if not sending:
            finish(s, job_id, error="192.168.1.50:9100：连接被拒绝（打印机未开机或端口不对）")
    return job_id


def _app(engine: Engine, port: int, timeout: float = 2) -> DeskApp:
    cfg = DeskConfig(
        database_url="unused",
        desk=DESK,
        printers={
            "receipt": {
                "connection": "network",
                "host": "127.0.0.1",
                "port": port,
                "timeout": timeout,
            }
        },
    )
    return make_app(cfg, engine=engine, demo=True)


async def _at_jobs(app: DeskApp, pilot: Any, user: str, password: str) -> None:
    """Logged in as ``user``, on the print jobs screen (F8)."""
    await settle(app, pilot)
    await login(app, pilot, user, password)
    await pilot.press("f8")
    await settle(app, pilot)


def _status(engine: Engine, job_id: int) -> PrintJob:
    with session_scope(engine, readonly=True) as s:
        job = s.get(PrintJob, job_id)
        assert job is not None
        return job


async def test_failed_job_is_listed_with_its_reason_and_retried(engine: Engine) -> None:
    job_id = _failed_job(engine)
    with FakePrinter(status=None) as printer:
        app = _app(engine, printer.port)
        async with app.run_test(size=SIZE) as pilot:
            await _at_jobs(app, pilot, "cashier", "cashier123")
            screen = app.screen
            assert isinstance(screen, PrintJobsScreen)
            table = screen.query_one("#jobs", DataTable)
            assert table.row_count == 1
            cells = [str(c) for c in table.get_row_at(0)]
            assert cells[1] == "缴费凭证" and "打印失败" in cells[3]
            assert "连接被拒绝" in str(screen.query_one("#job-detail", Static).render())
            assert table.region.right <= SIZE[0]
            await pilot.press("r")
            await settle(app, pilot)
            assert _status(engine, job_id).status == PrintJobStatus.sent
            assert "已打印" in str(table.get_row_at(0)[3])
            assert printer.received.endswith(b"\x1b@test\n")
            await pilot.press("r")  # a printed job is not sent twice
            await settle(app, pilot)
            assert _status(engine, job_id).attempts == 2
            await pilot.press("escape")
            assert isinstance(app.screen, HomeScreen)


async def test_screen_answers_keys_while_a_printer_hangs(engine: Engine) -> None:
    job_id = _failed_job(engine, payload=bytes(8 * 1024 * 1024))
    # the printer's timeout outlasts the keys below even on a loaded machine (2 workers), and
    # the printer holds the connection longer still: the send ends by the desk's timeout
    with FakePrinter(read=False, hold=30) as printer:
        app = _app(engine, printer.port, timeout=12)
        async with app.run_test(size=SIZE) as pilot:
            await _at_jobs(app, pilot, "lead", "lead123")
            await pilot.press("r")
            assert await wait_until(
                pilot, lambda: any(w.group == "print" and w.is_running for w in app.workers)
            ), "the retry started"
            printing = [w for w in app.workers if w.group == "print" and w.is_running]
            # the desk answers while the printer hangs: back home, and to the jobs again
            await pilot.press("escape")
            assert await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
            await pilot.press("f8")
            assert await wait_until(pilot, lambda: isinstance(app.screen, PrintJobsScreen))
            assert any(w.is_running for w in printing), "still hanging on the printer meanwhile"
            for _ in range(300):  # until the timeout ends it (12 s), 30 s at most
                if not any(w.is_running for w in printing):
                    break
                await asyncio.sleep(0.1)
            await settle(app, pilot)
            job = _status(engine, job_id)
            assert job.status == PrintJobStatus.failed and "超时" in job.error


async def test_job_left_sending_is_reported_at_login(engine: Engine) -> None:
    job_id = _failed_job(engine, sending=True)
    app = _app(engine, 9)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await login(app, pilot, "clerk", "clerk123")
        assert _status(engine, job_id).status == PrintJobStatus.failed
        assert any("打印中途停止" in n.message.replace("\n", "") for n in app._notifications)


async def test_leaving_the_jobs_screen_while_it_loads_is_no_error(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Escape while the job list is still being read: the reading ends quietly (it failed with
    NoActiveAppError, its screen gone, under a loaded machine's slow query)."""
    import tui.screens.print_jobs as jobs

    real = jobs.list_jobs  # type: ignore[attr-defined]  # the screen's own name, patched below

    def slow(*args: Any, **kwargs: Any) -> Any:
        time.sleep(1.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(jobs, "list_jobs", slow)
    _failed_job(engine)
    with FakePrinter() as printer:
        app = _app(engine, printer.port)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await login(app, pilot, "lead", "lead123")
            await pilot.press("f8")
            assert await wait_until(pilot, lambda: isinstance(app.screen, PrintJobsScreen))
            await pilot.press("escape")
            assert await wait_until(pilot, lambda: isinstance(app.screen, HomeScreen))
            await settle(app, pilot)  # WorkerFailed here if the reading failed
            failed = [w for w in app.workers if w.error is not None]
            assert failed == []


async def test_a_job_printed_with_paper_near_end_says_so(engine: Engine) -> None:
    """The printer prints but says its roll is nearly out (DLE EOT 4): the desk shows it."""
    _failed_job(engine)
    near_end = {1: 0x12, 2: 0x12, 4: 0x0C | 0x12}
    with FakePrinter(status=near_end) as printer:
        app = _app(engine, printer.port)
        async with app.run_test(size=SIZE) as pilot:
            await _at_jobs(app, pilot, "cashier", "cashier123")
            await pilot.press("r")
            assert await wait_until(
                pilot,
                lambda: any("纸将尽" in str(n.message) for n in app._notifications),
            ), ([str(n.message) for n in app._notifications], _status(engine, 1))
