"""A campaign as people read it (CLI ``desk campaign show`` and the home screen)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from models.campaign_spec import CampaignSpec
from models.i18n import _
from models.money import Money
from models.services.campaign_parts import checklist_in_order, windows_in_order
from models.services.campaigns import fee_rules, get_campaign
from models.vocab import Condition, ItemKind

if TYPE_CHECKING:
    from sqlmodel import Session


@dataclass
class WindowRow:
    label: str
    start: str
    end: str
    series: str
    clause: str


@dataclass
class FeeRow:
    track: str
    level: str
    fen: int | None
    clause: str

    @property
    def shown(self) -> str:
        return (
            _("未载明（暂不收费）")
            if self.fen is None
            else _("{amount} 元").format(amount=Money(self.fen).figures())
        )


@dataclass
class ItemRow:
    name: str
    kind: str
    copies: int
    requirements: str
    applies: str
    clause: str


@dataclass
class CampaignView:
    code: str
    title: str
    committee: str
    place: str
    source: str
    contacts: str
    numbers: dict[str, str] = field(default_factory=dict)  # dossier/receipt/notice → prefix
    windows: list[WindowRow] = field(default_factory=list)
    fees: list[FeeRow] = field(default_factory=list)
    items: list[ItemRow] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_spec(cls, spec: CampaignSpec) -> CampaignView:
        zone = zoneinfo.ZoneInfo(spec.timezone)
        view = cls(
            code=spec.code,
            title=spec.title,
            committee=spec.committee,
            place=spec.address or f"{spec.office}{spec.room}",
            source=spec.source,
            contacts=_contacts(spec.contacts),
            numbers={
                "dossier": spec.dossier_prefix,
                "receipt": spec.receipt_prefix,
                "notice": spec.notice_prefix,
            },
        )
        view.windows = [
            _window_row(w.label, w.starts_at, w.ends_at, w.series, w.clause, zone)
            for w in spec.windows
        ]
        view.fees = [
            FeeRow(f.track.value, f.level.value, f.amount.fen if f.amount else None, f.clause)
            for f in spec.fees
        ]
        view.items = [
            _item_row(
                i.name,
                i.kind.value,
                i.copies,
                i.needs_stamp,
                i.needs_endorsement,
                i.handwritten,
                i.watermark,
                i.double_sided,
                i.must_match_online,
                [t.value for t in i.tracks],
                [lv.value for lv in i.levels],
                [c.value for c in i.when],
                [c.value for c in i.unless],
                i.clause,
            )
            for i in spec.checklist
        ]
        return view


def campaign_summary(session: Session, code: str) -> CampaignView:
    c = get_campaign(session, code)
    assert c.id is not None
    view = CampaignView(
        code=c.code,
        title=c.title,
        committee=c.committee,
        place=c.address or c.place,
        source=c.source,
        contacts=_contacts(c.contacts),
        numbers={
            "dossier": c.dossier_prefix,
            "receipt": c.receipt_prefix,
            "notice": c.notice_prefix,
        },
    )
    windows = windows_in_order(session, c.id)
    view.windows = [
        _window_row(w.label, w.starts_at, w.ends_at, w.series, w.clause, c.zone) for w in windows
    ]
    view.fees = [FeeRow(r.track, r.level, r.amount_fen, r.clause) for r in fee_rules(session, c.id)]
    items = checklist_in_order(session, c.id)
    view.items = [
        _item_row(
            i.name,
            i.kind,
            i.copies,
            i.needs_stamp,
            i.needs_endorsement,
            i.handwritten,
            i.watermark,
            i.double_sided,
            i.must_match_online,
            i.tracks,
            i.levels,
            i.when,
            i.unless,
            i.clause,
        )
        for i in items
    ]
    return view


def _contacts(contacts: list[dict[str, Any]]) -> str:
    return "；".join(f"{c.get('name', '')} {c.get('phone', '')}".strip() for c in contacts)


def _window_row(
    label: str,
    start: dt.datetime,
    end: dt.datetime,
    series: str | None,
    clause: str,
    zone: zoneinfo.ZoneInfo,
) -> WindowRow:
    a, b = start.astimezone(zone), end.astimezone(zone)
    if a.time() == dt.time(0) and b.time() == dt.time(0):
        shown_a, shown_b = f"{a:%Y-%m-%d}", f"{(b - dt.timedelta(days=1)):%Y-%m-%d}"
    else:
        shown_a, shown_b = f"{a:%Y-%m-%d %H:%M}", f"{b:%Y-%m-%d %H:%M}"
    return WindowRow(label, shown_a, shown_b, series or _("全部"), clause)


def _item_row(
    name: str,
    kind: str,
    copies: int,
    stamp: bool,
    endorsement: bool,
    handwritten: str,
    watermark: bool,
    double_sided: bool,
    match_online: bool,
    tracks: list[str],
    levels: list[str],
    when: list[str],
    unless: list[str],
    clause: str,
) -> ItemRow:
    req = []
    if stamp:
        req.append(_("盖章"))
    if endorsement:
        req.append(_("签署“已审核，与原件相符”"))
    if handwritten:
        req.append(
            _("手写：") + (handwritten[:12] + "……" if len(handwritten) > 12 else handwritten)
        )
    if watermark:
        req.append(_("有水印"))
    if double_sided:
        req.append(_("A4双面"))
    if match_online:
        req.append(_("与网上一致"))
    applies = []
    if tracks:
        applies.append("/".join(tracks))
    if levels:
        applies.append("/".join(levels))
    applies += [_("仅{label}").format(label=Condition(c).label) for c in when]
    applies += [_("{label}免").format(label=Condition(c).label) for c in unless]
    return ItemRow(
        name, ItemKind(kind).label, copies, "；".join(req), "，".join(applies) or _("全部"), clause
    )


def _table(title: str, headings: tuple[str, ...], rows: list[tuple[str, ...]]) -> Table:
    table = Table(title=title, title_justify="left")
    for heading in headings:
        table.add_column(heading, overflow="fold")
    for row in rows:
        table.add_row(*row)
    return table


def render_summary(console: Console, v: CampaignView) -> None:
    # styles, not markup: the CLI's console prints data as it is (a title may hold [brackets])
    console.print(Text.assemble((v.title, "bold"), "  ", (f"({v.code})", "dim")))
    console.print(_("评审委员会：{committee}").format(committee=v.committee))
    console.print(
        _("受理地点：{place}    联系：{contacts}").format(place=v.place, contacts=v.contacts)
    )
    if v.source:
        console.print(Text(_("依据：{source}").format(source=v.source), style="dim"))
    if v.numbers:
        console.print(
            _(
                "编号：受理编号 {dossier}00001  收据号 {receipt}00001  补正通知 {notice}00001"
            ).format(**v.numbers)
        )
    console.print(
        _table(
            _("纸质材料报送时间"),
            (_("名称"), _("开始"), _("结束"), _("系列"), _("依据")),
            [(w.label, w.start, w.end, w.series, w.clause) for w in v.windows],
        )
    )
    console.print(
        _table(
            _("评审费"),
            (_("申报类型"), _("级别"), _("金额"), _("依据")),
            [(_(f.track), _(f.level), f.shown, f.clause) for f in v.fees],
        )
    )
    console.print(
        _table(
            _("纸质材料清单"),
            (_("材料"), _("形式"), _("份数"), _("要求"), _("适用"), _("依据")),
            [(i.name, i.kind, str(i.copies), i.requirements, i.applies, i.clause) for i in v.items],
        )
    )
