"""``desk`` run as a person runs it: a process whose standard output is a pipe or a terminal (a
pty), its bytes returned as written. Rich decides on colours and styles from ``isatty``, so
what a command prints can only be judged in a real process."""

from __future__ import annotations

import errno
import fcntl
import os
import struct
import subprocess
import termios
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DESK = ROOT / ".venv" / "bin" / "desk"


def desk_env(**extra: str) -> dict[str, str]:
    """The test's environment (its own data directory and config) for a terminal that shows
    colours: no NO_COLOR, TERM set."""
    env = {k: v for k, v in os.environ.items() if k not in {"NO_COLOR", "FORCE_COLOR"}}
    env.update({"TERM": "xterm-256color", "COLUMNS": "100", "LINES": "40", **extra})
    return env


def run_desk(
    args: list[str], env: dict[str, str], *, tty: bool, timeout: float = 60
) -> tuple[int, bytes, bytes]:
    """(exit status, standard output, standard error) of ``desk args``: standard output a pipe
    or, with ``tty``, a 100×40 terminal."""
    if not tty:
        done = subprocess.run(
            [str(DESK), *args], env=env, capture_output=True, timeout=timeout, check=False
        )
        return done.returncode, done.stdout, done.stderr
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    proc = subprocess.Popen(
        [str(DESK), *args], env=env, stdout=slave, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
    )
    os.close(slave)
    chunks: list[bytes] = []
    try:
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError as exc:  # EIO: the child closed the terminal
                if exc.errno != errno.EIO:
                    raise
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    proc.stderr.close()
    return proc.wait(timeout=timeout), b"".join(chunks), stderr
