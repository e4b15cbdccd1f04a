"""``desk campaign``: list, show, load a file, new from a preset, fees and paper windows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from models.i18n import _
from tui.cli.common import (
    ConfigOpt,
    DbOpt,
    JsonOpt,
    NoDatabase,
    PrefixOpt,
    UserOpt,
    acting,
    app,
    handle_errors,
    open_context,
    out,
)

campaign_app = typer.Typer(help=_("评审批次：列出、查看、载入文件、从预设新建、设定收费标准"))
app.add_typer(campaign_app, name="campaign")


@campaign_app.command("list")
@handle_errors
def campaign_list(config: ConfigOpt = None, db: DbOpt = None, as_json: JsonOpt = False) -> None:
    """列出数据库中的评审批次，以及随程序提供的预设。"""
    from models.db import session_scope
    from models.presets import preset_files
    from models.services.campaigns import list_campaigns

    try:
        dctx = open_context(config, db, readonly=True)
    except NoDatabase as exc:  # a fresh machine: the presets, and no database made for them
        rows, missing = [], exc.message
    else:
        with session_scope(dctx.engine, readonly=True) as session:
            rows = [(c.code, c.year, c.title, c.place) for c in list_campaigns(session)]
        missing = ""
    presets = [p.name.removesuffix(".toml") for p in preset_files()]
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "campaigns": [
                        {"code": r[0], "year": r[1], "title": r[2], "place": r[3]} for r in rows
                    ],
                    "presets": presets,
                },
                ensure_ascii=False,
            )
        )
        return
    table = Table(title=_("评审批次"), show_lines=False)
    for col in (_("代码"), _("年度"), _("名称"), _("受理地点")):
        table.add_column(col)
    for r in rows:
        table.add_row(r[0], str(r[1]), r[2], r[3])
    if rows:
        out.print(table)
    elif missing:
        out.print(missing)
    else:
        out.print(_("数据库中还没有评审批次。"))
    out.print(_("可用预设：") + "、".join(presets))
    out.print(Text(_("从预设新建：desk campaign new 代码 --from 000"), style="dim"))


@campaign_app.command("show")
@handle_errors
def campaign_show(
    code: Annotated[str, typer.Argument(help=_("评审批次代码，或预设名（如 000）"))],
    config: ConfigOpt = None,
    db: DbOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """显示一个评审批次。

    受理地点、报送时间、收费标准、材料清单。"""
    from models.db import session_scope
    from models.errors import NotFound
    from tui.work.campaign_view import campaign_summary, render_summary

    try:
        dctx = open_context(config, db, readonly=True)
    except NoDatabase as exc:  # a preset can be shown without one
        summary = _preset_view(code, exc)
    else:
        with session_scope(dctx.engine, readonly=True) as session:
            try:
                summary = campaign_summary(session, code)
            except NotFound:
                summary = _preset_view(code, None)
    if as_json:
        out.print_json(json.dumps(summary.to_json(), ensure_ascii=False))
        return
    render_summary(out, summary)


def _preset_view(code: str, no_database: NoDatabase | None) -> Any:
    """The shipped preset ``code`` as ``desk campaign show`` shows a campaign."""
    from models.campaign_spec import parse_campaign
    from models.errors import NotFound
    from models.services.campaigns import read_preset
    from tui.work.campaign_view import CampaignView

    try:
        filename, text = read_preset(code)
    except NotFound:
        if no_database is not None:
            raise no_database from None
        raise NotFound(
            _("数据库中没有评审批次“{code}”，也没有同名预设").format(code=code),
            code="campaign.not_found",
        ) from None
    return CampaignView.from_spec(parse_campaign(text, filename))


@campaign_app.command("load")
@handle_errors
def campaign_load(
    file: Annotated[Path, typer.Argument(help=_("评审批次文件（TOML，UTF-8）"))],
    prefix: PrefixOpt = None,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """从文件载入一个评审批次（负责人或管理员）。"""
    from models.db import session_scope
    from models.services.campaigns import load_campaign, read_campaign_file

    text = read_campaign_file(file)
    dctx = open_context(config, db)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "campaign.load")
        campaign = load_campaign(session, actor, text, filename=str(file), prefix=prefix)
        out.print(
            _("已载入评审批次 {code}：{title}").format(code=campaign.code, title=campaign.title)
        )


@campaign_app.command("new")
@handle_errors
def campaign_new(
    code: Annotated[str, typer.Argument(help=_("新批次代码，如 bz-vocational-2025"))],
    preset: Annotated[
        str, typer.Option("--from", help=_("预设名或编号（000–003），或 TOML 文件路径"))
    ],
    prefix: PrefixOpt = None,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """从预设或文件新建评审批次（负责人或管理员）。"""
    from models.db import session_scope
    from models.services.campaigns import new_from_preset

    dctx = open_context(config, db)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "campaign.new")
        campaign = new_from_preset(session, actor, code, preset, prefix=prefix)
        out.print(
            _("已新建评审批次 {code}：{title}").format(code=campaign.code, title=campaign.title)
        )


@campaign_app.command("set-fee")
@handle_errors
def campaign_set_fee(
    code: Annotated[str, typer.Argument(help=_("评审批次代码"))],
    track: Annotated[str, typer.Argument(help=_("申报类型：评审 | 初次确定 | 授予"))],
    level: Annotated[str, typer.Argument(help=_("级别：初级 | 中级 | 高级"))],
    amount: Annotated[str, typer.Argument(help=_("金额（元），如 380 或 380.50"))],
    reason: Annotated[str, typer.Option("--reason", help=_("设定依据，如文件名称和文号"))],
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """设定（或更正）收费标准（负责人）。"""
    from models.db import session_scope
    from models.money import Money
    from models.services.campaigns import get_campaign, set_fee

    money = Money.parse(amount)
    dctx = open_context(config, db)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "fee.set")
        session.commit()
        campaign = get_campaign(session, code)
        assert campaign.id is not None
        rule = set_fee(session, actor, campaign.id, track, level, money, reason=reason)
        out.print(
            _("已设定 {code} {track}{level} 评审费 {money} 元（{money_capitals}）").format(
                code=campaign.code,
                track=rule.track,
                level=rule.level,
                money=money.figures(),
                money_capitals=money.capitals(),
            )
        )


@campaign_app.command("extend-window")
@handle_errors
def extend_window_cmd(
    code: Annotated[str, typer.Argument(help=_("评审批次代码"))],
    until: Annotated[
        str, typer.Option("--until", help=_("延长至：2021-10-12（当天下班）或 2021-10-12 18:00"))
    ],
    reason: Annotated[str, typer.Option("--reason", help=_("原因（必填，记入审计）"))],
    series: Annotated[
        str | None, typer.Option("--series", help=_("只延长某一系列（默认全部系列）"))
    ] = None,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """延长纸质材料报送时间（负责人）。

    逾期者可在延长期内受理；原通知的时间不改。"""
    from models.db import session_scope
    from models.services.campaigns import get_campaign
    from models.services.intake import extend_window, parse_local_time

    dctx = open_context(config, db)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "window.extend")
        campaign = get_campaign(session, code)
        w = extend_window(
            session,
            actor,
            campaign,
            until=parse_local_time(until, campaign),
            reason=reason,
            series=series,
        )
        end = w.ends_at.astimezone(campaign.zone)
    out.print(
        _("已延长 {code} 的纸质材料报送时间至 {end:%Y-%m-%d %H:%M}{series}；原因：{reason}").format(
            code=code,
            end=end,
            series="（" + series + "）" if series else "",
            reason=" ".join(reason.split()),
        )
    )


@campaign_app.command("set-window")
@handle_errors
def set_window_cmd(
    code: Annotated[str, typer.Argument(help=_("评审批次代码"))],
    start: Annotated[str, typer.Option("--start", help=_("开始：2023-10-09 或 2023-10-09 10:00"))],
    end: Annotated[
        str, typer.Option("--end", help=_("结束：2023-10-20（当天结束）或 2023-10-20 18:00"))
    ],
    reason: Annotated[
        str, typer.Option("--reason", help=_("依据（必填，记入审计），如文件名称和文号"))
    ],
    series: Annotated[
        str | None, typer.Option("--series", help=_("只设定某一系列（默认全部系列）"))
    ] = None,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """设定纸质材料报送时间（负责人）。

    通知未载明时（如 001），设定后受理台才受理纸质材料。"""
    from models.db import session_scope
    from models.services.campaigns import get_campaign, set_window, window_text
    from models.services.intake import parse_local_time

    dctx = open_context(config, db)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "window.extend")
        campaign = get_campaign(session, code)
        w = set_window(
            session,
            actor,
            campaign,
            starts_at=parse_local_time(start, campaign, start=True),
            ends_at=parse_local_time(end, campaign),
            reason=reason,
            series=series,
        )
        shown = window_text(campaign, w)
    out.print(
        _("已设定 {code} 的纸质材料报送时间：{when}{series}；依据：{reason}").format(
            code=code,
            when=shown,
            series=f"（{series}）" if series else "",
            reason=" ".join(reason.split()),
        )
    )
