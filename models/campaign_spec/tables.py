"""A campaign file's tables: a paper window, a fee and a checklist item."""

from __future__ import annotations

import zoneinfo
from typing import Any

from models.campaign_spec.keys import _FEE_KEYS, _ITEM_KEYS, _WINDOW_KEYS
from models.campaign_spec.rules import _details
from models.campaign_spec.specs import (
    _CLAUSE_MAX,
    _FIRST_YEAR,
    _KEY,
    _LAST_YEAR,
    _NAME_MAX,
    _WINDOW_MAX_LEN,
    CampaignSpec,
    FeeSpec,
    ItemSpec,
    WindowSpec,
)
from models.campaign_spec.values import _check_keys, _Ctx, _shown, _to_utc
from models.errors import DomainError
from models.i18n import _
from models.money import Money
from models.rules import WindowKind, same_series
from models.vocab import (
    DECLARATION_LABEL,
    WINDOW_LABEL,
    Condition,
    ItemKind,
    parse_level,
    parse_track,
)


def _window(
    ctx: _Ctx,
    i: int,
    raw: dict[str, Any],
    zone: zoneinfo.ZoneInfo,
    spec: CampaignSpec,
    enum_list: Any,
) -> WindowSpec:
    _check_keys(ctx, "windows", i, raw, _WINDOW_KEYS)
    start = _to_utc(raw.get("start"), zone, end=False)
    end = _to_utc(raw.get("end"), zone, end=True)
    if start is None or end is None:
        raise ctx.error(
            _(
                "start 和 end 应为 {FIRST_YEAR}–{LAST_YEAR} 年的日期（2021-09-25）或日期时间（2024-10-24T10:00:00）"
            ).format(FIRST_YEAR=_FIRST_YEAR, LAST_YEAR=_LAST_YEAR),
            table="windows",
            index=i,
            key="start" if start is None else "end",
        )
    if end <= start:
        raise ctx.error(_("结束时间早于开始时间"), table="windows", index=i, key="end")
    series = raw.get("series")
    if series is not None and (
        not isinstance(series, str)
        or (spec.series and not any(same_series(series, x) for x in spec.series))
    ):
        raise ctx.error(
            _("系列“{series}”不在本批次的 series 列表中").format(series=_shown(series)),
            table="windows",
            index=i,
            key="series",
        )
    for k, limit in _WINDOW_MAX_LEN.items():
        if len(str(raw.get(k) or "")) > limit:
            raise ctx.error(
                _("“{k}”最多 {limit} 个字").format(k=k, limit=limit),
                table="windows",
                index=i,
                key=k,
            )
    try:
        kind = WindowKind(raw.get("kind", "paper"))
    except ValueError:
        raise ctx.error(
            _("“kind”应为 paper（纸质材料报送时间）或 declaration（网上申报时间）"),
            table="windows",
            index=i,
            key="kind",
        ) from None
    default_label = WINDOW_LABEL if kind == WindowKind.paper else DECLARATION_LABEL
    return WindowSpec(
        starts_at=start,
        ends_at=end,
        series=series,
        label=str(raw.get("label", default_label)),
        clause=str(raw.get("clause", "")),
        kind=kind,
        # 001 三（五）1: the dates by series are for 中、初级 only
        levels=[
            lv.value
            for lv in enum_list("levels", parse_level, table="windows", index=i, source=raw)
        ],
    )


def _fee(ctx: _Ctx, i: int, raw: dict[str, Any], spec: CampaignSpec) -> FeeSpec:
    _check_keys(ctx, "fees", i, raw, _FEE_KEYS)
    try:
        track = parse_track(str(raw.get("track", "")))
        level = parse_level(str(raw.get("level", "")))
    except DomainError as exc:
        raise ctx.error(exc.message, table="fees", index=i) from None
    if track not in spec.tracks or level not in spec.levels:
        raise ctx.error(
            _("{track}{level}不在本批次的 tracks/levels 中").format(track=track, level=level),
            table="fees",
            index=i,
        )
    has_amount, unknown = "yuan" in raw, raw.get("unknown", False) is True
    if has_amount == unknown:
        raise ctx.error(
            _("每项收费须且只须写 yuan = 金额，或 unknown = true（通知未载明）"),
            table="fees",
            index=i,
        )
    amount: Money | None = None
    if has_amount:
        value = raw["yuan"]
        if isinstance(value, float):
            raise ctx.error(
                _('金额请写成整数或带引号的文字，如 380 或 "380.50"（不用小数浮点）'),
                table="fees",
                index=i,
                key="yuan",
            )
        try:
            amount = Money.parse(value)
        except DomainError as exc:
            raise ctx.error(exc.message, table="fees", index=i, key="yuan") from None
        if amount.fen <= 0:
            raise ctx.error(_("收费金额应大于零"), table="fees", index=i, key="yuan")
    clause = str(raw.get("clause", ""))
    if len(clause) > _CLAUSE_MAX:
        raise ctx.error(
            _("“clause”最多 {CLAUSE_MAX} 个字").format(CLAUSE_MAX=_CLAUSE_MAX),
            table="fees",
            index=i,
            key="clause",
        )
    return FeeSpec(track=track, level=level, amount=amount, clause=clause)


def _item(ctx: _Ctx, i: int, raw: dict[str, Any], spec: CampaignSpec, enum_list: Any) -> ItemSpec:
    t = "checklist"
    _check_keys(ctx, t, i, raw, _ITEM_KEYS)
    key = raw.get("key")
    if not isinstance(key, str) or not _KEY.fullmatch(key):
        raise ctx.error(
            _("材料键 key 应为小写英文字母、数字或 _，如 review_form"), table=t, index=i, key="key"
        )
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ctx.error(_("缺少材料名称 name"), table=t, index=i, key="name")
    if len(name.strip()) > _NAME_MAX:
        raise ctx.error(
            _("材料名称 name 最多 {NAME_MAX} 个字").format(NAME_MAX=_NAME_MAX),
            table=t,
            index=i,
            key="name",
        )
    if len(str(raw.get("clause", ""))) > _CLAUSE_MAX:
        raise ctx.error(
            _("“clause”最多 {CLAUSE_MAX} 个字").format(CLAUSE_MAX=_CLAUSE_MAX),
            table=t,
            index=i,
            key="clause",
        )
    try:
        kind = ItemKind(raw.get("kind", ""))
    except ValueError:
        raise ctx.error(
            _("材料类型 kind 应为 {allowed} 之一").format(
                allowed="、".join(k.value for k in ItemKind)
            ),
            table=t,
            index=i,
            key="kind",
        ) from None
    copies = raw.get("copies", 1)
    if not isinstance(copies, int) or isinstance(copies, bool) or not 0 <= copies <= 20:
        raise ctx.error(_("份数 copies 应为 0–20 的整数"), table=t, index=i, key="copies")
    flags = {}
    for k in ("stamp", "endorsement", "watermark", "double_sided", "match_online", "optional"):
        v = raw.get(k, False)
        if not isinstance(v, bool):
            raise ctx.error(_("“{k}”应为 true 或 false").format(k=k), table=t, index=i, key=k)
        flags[k] = v
    tracks = enum_list("tracks", parse_track, table=t, index=i, source=raw)
    levels = enum_list("levels", parse_level, table=t, index=i, source=raw)
    when = enum_list("when", Condition, table=t, index=i, source=raw)
    unless = enum_list("unless", Condition, table=t, index=i, source=raw)
    for tr in tracks:
        if tr not in spec.tracks:
            raise ctx.error(
                _("申报类型“{tr}”不在本批次的 tracks 中").format(tr=tr),
                table=t,
                index=i,
                key="tracks",
            )
    handwritten = raw.get("handwritten", "")
    if not isinstance(handwritten, str):
        raise ctx.error(_("handwritten 应为须手写的句子"), table=t, index=i, key="handwritten")
    details = _details(ctx, i, raw)
    return ItemSpec(
        details=details,
        key=key,
        name=name.strip(),
        kind=kind,
        copies=copies,
        needs_stamp=flags["stamp"],
        needs_endorsement=flags["endorsement"],
        handwritten=handwritten.strip(),
        watermark=flags["watermark"],
        double_sided=flags["double_sided"],
        must_match_online=flags["match_online"],
        tracks=tracks,
        levels=levels,
        when=when,
        unless=unless,
        optional=flags["optional"],
        note=str(raw.get("note", "")),
        clause=str(raw.get("clause", "")),
    )
