"""The label printer's own settings in ``[printers.label]``: its language and its stock.

[printers.label]
connection = "network"        # as for the receipt printer
host = "192.168.1.51"
language = "tspl"             # escpos (a receipt printer used for labels) | tspl | zpl
size = "60x40"                # label width x height in mm (40x30 50x30 60x40 70x50 100x70 …)
mark = "gap"                  # gap | black (black mark) | continuous
gap = 2                       # mm: the gap between labels, or the black mark's height
dpi = 203                     # 203 | 300
direction = 1                 # 1 or 0 (the label turned 180°)
density = 8                   # darkness 0–15
speed = 4                     # inches per second 1–12
copies = 1                    # labels per dossier 1–5
chinese = "resident"          # tspl: resident (TSS24.BF2, GB2312; bitmap for the rest) | bitmap
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, cast

from models.i18n import _
from printers.errors import PrinterError
from printers.label_plan import LabelStock, Mark, parse_size

LANGUAGES = ("escpos", "tspl", "zpl")
KEYS = {
    "language",
    "size",
    "mark",
    "gap",
    "dpi",
    "direction",
    "density",
    "speed",
    "copies",
    "chinese",
}
Language = Literal["escpos", "tspl", "zpl"]
Chinese = Literal["resident", "bitmap"]


@dataclass(frozen=True)
class LabelSettings:
    language: Language = "escpos"
    stock: LabelStock = field(default_factory=LabelStock)
    chinese: Chinese = "resident"

    def describe(self) -> str:
        if self.language == "escpos":
            return _("ESC/POS 热敏纸卷")
        s = self.stock
        mark = {
            "gap": _("间隙 {gap:g}mm"),
            "black": _("黑标 {gap:g}mm"),
            "continuous": _("连续纸"),
        }[s.mark].format(gap=s.gap_mm)
        return _("{language} 标签 {w:g}×{h:g}mm，{mark}，{dpi}dpi，{copies} 张").format(
            language=self.language.upper(),
            w=s.width_mm,
            h=s.height_mm,
            mark=mark,
            dpi=s.dpi,
            copies=s.copies,
        )


def parse_label(raw: dict[str, Any], bad: Any) -> LabelSettings:
    """The label keys of ``raw`` (a ``[printers.label]`` table); ``bad(message)`` makes the
    error naming the file and table."""
    language = raw.get("language", "escpos")
    if language not in LANGUAGES:
        raise bad(
            _("language 应为 {allowed} 之一，而不是“{language}”").format(
                allowed=" | ".join(LANGUAGES), language=language
            )
        )
    if language == "escpos":
        extra = sorted(k for k in KEYS - {"language"} if k in raw)
        if extra:
            raise bad(
                _('“{keys}”只用于标签打印机（language = "tspl" 或 "zpl"）').format(
                    keys="、".join(extra)
                )
            )
        return LabelSettings()
    size = raw.get("size", "60x40")
    if not isinstance(size, str):
        raise bad(_('size 应为 宽x高（毫米），如 "60x40"'))
    try:
        width, height = parse_size(size)
    except PrinterError as exc:
        raise bad(exc.message) from None
    mark = raw.get("mark", "gap")
    if mark not in ("gap", "black", "continuous"):
        raise bad(_("mark 应为 gap（间隙）、black（黑标）或 continuous（连续纸）"))
    gap = _number(raw.get("gap", 2 if mark != "continuous" else 0), 0, 20, "gap", bad)
    dpi = raw.get("dpi", 203)
    if dpi not in (203, 300):
        raise bad(_("dpi 应为 203 或 300"))
    direction = raw.get("direction", 1)
    if direction not in (0, 1) or isinstance(direction, bool):
        raise bad(_("direction 应为 0 或 1"))
    density = int(_number(raw.get("density", 8), 0, 15, "density", bad, whole=True))
    speed = int(_number(raw.get("speed", 4), 1, 12, "speed", bad, whole=True))
    copies = int(_number(raw.get("copies", 1), 1, 5, "copies", bad, whole=True))
    chinese = raw.get("chinese", "resident")
    if chinese not in ("resident", "bitmap"):
        raise bad(_("chinese 应为 resident（打印机内置字库）或 bitmap（点阵图）"))
    if language == "zpl" and "chinese" in raw and chinese == "resident":
        raise bad(_("ZPL 打印机没有可用的中文字库：chinese 只能为 bitmap"))
    stock = LabelStock(
        width_mm=width,
        height_mm=height,
        mark=cast(Mark, mark),
        gap_mm=gap,
        dpi=dpi,
        direction=direction,
        density=density,
        speed=speed,
        copies=copies,
    )
    return LabelSettings(cast(Language, language), stock, cast(Chinese, chinese))


def _number(
    value: object, low: float, high: float, key: str, bad: Any, whole: bool = False
) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    if ok and whole and not float(value).is_integer():  # type: ignore[arg-type]
        ok = False
    if not ok or not low <= value <= high:  # type: ignore[operator]
        raise bad(
            _("{key} 应为 {low:g}–{high:g} 之间的{kind}").format(
                key=key, low=low, high=high, kind=_("整数") if whole else _("数")
            )
        )
    return float(value)  # type: ignore[arg-type]
