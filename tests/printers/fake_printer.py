"""A TCP "printer" on 127.0.0.1 for tests: captures what it receives and, when asked, answers
DLE EOT status queries with chosen bytes. Bounded: it serves a fixed number of connections and
stops by itself."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class FakePrinter:
    status: dict[int, int] | None = None  # DLE EOT n -> reply byte; None: never answers
    replies: dict[bytes, bytes] | None = None  # a label printer's query -> its answer
    read: bool = True  # False: accept but never read (to make a sender time out)
    hold: float = 10.0  # not reading: how long a connection is held before it is closed
    received: bytearray = field(default_factory=bytearray)
    connections: int = 0

    def __post_init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if not self.read:  # a small window, so a sender blocks soon after it starts
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        deadline = 60.0  # stops by itself, whatever the test does
        waited = 0.0
        while self.connections < 8 and not self.done.is_set() and waited < deadline:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                waited += 0.1
                continue
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(0.2)
                if not self.read:
                    self.done.wait(self.hold)
                    continue
                idle = 0
                while not self.done.is_set() and idle < 50:
                    try:
                        chunk = conn.recv(65536)
                    except TimeoutError:
                        idle += 1
                        continue
                    except OSError:
                        break
                    if not chunk:
                        break
                    idle = 0
                    # kept before it is answered: a test that reads ``received`` once the
                    # answer came finds the query there
                    self.received.extend(chunk)
                    self._answer(conn, chunk)

    def _answer(self, conn: socket.socket, chunk: bytes) -> None:
        for query, reply in (self.replies or {}).items():
            if query in chunk:
                conn.sendall(reply)
        if self.status is None:
            return
        i = chunk.find(b"\x10\x04")
        while i >= 0 and i + 2 < len(chunk):
            n = chunk[i + 2]
            if n in self.status:
                conn.sendall(bytes([self.status[n]]))
            i = chunk.find(b"\x10\x04", i + 3)

    def close(self) -> None:
        self.done.set()
        self.thread.join(timeout=5)
        self.sock.close()

    def __enter__(self) -> FakePrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def wait_until(predicate: Callable[[], bool], seconds: float = 5) -> bool:
    """Poll ``predicate`` until it holds or ``seconds`` pass (the printer's thread receives)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()
