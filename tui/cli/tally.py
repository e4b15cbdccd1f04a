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
from tui.cli.tally_report import z_report
from tui.cli.tally_text import print_view, view_json

tally_app = typer.Typer(help=_("日结：当日报表、现金清点、负责人确认、日结报表"))

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
    """当日报表（负责人）。

    受理、收费、作废退费、收据号断号检查、日结状态。"""
    from models.db import session_scope
    from models.services.tally import day_view

    dctx = open_context(config, db, readonly=True)
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
    """开始日结：停止收费，等待现金清点。

    本窗口（负责人不写 --desk 时为全办公室）停止收费，等待现金清点。"""
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
    """日结：现金清点，负责人确认并锁定当日。

    开始（如未开始）→ 录入现金清点（盲点）→ 负责人确认锁定当日；打印日结报表。"""
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
        "differences_fen": differences,
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
    z_report(
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

    if path is not None:
        check_writable(path)
    dctx = open_context(config, db, readonly=True)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "tally.view")
        c = campaign_of(session, campaign, dctx.config.campaign)
        code, day = c.code, parse_day(date, c)  # day_view (in z_report) checks tally.view
    z_report(
        dctx,
        user_actor=actor,
        code=code,
        day=day,
        desk=desk or "",
        xlsx=path,
        print_report=print_report,
    )


app.add_typer(tally_app, name="tally")
