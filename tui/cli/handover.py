"""``desk roster``: the handover roster (移交花名册) and the handover to the review committee.

``desk roster show --user U [--all] [--json]`` lists the accepted, paid dossiers grouped by
series, specialty and level with who must defend, and the accepted dossiers left out (unpaid).
``desk roster export FILE.xlsx|FILE.html --user U [--all]`` writes the roster as a workbook or
a printable A4 page. ``desk roster handover --receiver NAME [--dossier CODE ...] [--note N]
--user LEAD --yes`` records the handover (every eligible dossier, or the ones given) and prints
the handover slip (移交单); the dossiers are read-only afterwards. ``desk roster handovers``
lists the handovers; ``desk roster slip N`` prints handover N's slip again. Imported by tui.cli;
never imports Textual."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

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
from tui.cli.handover_json import roster_json

roster_app = typer.Typer(help=_("移交花名册：列出、导出已缴费的档案，向评审委员会移交"))

AllOpt = Annotated[bool, typer.Option("--all", help=_("连同已移交的档案（注明第几次移交）"))]


def _load(
    user: str | None,
    campaign: str | None,
    config: Path | None,
    db: str | None,
    include_all: bool,
    full_ids: bool = False,
) -> Any:
    from models.db import session_scope
    from models.services.handover import roster

    dctx = open_context(config, db, readonly=True)
    with session_scope(dctx.engine, readonly=True) as session:
        actor = acting(session, user, dctx.config.desk, ("tally.view", "dossier.handover"))
        c = campaign_of(session, campaign, dctx.config.campaign)
        return roster(session, actor, c, include_handed_over=include_all, full_ids=full_ids)


@roster_app.command("show")
@handle_errors
def show_cmd(
    include_all: AllOpt = False,
    campaign: CampaignOpt = None,
    as_json: JsonOpt = False,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """显示移交花名册（负责人）。

    已受理且已缴费的档案，按系列、专业、级别分组，注明是否答辩。"""
    from printers.roster import defence_notes, group_title, summary_text

    r = _load(user, campaign, config, db, include_all)
    if as_json:
        sys.stdout.write(json.dumps(roster_json(r), ensure_ascii=False, indent=2) + "\n")
        return
    out.print(
        _("{title} 移交花名册（{scope}）").format(
            title=r.title, scope=_("全部") if include_all else _("待移交")
        )
    )
    n = 0
    for g in r.groups:
        out.print(f"【{group_title(g)}】")
        for x in g.lines:
            n += 1
            done = (
                _("  已第 {handover_no} 次移交").format(handover_no=x.handover_no)
                if x.handover_no
                else ""
            )
            out.print(
                f"  {n:>3} {x.dossier_code} {x.name} {x.id_masked} {x.unit} "
                f"{_(x.track)}{_(x.level)} {x.receipt_code} {x.defence_text}{done}"
            )
    if not r.groups:
        out.print(_("没有可移交的档案（已受理且已缴费）。"))
    out.print(_("合计：{summary}").format(summary=summary_text(r)))
    if r.left_out:
        out.print(
            _("已受理但未列入（{count} 份）：").format(count=len(r.left_out))
            + "；".join(f"{x.dossier_code} {x.name} {x.reason}" for x in r.left_out)
        )
    for line in defence_notes(r):
        out.print(line)


@roster_app.command("export")
@handle_errors
def export_cmd(
    file: Annotated[Path, typer.Argument(help=_("导出文件：.xlsx（表格）或 .html（A4 打印页）"))],
    include_all: AllOpt = False,
    campaign: CampaignOpt = None,
    full_ids: Annotated[
        bool,
        typer.Option("--full-id", help=_("身份证号完整列出（交评委会的名册；仅负责人，记入审计）")),
    ] = False,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """导出移交花名册（负责人）。

    xlsx 表格或可打印的 A4 网页，每份档案附受理编号条码。身份证号默认只显示前 6 位和后 4 位；--full-id 完整列出，每次导出记入审计。"""
    from models.errors import InvalidInput
    from printers.roster import roster_xlsx, summary_text, write_roster_html

    suffix = file.suffix.lower()
    if suffix not in (".xlsx", ".html", ".htm"):
        raise InvalidInput(
            _("“{name}”：只能导出为 .xlsx 或 .html 文件").format(name=file.name),
            code="roster.bad_format",
        )
    from models.files import check_writable

    check_writable(file)  # before the roster is read (and a full-ID export audited)
    r = _load(user, campaign, config, db, include_all, full_ids)
    if suffix == ".xlsx":
        roster_xlsx(file, r)
    else:
        write_roster_html(file, r)
    out.print(_("已导出移交花名册 {file}：{summary}").format(file=file, summary=summary_text(r)))
    if full_ids:
        out.print(_("此名册含完整身份证号：请妥善保管，交接后勿留存副本（本次导出已记入审计）"))
    if r.left_out:
        out.print(
            _("另有 {count} 份已受理的档案未列入（未缴费等），见文件末尾").format(
                count=len(r.left_out)
            )
        )


def _print_slip(dctx: Any, actor: Any, campaign_id: int, data: Any) -> str | None:
    """Queue and send the handover slip; returns why it did not print, or None."""
    from models.db import session_scope
    from printers.errors import PrinterError
    from printers.roster import handover_slip
    from tui.work.printing import DeskPrinters, queue_document, send_job

    printers = DeskPrinters.from_config(dctx.config)
    try:
        with session_scope(dctx.engine) as session:
            job = queue_document(
                session, actor, printers, handover_slip(data), "receipt", campaign_id=campaign_id
            )
            job_id = job.id or 0
    except PrinterError as exc:
        return exc.message
    job = send_job(dctx.engine, printers, job_id)
    return None if job.status == "sent" else (job.error or _("打印失败"))


@roster_app.command("handover")
@handle_errors
def handover_cmd(
    receiver: Annotated[str, typer.Option("--receiver", help=_("接收人：评审委员会签收人的姓名"))],
    dossier: Annotated[
        list[str] | None,
        typer.Option(
            "--dossier",
            "-d",
            help=_("只移交这些受理编号（可重复）；不给则移交全部已缴费、未移交的档案"),
        ),
    ] = None,
    note: Annotated[str, typer.Option("--note", help=_("说明（记入移交记录）"))] = "",
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help=_("确认移交（移交后档案不能再更改）"))
    ] = False,
    print_slip: Annotated[bool, typer.Option("--print/--no-print", help=_("打印移交单"))] = True,
    campaign: CampaignOpt = None,
    as_json: JsonOpt = False,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """向评审委员会移交档案（负责人）。

    记录移交人、接收人、时间和份数，打印移交单；移交后档案只读。"""
    from models.db import session_scope
    from models.errors import InvalidInput
    from models.services.handover import hand_over
    from tui.work.dossier_papers import handover_slip_data

    if not yes:  # asked before the transaction: nobody waits on the database meanwhile
        if not sys.stdin.isatty():
            raise InvalidInput(_("移交后档案不能再更改：请加 --yes 确认移交"), code="cli.confirm")
        what = (
            _("{count} 份指定档案").format(count=len(dossier))
            if dossier
            else _("全部已缴费、未移交的档案")
        )
        if not typer.confirm(
            _("将{what}移交给 {receiver}，移交后不能再更改。确认移交？").format(
                what=what, receiver=receiver.strip()
            )
        ):
            raise typer.Abort()
    dctx = open_context(config, db)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "dossier.handover")
        c = campaign_of(session, campaign, dctx.config.campaign)
        h = hand_over(
            session, actor, c, receiver=receiver, dossier_codes=dossier or None, note=note
        )
        data = handover_slip_data(session, actor, c, h)
        campaign_id = c.id
    problem = _print_slip(dctx, actor, campaign_id, data) if print_slip else None
    if as_json:
        sys.stdout.write(
            json.dumps(
                {
                    "handover_no": h.handover_no,
                    "receiver": h.receiver,
                    "count": h.dossier_count,
                    "dossiers": h.dossier_codes,
                    "handed_at": h.handed_at.isoformat(),
                    "note": h.note,
                    "print_error": problem,
                },
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
    else:
        out.print(
            _("已完成第 {handover_no} 次移交：{dossier_count} 份，接收人 {receiver}").format(
                handover_no=h.handover_no, dossier_count=h.dossier_count, receiver=h.receiver
            )
        )
        out.print(_("受理编号：") + "、".join(h.dossier_codes))
    if problem:
        err.print(
            _(
                "[red]移交单打印失败[/]：{problem}；移交已记录，可用 desk roster slip {handover_no} 重新打印"
            ).format(problem=escape(problem), handover_no=h.handover_no)
        )


@roster_app.command("handovers")
@handle_errors
def handovers_cmd(
    campaign: CampaignOpt = None,
    as_json: JsonOpt = False,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """列出本批次的移交记录（负责人）。

    第几次、时间、移交人、接收人、份数。"""
    from models.db import session_scope
    from models.services.handover import handovers
    from models.services.users import shown_name

    dctx = open_context(config, db, readonly=True)
    with session_scope(dctx.engine, readonly=True) as session:
        actor = acting(session, user, dctx.config.desk, "dossier.handover")
        c = campaign_of(session, campaign, dctx.config.campaign)
        rows = [(h, shown_name(session, h.handed_by_id)) for h in handovers(session, actor, c)]
    if as_json:
        sys.stdout.write(
            json.dumps(
                [
                    {
                        "handover_no": h.handover_no,
                        "handed_at": h.handed_at.isoformat(),
                        "handed_by": who,
                        "receiver": h.receiver,
                        "count": h.dossier_count,
                        "dossiers": h.dossier_codes,
                        "note": h.note,
                    }
                    for h, who in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
            + "\n"
        )
        return
    for h, who in rows:
        out.print(
            _(
                "第 {handover_no} 次  {handed_at:%Y-%m-%d %H:%M}  移交人 {who}  接收人 {receiver}  {dossier_count} 份{note}"
            ).format(
                handover_no=h.handover_no,
                handed_at=h.handed_at.astimezone(c.zone),
                who=who,
                receiver=h.receiver,
                dossier_count=h.dossier_count,
                note="  " + h.note if h.note else "",
            )
        )
    out.print(
        _("共 {count} 次移交，{dossiers} 份").format(
            count=len(rows), dossiers=sum(h.dossier_count for h, _names in rows)
        )
    )


@roster_app.command("slip")
@handle_errors
def slip_cmd(
    number: Annotated[int, typer.Argument(help=_("第几次移交"))],
    preview: Annotated[
        bool, typer.Option("--preview", help=_("只显示移交单的文字预览，不打印"))
    ] = False,
    campaign: CampaignOpt = None,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """重新打印某次移交的移交单（负责人）。"""
    from models.db import session_scope
    from models.errors import NotFound
    from models.services.handover import handovers
    from printers.document import layout
    from printers.preview import render_text
    from printers.roster import handover_slip
    from tui.work.dossier_papers import handover_slip_data

    dctx = open_context(config, db, readonly=True)
    with session_scope(dctx.engine, readonly=True) as session:
        actor = acting(session, user, dctx.config.desk, "dossier.handover")
        c = campaign_of(session, campaign, dctx.config.campaign)
        found = [h for h in handovers(session, actor, c) if h.handover_no == number]
        if not found:
            raise NotFound(
                _("本批次没有第 {number} 次移交").format(number=number), code="handover.not_found"
            )
        data = handover_slip_data(session, actor, c, found[0])
        campaign_id = c.id
    if preview:
        out.print(render_text(layout(handover_slip(data), 80)))
        return
    problem = _print_slip(dctx, actor, campaign_id, data)
    if problem:
        err.print(_("[red]移交单打印失败[/]：{problem}").format(problem=escape(problem)))
        raise typer.Exit(1)
    out.print(_("已打印第 {number} 次移交的移交单").format(number=number))


app.add_typer(roster_app, name="roster")
