"""``desk bank``: import the office's bank statement and list what the matcher says.

``desk bank import FILE --user U [--campaign C] [--json]`` stores the statement (each line once;
bad rows reported with their line numbers). ``desk bank list --user U [--statement N]
[--unmatched] [--json]`` lists every credit line with its status and candidates, and the
accepted dossiers still unpaid. Confirming a line is done at the fee desk (the TUI), one line at
a time. Imported by tui.cli; never imports Textual."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from models.i18n import _
from tui.cli.common import (
    CampaignOpt,
    ConfigOpt,
    DbOpt,
    JsonOpt,
    UserOpt,
    acting,
    app,
    campaign_of,
    err,
    handle_errors,
    open_context,
    out,
)
from tui.cli.json_out import print_json

bank_app = typer.Typer(help=_("银行转账对账：导入银行流水，查看匹配建议、未匹配流水和未缴费档案"))

REASONS_SHOWN = 20


@bank_app.command("import")
@handle_errors
def import_cmd(
    file: Annotated[
        Path, typer.Argument(help=_("银行导出的流水：.xlsx .xls .csv（UTF-8 或 GBK/GB18030）"))
    ],
    campaign: CampaignOpt = None,
    as_json: JsonOpt = False,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """导入银行流水（收费员、负责人）。

    同一文件只导入一次，已导入过的流水行不重复保存。"""
    from models.db import session_scope
    from models.services.bank import import_statement

    dctx = open_context(config, db)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "bank.match")
        c = campaign_of(session, campaign, dctx.config.campaign)
        summary = import_statement(session, actor, c, file)
    if as_json:
        print_json(summary.to_json())
        return
    out.print(
        _(
            "已导入 {filename}（第 {statement_id} 号流水，表头在第 {header_line} 行{account}）："
        ).format(
            filename=summary.filename,
            statement_id=summary.statement_id,
            header_line=summary.header_line,
            account=_("，账号 ") + summary.account if summary.account else "",
        )
    )
    out.print(
        _(
            "  收入 {credits} 笔，合计 {credit_total} 元；支出 {debits} 笔；此前已导入 {count} 笔；未导入 {count2} 行"
        ).format(
            credits=summary.credits,
            credit_total=summary.credit_total.grouped(),
            debits=summary.debits,
            count=len(summary.known),
            count2=len(summary.skipped),
        )
    )
    for w in summary.warnings:
        err.print(_("[yellow]提示[/]：{w}").format(w=escape(w)))
    for s in summary.skipped[:REASONS_SHOWN]:
        err.print(_("  第 {line} 行：{reason}").format(line=s.line, reason=escape(s.reason)))
    if len(summary.skipped) > REASONS_SHOWN:
        err.print(
            _("  …… 另有 {more} 行未导入（用 --json 查看全部）").format(
                more=len(summary.skipped) - REASONS_SHOWN
            )
        )


@bank_app.command("list")
@handle_errors
def list_cmd(
    statement: Annotated[int | None, typer.Option("--statement", help=_("只看第 N 号流水"))] = None,
    unmatched: Annotated[
        bool, typer.Option("--unmatched", help=_("只列未确认、未剔除的流水"))
    ] = False,
    campaign: CampaignOpt = None,
    as_json: JsonOpt = False,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """列出银行流水的匹配建议（收费员、负责人）。

    以及已受理未缴费的档案。"""
    from models.db import session_scope
    from models.services.bank import proposals, unpaid_dossiers

    dctx = open_context(config, db, readonly=True)
    with session_scope(dctx.engine, readonly=True) as session:
        actor = acting(session, user, dctx.config.desk, "bank.match")
        c = campaign_of(session, campaign, dctx.config.campaign)
        lines = proposals(session, actor, c, statement)  # IDs in memos masked but for a lead
        unpaid = unpaid_dossiers(session, actor, c)
    if unmatched:
        lines = [p for p in lines if p.status.value not in ("confirmed", "dismissed")]
    if as_json:
        data = {
            "lines": [
                {
                    "line_id": p.line_id,
                    "statement_id": p.statement_id,
                    "line_no": p.line_no,
                    "date": p.txn_date.isoformat(),
                    "amount_fen": p.amount.fen,
                    "payer": p.payer_name,
                    "memo": p.memo,
                    "serial": p.serial,
                    "status": p.status.value,
                    "evidence": p.evidence,
                    "weak": p.weak,
                    "dossier_id": p.dossier_id,
                    "receipt": p.receipt_code,
                    "note": p.note,
                    "candidates": [
                        {
                            "dossier_id": k.dossier_id,
                            "dossier": k.dossier_code,
                            "name": k.name,
                            "id": k.id_masked,
                            "fee_fen": k.fee.fen if k.fee else None,
                            "difference_fen": k.difference.fen if k.difference else None,
                            "evidence": list(k.evidence),
                            "paid_receipt": k.paid_receipt,
                        }
                        for k in p.candidates
                    ],
                }
                for p in lines
            ],
            "unpaid": [
                {
                    "dossier_id": q.dossier_id,
                    "dossier": q.dossier_code,
                    "name": q.name,
                    "track": q.track,
                    "level": q.level,
                    "unit": q.unit,
                }
                for q in unpaid
            ],
        }
        print_json(data)
        return
    for p in lines:
        not_yet = _("未受理")
        who = "、".join(f"{k.name}（{k.dossier_code or not_yet}）" for k in p.candidates)
        out.print(
            f"{p.statement_id}-{p.line_no:<4} {p.txn_date:%m-%d} {p.amount.grouped():>10} "
            f"{p.payer_name} | {p.memo} | {p.status.label}"
            f"{'（' + _(p.evidence) + '）' if p.evidence else ''}"
            f"{' → ' + who if who else ''}{' ' + p.receipt_code if p.receipt_code else ''}"
            f"{'；' + p.note if p.note else ''}"
        )
    out.print(
        _("共 {count} 笔流水；已受理未缴费的档案 {count2} 份").format(
            count=len(lines), count2=len(unpaid)
        )
        + ("：" + "、".join(f"{q.dossier_code} {q.name}" for q in unpaid[:30]) if unpaid else "")
    )


app.add_typer(bank_app, name="bank")
