"""What every screen shares, without the app: the worker guard (a bug in a worker is one
Chinese line and a log entry), the typed desk a screen belongs to, the message that puts the
cursor back, and what a scan looks like. Screens import this module, never ``tui.app`` (which
imports the screens): import-linter holds it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.message import Message
from textual.screen import Screen
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from tui.app import DeskApp


@dataclass
class DemoInfo:
    users: list[tuple[str, str, str]] = field(default_factory=list)  # (role label, user, pw)


_ID18 = re.compile(r"\d{17}[\dXx]")
_NUMBER = re.compile(r"[A-Za-z][A-Za-z0-9]{0,7}\d{5,8}")


def is_scan(text: str, min_length: int = 8) -> bool:
    """An ID number, or a dossier/receipt/notice number (prefix + 5 or more digits)."""
    return len(text) >= min_length and bool(_ID18.fullmatch(text) or _NUMBER.fullmatch(text))


class WorkerGuard:
    """For screens (and the app): a worker that fails with anything but a DomainError — a bug —
    becomes one Chinese line and a log entry, never a silent hang; ``worker_failed`` lets the
    screen undo its busy state."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state is not WorkerState.ERROR or error is None:
            return
        from tui.work.crashlog import crash_message, log_crash

        where = log_crash(error, f"worker {event.worker.name}")
        app = self if isinstance(self, App) else self.app  # type: ignore[attr-defined]
        app.notify(crash_message(error, where), severity="error", timeout=20, markup=False)
        self.worker_failed(event.worker.name)

    def worker_failed(self, name: str) -> None:
        """Override to leave a busy state after a failed worker."""


def desk_of(screen: Screen[Any]) -> DeskApp:
    """The desk app a screen belongs to (typed)."""
    return screen.app  # type: ignore[return-value]


class Refocus(Message):
    """Sent to the screen a card returns to: put the cursor where the next scan or name goes."""
