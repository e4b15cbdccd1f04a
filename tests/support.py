"""What several tests need around other processes and scripts: a free port, a server process
waited for and stopped, a script of ``scripts/`` loaded as a module."""

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
