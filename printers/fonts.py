"""Finding a CJK font for PNG previews, raster lines of rare characters and image mode.

Order: the path in the printer config; ``DESK_CJK_FONT``; fontconfig's choice for Simplified
Chinese (``fc-match :lang=zh-cn``); well-known files on Linux, Windows and macOS.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont

from models.i18n import _
from printers.errors import FontMissing

_WINDOWS = os.environ.get("WINDIR", "C:/Windows").replace("\\", "/")
_KNOWN = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # Debian fonts-noto-cjk (SC)
    ("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    (f"{_WINDOWS}/Fonts/msyh.ttc", 0),  # Microsoft YaHei
    (f"{_WINDOWS}/Fonts/simsun.ttc", 0),
    ("/System/Library/Fonts/PingFang.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
)


@dataclass(frozen=True)
class FontRef:
    path: str
    index: int = 0

    def load(self, size: int) -> ImageFont.FreeTypeFont:
        return _load(self.path, self.index, size)


@functools.lru_cache(maxsize=32)
def _load(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, index=index)


def find_cjk_font(configured: str | None = None) -> FontRef:
    if configured:
        return _checked(configured, _("打印机配置中的 font"))
    env = os.environ.get("DESK_CJK_FONT")
    if env:
        return _checked(env, _("环境变量 DESK_CJK_FONT"))
    found = _fontconfig()
    if found is not None:
        return found
    for path, index in _KNOWN:
        if Path(path).exists():
            return FontRef(path, index)
    raise FontMissing(
        _(
            '找不到中文字体：打印预览、生僻字和图像模式需要一个中文 TrueType/OpenType 字体。请安装 Noto Sans CJK SC（Debian/Ubuntu：apt install fonts-noto-cjk）或文泉驿微米黑（fonts-wqy-microhei），或在配置文件 [printers.*] 中用 font = "字体文件路径" 指定'
        ),
    )


def _checked(spec: str, where: str) -> FontRef:
    path, _hash, index = spec.partition("#")
    if not Path(path).exists():
        raise FontMissing(_("{where}指定的字体文件 {path} 不存在").format(where=where, path=path))
    try:
        ref = FontRef(path, int(index or 0))
        ref.load(24)
    except (OSError, ValueError) as exc:
        raise FontMissing(
            _("{where}指定的字体文件 {path} 无法读取：{exc}").format(
                where=where, path=path, exc=exc
            )
        ) from None
    return ref


def fc_match(pattern: str) -> FontRef | None:
    """fontconfig's font for ``pattern`` (``:lang=zh-cn``, ``:lang=ug``), or None when there is
    no fc-match or no such file. fontconfig answers with some font whatever the pattern: the
    caller checks it has the glyphs it needs."""
    exe = shutil.which("fc-match")
    if exe is None:
        return None
    try:
        out = subprocess.run(
            [exe, "-f", "%{file}|%{index}", pattern],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return None
    path, _bar, index = out.partition("|")
    if not path or not Path(path).exists():
        return None
    return FontRef(path, int(index or 0))


def _fontconfig() -> FontRef | None:
    ref = fc_match(":lang=zh-cn")
    if ref is None:
        return None
    try:
        font = ref.load(24)
    except OSError:
        return None
    # fontconfig falls back to any font when no Chinese one exists: make sure it has 中
    return ref if font.getmask("中").getbbox() is not None and _has_glyph(font, "中") else None


def _has_glyph(font: ImageFont.FreeTypeFont, ch: str) -> bool:
    """True when ``ch`` renders as something other than the font's missing-glyph box."""
    notdef = font.getmask("\U0010fffd")
    mask = font.getmask(ch)
    return bool(mask.getbbox()) and (mask.size != notdef.size or bytes(mask) != bytes(notdef))
