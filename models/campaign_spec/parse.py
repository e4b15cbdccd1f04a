"""Parsing and validating a campaign file before anything touches the database."""

from __future__ import annotations

import re
import tomllib
import zoneinfo
from typing import Any

from models.campaign_spec.keys import _REQUIRED, _TOP_KEYS
from models.campaign_spec.rules import _rules
from models.campaign_spec.specs import (
    _CODE,
    _FIRST_YEAR,
    _LAST_YEAR,
    _MAX_LEN,
    _MAX_SUBMISSIONS,
    _PREFIX,
    _SERIES_MAX,
    CampaignSpec,
)
from models.campaign_spec.tables import _fee, _item, _window
from models.campaign_spec.values import _check_texts, _Ctx, _shown, _tables
from models.errors import DomainError, PresetError
from models.i18n import _
from models.rules import WindowKind
from models.vocab import (
    Level,
    Track,
    parse_level,
    parse_track,
)


def parse_campaign(text: str, filename: str = "<text>") -> CampaignSpec:
    ctx = _Ctx(filename, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+), column (\d+)", str(exc))
        where = _("第 {line} 行第 {column} 列").format(line=m[1], column=m[2]) if m else ""
        raise PresetError(
            _("评审批次文件 {filename} {where}：TOML 语法错误（{exc}）").format(
                filename=filename, where=where, exc=exc
            ),
            filename=filename,
            line=int(m[1]) if m else None,
        ) from None

    for key in data:
        if key not in _TOP_KEYS:
            raise ctx.error(_("未知的键“{key}”").format(key=_shown(key)), key=key)
    _check_texts(ctx, data)
    for key in _REQUIRED:
        if key not in data:
            raise ctx.error(_("缺少必填项“{key}”").format(key=key))

    def s(key: str, default: str | None = None) -> str:
        value = data.get(key, default)
        if not isinstance(value, str):
            raise ctx.error(_("“{key}”应为文字").format(key=key), key=key)
        value = value.strip()
        if key in _MAX_LEN and len(value) > _MAX_LEN[key]:
            raise ctx.error(
                _("“{key}”有 {count} 个字，最多 {MAX_LEN} 个").format(
                    key=key, count=len(value), MAX_LEN=_MAX_LEN[key]
                ),
                key=key,
            )
        return value

    code = s("code")
    if not _CODE.fullmatch(code):
        raise ctx.error(
            _("批次代码应为 2–39 个小写字母、数字或 -，如 bz-vocational-2021"), key="code"
        )
    tz = s("timezone", "Asia/Shanghai")
    try:
        zone = zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # "Asia": a directory
        raise ctx.error(
            _("未知的时区“{timezone}”").format(timezone=_shown(tz)), key="timezone"
        ) from None
    year = data["year"]
    if not isinstance(year, int) or not _FIRST_YEAR <= year <= _LAST_YEAR:
        raise ctx.error(_("“year”应为年份，如 2021"), key="year")

    def enum_list(
        key: str,
        parse: Any,
        *,
        table: str | None = None,
        index: int | None = None,
        source: dict[str, Any] | None = None,
    ) -> list[Any]:
        src = data if source is None else source
        value = src.get(key, [])
        if not isinstance(value, list):
            raise ctx.error(
                _('“{key}”应为列表，如 ["评审"]').format(key=key), table=table, index=index, key=key
            )
        out = []
        for v in value:
            try:
                out.append(parse(v))
            except (DomainError, ValueError) as exc:
                msg = (
                    exc.message
                    if isinstance(exc, DomainError)
                    else _("无效的值“{given}”").format(given=_shown(v))
                )
                raise ctx.error(msg, table=table, index=index, key=key) from None
        return out

    tracks = enum_list("tracks", parse_track)
    levels = enum_list("levels", parse_level)
    if not tracks or not levels:
        raise ctx.error(_("“tracks”和“levels”不能为空"), key="tracks" if not tracks else "levels")
    series = data.get("series", [])
    if not isinstance(series, list) or not all(isinstance(x, str) for x in series):
        raise ctx.error(_("“series”应为文字列表"), key="series")
    if any(len(x) > _SERIES_MAX for x in series):
        raise ctx.error(
            _("“series”中的系列名称最多 {SERIES_MAX} 个字").format(SERIES_MAX=_SERIES_MAX),
            key="series",
        )

    numbers = data["numbers"]
    if not isinstance(numbers, dict):
        raise ctx.error(_("“numbers”应为表 [numbers]"), key="numbers")
    prefixes = {}
    for kind in ("dossier", "receipt", "notice"):
        p = numbers.get(kind)
        if not isinstance(p, str) or not _PREFIX.fullmatch(p):
            raise ctx.error(
                _(
                    '[numbers] 中“{kind}”前缀应为 2–8 位大写字母或数字、以字母开头（扫码用），如 "ZJA"'
                ).format(kind=kind),
                table="numbers",
                key=kind,
            )
        prefixes[kind] = p
    if len(set(prefixes.values())) != 3:
        raise ctx.error(_("受理编号、收据号、通知编号的前缀必须互不相同"), table="numbers")
    for a in prefixes.values():
        for b in prefixes.values():
            if a != b and b.startswith(a) and b[len(a) :][:1].isdigit():
                raise ctx.error(
                    _("前缀“{a}”与“{b}”扫码时无法区分").format(a=a, b=b), table="numbers"
                )

    contacts = data.get("contacts", [])
    if not isinstance(contacts, list) or not all(
        isinstance(c, dict) and all(isinstance(v, str) for v in c.values()) for c in contacts
    ):
        raise ctx.error(_("[[contacts]] 每项应有 name 和 phone 文字"), table="contacts", index=0)

    aliases = data.get("header_aliases", {})
    if not isinstance(aliases, dict) or not all(
        isinstance(v, list) and all(isinstance(x, str) for x in v) for v in aliases.values()
    ):
        raise ctx.error(_("[header_aliases] 的每个值应为文字列表"), table="header_aliases")

    defence_levels = enum_list("defence_levels", parse_level)
    defence_exempt = data.get("defence_exempt", [])
    if not isinstance(defence_exempt, list):
        raise ctx.error(_("“defence_exempt”应为列表"), key="defence_exempt")

    individual = data.get("individual_submission", True)
    max_sub = data.get("max_online_submissions", 3)
    if not isinstance(individual, bool):
        raise ctx.error(_("“individual_submission”应为 true 或 false"), key="individual_submission")
    if (
        not isinstance(max_sub, int)
        or isinstance(max_sub, bool)
        or not 1 <= max_sub <= _MAX_SUBMISSIONS
    ):
        raise ctx.error(
            _("“max_online_submissions”应为 1–{MAX_SUBMISSIONS} 的整数").format(
                MAX_SUBMISSIONS=_MAX_SUBMISSIONS
            ),
            key="max_online_submissions",
        )

    spec = CampaignSpec(
        code=code,
        notice=s("notice", ""),
        title=s("title"),
        committee=s("committee"),
        office=s("office"),
        room=s("room", ""),
        address=s("address", ""),
        timezone=tz,
        year=year,
        source=s("source", ""),
        tracks=tracks,
        levels=levels,
        series=list(series),
        individual_submission=individual,
        max_online_submissions=max_sub,
        defence_levels=defence_levels,
        defence_exempt=[str(x) for x in defence_exempt],
        dossier_prefix=prefixes["dossier"],
        receipt_prefix=prefixes["receipt"],
        notice_prefix=prefixes["notice"],
        contacts=[dict(c) for c in contacts],
        header_aliases={k: list(v) for k, v in aliases.items()},
        text=text,
    )
    spec.windows = [
        _window(ctx, i, w, zone, spec, enum_list)
        for i, w in enumerate(_tables(ctx, data, "windows"))
    ]
    unstated = data.get("paper_window_unstated", False)
    if not isinstance(unstated, bool):
        raise ctx.error(_("“paper_window_unstated”应为 true 或 false"), key="paper_window_unstated")
    has_paper = any(w.kind == WindowKind.paper for w in spec.windows)
    if not has_paper and not unstated:
        raise ctx.error(
            _(
                "至少需要一个 [[windows]] 纸质材料报送时间；通知未载明的，写 "
                "paper_window_unstated = true（负责人开始受理前设定）"
            )
        )
    if has_paper and unstated:
        raise ctx.error(
            _("已有纸质材料报送时间，不能再写 paper_window_unstated = true"),
            key="paper_window_unstated",
        )
    spec.rules = _rules(ctx, data, spec, enum_list)
    if unstated:
        spec.rules["paper_window_unstated"] = True
    spec.fees = [_fee(ctx, i, f, spec) for i, f in enumerate(_tables(ctx, data, "fees"))]
    seen_fees: set[tuple[Track, Level]] = set()
    for i, fee in enumerate(spec.fees):
        if (fee.track, fee.level) in seen_fees:
            raise ctx.error(
                _("{track}{level}的收费标准重复").format(track=fee.track, level=fee.level),
                table="fees",
                index=i,
            )
        seen_fees.add((fee.track, fee.level))
    items = _tables(ctx, data, "checklist")
    seen: set[str] = set()
    for i, raw in enumerate(items):
        item = _item(ctx, i, raw, spec, enum_list)
        if item.key in seen:
            raise ctx.error(
                _("材料键“{key}”重复").format(key=item.key), table="checklist", index=i, key="key"
            )
        seen.add(item.key)
        spec.checklist.append(item)
    if not spec.checklist:
        raise ctx.error(_("至少需要一项 [[checklist]] 材料"))
    return spec
