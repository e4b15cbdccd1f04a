"""Text drawn in runs of one font each: the CJK font for what it has, a fallback for the rest.

CJK fonts (Noto Sans CJK, Microsoft YaHei …) have no Arabic-script glyphs, so a name in Uyghur
script (ئەخمەتجان) drawn with them is a row of empty boxes. Each character goes to the first
font that has it: the desk's CJK font, else a font for Uyghur script found by fontconfig
(``:lang=ug``) or at a known place (DejaVu Sans, Noto Sans Arabic, Microsoft Uighur, Arial).
A run keeps its spaces, and Pillow's raqm layout joins the letters and sets them right to left.
"""

from __future__ import annotations

import functools
from pathlib import Path

from PIL import ImageDraw

from printers.fonts import _WINDOWS, FontRef, _has_glyph, _load, fc_match

_KNOWN = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0),
    ("/usr/share/fonts/truetype/noto/NotoSansArabic-Regular.ttf", 0),
    ("/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf", 0),
    (f"{_WINDOWS}/Fonts/msuighur.ttf", 0),  # Microsoft Uighur
    (f"{_WINDOWS}/Fonts/arial.ttf", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
)


@functools.lru_cache(maxsize=8192)
def has_glyph(font: FontRef, ch: str) -> bool:
    """``font`` draws ``ch`` as itself (not its missing-glyph box); blanks always fit."""
    if ch.isspace() or not ch.isprintable():
        return True
    return _has_glyph(_load(font.path, font.index, 24), ch)


@functools.lru_cache(maxsize=1)
def fallbacks() -> tuple[FontRef, ...]:
    """Fonts for what the CJK font lacks: fontconfig's choice for Uyghur, then known files."""
    found = [ref] if (ref := fc_match(":lang=ug")) is not None else []
    found += [FontRef(p, i) for p, i in _KNOWN if Path(p).exists()]
    return tuple(dict.fromkeys(found))


def font_for(ch: str, font: FontRef) -> FontRef:
    """The font that draws ``ch``: ``font`` if it can, else the first fallback that can (else
    ``font`` itself: its box shows that a character could not be drawn)."""
    if has_glyph(font, ch):
        return font
    return next((f for f in fallbacks() if has_glyph(f, ch)), font)


def runs(text: str, font: FontRef) -> list[tuple[str, FontRef]]:
    """``text`` cut into runs of one font each, in order; blanks join the run they are in."""
    out: list[tuple[str, FontRef]] = []
    for ch in text:
        f = out[-1][1] if out and ch.isspace() else font_for(ch, font)
        if out and out[-1][1] == f:
            out[-1] = (out[-1][0] + ch, f)
        else:
            out.append((ch, f))
    return out


def length(text: str, font: FontRef, size: int) -> float:
    """The width of ``text`` in dots at ``size``, each run measured in its own font."""
    return sum(f.load(size).getlength(run) for run, f in runs(text, font))


def draw_text(
    draw: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    font: FontRef,
    size: int,
    fill: int = 0,
) -> None:
    """Draw ``text`` with its baseline at ``xy`` (anchor "ls"), run after run."""
    x, y = xy
    for run, f in runs(text, font):
        face = f.load(size)
        draw.text((x, y), run, font=face, fill=fill, anchor="ls")
        x += face.getlength(run)
