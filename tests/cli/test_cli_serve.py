"""``desk serve``'s address for other PCs: the page names where its script and websocket come
from, so ``--host 0.0.0.0`` (every address of this PC) must not end up in it. Nothing listens
here: the server's ``serve`` is replaced, and this PC's addresses are given. The browser itself
is tests/tui/test_serve.py's."""

from __future__ import annotations

import socket

import pytest
from textual_serve.server import Server
from typer.testing import CliRunner

import tui.cli.serve
from tui.cli import app
from tui.cli.serve import PAGE_TEMPLATES, best_lan_address, page_url

runner = CliRunner()


def test_the_lan_address_is_a_private_one_never_loopback_link_local_or_unspecified() -> None:
    assert best_lan_address(["127.0.1.1", "169.254.3.4", "0.0.0.0", "8.8.4.4", "10.1.2.3"]) == (
        "10.1.2.3"
    )
    assert best_lan_address(["127.0.0.1", "203.0.113.9x", "100.64.0.7"]) == "100.64.0.7"
    assert best_lan_address(["127.0.0.1", "::1", "169.254.0.1"]) is None


def test_the_page_url_for_every_address_names_this_pcs_lan_address() -> None:
    lan = ["127.0.0.1", "192.168.1.20"]
    assert page_url("0.0.0.0", 8000, None, lambda: lan) == "http://192.168.1.20:8000"
    assert page_url("::", 80, None, lambda: lan) == "http://192.168.1.20"
    assert page_url("127.0.0.2", 8123, None, lambda: lan) == "http://127.0.0.2:8123"
    assert page_url("::1", 8000, None, lambda: lan) == "http://[::1]:8000"
    # --public-url wins, without its trailing slash (the page appends "/ws")
    given = "https://desk.office.lan/"
    assert page_url("0.0.0.0", 8000, given, lambda: lan) == "https://desk.office.lan"


def test_without_any_lan_address_the_page_names_this_pcs_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(socket, "gethostname", lambda: "counter-3")
    assert page_url("0.0.0.0", 8000, None, lambda: ["127.0.0.1"]) == "http://counter-3:8000"


@pytest.mark.parametrize("bad", ["192.168.1.20:8000", "ftp://desk", "http://"])
def test_a_public_url_that_is_no_web_address_is_refused(bad: str) -> None:
    r = runner.invoke(app, ["serve", "--public-url", bad])
    assert r.exit_code == 1, r.output
    assert "--public-url" in r.output and bad in r.output


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[Server]:
    started: list[Server] = []
    monkeypatch.setattr(Server, "serve", lambda self, debug=False: started.append(self))
    monkeypatch.setattr(tui.cli.serve, "lan_addresses", lambda: ["127.0.0.1", "10.8.0.5"])
    return started


def test_serving_on_every_address_names_the_lan_address_and_says_how_to_change_it(
    served: list[Server],
) -> None:
    r = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--port", "8100"])
    assert r.exit_code == 0, r.output
    assert "http://10.8.0.5:8100/" in r.output and "0.0.0.0" not in r.output
    assert "--public-url" in r.output  # in case that address is not the office's
    assert "明文" in r.output  # the plain-HTTP warning, as before
    (server,) = served
    assert (server.host, server.port, server.public_url) == (
        "0.0.0.0",
        8100,
        "http://10.8.0.5:8100",
    )
    assert server.templates_path == PAGE_TEMPLATES  # the desk's page, not textual-serve's


def test_a_given_public_url_is_the_pages(served: list[Server]) -> None:
    r = runner.invoke(app, ["serve", "--host", "0.0.0.0", "--public-url", "http://desk-pc:8000/"])
    assert r.exit_code == 0, r.output
    assert "http://desk-pc:8000/" in r.output
    assert served[0].public_url == "http://desk-pc:8000"
