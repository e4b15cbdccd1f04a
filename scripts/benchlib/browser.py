"""The browser desk: a tab of ``desk serve --demo`` in headless Chromium, from opening the page
to the login screen drawn, and whether keys typed while it loads are kept."""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from scripts.benchlib.harness import Figure
from scripts.benchlib.startup import _pty_ready

_ANSI = re.compile(rb"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>])")
_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_EARLY_KEYS = "kept"  # typed as soon as the page has loaded, before the login screen is drawn


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _not_run(why: str) -> list[Figure]:
    return [Figure("browser tab → login screen (`desk serve --demo`)", "≤ 3.0 s", why, "", "", "s")]


def bench_browser(quick: bool, workdir: Path) -> list[Figure]:
    """Each run opens a new tab (a new desk process and demo database, as textual-serve starts
    one per tab) on ``desk serve --demo`` at 127.0.0.1 and times ``page.goto`` to "用户名" in the
    websocket's frames; the keys typed right after the page loaded are looked for on the login
    screen. Against ``desk --demo`` on a pty to the same screen. Median of 5 (1 with --quick)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        return _not_run("not run: no Chromium")
    try:
        from playwright.sync_api import WebSocket, sync_playwright
    except ImportError:
        return _not_run("not run: no Playwright")
    runs = 1 if quick else 5
    env = dict(
        os.environ,
        DESK_DATA_DIR=str(workdir / "browser-data"),
        DESK_CONFIG=str(workdir / "none.toml"),
    )
    env.pop("DESK_DATABASE_URL", None)
    env.pop("DESK_LANG", None)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    desk = str(Path(sys.executable).with_name("desk"))
    proc = subprocess.Popen(
        [desk, "serve", "--demo", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    tabs: list[float] = []
    kept: list[bool] = []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(url, timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    return _not_run("not run: `desk serve` did not start")
                time.sleep(0.1)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True, args=_FLAGS)
            try:
                for _ in range(runs + 1):  # the first warms the file cache and the browser
                    frames: list[bytes] = []

                    def on_websocket(ws: WebSocket, frames: list[bytes] = frames) -> None:
                        ws.on(
                            "framereceived",
                            lambda p: frames.append(p if isinstance(p, bytes) else p.encode()),
                        )

                    def screen(frames: list[bytes] = frames) -> str:
                        return _ANSI.sub(b"", b"".join(frames)).decode("utf-8", "ignore")

                    page = browser.new_page(viewport={"width": 1100, "height": 700})
                    page.on("websocket", on_websocket)
                    t0 = time.perf_counter()
                    page.goto(url)
                    page.focus(".xterm-helper-textarea")
                    page.keyboard.type(_EARLY_KEYS)
                    while "用户名" not in screen():
                        if time.perf_counter() - t0 > 90:
                            raise RuntimeError(f"bench browser: no login screen: {screen()[-300:]}")
                        page.wait_for_timeout(20)
                    took = time.perf_counter() - t0
                    page.wait_for_timeout(1000)  # the keys, if the desk kept them, are drawn
                    drawn = screen()
                    page.close()
                    tabs.append(took)
                    kept.append(_EARLY_KEYS in drawn[drawn.index("用户名") :])
            finally:
                browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    tabs, kept = tabs[1:], kept[1:]
    terminal_env = dict(env, TERM="xterm-256color", COLUMNS="80", LINES="24")
    base = [_pty_ready([desk, "--demo"], terminal_env, "用户名".encode())[0] for _ in range(runs)]
    med = statistics.median(tabs)
    bmed = statistics.median(base)
    return [
        Figure(
            f"browser tab → login screen, `desk serve --demo` in headless Chromium (median of {runs})",
            "≤ 3.0 s",
            f"{med:.2f} (runs: {', '.join(f'{t:.2f}' for t in tabs)})",
            f"{bmed:.2f} `desk --demo` on a pty",
            f"{med / bmed:.1f}",
            "s",
            ok=med <= 3.0,
            note=f"keys typed as soon as the page loaded were kept in {sum(kept)} of {len(kept)} "
            "tabs; each tab starts its own desk and demo database",
        )
    ]
