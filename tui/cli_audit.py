"""``desk audit verify``: check the hash-chained audit log and every payment against the event
that recorded it. Exit status 0 when all holds, 1 when anything is broken (the first broken
link of the chain is named, and each payment that does not match). Lead or admin; the check
itself is recorded. Imported by tui.cli; never imports Textual."""

from __future__ import annotations

import json
import sys
import time

import typer

from models.i18n import _
from tui.cli import ConfigOpt, DbOpt, JsonOpt, UserOpt, _acting, _context, handle_errors, out

audit_app = typer.Typer(help=_("审计记录：核验哈希链和收费记录"), no_args_is_help=True)


@audit_app.command("verify")
@handle_errors
def verify_cmd(as_json: JsonOpt = False, user: UserOpt = None, config: ConfigOpt = None,
               db: DbOpt = None) -> None:
    """核验审计记录：逐条检查哈希链（每条记录含前一条的哈希），并把每笔收费记录与收取时的审计
    记录比对。全部相符退出码为 0；有断链或被改动的收费记录时列出第一处断链和不符的收据，退出码为 1。"""
    from models.db import session_scope
    from models.services.audit_verify import verify

    dctx = _context(config, db)
    started = time.perf_counter()
    with session_scope(dctx.engine, readonly=True) as session:
        actor = _acting(session, user, dctx.config.desk)
        report = verify(session, actor)
    seconds = time.perf_counter() - started
    if as_json:
        brk = report.chain.first_break
        sys.stdout.write(json.dumps({
            "ok": report.ok, "events": report.chain.events, "lanes": report.chain.lanes,
            "unsealed": report.chain.unsealed,
            "first_break": None if brk is None else {
                "lane": brk.lane, "seq": brk.seq, "event_id": brk.event_id, "action": brk.action,
                "problem": brk.problem, "text": brk.describe()},
            "payments": report.payments,
            "payment_problems": [{"receipt": p.receipt_code, "payment_id": p.payment_id,
                                  "problem": p.problem} for p in report.problems],
            "seconds": round(seconds, 3)}, ensure_ascii=False, indent=2) + "\n")
    else:
        for line in report.lines():
            out.print(line, markup=False, highlight=False)
        out.print(_("用时 {seconds:.2f} 秒").format(seconds=seconds), style="dim")
        if not report.ok:
            out.print(_("请勿继续使用被改动的数据，报告负责人并保留数据库文件和备份"), style="bold red")
    if not report.ok:
        raise typer.Exit(1)
