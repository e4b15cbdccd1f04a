"""The Z report (日结报表) from the command line: its workbook written and/or printed on the
receipt printer, for ``desk tally close``, ``export`` and ``print``. Registers no command
(``tui.cli.tally`` does); never imports Textual. Its imports of the database and the printers
are inside the function: ``desk --help`` must not pay for them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from models.i18n import _
from tui.cli.common import err, out


def z_report(
    dctx: Any,
    *,
    user_actor: Any,
    code: str,
    day: dt.date,
    desk: str,
    xlsx: Path | None,
    print_report: bool,
    quiet: bool = False,
) -> None:
    """Write the Z report's workbook and/or print it on the receipt printer."""
    from models.db import session_scope
    from models.errors import DomainError
    from models.services.campaigns import get_campaign
    from models.services.tally import day_view, day_view_xlsx
    from printers.tally import day_tally
    from tui.work.printing import DeskPrinters, queue_document, send_job
    from tui.work.records import tally_data

    printers = DeskPrinters.from_config(dctx.config)
    job_id = None
    unsaved = ""  # why the workbook could not be written: said last, the print goes on
    with session_scope(dctx.engine) as session:
        c = get_campaign(session, code)
        view = day_view(session, user_actor, c, day, desk=desk)
        if xlsx is not None:
            try:
                day_view_xlsx(xlsx, view)
            except DomainError as exc:
                if not print_report:
                    raise
                unsaved = exc.message
            else:
                if not quiet:
                    out.print(_("已导出日结报表：{xlsx}").format(xlsx=xlsx))
        if print_report:
            job = queue_document(
                session,
                user_actor,
                printers,
                day_tally(tally_data(session, c, view)),
                "receipt",
                campaign_id=c.id,
            )
            job_id = job.id
    if job_id is not None:
        job = send_job(dctx.engine, printers, job_id)
        if job.status != "sent":
            err.print(
                _("[red]日结报表打印失败[/]：{error}；可用 desk print jobs 查看并重试").format(
                    error=escape(job.error)
                )
            )
        elif not quiet:
            out.print(_("日结报表已打印"))
    if unsaved:
        err.print(
            _("[red]日结报表未能导出[/]：{message}；可用 desk tally export 重新导出").format(
                message=escape(unsaved)
            )
        )
        raise typer.Exit(1)
