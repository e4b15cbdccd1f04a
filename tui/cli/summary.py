"""``desk summary``: the campaign summary to date against the online-approved list, per county
with its units, by track × level, and the totals (counts and money only, no names).

``desk summary --user U [--campaign C] [--until 2021-09-30] [--json] [--xlsx FILE]``. Lead only;
each reading is recorded in the audit log. Imported by tui.cli; never imports Textual."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich import box
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
    handle_errors,
    open_context,
    out,
)
from tui.cli.json_out import print_json

if TYPE_CHECKING:
    from models.services.summary import CampaignSummary, Figures

HEADS = (
    _("通过"),
    _("受理"),
    _("受理率"),
    _("退回"),
    _("未报送"),
    _("已缴费"),
    _("实收（元）"),
    _("移交"),
)
_UNTIL = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?$")


def parse_until(text: str) -> dt.datetime:
    """``2021-09-30`` (to the end of that day) or ``2021-09-30 12:00``, in the campaign's time
    zone (the service reads a naive time there)."""
    from models.errors import InvalidInput

    m = _UNTIL.match(text.strip())
    try:
        if m is None:
            raise ValueError(text)
        y, mo, d, h, mi = m.groups()
        if h is None:
            return dt.datetime(int(y), int(mo), int(d), 23, 59, 59, 999999)
        return dt.datetime(int(y), int(mo), int(d), int(h), int(mi))
    except ValueError:
        raise InvalidInput(
            _("截止时间“{text}”格式不正确：应为 2021-09-30 或 2021-09-30 17:30").format(text=text),
            code="summary.bad_until",
        ) from None


def _pct(f: Figures) -> str:
    pct = f.accepted_pct
    return "—" if pct is None else f"{pct:.1f}%"


def _cells(f: Figures) -> list[str]:
    return [
        str(f.approved),
        str(f.accepted),
        _pct(f),
        str(f.returned),
        str(f.no_paper),
        str(f.paid),
        f.fee_net.grouped(),
        str(f.handed_over),
    ]


def _table(title: str, first: str) -> Table:
    """Compact: no vertical rules, two spaces between columns, so nine columns fit 80."""
    t = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        pad_edge=False,
        collapse_padding=True,
        show_edge=False,
    )
    t.add_column(first, overflow="fold", min_width=10)
    for h in HEADS:
        t.add_column(h, justify="right", no_wrap=True)
    return t


def _total_row(t: Table, name: str, f: Figures) -> None:
    """A subtotal or total under a rule, when there are rows above it."""
    if t.rows:
        t.rows[-1].end_section = True
    t.add_row(name, *_cells(f))


def render(s: CampaignSummary) -> None:
    when = s.until.strftime("%Y-%m-%d %H:%M") if s.until else _("现在")
    out.print(s.campaign_title, soft_wrap=False)  # a long title is wrapped at 80
    out.print(
        _("评审汇总（{campaign_code}），截至{when}").format(
            campaign_code=s.campaign_code, when=when
        )
    )
    t = s.total
    out.print(
        _("网上名单 {online} 人，通过形式审核 {approved} 人").format(
            online=t.online, approved=t.approved
        )
    )
    out.print(
        _(
            "  已受理 {accepted}（{share}）· 退回补正未再报送 {returned} · 未报送纸质材料 {no_paper}"
        ).format(accepted=t.accepted, share=_pct(t), returned=t.returned, no_paper=t.no_paper)
    )
    out.print(
        _("  已缴费 {paid} · 已受理未缴费 {unpaid} · 实收净额 {fee_net} 元").format(
            paid=t.paid, unpaid=t.unpaid, fee_net=t.fee_net.grouped()
        )
    )
    out.print(_("  已移交评委会 {handed_over}").format(handed_over=t.handed_over))
    if t.other_paper:
        out.print(
            _("注意：另有 {other_paper} 人网上状态不是“通过形式审核”但有纸质材料，").format(
                other_paper=t.other_paper
            )
        )
        out.print(_("  不计入上面各数（实收净额含其费用），请用 desk reconcile 核实"))
    for c in s.counties:
        table = _table(c.county, _("单位"))
        for u in c.units:
            table.add_row(u.unit, *_cells(u.figures))
        if len(c.units) > 1:
            _total_row(table, _("小计"), c.figures)
        out.print()
        out.print(table)
    table = _table(_("按县市"), _("县市"))
    for c in s.counties:
        table.add_row(c.county, *_cells(c.figures))
    _total_row(table, _("合计"), t)
    out.print()
    out.print(table)
    table = _table(_("按申报类型、级别"), _("类型·级别"))
    for g in s.groups:
        table.add_row(f"{_(g.track)}·{_(g.level)}", *_cells(g.figures))
    _total_row(table, _("合计"), t)
    out.print()
    out.print(table)


@handle_errors
def summary_cmd(
    campaign: CampaignOpt = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until", help=_("截止时间：2021-09-30（含当天）或 2021-09-30 17:30；默认到现在")
        ),
    ] = None,
    xlsx: Annotated[
        Path | None, typer.Option("--xlsx", help=_("导出 xlsx：按县市、按单位、按类型级别三张表"))
    ] = None,
    as_json: JsonOpt = False,
    user: UserOpt = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
) -> None:
    """评审汇总（负责人）。

    按县市、单位和申报类型级别，对照网上通过形式审核人数统计已受理、退回补正、未报送、已缴费、实收净额和已移交；只有人数和金额，不列姓名。每次查看记入审计。"""
    from models.db import session_scope
    from models.errors import InvalidInput
    from models.services.summary import campaign_summary, summary_xlsx

    if xlsx is not None and xlsx.suffix.lower() != ".xlsx":
        raise InvalidInput(
            _("--xlsx 应为 .xlsx 文件（Excel、WPS 均可打开）"), code="export.bad_type"
        )
    if xlsx is not None:
        from models.files import check_writable

        check_writable(xlsx)  # before the summary is made (and its viewing audited)
    cutoff = parse_until(until) if until else None
    dctx = open_context(config, db, readonly=True)
    with session_scope(dctx.engine) as session:
        actor = acting(session, user, dctx.config.desk, "tally.view")
        c = campaign_of(session, campaign, dctx.config.campaign)
        s = campaign_summary(session, actor, c, until=cutoff)
    if xlsx is not None:
        summary_xlsx(xlsx, s)
    if as_json:
        data = s.to_json()
        data["xlsx"] = str(xlsx) if xlsx else None
        print_json(data)
        return
    render(s)
    if xlsx is not None:
        out.print(_("已导出：{xlsx}").format(xlsx=xlsx))


app.command("summary")(summary_cmd)
