"""``desk pay``: take a review fee from the command line, for batch work and recovery.

One dossier: ``desk pay ZJ21S00042 --method cash [--tendered 400] [--reference R] [--json]``.
A batch: ``desk pay --batch FILE`` — one dossier per line (xlsx, csv in UTF-8 or GB18030):
受理编号, 收款方式, 流水号 (a header row is optional). Every payment is its own transaction with
an idempotency key made from the line, so running the same file again after an interruption
pays nothing twice: the lines already paid report their receipt numbers again."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from models.i18n import _
from tui.cli.common import (
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

HEADER_WORDS = {
    "受理编号",
    "档案号",
    "dossier",
    "dossier_no",
    "收款方式",
    "方式",
    "method",
}  # a file's header (data)


def _batch_lines(path: Path) -> list[tuple[int, str, str, str]]:
    """(line no., dossier no., method, reference) for every non-blank line of the file."""
    from models.errors import InvalidInput
    from models.tabular import read_table

    lines = []
    for i, row in enumerate(read_table(path).rows, start=1):
        cells = ["" if c is None else str(c).strip() for c in row]
        if not any(cells):
            continue
        if i == 1 and cells[0] in HEADER_WORDS:
            continue
        if len(cells) < 2 or not cells[0] or not cells[1]:
            raise InvalidInput(
                _("{name} 第 {i} 行应为：受理编号, 收款方式[, 流水号]").format(name=path.name, i=i),
                code="pay.bad_line",
                line=i,
            )
        lines.append((i, cells[0], cells[1], cells[2] if len(cells) > 2 else ""))
    if not lines:
        raise InvalidInput(
            _("{name} 中没有要收费的行").format(name=path.name), code="pay.empty_batch"
        )
    return lines


def pay_cmd(
    dossier: Annotated[str | None, typer.Argument(help=_("受理编号（档案袋条码）"))] = None,
    method: Annotated[
        str | None,
        typer.Option("--method", help=_("cash 现金 | transfer 银行转账 | card POS刷卡 | qr 扫码")),
    ] = None,
    reference: Annotated[
        str, typer.Option("--reference", help=_("银行流水号/POS 凭证号/支付单号"))
    ] = "",
    tendered: Annotated[
        str | None, typer.Option("--tendered", help=_("现金实收（元），显示找零"))
    ] = None,
    fiscal: Annotated[str, typer.Option("--fiscal", help=_("财政票据号（如开具）"))] = "",
    batch: Annotated[
        Path | None,
        typer.Option("--batch", help=_("批量收费文件：每行 受理编号, 收款方式, 流水号")),
    ] = None,
    campaign: Annotated[str | None, typer.Option("--campaign", help=_("评审批次代码"))] = None,
    print_receipt: Annotated[
        bool, typer.Option("--print/--no-print", help=_("打印缴费凭证"))
    ] = True,
    override_reason: Annotated[
        str,
        typer.Option(
            "--override-reason",
            help=_(
                "负责人：以通知规定以外的方式收费的原因（如 001 只收银行转账时改收现金），记入审计"
            ),
        ),
    ] = "",
    as_json: JsonOpt = False,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """收取评审费（收费员、负责人）。

    分配收据号，记入审计，打印缴费凭证。"""
    from models.db import retrying, session_scope
    from models.errors import DomainError, InvalidInput
    from models.money import Money
    from models.services.campaigns import get_campaign
    from models.services.payments import find_dossier, line_key, take_payment
    from models.types import utcnow
    from tui.work.printing import DeskPrinters, queue_receipt, send_job

    if (dossier is None) == (batch is None):
        raise InvalidInput(
            _("请给出一个受理编号，或用 --batch 指定批量文件（二者选一）"), code="pay.what"
        )
    if batch is None and not method:
        raise InvalidInput(
            _("请用 --method 指明收款方式：cash、transfer、card 或 qr"), code="pay.no_method"
        )
    if batch is not None and (tendered or reference or fiscal or method):
        raise InvalidInput(
            _("批量收费时收款方式和流水号写在文件每一行中"), code="pay.batch_options"
        )
    money = Money.parse(tendered) if tendered is not None else None
    dctx = open_context(config, db)
    printers = DeskPrinters.from_config(dctx.config)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "payment.take")
        code = campaign_of(session, campaign, dctx.config.campaign).code
    todo: list[tuple[int, str, str, str, Money | None, str]]
    if batch is not None:
        todo = [(n, d, m, r, None, "") for n, d, m, r in _batch_lines(batch)]
        source = hashlib.sha256(batch.read_bytes()).hexdigest()[:12]
    else:
        assert dossier is not None and method is not None
        todo = [(0, dossier, method, reference, money, fiscal)]
        source = ""
    results: list[dict[str, Any]] = []
    failed = 0
    for line, number, how, ref, given, fiscal_no in todo:

        def pay(
            session: Any,
            line: int = line,
            number: str = number,
            how: str = how,
            ref: str = ref,
            given: Money | None = given,
            fiscal_no: str = fiscal_no,
        ) -> tuple[dict[str, Any], list[int]]:
            c = get_campaign(session, code)
            d = find_dossier(session, actor, c, number)
            key = None
            replaces: dict[str, str] = {}
            if batch is not None:  # the same line of the same file is the same payment
                lk = line_key(
                    session, c, d, f"{number.strip().upper()}|{how.strip()}|{ref.strip()}"
                )
                key = lk.key
                if lk.replaces is not None:
                    replaces = {
                        "replaces": lk.replaces.receipt_code,
                        "replaced_because": lk.replaced_because,
                    }
            now = utcnow()
            p = take_payment(
                session,
                actor,
                c,
                d.id or 0,
                method=how,
                reference=ref,
                tendered=given,
                fiscal_receipt_no=fiscal_no,
                idempotency_key=key,
                now=now,
                override_reason=override_reason,
            )
            # the payment its key made earlier (this file's earlier run, or a run going on at the
            # same time that committed first) comes back as it was: not taken now
            again = p.created_at != now
            job_ids = (
                [queue_receipt(session, actor, printers, p)]
                if print_receipt and not _has_job(session, p.id or 0)
                else []
            )
            row = {
                "line": line,
                "dossier": d.dossier_code,
                "receipt": p.receipt_code,
                "amount_fen": p.amount_fen,
                "method": p.method,
                "reference": p.reference,
                "jobs": job_ids,
                "again": again,
                **({} if again else replaces),
            }
            if given is not None:
                row["change_fen"] = given.fen - p.amount_fen
            return row, job_ids

        try:
            # another desk holding the receipt counter: tried again (nothing of a refused try
            # was kept), then one sentence
            row, job_ids = retrying(dctx.engine, pay)
        except DomainError as exc:
            failed += 1
            results.append(
                {"line": line, "dossier": number, "error": exc.message, "code": exc.code}
            )
            continue
        for job_id in job_ids:
            job = send_job(dctx.engine, printers, job_id)
            if job.status != "sent":
                row["print_error"] = job.error
        results.append(row)
    if as_json:
        print_json(
            {
                "source": source,
                "paid": [r for r in results if "receipt" in r],
                "failed": [r for r in results if "error" in r],
            }
        )
    else:
        for r in results:
            where = _("第 {r} 行 ").format(r=r["line"]) if r["line"] else ""
            if "error" in r:
                err.print(f"[red]{escape(where)}{escape(r['dossier'])}：{escape(r['error'])}[/]")
                continue
            change = (
                _("，找零 {r} 元").format(r=Money(r["change_fen"]).figures())
                if "change_fen" in r
                else ""
            )
            done = _("此前已收费") if r["again"] else _("已收费")
            if r.get("replaces"):
                done = _("此前本行的收据 {receipt} {why}，本次重新收费").format(
                    receipt=r["replaces"], why=r["replaced_because"]
                )
            out.print(
                _("{where}{r} {done} {r2} 元，收据号 {r3}{change}").format(
                    where=where,
                    r=r["dossier"],
                    done=done,
                    r2=Money(r["amount_fen"]).figures(),
                    r3=r["receipt"],
                    change=change,
                )
            )
            if r.get("print_error"):
                err.print(
                    _("[red]缴费凭证打印失败[/]：{r}；可用 desk print jobs 查看并重试").format(
                        r=escape(r["print_error"])
                    )
                )
    if failed:
        raise typer.Exit(1)


def _has_job(session: Any, payment_id: int) -> bool:
    from models.services.documents import has_print_job

    return has_print_job(session, payment_id)


app.command("pay")(handle_errors(pay_cmd))
