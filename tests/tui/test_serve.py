"""``desk serve`` in a real browser: headless Chromium (Debian's, driven by Playwright) opens the
page, the demo clerk logs in with the keyboard as at a counter, and the home screen arrives.

What the browser draws is read from the websocket: textual-serve sends the desk's terminal output
(ANSI) to the page, which xterm.js paints on a canvas. Without Chromium the test is skipped with
the reason; in CI (``CI=true``) it fails instead (``.ci/run`` installs it).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support import free_port, serving

ROOT = Path(__file__).resolve().parents[2]
IN_CI = os.environ.get("CI", "").lower() in ("true", "1", "yes")
ANSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>])")
# as the environment's machine notes say: no background networking, no GPU, a fresh profile
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if IN_CI:
            pytest.fail("CI needs Chromium for the browser desk's test (apt install chromium)")
        pytest.skip("Chromium is not installed (apt install chromium)")
    return found


@contextlib.contextmanager
def _desk_serve(tmp_path: Path, host: str, *options: str) -> Iterator[str]:
    """``desk serve --demo`` on ``host`` and a free port; the page's address."""
    port = free_port()
    env = {
        **os.environ,
        "DESK_CONFIG": str(tmp_path / "none.toml"),
        "DESK_DATA_DIR": str(tmp_path / "data"),
    }
    env.pop("DESK_LANG", None)
    argv = ["serve", "--demo", "--host", host, "--port", str(port)]
    argv += [o.replace("PORT", str(port)) for o in options]
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.launch", *argv],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://{host}:{port}/"

    def answers() -> bool:
        with urllib.request.urlopen(url, timeout=2) as r:
            return bool(r.status == 200)

    with serving(proc, answers, "desk serve", lambda: proc.stdout.read() if proc.stdout else ""):
        yield url


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    with _desk_serve(tmp_path, "127.0.0.1") as url:
        yield url


def test_the_demo_clerk_logs_in_in_a_browser_and_reaches_the_home_screen(served: str) -> None:
    from playwright.sync_api import WebSocket, sync_playwright

    chromium = _chromium()
    frames: list[bytes] = []

    def screen() -> str:
        return ANSI.sub("", b"".join(frames).decode("utf-8", "ignore"))

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 700})

            def on_websocket(ws: WebSocket) -> None:
                ws.on(
                    "framereceived",
                    lambda payload: frames.append(
                        payload if isinstance(payload, bytes) else payload.encode()
                    ),
                )

            page.on("websocket", on_websocket)
            page.goto(served)

            def until(found: Callable[[str], bool], what: str, timeout: float = 60) -> None:
                deadline = time.monotonic() + timeout
                while not found(screen()):
                    if time.monotonic() > deadline:
                        raise AssertionError(
                            f"{what} never appeared; the page drew: {screen()[-1500:]}"
                        )
                    page.wait_for_timeout(200)

            until(lambda s: "演示账户" in s and "clerk123" in s, "the login screen")
            page.focus(".xterm-helper-textarea")  # where xterm.js takes the keys
            before = len(screen())
            page.keyboard.type("clerk", delay=50)
            page.keyboard.press("Enter")  # to the password (the browser keeps Tab for itself)
            page.keyboard.type("clerk123", delay=50)
            page.keyboard.press("Enter")
            # the clerk's home screen: the campaign, its figures, and the counter's key
            until(
                lambda s: all(w in s[before:] for w in ("受理员", "本批次概况", "受理台")),
                "the clerk's home screen",
            )
        finally:
            browser.close()


# a second loopback address stands for the office LAN: the desk listens on it, the page is opened
# through it, and everything the page fetches or connects to must name it (no 0.0.0.0, no
# 127.0.0.1, no font service on the internet)
OTHER_PC_HOST = "127.0.0.2"
URL_IN_PAGE = re.compile(r"""(?:https?|wss?)://[^\s"'<>)]+""")


def test_a_page_opened_through_the_lan_address_reaches_the_login_screen_and_fetches_only_from_it(
    tmp_path: Path,
) -> None:
    from playwright.sync_api import WebSocket, sync_playwright

    chromium = _chromium()
    public = f"http://{OTHER_PC_HOST}:PORT/"  # the trailing slash as a person might type it
    with _desk_serve(tmp_path, OTHER_PC_HOST, "--public-url", public) as url:
        with urllib.request.urlopen(url, timeout=5) as r:
            html = r.read().decode("utf-8")
        in_page = URL_IN_PAGE.findall(html)
        assert in_page, html  # the script and the websocket are named in the page
        assert {urlsplit(u).hostname for u in in_page} == {OTHER_PC_HOST}, in_page
        assert f"ws://{OTHER_PC_HOST}:{urlsplit(url).port}/ws" in in_page  # no "//ws"

        frames: list[str] = []
        requested: list[str] = []
        sockets: list[str] = []
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=chromium, headless=True, args=CHROMIUM_FLAGS
            )
            try:
                page = browser.new_page(viewport={"width": 1100, "height": 700})
                page.on("request", lambda request: requested.append(request.url))

                def on_websocket(ws: WebSocket) -> None:
                    sockets.append(ws.url)
                    ws.on(
                        "framereceived",
                        lambda payload: frames.append(
                            payload.decode("utf-8", "ignore")
                            if isinstance(payload, bytes)
                            else payload
                        ),
                    )

                page.on("websocket", on_websocket)
                page.goto(url)
                deadline = time.monotonic() + 60
                while "用户名" not in ANSI.sub("", "".join(frames)):
                    if time.monotonic() > deadline:
                        raise AssertionError(f"no login screen; requests: {requested}")
                    page.wait_for_timeout(200)
                page.wait_for_load_state("networkidle")
            finally:
                browser.close()
        assert sockets, "the page opened no websocket"
        assert {(urlsplit(w).hostname, urlsplit(w).path) for w in sockets} == {
            (OTHER_PC_HOST, "/ws")
        }, sockets
        fetched = {urlsplit(u).hostname for u in requested if not u.startswith("data:")}
        assert fetched == {OTHER_PC_HOST}, requested


def test_a_clerk_who_types_as_the_tab_opens_is_logged_in(served: str) -> None:
    """ "clerk⏎clerk123⏎" typed the moment the page has loaded, seconds before the desk behind
    it has drawn its login screen: the keys are held (by the page until its websocket is open,
    by the desk until its login screen is up), not lost."""
    from playwright.sync_api import WebSocket, sync_playwright

    chromium = _chromium()
    frames: list[bytes] = []

    def screen() -> str:
        return ANSI.sub("", b"".join(frames).decode("utf-8", "ignore"))

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 700})

            def on_websocket(ws: WebSocket) -> None:
                ws.on(
                    "framereceived",
                    lambda p: frames.append(p if isinstance(p, bytes) else p.encode()),
                )

            page.on("websocket", on_websocket)
            page.goto(served)
            page.focus(".xterm-helper-textarea")
            page.keyboard.type("clerk")
            page.keyboard.press("Enter")
            page.keyboard.type("clerk123")
            page.keyboard.press("Enter")
            assert "用户名" not in screen()  # typed before the login screen was drawn
            deadline = time.monotonic() + 60
            while not all(w in screen() for w in ("受理员", "本批次概况")):
                if time.monotonic() > deadline:
                    raise AssertionError(f"not logged in; the page drew: {screen()[-1500:]}")
                page.wait_for_timeout(200)
        finally:
            browser.close()


# the desk's keys that a browser also has a use for, as xterm.js sends them to the desk
BROWSER_KEYS = {
    "F5": "\x1b[15~",  # the browser: reload
    "F11": "\x1b[23~",  # full screen
    "F12": "\x1b[24~",  # developer tools
    "Control+l": "\x0c",  # the address bar
    "Control+p": "\x10",  # print
}


def test_the_keys_a_browser_also_uses_reach_the_desk_and_not_the_browser(served: str) -> None:
    """Pressed in the page (headless Chromium: the page's handling, which is what a page can
    decide), each key goes down the websocket to the desk and its default action is cancelled,
    so the page is not reloaded. What a browser keeps for itself before the page sees a key
    (F11 and F12 in some browsers) is the docs' (docs/*/setup.md)."""
    from playwright.sync_api import WebSocket, sync_playwright

    chromium = _chromium()
    received: list[bytes] = []
    sent: list[str] = []

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 700})

            def on_websocket(ws: WebSocket) -> None:
                ws.on(
                    "framereceived",
                    lambda p: received.append(p if isinstance(p, bytes) else p.encode()),
                )
                ws.on("framesent", lambda p: sent.append(p if isinstance(p, str) else p.decode()))

            page.on("websocket", on_websocket)
            loads: list[str] = []
            page.on("load", lambda p: loads.append(p.url))
            page.goto(served)
            deadline = time.monotonic() + 60
            while "用户名" not in ANSI.sub("", b"".join(received).decode("utf-8", "ignore")):
                if time.monotonic() > deadline:
                    raise AssertionError("no login screen")
                page.wait_for_timeout(200)
            page.evaluate(
                """() => { window.notCancelled = [];
                window.addEventListener("keydown", (e) => {
                    const modifier = ["Control", "Shift", "Alt", "Meta"].includes(e.key);
                    if (!modifier && !e.defaultPrevented) window.notCancelled.push(e.key);
                }); }"""
            )
            page.focus(".xterm-helper-textarea")
            for key in BROWSER_KEYS:
                page.keyboard.press(key)
            page.wait_for_timeout(1000)
            not_cancelled = page.evaluate("window.notCancelled")
        finally:
            browser.close()
    stdin = "".join(json.loads(f)[1] for f in sent if f.startswith('["stdin"'))
    for key, sequence in BROWSER_KEYS.items():
        assert sequence in stdin, (key, stdin)
    assert not_cancelled == []
    assert len(loads) == 1  # never reloaded
