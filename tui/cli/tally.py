"""``desk tally``: the day's figures and its close from the command line.

``desk tally show [--date D] [--desk X] [--json]`` — the day view (a lead's): dossiers, money by
method, by track and level, by cashier and desk, voids and refunds, the receipt numbers and
their gap check, the close's state.
``desk tally close [--date D] [--desk X] --cash 100x3,50x1,… [--card A] [--qr A] [--transfer A]
[--note N]`` — begins the close when it is not begun, records the blind count and, for a lead,
confirms it (a difference needs ``--note``); then prints the Z report and, with ``--xlsx F``,
writes it. ``desk tally begin`` and ``desk tally cancel --reason R`` do one step each;
``desk tally export F.xlsx`` and ``desk tally print`` give the Z report of any day.
Without ``--desk`` a lead works on the whole office and anyone else on their own desk.
Imported by tui.cli; never imports Textual."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

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

tally_app = typer.Typer(
    help=_("日结：当日报表、开始日结、现金清点、负责人确认、日结报表（Z 报表）")
)

DateOpt = Annotated[
    str | None, typer.Option("--date", "-d", help=_("营业日 YYYY-MM-DD（默认今天）"))
]
DeskOpt = Annotated[
    str | None, typer.Option("--desk", help=_("窗口名；负责人不写为全办公室，其他人为本窗口"))
]
_PIECE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(元|角)?\s*[x×*＊:：]\s*(\d+)\s*$")


def parse_day(text: str | None, campaign: Any) -> dt.date:
    from models.errors import InvalidInput
    from models.services.tally import today

    if not text:
        return today(campaign)
    try:
        return dt.date.fromisoformat(unicodedata.normalize("NFKC", text).strip())
    except ValueError:
        raise InvalidInput(
            _("日期“{text}”格式不正确，应为 YYYY-MM-DD，如 2021-09-27").format(text=text),
            code="cli.bad_date",
        ) from None


def parse_pieces(text: str) -> dict[int, int]:
    """``100x3,50x1,0.5x2`` or ``100元×3，5角×2`` → {fen: pieces}."""
    from models.errors import InvalidInput
    from models.services.tally import MAX_PIECES
    from models.text import shorten
    from models.vocab import DENOMINATIONS

    pieces: dict[int, int] = {}
    for part in re.split(r"[,，;；\s]+", unicodedata.normalize("NFKC", text or "").strip()):
        if not part:
            continue
        m = _PIECE.fullmatch(part)
        if m is None:
            raise InvalidInput(
                _("现金清点“{part}”格式不正确：应为 面额x张数，如 100x3,50x1,0.5x2").format(
                    part=shorten(part, 30)
                ),
                code="cli.bad_pieces",
            )
        value, unit, n = m.groups()
        # Decimal, not float: "9"*400 is inf as a float, and round(inf) raises
        fen = Decimal(value) * (10 if unit == "角" else 100) if len(value) <= 12 else Decimal(-1)
        if fen not in DENOMINATIONS:
            raise InvalidInput(
                _("没有 {figure}{unit} 面额：可用 100、50、20、10、5、1 元和 5、1 角").format(
                    figure=shorten(value, 12), unit=unit or _("元")
                ),
                code="cli.bad_denomination",
            )
        if len(n.lstrip("0")) > len(str(MAX_PIECES)):  # before int(): it refuses 4 300+ digits
            raise InvalidInput(
                _("现金清点“{part}”张数过多，请核对").format(part=shorten(part, 30)),
                code="cli.bad_pieces",
            )
        pieces[int(fen)] = pieces.get(int(fen), 0) + int(n)
    return pieces


def _which_desk(actor: Any, desk: str | None) -> str:
    from models.permissions import Action

    if desk is not None:
        return desk
    return "" if actor.can(Action.day_close) else actor.desk  # the lead: the whole office


def view_json(view: Any) -> dict[str, Any]:
    def lines(xs: Any) -> list[dict[str, Any]]:
        return [
            {
                "key": x.key,
                "label": x.label,
                "count": x.count,
                "paid_fen": x.paid_fen,
                "voided_fen": x.voided_fen,
                "refunded_fen": x.refunded_fen,
                "net_fen": x.net_fen,
            }
            for x in xs
        ]

    return {
        "campaign": view.campaign_code,
        "date": view.day.isoformat(),
        "desk": view.desk,
        "visits": view.visits,
        "accepted": view.accepted,
        "returned": view.returned,
        "total": lines([view.total])[0],
        "by_method": lines(view.by_method),
        "by_fee": lines(view.by_fee),
        "by_cashier": lines(view.by_cashier),
        "by_desk": lines(view.by_desk),
        "expected_fen": view.expected(),
        "corrections": [
            {
                "code": c.code,
                "kind": c.kind,
                "original": c.original_code,
                "original_date": c.original_date.isoformat(),
                "fen": c.fen,
                "method": c.method,
                "reason": c.reason,
                "note": c.note,
                "who": c.who,
                "desk": c.desk,
            }
            for c in view.corrections
        ],
        "receipts": {
            "first": view.receipts.first,
            "last": view.receipts.last,
            "count": view.receipts.count,
            "missing": list(view.receipts.missing),
            "follows_on": view.receipts.follows_on,
            "check": view.receipts.gap_text,
        },
        "closes": [
            {"desk": c.desk, "status": c.status, "difference_fen": c.difference_fen, "note": c.note}
            for c in view.closes
        ],
    }


def print_view(view: Any) -> None:
    from models.money import Money
    from models.services.tally import desk_label
    from models.vocab import DayStatus

    out.print(
        _(
            "[b]{day:%Y-%m-%d} {desk} 日结报表[/]  报送 {visits} 次，受理 {accepted} 份，退回补正 {returned} 份"
        ).format(
            day=view.day,
            desk=escape(desk_label(view.desk)),
            visits=view.visits,
            accepted=view.accepted,
            returned=view.returned,
        )
    )
    for title, lines in (
        (_("按缴费方式"), view.by_method),
        (_("按申报类型与级别"), view.by_fee),
        (_("按收费员"), view.by_cashier),
        (_("按窗口"), view.by_desk),
    ):
        if not lines:
            continue
        t = Table(title=title, title_justify="left", pad_edge=False)
        for i, head in enumerate(
            (_("项目"), _("笔数"), _("收费"), _("作废"), _("退费"), _("净额"))
        ):
            t.add_column(head, justify="left" if i == 0 else "right")
        for x in (*lines, view.total):
            t.add_row(
                escape(x.label),
                str(x.count),
                Money(x.paid_fen).grouped(),
                Money(x.voided_fen).grouped(),
                Money(x.refunded_fen).grouped(),
                Money(x.net_fen).grouped(),
            )
        out.print(t)
    for c in view.corrections:
        when = (
            ""
            if c.original_date == view.day
            else _("（原收费日 {original_date:%Y-%m-%d}）").format(original_date=c.original_date)
        )
        out.print(
            _("{kind} {code} ← {original_code}{when} {amount} 元 {reason} {note}").format(
                kind=_("作废") if c.kind == "void" else _("退费"),
                code=c.code,
                original_code=c.original_code,
                when=when,
                amount=Money(c.fen).figures(),
                reason=escape(c.reason),
                note=escape(c.note),
            )
        )
    out.print(
        _("收据号：{range_text}；断号检查：{gap_text}").format(
            range_text=view.receipts.range_text, gap_text=view.receipts.gap_text
        )
    )
    for c in view.closes:
        out.print(
            _("日结：{desk} {label}").format(
                desk=escape(desk_label(c.desk)), label=DayStatus(c.status).label
            )
            + (
                _("，差额 {difference} 元").format(difference=Money(c.difference_fen).figures())
                if c.difference_fen
                else ""
            )
            + (_("，说明：{note}").format(note=escape(c.note)) if c.note else "")
        )


@tally_app.command("show")
@handle_errors
def show_cmd(
    date: DateOpt = None,
    desk: DeskOpt = None,
    campaign: CampaignOpt = None,
    as_json: JsonOpt = False,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """当日报表（负责人）：受理、收费、作废退费、收据号断号检查、日结状态。"""
    from models.db import session_scope
    from models.services.tally import day_view

    dctx = open_context(config, db)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "tally.view")
        c = campaign_of(session, campaign, dctx.config.campaign)
        view = day_view(session, actor, c, parse_day(date, c), desk=desk or "")
    if as_json:
        out.print(json.dumps(view_json(view), ensure_ascii=False, indent=2))
    else:
        print_view(view)


@tally_app.command("begin")
@handle_errors
def begin_cmd(
    date: DateOpt = None,
    desk: DeskOpt = None,
    campaign: CampaignOpt = None,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """开始日结：本窗口（负责人不写 --desk 时为全办公室）停止收费，等待现金清点。"""
    from models.db import session_scope
    from models.services.tally import begin_close, desk_label

    dctx = open_context(config, db)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "day.begin")
        c = campaign_of(session, campaign, dctx.config.campaign)
        day, where = parse_day(date, c), _which_desk(actor, desk)
        begin_close(session, actor, c, day, desk=where)
    out.print(
        _("已开始 {day:%Y-%m-%d} {desk}日结：停止收费，请清点现金").format(
            day=day, desk=desk_label(where)
        )
    )


@tally_app.command("cancel")
@handle_errors
def cancel_cmd(
    reason: Annotated[str, typer.Option("--reason", help=_("取消原因（必填）"))],
    date: DateOpt = None,
    desk: DeskOpt = None,
    campaign: CampaignOpt = None,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """取消尚未确认的日结（负责人）：该窗口恢复收费。"""
    from models.db import session_scope
    from models.services.tally import cancel_close, desk_label

    dctx = open_context(config, db)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "day.cancel")
        c = campaign_of(session, campaign, dctx.config.campaign)
        day, where = parse_day(date, c), _which_desk(actor, desk)
        cancel_close(session, actor, c, day, desk=where, reason=reason)
    out.print(
        _("已取消 {day:%Y-%m-%d} {desk}日结，恢复收费").format(day=day, desk=desk_label(where))
    )


@tally_app.command("close")
@handle_errors
def close_cmd(
    cash: Annotated[
        str,
        typer.Option("--cash", help=_("现金清点：面额x张数，如 100x3,50x1,5角x2；没有现金写 0")),
    ],
    card: Annotated[str, typer.Option("--card", help=_("POS 结算单金额（元）"))] = "",
    qr: Annotated[str, typer.Option("--qr", help=_("扫码收款合计（元）"))] = "",
    transfer: Annotated[str, typer.Option("--transfer", help=_("银行转账合计（元）"))] = "",
    note: Annotated[str, typer.Option("--note", help=_("差额说明（有差额时必填）"))] = "",
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help=_("同时导出日结报表 xlsx"))] = None,
    print_report: Annotated[
        bool, typer.Option("--print/--no-print", help=_("打印日结报表"))
    ] = True,
    date: DateOpt = None,
    desk: DeskOpt = None,
    campaign: CampaignOpt = None,
    as_json: JsonOpt = False,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """日结：开始（如未开始）→ 录入现金清点（盲点）→ 负责人确认锁定当日；打印日结报表。"""
    from models.db import session_scope
    from models.errors import DomainError
    from models.files import check_writable
    from models.money import Money
    from models.permissions import Action
    from models.services.tally import (
        begin_close,
        confirm_close,
        desk_label,
        find_close,
        parse_count,
        record_count,
    )
    from tui.work.backups import backup_after_close

    if xlsx is not None:
        check_writable(xlsx)  # refused before anything is recorded, not after the close
    count = parse_count(
        parse_pieces(cash) if cash.strip() != "0" else {},
        {"card": card, "qr": qr, "transfer": transfer},
    )
    dctx = open_context(config, db)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, ("day.count", "day.close"))
        c = campaign_of(session, campaign, dctx.config.campaign)
        code, day, where = c.code, parse_day(date, c), _which_desk(actor, desk)
        if find_close(session, c, day, where) is None:
            begin_close(session, actor, c, day, desk=where)
        result = record_count(session, actor, c, day, desk=where, count=count, note=note)
        differences = result.differences
    shown = "；".join(
        _("{m} {sign}{amount} 元").format(m=m, sign="+" if d > 0 else "", amount=Money(d).figures())
        for m, d in differences.items()
    ) or _("无差额")
    report: dict[str, Any] = {
        "date": day.isoformat(),
        "desk": where,
        "differences": differences,
        "counted_fen": result.counted,
        "expected_fen": result.expected,
    }
    if not actor.can(Action.day_close):
        report["status"] = "counted"
        _say(
            as_json,
            report,
            _("{day:%Y-%m-%d} {desk}现金已清点（{shown}），待负责人确认日结").format(
                day=day, desk=desk_label(where), shown=shown
            ),
        )
        return
    try:
        with session_scope(dctx.engine) as session:
            from models.services.campaigns import get_campaign

            c = get_campaign(session, code)
            confirm_close(session, actor, c, day, desk=where, note=note)
    except DomainError as exc:
        err.print(
            _("[red]未能确认日结[/]：{message}（清点已记录，可用 --note 说明后重新执行）").format(
                message=escape(exc.message)
            )
        )
        raise typer.Exit(1) from None
    report["status"] = "closed"
    saved = backup_after_close(
        dctx.engine, dctx.config, actor, campaign_code=code, campaign_id=c.id, day=day
    )
    report["backup"] = saved.as_json()
    _say(
        as_json,
        report,
        _("{day:%Y-%m-%d} {desk}已日结并锁定（{shown}）").format(
            day=day, desk=desk_label(where), shown=shown
        ),
    )
    if not as_json:
        (out if saved.ok else err).print(saved.text, markup=False)
    _z_report(
        dctx,
        user_actor=actor,
        code=code,
        day=day,
        desk=where,
        xlsx=xlsx,
        print_report=print_report,
        quiet=as_json,
    )


def _say(as_json: bool, report: dict[str, Any], text: str) -> None:
    if as_json:
        out.print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        out.print(text)


def _z_report(
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


@tally_app.command("export")
@handle_errors
def export_cmd(
    path: Annotated[Path, typer.Argument(help=_("导出的 xlsx 文件"))],
    date: DateOpt = None,
    desk: DeskOpt = None,
    campaign: CampaignOpt = None,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """导出某日的日结报表（xlsx）。"""
    _report_cmd(
        path=path,
        print_report=False,
        date=date,
        desk=desk,
        campaign=campaign,
        user=user,
        config=config,
        db=db,
    )


@tally_app.command("print")
@handle_errors
def print_cmd(
    date: DateOpt = None,
    desk: DeskOpt = None,
    campaign: CampaignOpt = None,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """在收据打印机上打印某日的日结报表。"""
    _report_cmd(
        path=None,
        print_report=True,
        date=date,
        desk=desk,
        campaign=campaign,
        user=user,
        config=config,
        db=db,
    )


def _report_cmd(
    *,
    path: Path | None,
    print_report: bool,
    date: str | None,
    desk: str | None,
    campaign: str | None,
    user: str | None,
    config: Path | None,
    db: str | None,
) -> None:
    from models.db import session_scope
    from models.files import check_writable
    from models.permissions import Action, require

    if path is not None:
        check_writable(path)
    dctx = open_context(config, db)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "tally.view")
        require(actor, Action.tally_view)
        c = campaign_of(session, campaign, dctx.config.campaign)
        code, day = c.code, parse_day(date, c)
    _z_report(
        dctx,
        user_actor=actor,
        code=code,
        day=day,
        desk=desk or "",
        xlsx=path,
        print_report=print_report,
    )


app.add_typer(tally_app, name="tally")
