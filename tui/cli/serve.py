"""``desk serve``: the same desk in a web browser, for a counter PC without a usable terminal.

textual-serve runs one ``desk`` process per browser tab and relays its screen and keys over a
websocket; every tab starts at the login screen, exactly as in a terminal. Imported by tui.cli;
never imports Textual.

The page names the address its script and websocket come from (textual-serve's ``public_url``):
by default the listening address, which for ``--host 0.0.0.0`` no other PC can open, so then the
desk names this PC's own LAN address instead (found from its own name and interfaces: nothing is
sent anywhere), or ``--public-url`` names it. The page is the desk's own template
(``serve_page/``): textual-serve's fetches a web font from the internet on every tab.
"""

from __future__ import annotations

import contextlib
import ipaddress
import shlex
import socket
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import urlsplit

import typer

from models.errors import InvalidInput
from models.i18n import _, current
from tui.cli.common import ConfigOpt, DbOpt, app, err, handle_errors, out

HostOpt = Annotated[str, typer.Option("--host", help=_("监听地址；默认只有本机能访问"))]
PortOpt = Annotated[int, typer.Option("--port", help=_("端口"))]
DemoOpt = Annotated[bool, typer.Option("--demo", help=_("每个浏览器页面各用一个临时演示数据库"))]
PublicUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--public-url",
        help=_(
            "其他电脑打开网页用的地址，如 http://192.168.1.20:8000；"
            "默认为监听地址，监听 0.0.0.0 时为本机的内网地址"
        ),
    ),
]

if TYPE_CHECKING:
    from textual_serve.server import Server

PAGE_TEMPLATES = Path(__file__).with_name("serve_page")
# listening on these means every address of this PC, none of which the page can name
ALL_ADDRESSES = frozenset({"0.0.0.0", "::", ""})


def desk_command(*, demo: bool, config: Path | None, db: str | None, lang: str) -> str:
    """The command each browser tab runs: this Python, the desk, the same options."""
    argv = [sys.executable, "-m", "tui.launch", "--lang", lang]
    if demo:
        argv.append("--demo")
    if config is not None:
        argv += ["--config", str(config)]
    if db:
        argv += ["--db", db]
    return shlex.join(argv)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def lan_addresses() -> list[str]:
    """This PC's own IPv4 addresses: on Linux each network interface's (asked of the kernel),
    else (or when that finds none) those its own name resolves to, as Windows answers from its
    own interfaces. Nothing is sent to another machine."""
    found: list[str] = []
    if sys.platform.startswith("linux"):
        import fcntl
        import struct

        siocgifaddr = 0x8915
        for _index, name in socket.if_nameindex():
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                try:
                    packed = fcntl.ioctl(
                        s.fileno(), siocgifaddr, struct.pack("256s", name.encode()[:15])
                    )
                except OSError:  # an interface without an IPv4 address
                    continue
                found.append(socket.inet_ntoa(packed[20:24]))
    if best_lan_address(found) is None:
        with contextlib.suppress(OSError):
            found += socket.gethostbyname_ex(socket.gethostname())[2]
    return found


def best_lan_address(addresses: Iterable[str]) -> str | None:
    """The address another PC of the office would use: a private (LAN) one first, else any that
    is not this PC's loopback, link-local or unspecified; None when there is none."""
    usable = []
    for text in addresses:
        try:
            address = ipaddress.ip_address(text)
        except ValueError:
            continue
        if address.is_loopback or address.is_link_local or address.is_unspecified:
            continue
        if address.is_multicast:
            continue
        usable.append(address)
    usable.sort(key=lambda a: not a.is_private)  # stable: the first private one, else the first
    return str(usable[0]) if usable else None


def page_url(
    host: str,
    port: int,
    public_url: str | None,
    addresses: Callable[[], Iterable[str]] | None = None,
) -> str:
    """The address the page names for its script and websocket (no trailing slash);
    ``addresses`` gives this PC's (by default :func:`lan_addresses`)."""
    if public_url is not None:
        given = public_url.strip().rstrip("/")
        parts = urlsplit(given)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise InvalidInput(
                _("--public-url 应为 http://地址:端口 或 https://地址，而不是 {url}").format(
                    url=public_url
                ),
                code="serve.bad_public_url",
            )
        return given
    name = host
    if host in ALL_ADDRESSES:
        name = best_lan_address((addresses or lan_addresses)()) or socket.gethostname()
    if ":" in name:  # an IPv6 address
        name = f"[{name}]"
    return f"http://{name}" if port == 80 else f"http://{name}:{port}"


def make_server(command: str, *, host: str, port: int, public_url: str) -> Server:
    """textual-serve's server with the desk's page (its template, its texts)."""
    import aiohttp_jinja2
    from textual_serve.server import Server

    texts = {
        "lang": current(),
        "starting": _("正在启动受理台…"),
        "start": _("开始"),
        "ended": _("受理台已关闭。"),
        "restart": _("重新打开"),
    }

    class DeskServer(Server):
        async def _make_app(self) -> Any:
            app = await super()._make_app()
            aiohttp_jinja2.get_env(app).globals["text"] = texts
            return app

    return DeskServer(
        command,
        host=host,
        port=port,
        title=_("职称评审 纸质材料受理与收费台"),
        public_url=public_url,
        templates_path=PAGE_TEMPLATES,
    )


@handle_errors
def serve_cmd(
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 8000,
    demo: DemoOpt = False,
    config: ConfigOpt = None,
    db: DbOpt = None,
    public_url: PublicUrlOpt = None,
) -> None:
    """在浏览器中使用受理台（textual-serve）。

    每个浏览器页面运行一个受理台，同样须先登录。按 Ctrl+C 停止。"""
    if not 0 < port < 65536:
        raise InvalidInput(_("端口应为 1–65535"), code="serve.bad_port")
    url = page_url(host, port, public_url)
    command = desk_command(demo=demo, config=config, db=db, lang=current())
    server = make_server(command, host=host, port=port, public_url=url)
    out.print(_("受理台网页：{url}（按 Ctrl+C 停止）").format(url=url + "/"))
    if host in ALL_ADDRESSES and public_url is None:
        err.print(
            _(
                "其他电脑打不开这个地址时，用 --public-url 指定本机在内网中的地址"
                "（如 http://192.168.1.20:{port}）"
            ).format(port=port)
        )
    if not _loopback(host):
        err.print(
            _(
                "[yellow]注意[/]：网页不加密（HTTP），密码以明文经过网络：只在办公室内网使用，"
                "或在前面加一层 HTTPS 反向代理"
            )
        )
    try:
        server.serve()
    except OSError as exc:
        raise InvalidInput(
            _(
                "无法在 {host}:{port} 上启动网页受理台：{problem}（端口被占用？换一个 --port）"
            ).format(host=host, port=port, problem=exc.strerror or exc),
            code="serve.cannot_listen",
        ) from None


app.command("serve")(serve_cmd)
