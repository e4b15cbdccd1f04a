"""The columns of the platform's export, found by their header whatever the bureau called them,
and each row's values cleaned and checked — with a reason for every row that cannot be used.

Headers are compared after NFKC (full-width → half-width), with every space removed (the
ideographic space U+3000 that forms put inside 姓　名 too), a leading ``*`` (required-field
marker) and a trailing bracket ``（18位）`` or colon dropped."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from models.errors import InvalidInput
from models.i18n import _
from models.idcard import ResidentId
from models.names import display_name, key_of_display, pinyin_of_key
from models.text import shorten, strip_invisible
from models.vocab import ONLINE_APPROVED, parse_level, parse_track

# canonical header → record field; the canonical names are what campaign presets use as keys of
# [header_aliases]
CANONICAL = {
    "姓名": "name",
    "身份证号": "id_number",
    "性别": "sex",
    "工作单位": "unit",
    "主管单位": "supervising_dept",
    "县市": "county",
    "系列": "series",
    "专业": "specialty",
    "申报级别": "level",
    "资格名称": "grade",
    "申报类型": "track",
    "审核状态": "status",
    "提交次数": "submission_count",
    "申报编号": "application_no",
    "联系电话": "phone",
}
ALIASES: dict[str, tuple[str, ...]] = {
    "姓名": ("姓名", "申报人", "申报人姓名"),
    "身份证号": ("身份证号", "身份证号码", "证件号码", "公民身份号码", "身份证", "证件号"),
    "性别": ("性别",),
    "工作单位": ("工作单位", "单位名称", "单位", "现工作单位"),
    "主管单位": ("主管单位", "主管部门"),
    "县市": ("县市", "所在县市", "县(市)", "地区", "所属县市"),
    "系列": ("系列", "评审系列", "职称系列"),
    "专业": ("专业", "申报专业", "评审专业"),
    "申报级别": ("申报级别", "级别", "申报资格", "资格级别"),
    "资格名称": ("申报资格名称", "资格名称", "申报职称"),
    "申报类型": ("申报类型", "评审类型", "申报方式"),
    "审核状态": ("审核状态", "当前状态", "状态"),
    "提交次数": ("提交次数",),
    "申报编号": ("申报编号", "业务编号"),
    "联系电话": ("联系电话", "手机号码", "手机号", "电话"),
}
REQUIRED = ("name", "id_number")
HEADER_SCAN_ROWS = 20
TOTAL_WORDS = ("合计", "总计", "小计", "共计")
_BRACKET_TAIL = re.compile(r"[（(【\[].*$")
_COUNTY = re.compile(r"([\u4e00-\u9fff]{1,6}?(?:县|市))")


def norm_header(text: object) -> str:
    s = unicodedata.normalize("NFKC", "" if text is None else str(text))
    s = re.sub(r"\s+", "", s).lstrip("*＊").rstrip(":：")
    return _BRACKET_TAIL.sub("", s) if not s.startswith(("县(", "县（")) else s


def alias_table(extra: dict[str, list[str]] | None = None) -> dict[str, str]:
    """normalised header → field."""
    table: dict[str, str] = {}
    for canonical, names in ALIASES.items():
        for n in names:
            table[norm_header(n)] = CANONICAL[canonical]
    for key, more in (extra or {}).items():
        fld = CANONICAL.get(key, key if key in CANONICAL.values() else None)
        if fld is None:
            continue
        for n in more:
            table[norm_header(n)] = fld
    return table


@dataclass
class Columns:
    header_line: int  # 1-based
    fields: dict[str, int]  # field → column index
    headers: dict[str, str]  # field → the header as written
    extra: dict[int, str]  # column index → header, for columns we keep but do not use
    warnings: list[str] = field(default_factory=list)


def find_columns(
    rows: list[list[object]], extra_aliases: dict[str, list[str]] | None = None, name: str = ""
) -> Columns:
    table = alias_table(extra_aliases)
    best: tuple[int, int, dict[str, int]] | None = None
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        found: dict[str, int] = {}
        for j, cell in enumerate(row):
            fld = table.get(norm_header(cell))
            if fld and fld not in found:
                found[fld] = j
        if all(f in found for f in REQUIRED) and (best is None or len(found) > best[1]):
            best = (i, len(found), found)
    if best is None:
        raise InvalidInput(
            _(
                "在“{name}”前 {HEADER_SCAN_ROWS} 行中找不到表头：需要“姓名”和“身份证号”两列（也认“证件号码”“公民身份号码”等写法；本局另有写法的，请在评审批次文件的 [header_aliases] 中补充）"
            ).format(name=name, HEADER_SCAN_ROWS=HEADER_SCAN_ROWS),
            code="import.no_header",
        )
    i, _score, found = best
    row = rows[i]
    headers = {f: str(row[j]).strip() for f, j in found.items()}
    extra = {
        j: str(c).strip()
        for j, c in enumerate(row)
        if j not in found.values() and str(c or "").strip()
    }
    return Columns(header_line=i + 1, fields=found, headers=headers, extra=extra)


def clean_text(value: object) -> str:
    """A text cell: NFKC, WPS's leading apostrophe gone, spaces (incl. U+3000) trimmed and
    collapsed; a whole number Excel stored as 3.0 becomes "3"."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    s = str(value)
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s)  # full-width → half-width; U+3000 → space
    if s.isprintable():  # the only whitespace a printable text can hold is the plain space
        if " " in s:
            s = " ".join(s.split())  # trimmed and collapsed
    else:  # NUL (PostgreSQL refuses it), ESC, bidi and zero-width characters; other spaces
        s = " ".join(strip_invisible(s).split())
    if s[:1] in _TEXT_MARKS:
        s = " ".join(s.lstrip("".join(_TEXT_MARKS)).split())
    return s


_TEXT_MARKS = ("'", "‘", "’", "`")
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])")


def clean_cjk(value: object) -> str:
    """Chinese text (units, series): no spaces at all between Chinese characters."""
    s = clean_text(value)
    return _CJK_SPACE.sub("", s) if " " in s else s


def county_of(unit: str, dept: str) -> str:
    for text in (unit, dept):
        m = _COUNTY.search(text.replace("自治州", "").replace("自治县", "县"))
        if m and not m.group(1).endswith("州市"):
            return m.group(1)
    return "州直"


class RowError(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass
class CleanRow:
    line: int
    values: dict[str, Any]  # record fields, cleaned; includes derived keys

    @property
    def id_number(self) -> str:
        return str(self.values["id_number"])


def is_blank(row: list[object]) -> bool:
    for c in row:
        if c is None or c == "":
            continue
        if not isinstance(c, str) or clean_text(c):
            return False
    return True


def is_total(row: list[object], cols: Columns) -> bool:
    id_cell = row[cols.fields["id_number"]] if cols.fields["id_number"] < len(row) else None
    if id_cell is not None and id_cell != "" and (not isinstance(id_cell, str) or id_cell.strip()):
        return False
    return any(w in clean_text(c) for c in row for w in TOTAL_WORDS)


def clean_row(
    row: list[object],
    line: int,
    cols: Columns,
    *,
    tracks: list[str],
    levels: list[str],
    default_track: str,
) -> CleanRow:
    """One data row → record values, or RowError with the reason code and a Chinese reason."""
    index = cols.fields.get
    width = len(row)

    def cell(fld: str) -> object:
        j = index(fld)
        return row[j] if j is not None and j < width else None

    raw_name = clean_text(cell("name"))  # names are unique: not cached
    try:
        rid = ResidentId.parse(cell("id_number"))
    except InvalidInput as exc:
        raise RowError(exc.code, exc.message) from None
    if not raw_name:
        raise RowError("name.empty", _("姓名为空"))
    shown = display_name(raw_name)
    if not shown:
        raise RowError("name.empty", _("姓名为空（只有标点或不可见字符）"))
    if len(shown) > 60:
        raise RowError(
            "name.too_long", _("姓名有 {count} 个字符，超过 60 个，请核对").format(count=len(shown))
        )
    level_text = _cached_text(cell("level"))
    if not level_text:
        raise RowError("level.empty", _("申报级别为空"))
    try:
        level = _level(level_text)
    except InvalidInput as exc:
        raise RowError(exc.code, exc.message) from None
    if level not in levels:
        raise RowError(
            "level.not_in_campaign",
            _("本批次不受理“{level}”（受理：{levels}）").format(
                level=_(level), levels="、".join(_(x) for x in levels)
            ),
        )
    track_text = _cached_text(cell("track"))
    try:
        track = _track(track_text) if track_text else default_track
    except InvalidInput as exc:
        raise RowError(exc.code, exc.message) from None
    if track not in tracks:
        raise RowError(
            "track.not_in_campaign",
            _("本批次不受理“{track}”（受理：{tracks}）").format(
                track=_(track), tracks="、".join(_(x) for x in tracks)
            ),
        )
    status = _cached_cjk(cell("status")) if "status" in cols.fields else ONLINE_APPROVED
    if not status:
        raise RowError("status.empty", _("审核状态为空"))
    count_text = _cached_text(cell("submission_count"))
    submissions: int | None = None
    if count_text:
        # isdecimal, not isdigit: int() refuses ² and ፩; and a count is a small number
        if not count_text.isdecimal() or len(count_text) > 3:
            raise RowError(
                "count.bad",
                _("提交次数“{count}”不是 0–999 的整数").format(count=shorten(count_text, 20)),
            )
        submissions = int(count_text)
    unit = _cached_cjk(cell("unit"))
    dept = _cached_cjk(cell("supervising_dept"))
    key = key_of_display(shown)
    keys = pinyin_of_key(key)
    values: dict[str, Any] = {
        "id_number": rid.number,
        "id_last6": rid.last6,
        "name": shown,
        "name_key": key,
        "pinyin_full": keys.full,
        "pinyin_initials": keys.initials,
        "sex": _sex(_cached_cjk(cell("sex")), rid.sex.value),
        "unit": unit[:200],
        "supervising_dept": dept[:200],
        "county": (_cached_cjk(cell("county")) or _county(unit, dept))[:60],
        "series": _cached_cjk(cell("series"))[:60],
        "specialty": _cached_cjk(cell("specialty"))[:100],
        "level": level,
        "grade": (_cached_cjk(cell("grade")) or level_text)[:40],
        "track": track,
        "status": status[:40],
        "submission_count": submissions,
        "application_no": clean_text(cell("application_no"))[:60],
        "phone": clean_text(cell("phone"))[:40],
        "extra": {h: x for j, h in cols.extra.items() if j < width and (x := _cached_text(row[j]))},
    }
    return CleanRow(line=line, values=values)


# Columns that repeat (units, series, levels, statuses) are cleaned once per distinct value.
_CACHE = 1 << 14


@lru_cache(maxsize=_CACHE)
def _cached_text_str(value: str) -> str:
    return clean_text(value)


@lru_cache(maxsize=_CACHE)
def _cached_cjk_str(value: str) -> str:
    return clean_cjk(value)


def _cached_text(value: object) -> str:
    return _cached_text_str(value) if isinstance(value, str) else clean_text(value)


def _cached_cjk(value: object) -> str:
    return _cached_cjk_str(value) if isinstance(value, str) else clean_cjk(value)


def _sex(cell: str, from_id: str) -> str:
    """男 or 女 as the sheet says (also 男性, M, F); anything else is the ID number's."""
    key = cell.strip().upper()
    if key in ("男", "男性", "M", "MALE"):
        return "男"
    if key in ("女", "女性", "F", "FEMALE"):
        return "女"
    return from_id


@lru_cache(maxsize=256)
def _level(text: str) -> str:
    return parse_level(text).value


@lru_cache(maxsize=256)
def _track(text: str) -> str:
    return parse_track(text).value


@lru_cache(maxsize=_CACHE)
def _county(unit: str, dept: str) -> str:
    return county_of(unit, dept)


# the fields a re-import compares (derived keys follow the name)
COMPARED = (
    "name",
    "sex",
    "unit",
    "supervising_dept",
    "county",
    "series",
    "specialty",
    "level",
    "grade",
    "track",
    "status",
    "submission_count",
    "application_no",
    "phone",
    "extra",
)
