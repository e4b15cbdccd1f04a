"""Sending the desk's print jobs from the app: a saved job sent in a worker thread (a retry
asked for first), its outcome a notification and ``job_outcomes``. A part of the desk app
(``DeskApp`` mixes it in). The database and the printing are imported in the worker that
sends, as in the app: the first frame does not wait for them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.app import App

from models.errors import DomainError
from models.i18n import _

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from models.permissions import Actor
    from tui.work.printing import DeskPrinters

    _AppPart = App[None]  # the type checker sees the app; at run time DeskApp brings it
else:
    _AppPart = object


class PrintSender(_AppPart):
    if TYPE_CHECKING:  # DeskApp's, set up in its __init__
        engine: Engine | None
        printers: DeskPrinters | None
        actor: Actor | None
        job_outcomes: dict[int, tuple[str, str]]

    def print_job(
        self,
        job_id: int,
        on_done: Callable[[], object] | None = None,
        *,
        quiet: bool = False,
    ) -> None:
        """Send a saved job in a worker thread; the outcome is a notification (and the job row).
        ``quiet``: the calling screen shows success itself; a failure is still notified."""
        self._send(job_id, retry=False, on_done=on_done, quiet=quiet)

    def retry_print(self, job_id: int, on_done: Callable[[], object] | None = None) -> None:
        self._send(job_id, retry=True, on_done=on_done)

    @work(thread=True, exit_on_error=False, group="print")
    def _send(
        self,
        job_id: int,
        *,
        retry: bool,
        on_done: Callable[[], object] | None,
        quiet: bool = False,
    ) -> None:
        from models.db import session_scope
        from models.services.printing import request_retry
        from tui.work.printing import send_job

        assert self.engine is not None and self.printers is not None
        outcome = ("failed", "")
        try:
            if retry:
                actor = self.actor
                if actor is None:
                    return
                with session_scope(self.engine) as session:
                    request_retry(session, actor, job_id)
            job = send_job(self.engine, self.printers, job_id)
            outcome = (job.status, job.error)
        except DomainError as exc:
            outcome = ("failed", exc.message)
            self.call_from_thread(
                self.notify, exc.message, severity="error", timeout=8, markup=False
            )
        else:
            if job.status == "sent" and job.error:  # printed, with a warning (paper near end)
                self.call_from_thread(
                    self.notify,
                    _("打印任务 {job_id} 已打印；{warning}").format(
                        job_id=job_id, warning=job.error
                    ),
                    severity="warning",
                    timeout=15,
                    markup=False,
                )
            elif job.status == "sent":
                if not quiet:
                    self.call_from_thread(
                        self.notify, _("打印任务 {job_id} 已打印").format(job_id=job_id)
                    )
            else:
                self.call_from_thread(
                    self.notify,
                    _("打印失败：{error}\n按 F8 查看打印任务并重试").format(error=job.error),
                    severity="error",
                    timeout=15,
                    markup=False,
                )
        self.job_outcomes[job_id] = outcome
        if on_done is not None:
            self.call_from_thread(on_done)
