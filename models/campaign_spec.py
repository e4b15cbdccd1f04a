"""Campaign files (TOML): parse and validate before anything touches the database.

A malformed file gets a ``PresetError`` whose message names the file, the line and the problem,
in Chinese. The format is documented in ``docs/campaign-files.md``; the shipped presets in
``models/presets/`` are examples of every feature.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from models.errors import DomainError, PresetError
from models.i18n import _
from models.money import Money
from models.rules import Bringer, WindowKind, same_series
from models.text import strip_invisible
from models.vocab import (
    DECLARATION_LABEL,
    WINDOW_LABEL,
    Condition,
    ItemKind,
    Level,
    PaymentMethod,
    Track,
    parse_level,
    parse_track,
)

_PREFIX = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")
_CODE = re.compile(r"^[a-z0-9][a-z0-9\-]{1,38}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{1,59}$")
# the longest text each field may hold (the database's column widths)
_MAX_LEN = {
    "title": 200,
    "committee": 200,
    "office": 200,
    "room": 100,
    "address": 300,
    "timezone": 64,
}
_WINDOW_MAX_LEN = {"series": 60, "label": 100, "clause": 200}
_RULE_TEXT_MAX = 300
_CLAUSE_MAX = 200
_NAME_MAX = 200
_SERIES_MAX = 60
_MAX_SUBMISSIONS = 99
_FIRST_YEAR, _LAST_YEAR = 2000, 2100


@dataclass(slots=True)
class WindowSpec:
    starts_at: dt.datetime  # aware, UTC
    ends_at: dt.datetime  # aware, UTC, exclusive
    series: str | None
    label: str
    clause: str
    kind: WindowKind = WindowKind.paper
    levels: list[str] = field(default_factory=list)  # only for these levels (empty: all)


@dataclass(slots=True)
class FeeSpec:
    track: Track
    level: Level
    amount: Money | None  # None: the notice does not state it
    clause: str


@dataclass(slots=True)
class ItemSpec:
    key: str
    name: str
    kind: ItemKind
    copies: int
    needs_stamp: bool
    needs_endorsement: bool
    handwritten: str
    watermark: bool
    double_sided: bool
    must_match_online: bool
    tracks: list[Track]
    levels: list[Level]
    when: list[Condition]
    unless: list[Condition]
    optional: bool
    note: str
    clause: str
    details: dict[str, Any] = field(default_factory=dict)  # models.rules.ItemRules


@dataclass(slots=True)
class CampaignSpec:
    code: str
    notice: str
    title: str
    committee: str
    office: str
    room: str
    address: str
    timezone: str
    year: int
    source: str
    tracks: list[Track]
    levels: list[Level]
    series: list[str]
    individual_submission: bool
    max_online_submissions: int
    defence_levels: list[Level]
    defence_exempt: list[str]
    dossier_prefix: str
    receipt_prefix: str
    notice_prefix: str
    contacts: list[dict[str, str]]
    header_aliases: dict[str, list[str]]
    windows: list[WindowSpec] = field(default_factory=list)
    fees: list[FeeSpec] = field(default_factory=list)
    checklist: list[ItemSpec] = field(default_factory=list)
    rules: dict[str, Any] = field(default_factory=dict)  # models.rules: delivery, fee_payment …
    text: str = ""


class _Ctx:
    """Knows the file's text, to turn a table path into a line number."""

    def __init__(self, filename: str, text: str) -> None:
        self.filename = filename
        self.lines = text.splitlines()

    def line_of(self, table: str | None, index: int | None, key: str | None) -> int | None:
        start, end = 0, len(self.lines)
        if table is not None:
            header = re.compile(rf"^\s*\[\[\s*{re.escape(table)}\s*\]\]\s*(#.*)?$")
            hits = [i for i, line in enumerate(self.lines) if header.match(line)]
            if index is not None and index < len(hits):
                start = hits[index]
                nxt = [
                    i
                    for i in range(start + 1, len(self.lines))
                    if re.match(r"^\s*\[", self.lines[i])
                ]
                end = nxt[0] if nxt else len(self.lines)
                if key is None:
                    return start + 1
            else:
                plain = re.compile(rf"^\s*\[\s*{re.escape(table)}\s*\]")
                hits = [i for i, line in enumerate(self.lines) if plain.match(line)]
                if hits:
                    start = hits[0]
        if key is not None:
            pat = re.compile(rf"^\s*{re.escape(key)}\s*=")
            for i in range(start, end):
                if pat.match(self.lines[i]):
                    return i + 1
            if table is None:
                return None
        return start + 1 if table is not None else None

    def error(
        self,
        problem: str,
        *,
        table: str | None = None,
        index: int | None = None,
        key: str | None = None,
    ) -> PresetError:
        line = self.line_of(table, index, key)
        where = _("第 {line} 行").format(line=line) if line else _("（未找到对应行）")
        return PresetError(
            _("评审批次文件 {filename} {where}：{problem}").format(
                filename=self.filename, where=where, problem=problem
            ),
            filename=self.filename,
            line=line,
        )


_TOP_KEYS = {
    "code",
    "notice",
    "title",
    "committee",
    "office",
    "room",
    "address",
    "timezone",
    "year",
    "source",
    "tracks",
    "levels",
    "series",
    "individual_submission",
    "max_online_submissions",
    "defence_levels",
    "defence_exempt",
    "numbers",
    "contacts",
    "header_aliases",
    "windows",
    "fees",
    "checklist",
    "delivery",
    "fee_payment",
    "defence",
    "submissions",
    "paper_window_unstated",
}
_REQUIRED = ("code", "title", "committee", "office", "year", "tracks", "levels", "numbers")
_WINDOW_KEYS = {"start", "end", "series", "label", "clause", "kind", "levels"}
_DELIVERY_KEYS = {"by", "blocks", "clause", "text"}
_FEE_PAYMENT_KEYS = {"methods", "clause", "text"}
_SUBMISSION_KEYS = {"limit", "clause"}
_DEFENCE_KEYS = {
    "rule",
    "levels",
    "when",
    "specialties",
    "counties",
    "verify",
    "mode",
    "text",
    "clause",
}
_DETAIL_KEYS = (
    "scope",
    "fill",
    "parts",
    "stamp_by",
    "watermark_words",
    "condition_text",
    "waived",
    "when_any",
)
_FEE_KEYS = {"track", "level", "yuan", "unknown", "clause"}
_ITEM_KEYS = {
    "key",
    "name",
    "kind",
    "copies",
    "stamp",
    "endorsement",
    "handwritten",
    "watermark",
    "double_sided",
    "match_online",
    "tracks",
    "levels",
    "when",
    "unless",
    "optional",
    "note",
    "clause",
    *_DETAIL_KEYS,
}


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
        raise ctx.error(_("未知的时区“{timezone}”").format(timezone=_shown(tz)), key="timezone") from None
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


def _shown(value: object) -> str:
    """A value quoted in a message: one line, at most 40 characters."""
    text = " ".join(strip_invisible(str(value)).split())
    return text if len(text) <= 40 else text[:39] + "…"


def _bad_text(value: str) -> str | None:
    """What is wrong with a text of the file, or None: control characters (other than tab and
    line breaks in long texts) and bidi or zero-width characters have no place in it."""
    for ch in value:
        if ch in "\t\n\r":
            continue
        if strip_invisible(ch) != ch:
            return _(
                "含有不可见字符 U+{code:04X}（控制符、双向文字控制符或零宽字符），请删除"
            ).format(code=ord(ch))
    return None


def _check_texts(ctx: _Ctx, data: dict[str, Any]) -> None:
    """Every text and every key of the file, with the place to name when one is bad."""

    def walk(value: object, table: str | None, index: int | None, key: str | None) -> None:
        if isinstance(value, str):
            problem = _bad_text(value)
            if problem:
                raise ctx.error(
                    f"“{_shown(key or table)}”{problem}", table=table, index=index, key=key
                )
        elif isinstance(value, list):
            for i, v in enumerate(value):
                if isinstance(v, dict) and key is not None and table is None:
                    walk(v, key, i, None)  # [[windows]] …: a table array
                else:
                    walk(v, table, index, key)
        elif isinstance(value, dict):
            for k, v in value.items():
                if _bad_text(k):
                    raise ctx.error(
                        _("键“{key}”{problem}").format(key=_shown(k), problem=_bad_text(k)),
                        table=table,
                        index=index,
                    )
                walk(v, table if table is not None or key is None else key, index, k)

    walk(data, None, None, None)


def _tables(ctx: _Ctx, data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
        raise ctx.error(_("“{name}”应写成 [[{name}]] 表数组").format(name=name), key=name)
    return value


def _check_keys(ctx: _Ctx, table: str, index: int, raw: dict[str, Any], allowed: set[str]) -> None:
    for key in raw:
        if key not in allowed:
            raise ctx.error(
                _("[[{table}]] 中未知的键“{key}”").format(table=table, key=key),
                table=table,
                index=index,
                key=key,
            )


def _to_utc(value: object, zone: zoneinfo.ZoneInfo, *, end: bool) -> dt.datetime | None:
    if not isinstance(value, dt.date) or not _FIRST_YEAR <= value.year <= _LAST_YEAR:
        return None  # also keeps 9999-12-31 + 1 day and 0001-01-01 in UTC from overflowing
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)
        return value.astimezone(dt.UTC)
    day = value + dt.timedelta(days=1) if end else value
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=zone).astimezone(dt.UTC)


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
            _("材料类型 kind 应为 {allowed} 之一").format(allowed="、".join(k.value for k in ItemKind)),
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


def _text_list(
    ctx: _Ctx,
    raw: dict[str, Any],
    key: str,
    *,
    table: str,
    index: int | None,
) -> list[str]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
        raise ctx.error(_("“{key}”应为文字列表").format(key=key), table=table, index=index, key=key)
    if any(len(x) > _RULE_TEXT_MAX for x in value):
        raise ctx.error(
            _("“{key}”中每项最多 {limit} 个字").format(key=key, limit=_RULE_TEXT_MAX),
            table=table,
            index=index,
            key=key,
        )
    return [x.strip() for x in value]


def _text(ctx: _Ctx, raw: dict[str, Any], key: str, *, table: str, index: int | None) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str):
        raise ctx.error(_("“{key}”应为文字").format(key=key), table=table, index=index, key=key)
    if len(value) > _RULE_TEXT_MAX:
        raise ctx.error(
            _("“{key}”最多 {limit} 个字").format(key=key, limit=_RULE_TEXT_MAX),
            table=table,
            index=index,
            key=key,
        )
    return value.strip()


def _enum_values(
    ctx: _Ctx, raw: dict[str, Any], key: str, enum: Any, *, table: str, index: int | None
) -> list[str]:
    out = []
    for v in _text_list(ctx, raw, key, table=table, index=index):
        try:
            out.append(enum(v).value)
        except ValueError:
            raise ctx.error(
                _("“{key}”中的“{given}”应为 {allowed} 之一").format(
                    key=key, given=_shown(v), allowed="、".join(e.value for e in enum)
                ),
                table=table,
                index=index,
                key=key,
            ) from None
    return out


def _rules(ctx: _Ctx, data: dict[str, Any], spec: CampaignSpec, enum_list: Any) -> dict[str, Any]:
    """[delivery], [fee_payment], [submissions] and [[defence]]: stored in Campaign.rules and read
    through models.rules."""
    rules: dict[str, Any] = {}
    raw = data.get("delivery")
    if raw is not None:
        if not isinstance(raw, dict):
            raise ctx.error(_("“delivery”应为表 [delivery]"), key="delivery")
        _check_keys(ctx, "delivery", 0, raw, _DELIVERY_KEYS)
        by = _enum_values(ctx, raw, "by", Bringer, table="delivery", index=None)
        if not by:
            raise ctx.error(
                _("[delivery] 的 by 不能为空（unit、authority、applicant）"),
                table="delivery",
                key="by",
            )
        blocks = raw.get("blocks", False)
        if not isinstance(blocks, bool):
            raise ctx.error(_("“blocks”应为 true 或 false"), table="delivery", key="blocks")
        rules["delivery"] = {
            "by": by,
            "blocks": blocks,
            "clause": _text(ctx, raw, "clause", table="delivery", index=None),
            "text": _text(ctx, raw, "text", table="delivery", index=None),
        }
    elif not spec.individual_submission:
        rules["delivery"] = {
            "by": [Bringer.unit.value, Bringer.authority.value],
            "blocks": True,
            "clause": "",
            "text": "",
        }
    raw = data.get("fee_payment")
    if raw is not None:
        if not isinstance(raw, dict):
            raise ctx.error(_("“fee_payment”应为表 [fee_payment]"), key="fee_payment")
        _check_keys(ctx, "fee_payment", 0, raw, _FEE_PAYMENT_KEYS)
        methods = _enum_values(ctx, raw, "methods", PaymentMethod, table="fee_payment", index=None)
        if not methods:
            raise ctx.error(
                _("[fee_payment] 的 methods 不能为空（cash、transfer、card、qr）"),
                table="fee_payment",
                key="methods",
            )
        rules["fee_payment"] = {
            "methods": methods,
            "clause": _text(ctx, raw, "clause", table="fee_payment", index=None),
            "text": _text(ctx, raw, "text", table="fee_payment", index=None),
        }
    raw = data.get("submissions")
    if raw is not None:
        if not isinstance(raw, dict):
            raise ctx.error(_("“submissions”应为表 [submissions]"), key="submissions")
        _check_keys(ctx, "submissions", 0, raw, _SUBMISSION_KEYS)
        limit = raw.get("limit")
        if limit is not None and (
            not isinstance(limit, int)
            or isinstance(limit, bool)
            or not 1 <= limit <= _MAX_SUBMISSIONS
        ):
            raise ctx.error(
                _("“limit”应为 1–{MAX_SUBMISSIONS} 的整数；通知未限定次数的，不写 limit").format(
                    MAX_SUBMISSIONS=_MAX_SUBMISSIONS
                ),
                table="submissions",
                key="limit",
            )
        rules["submissions"] = {
            "limit": limit,
            "clause": _text(ctx, raw, "clause", table="submissions", index=None),
        }
    if "defence" in data:
        out = []
        for i, r in enumerate(_tables(ctx, data, "defence")):
            _check_keys(ctx, "defence", i, r, _DEFENCE_KEYS)
            rule = r.get("rule")
            if rule not in ("defend", "exempt"):
                raise ctx.error(
                    _("[[defence]] 的 rule 应为 defend（须答辩）或 exempt（免答辩）"),
                    table="defence",
                    index=i,
                    key="rule",
                )
            verify = r.get("verify", False)
            if not isinstance(verify, bool):
                raise ctx.error(
                    _("“verify”应为 true 或 false"), table="defence", index=i, key="verify"
                )
            levels = [
                lv.value
                for lv in enum_list("levels", parse_level, table="defence", index=i, source=r)
            ]
            entry = {
                "rule": rule,
                "levels": levels,
                "when": _enum_values(ctx, r, "when", Condition, table="defence", index=i),
                "specialties": _text_list(ctx, r, "specialties", table="defence", index=i),
                "counties": _text_list(ctx, r, "counties", table="defence", index=i),
                "verify": verify,
                **{
                    k: _text(ctx, r, k, table="defence", index=i)
                    for k in ("mode", "text", "clause")
                },
            }
            if not entry["clause"]:
                raise ctx.error(
                    _("[[defence]] 须写明 clause（通知条款）"), table="defence", index=i
                )
            out.append(entry)
        rules["defence"] = out
    return rules


def _details(ctx: _Ctx, i: int, raw: dict[str, Any]) -> dict[str, Any]:
    t = "checklist"
    d: dict[str, Any] = {}
    scope = raw.get("scope", "person")
    if scope not in ("person", "unit"):
        raise ctx.error(
            _("“scope”应为 person（每人一份）或 unit（每个单位一份）"),
            table=t,
            index=i,
            key="scope",
        )
    if scope != "person":
        d["scope"] = scope
    fill = raw.get("fill", "handwritten")
    if fill not in ("handwritten", "filled"):
        raise ctx.error(
            _("“fill”应为 handwritten（手写）或 filled（填写）"), table=t, index=i, key="fill"
        )
    if fill != "handwritten":
        d["fill"] = fill
    for key in ("parts", "stamp_by"):
        if key in raw:
            d[key] = _text_list(ctx, raw, key, table=t, index=i)
    for key in ("watermark_words", "condition_text"):
        if key in raw:
            d[key] = _text(ctx, raw, key, table=t, index=i)
    if "when_any" in raw:
        d["when_any"] = _enum_values(ctx, raw, "when_any", Condition, table=t, index=i)
    if d.get("watermark_words") and not raw.get("watermark"):
        raise ctx.error(
            _("写了 watermark_words 须同时写 watermark = true"),
            table=t,
            index=i,
            key="watermark_words",
        )
    if "waived" in raw:
        waived = raw["waived"]
        if not isinstance(waived, dict):
            raise ctx.error(
                _('“waived”应为表，如 waived = {{ private_firm = ["主要领导签字"] }}'),
                table=t,
                index=i,
                key="waived",
            )
        out = {}
        for cond, parts in waived.items():
            try:
                Condition(cond)
            except ValueError:
                raise ctx.error(
                    _("“waived”中未知的条件“{condition}”").format(condition=_shown(cond)),
                    table=t,
                    index=i,
                    key="waived",
                ) from None
            listed = _text_list(ctx, {"waived": parts}, "waived", table=t, index=i)
            if any(p not in d.get("parts", []) for p in listed):
                raise ctx.error(
                    _("“waived”只能免去本项 parts 中列出的部分"), table=t, index=i, key="waived"
                )
            out[cond] = listed
        d["waived"] = out
    return d
