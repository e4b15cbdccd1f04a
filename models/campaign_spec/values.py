"""Reading a campaign file's values: the error context (file, line, table, key), texts, lists, enumerations and times, each checked."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

from models.campaign_spec.specs import _FIRST_YEAR, _LAST_YEAR, _RULE_TEXT_MAX
from models.errors import PresetError
from models.i18n import _
from models.text import strip_invisible


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
