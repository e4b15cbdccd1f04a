"""``desk audit verify``: check the hash-chained audit log, every payment against the event
that recorded it and every closed day against the figures sealed with its close. Exit status 0
when all holds, 1 when anything is broken (the first broken link of the chain is named, each
payment that does not match, each closed day that changed). Lead or admin; the check
itself is recorded. Imported by tui.cli; never imports Textual."""

from __future__ import annotations

import json
import sys
import time
from typing import Annotated

import typer

from models.i18n import _
from tui.cli.common import (
    ConfigOpt,
    DbOpt,
    JsonOpt,
    UserOpt,
    acting,
    app,
    handle_errors,
    open_context,
    out,
)

audit_app = typer.Typer(help=_("审计记录：核验哈希链和收费记录"), no_args_is_help=True)


@audit_app.command("verify")
@handle_errors
def verify_cmd(
    as_json: JsonOpt = False,
    codes: Annotated[
        bool,
        typer.Option("--codes", help=_("列出每个已锁定营业日的日结校验码，与存档的日结报表核对")),
    ] = False,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """核验审计记录。

    逐条检查哈希链（每条记录含前一条的哈希），把每笔收费记录与收取时的审计记录比对，并把每个已日结的营业日与日结时封存的数字比对。全部相符退出码为 0；否则列出第一处断链、不符的收据和有变动的营业日，退出码为 1。"""
    from models.db import session_scope
    from models.services.audit_verify import verify

    dctx = open_context(config, db, readonly=True)
    started = time.perf_counter()
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "audit.verify")
    # one snapshot: desks may be writing meanwhile (a payment and its event commit together)
    with session_scope(dctx.engine, readonly=True, snapshot=True) as session:
        report = verify(session, actor)
    seconds = time.perf_counter() - started
    if as_json:
        brk = report.chain.first_break
        sys.stdout.write(
            json.dumps(
                {
                    "ok": report.ok,
                    "events": report.chain.events,
                    "lanes": report.chain.lanes,
                    "unsealed": report.chain.unsealed,
                    "first_break": None
                    if brk is None
                    else {
                        "lane": brk.lane,
                        "seq": brk.seq,
                        "event_id": brk.event_id,
                        "action": brk.action,
                        "problem": brk.problem,
                        "text": brk.describe(),
                    },
                    "payments": report.payments,
                    "payment_problems": [
                        {
                            "receipt": p.receipt_code,
                            "payment_id": p.payment_id,
                            "problem": p.problem,
                        }
                        for p in report.problems
                    ],
                    "closed_days": report.closed_days,
                    "day_problems": [
                        {"day": p.day.isoformat(), "desk": p.desk, "problem": p.problem}
                        for p in report.day_problems
                    ],
                    "close_codes": [
                        {"day": d.isoformat(), "desk": k, "code": code}
                        for d, k, code in report.close_codes
                    ],
                    "seconds": round(seconds, 3),
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
    else:
        for line in report.lines():
            out.print(line, markup=False, highlight=False)
        if codes:
            from models.services.tally import desk_label

            out.print(
                _(
                    "日结校验码（应与当日存档的日结报表上所印的一致；不一致说明数据库被重新计算过）："
                )
            )
            for d, k, code in report.close_codes:
                out.print(f"  {d:%Y-%m-%d}  {desk_label(k)}  {code}", markup=False, highlight=False)
        out.print(_("用时 {seconds:.2f} 秒").format(seconds=seconds), style="dim")
        if not report.ok:
            out.print(
                _("请勿继续使用被改动的数据，报告负责人并保留数据库文件和备份"), style="bold red"
            )
    if not report.ok:
        raise typer.Exit(1)


app.add_typer(audit_app, name="audit")
