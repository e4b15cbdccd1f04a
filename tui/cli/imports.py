"""``desk import online``. Imported by tui.cli; never imports Textual."""

from __future__ import annotations

import json
import sys
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
    err,
    handle_errors,
    open_context,
    out,
)

import_app = typer.Typer(help=_("导入：网上通过形式审核名单"))

REASONS_SHOWN = 20


@import_app.command("online")
@handle_errors
def import_online_cmd(
    file: Annotated[
        Path, typer.Argument(help=_("平台导出的名单：.xlsx .xls .csv .tsv（UTF-8 或 GBK/GB18030）"))
    ],
    campaign: Annotated[str, typer.Option("--campaign", "-c", help=_("评审批次代码"))],
    dry_run: Annotated[bool, typer.Option("--dry-run", help=_("只检查，不写入数据库"))] = False,
    report: Annotated[
        Path | None,
        typer.Option("--report", help=_("未导入行的报告（xlsx）；默认写在名单文件旁边")),
    ] = None,
    as_json: JsonOpt = False,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """导入网上通过形式审核名单。

    每一行都有去向（新增、更新、未变、未导入及原因）。"""
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from models.db import session_scope
    from models.services.online_import import import_online, save_report

    dctx = open_context(config, db)
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not sys.stderr.isatty(),
    )
    with progress:
        task = progress.add_task(_("读取文件"), total=None)

        def on_progress(phase: str, done: int, total: int) -> None:
            progress.update(task, description=phase, completed=done, total=total)

        with session_scope(dctx.engine) as session:
            actor = acting(session, user, dctx.config.desk, "online.import")
            summary = import_online(
                session, actor, campaign, file, dry_run=dry_run, progress=on_progress
            )
    # the rows are committed: whatever happens to the report, the summary is printed
    place = (
        save_report(summary, file, report)
        if summary.rejected or summary.ignored or summary.flagged
        else None
    )
    data: dict[str, Any] = summary.to_json()
    data["report"] = str(place.path) if place and place.path else None
    data["report_problem"] = place.problem if place else ""
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        _report_lost(place)
        return
    c = summary.counts()
    head = _("检查完毕（--dry-run，未写入）") if dry_run else _("导入完成")
    out.print(
        _("{head}：{name}，表头在第 {header_line} 行，数据 {c} 行").format(
            head=head, name=file.name, header_line=summary.header_line, c=c["data_rows"]
        )
    )
    out.print(
        _("  新增 {c} · 更新 {c2} · 未变 {c3} · 未导入 {c4} · 非数据行 {c5}").format(
            c=c["inserted"], c2=c["updated"], c3=c["unchanged"], c4=c["rejected"], c5=c["ignored"]
        )
    )
    not_eligible = (
        _("  其中审核状态不是“通过形式审核”的 {c} 人：将导入，但不能报送纸质材料")
        if dry_run
        else _("  其中审核状态不是“通过形式审核”的 {c} 人：已导入，但不能报送纸质材料")
    )
    out.print(not_eligible.format(c=c["not_eligible"]))
    for w in summary.warnings:
        out.print(_("  注意：{w}").format(w=w))
    if summary.imported_before:
        out.print(
            _("  注意：同一文件已于 {imported_before} 导入过").format(
                imported_before=summary.imported_before
            )
        )
    if summary.unused_columns:
        out.print(_("  未使用的列：{columns}").format(columns="、".join(summary.unused_columns)))
    for f in summary.flagged:
        out.print(
            _(
                "  ！{name}（{dossier_code}）纸质材料已受理，网上状态已变为“{new_status}”：请负责人核实"
            ).format(name=f.name, dossier_code=f.dossier_code, new_status=f.new_status)
        )
    for r in summary.rejected[:REASONS_SHOWN]:
        out.print(
            _("  第 {line} 行 {name}：{reason}").format(line=r.line, name=r.name, reason=r.reason)
        )
    if len(summary.rejected) > REASONS_SHOWN:
        out.print(_("  ……共 {count} 行未导入").format(count=len(summary.rejected)))
    if place is not None and place.path is not None:
        out.print(_("  报告：{report_path}").format(report_path=place.path))
        if place.moved:
            out.print(
                _("  （{problem}，报告已改写到受理台数据文件夹）").format(problem=place.problem)
            )
    _report_lost(place)


def _report_lost(place: Any) -> None:
    """A report that could be written nowhere: said after the summary, exit status 1."""
    if place is None or place.path is not None:
        return
    err.print(
        _(
            "[red]未导入行的报告未能写入[/]（{problem}）：导入结果以上面的汇总为准；可用 --report 指定可写入的位置，加 --dry-run 再运行一次生成报告"
        ).format(problem=escape(place.problem))
    )
    raise typer.Exit(1)


@handle_errors
def reconcile_cmd(
    campaign: Annotated[str, typer.Option("--campaign", "-c", help=_("评审批次代码"))],
    export: Annotated[
        Path | None, typer.Option("--export", help=_("导出 xlsx（Excel、WPS 均可打开）"))
    ] = None,
    as_json: JsonOpt = False,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """纸质与网上核对。

    通过形式审核但未报送纸质材料的（按县市、单位），退回补正、已受理未缴费、已缴费、受理后网上有变化、窗口拒收；按系列专业级别计数。负责人使用，每次查看记入审计。"""
    from rich.table import Table

    from models.db import session_scope
    from models.services.reconcile import reconcile

    if export is not None and export.suffix.lower() != ".xlsx":
        from models.errors import InvalidInput

        raise InvalidInput(
            _("--export 应为 .xlsx 文件（CSV 在 WPS 中常出现乱码和科学计数法）"),
            code="export.bad_type",
        )
    if export is not None:
        from models.files import check_writable

        check_writable(export)
    dctx = open_context(config, db)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "online.reconcile")
        r = reconcile(session, actor, campaign, export=export)
    if as_json:
        data = r.to_json()
        data["export"] = str(export) if export else None
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    c = r.counts()
    out.print(f"{r.campaign_title}（{r.campaign_code}）")
    out.print(
        _(
            "网上名单 {c} 人，通过形式审核 {c2} 人；已缴费 {c3} · 已受理未缴费 {c4} · 退回补正 {c5} · 未报送纸质材料 {c6}"
        ).format(
            c=c["online_total"],
            c2=c["online_approved"],
            c3=c["paid"],
            c4=c["accepted_unpaid"],
            c5=c["returned"],
            c6=c["no_paper"],
        )
    )
    if c["changed_after_acceptance"]:
        out.print(_("受理后网上信息有变化 {c} 人：").format(c=c["changed_after_acceptance"]))
        for p in r.changed_after_acceptance:
            out.print(
                _("  {dossier_code} {name}（{note}），网上状态：{online_status}").format(
                    dossier_code=p.dossier_code,
                    name=p.name,
                    note=p.note,
                    online_status=p.online_status,
                )
            )
    if c["refused"]:
        out.print(_("窗口拒收 {c} 次").format(c=c["refused"]))
    if r.no_paper:
        out.print(_("通过形式审核但未报送纸质材料（按县市、单位）："))
        for county, units in r.no_paper_by_place().items():
            for unit, people in units.items():
                out.print(
                    _("  {county} · {unit}（{count} 人）").format(
                        county=county, unit=unit, count=len(people)
                    )
                )
                for p in people:
                    out.print(f"      {p.name}  {p.phone}  {_(p.level)}".rstrip())
    table = Table(title=_("按系列、专业、级别"))
    for h in (
        _("系列"),
        _("专业"),
        _("级别"),
        _("网上"),
        _("通过"),
        _("已受理"),
        _("退回"),
        _("已缴费"),
    ):
        table.add_column(h, overflow="fold")
    for g in r.by_group:
        table.add_row(
            g["series"],
            g["specialty"],
            g["level"],
            str(g["online"]),
            str(g["approved"]),
            str(g["accepted"]),
            str(g["returned"]),
            str(g["paid"]),
        )
    out.print(table)
    if export:
        out.print(_("已导出：{export}").format(export=export))


app.add_typer(import_app, name="import")
app.command("reconcile")(reconcile_cmd)
