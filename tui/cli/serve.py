"""``desk serve``: the same desk in a web browser, for a counter PC without a usable terminal.

textual-serve runs one ``desk`` process per browser tab and relays its screen and keys over a
websocket; every tab starts at the login screen, exactly as in a terminal. Imported by tui.cli;
never imports Textual.
"""

from __future__ import annotations

import ipaddress
import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer

from models.errors import InvalidInput
from models.i18n import _, current
from tui.cli.common import ConfigOpt, DbOpt, app, err, handle_errors, out

HostOpt = Annotated[str, typer.Option("--host", help=_("监听地址；默认只有本机能访问"))]
PortOpt = Annotated[int, typer.Option("--port", help=_("端口"))]
DemoOpt = Annotated[bool, typer.Option("--demo", help=_("每个浏览器页面各用一个临时演示数据库"))]


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


@handle_errors
def serve_cmd(
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 8000,
    demo: DemoOpt = False,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """在浏览器中使用受理台（textual-serve）。

    每个浏览器页面运行一个受理台，同样须先登录。按 Ctrl+C 停止。"""
    from textual_serve.server import Server

    if not 0 < port < 65536:
        raise InvalidInput(_("端口应为 1–65535"), code="serve.bad_port")
    command = desk_command(demo=demo, config=config, db=db, lang=current())
    server = Server(command, host=host, port=port, title=_("职称评审 纸质材料受理与收费台"))
    out.print(_("受理台网页：{url}（按 Ctrl+C 停止）").format(url=server.public_url))
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
