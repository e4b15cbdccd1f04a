"""What several tests need around other processes, scripts and files: a free port, a server
process waited for and stopped, a script of ``scripts/`` loaded as a module, a config file
written, the SQL that lifts the audit table's guard."""

from __future__ import annotations

import contextlib
import importlib.util
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from models.db import is_sqlite
from models.permissions import Actor
from models.vocab import Role

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A port nothing listens on (free once this returns)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serving(
    proc: subprocess.Popen[Any],
    ready: Callable[[], bool],
    what: str,
    output: Callable[[], str],
    timeout: float = 30,
) -> Iterator[None]:
    """Wait until ``ready()`` (the test fails with the process's ``output()`` when it exits or
    ``timeout`` passes first), then stop the process when the block ends."""
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if ready():
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what} did not start:\n{output()}")
            time.sleep(0.1)
        yield
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def load_script(name: str) -> ModuleType:
    """``scripts/<name>.py`` as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def drop_audit_guard(engine: Engine) -> tuple[str, ...]:
    """The SQL that lifts the audit table's guard (a test then edits an event as an attacker
    would)."""
    if is_sqlite(engine):
        return ("DROP TRIGGER audit_event_sealed", "DROP TRIGGER audit_event_no_delete")
    return ("ALTER TABLE audit_event DISABLE TRIGGER audit_event_sealed",)


def write_config(tmp_path: Path, body: str) -> Path:
    """``body`` as the desk's ``config.toml`` in ``tmp_path``."""
    path = tmp_path / "config.toml"
    path.write_text(body, encoding="utf-8")
    return path


# the counter's reads (search, the card) are the clerk's: tests that only read use this actor
CLERK = Actor(user_id=None, username="clerk", role=Role.clerk, desk="1号窗口")
