"""A reader for the TSPL we send to label printers, written from the TSPL/TSPL2 manual and not
from our writer, so tests check the bytes a printer would get: CRLF-ended commands, strings in
GBK, BITMAP data taken by its declared length; the SIZE/GAP/CLS … PRINT order; and a drawing of
the label (resident font emulated with a CJK font in its 24-dot cells) for zxing to scan."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import barcode
from PIL import Image, ImageDraw, ImageFont

# commands that set up the printer, allowed before CLS, and those that draw, allowed after it
SETUP = {"SIZE", "GAP", "BLINE", "DIRECTION", "DENSITY", "SPEED", "CODEPAGE", "REFERENCE"}
DRAW = {"TEXT", "BITMAP", "BARCODE", "BAR", "BOX"}


@dataclass
class Command:
    name: str
    args: list[str | int]
    data: bytes = b""  # BITMAP's raster


@dataclass
class Label:
    width_mm: float
    height_mm: float
    commands: list[Command] = field(default_factory=list)

    def of(self, name: str) -> list[Command]:
        return [c for c in self.commands if c.name == name]


def _args(text: str) -> list[str | int]:
    """Comma-separated arguments: integers, or double-quoted GBK strings (\\["] is a quote)."""
    out: list[str | int] = []
    for m in re.finditer(r'"((?:\\\["\]|[^"])*)"|([^,]+)', text):
        if m.group(1) is not None:
            out.append(m.group(1).replace('\\["]', '"'))
        else:
            token = m.group(2).strip()
            out.append(int(token) if re.fullmatch(r"-?\d+", token) else token)
    return out


def parse(data: bytes) -> Label:
    """The label a printer would make of ``data``; AssertionError on anything malformed."""
    commands: list[Command] = []
    i = 0
    while i < len(data):
        end = data.find(b"\r\n", i)
        assert end >= 0, f"command without CRLF at byte {i}: {data[i : i + 40]!r}"
        head = data[i:end]
        if head.startswith(b"BITMAP "):
            # BITMAP x,y,width_bytes,height,mode,<width_bytes*height raw bytes>
            fields = head[7:].split(b",", 5)
            x, y, wb, h, mode = (int(f) for f in fields[:5])
            start = i + 7 + sum(len(f) + 1 for f in fields[:5])
            body = data[start : start + wb * h]
            assert len(body) == wb * h, "BITMAP shorter than declared"
            assert data[start + wb * h : start + wb * h + 2] == b"\r\n", "BITMAP length wrong"
            commands.append(Command("BITMAP", [x, y, wb, h, mode], body))
            i = start + wb * h + 2
            continue
        text = head.decode("gbk")
        name, _sp, rest = text.partition(" ")
        commands.append(Command(name, _args(rest)))
        i = end + 2
    names = [c.name for c in commands]
    assert names[0] == "SIZE", names
    assert "CLS" in names and names[-1] == "PRINT", names
    cls = names.index("CLS")
    assert all(n in SETUP for n in names[1:cls]), names[:cls]
    assert all(n in DRAW for n in names[cls + 1 : -1]), names[cls:]
    size = commands[0].args
    return Label(_mm(size[0]), _mm(size[1]), commands)


def _mm(arg: str | int) -> float:
    return float(str(arg).replace("mm", "").strip())


def draw(label: Label, dpi: int, font_path: str, font_index: int = 0) -> Image.Image:
    """The label as the printer would print it (white paper, black dots), and every drawn
    item's box checked to lie inside the label."""
    dots = dpi / 25.4
    width, height = round(label.width_mm * dots), round(label.height_mm * dots)
    img = Image.new("L", (width, height), 255)
    pen = ImageDraw.Draw(img)
    for c in label.commands:
        if c.name == "TEXT":
            x, y, fontname, rotation, xm, ym, text = c.args
            assert fontname == "TSS24.BF2" and rotation == 0, c.args
            assert isinstance(x, int) and isinstance(y, int) and isinstance(text, str)
            assert isinstance(xm, int) and isinstance(ym, int)
            for ch in text:  # the resident font has GB2312 only: rows A1–F7, columns A1–FE
                b = ch.encode("gbk")
                assert len(b) == 1 or (0xA1 <= b[0] <= 0xF7 and 0xA1 <= b[1] <= 0xFE), ch
            face = ImageFont.truetype(font_path, 24 * ym, index=font_index)
            cx = x
            for ch in text:
                cell = (12 if ch < "\x80" else 24) * xm
                pen.text((cx, y + round(24 * ym * 0.88)), ch, font=face, fill=0, anchor="ls")
                cx += cell
            _inside(cx, y + 24 * ym, width, height, c)
        elif c.name == "BITMAP":
            x, y, wb, rows, mode = (int(a) for a in c.args)
            assert mode == 0
            # TSPL: a 0 bit prints (black), 1 leaves the paper white
            raster = Image.frombytes("1", (wb * 8, rows), c.data).convert("L")
            img.paste(raster, (x, y))
            _inside(x + _ink_right(raster), y + rows, width, height, c)
        elif c.name == "BARCODE":
            x, y, kind, h, readable, rotation, narrow, wide, data = c.args
            assert kind == "128" and rotation == 0 and readable == 0, c.args
            assert isinstance(x, int) and isinstance(y, int) and isinstance(h, int)
            assert isinstance(narrow, int) and narrow == wide and isinstance(data, str)
            pattern = barcode.get("code128", data).build()[0]
            for k, bit in enumerate(pattern):
                if bit == "1":
                    pen.rectangle([x + k * narrow, y, x + (k + 1) * narrow - 1, y + h - 1], fill=0)
            # ten modules of quiet zone on each side, inside the label
            assert x - 10 * narrow >= 0, "left quiet zone outside the label"
            _inside(x + (len(pattern) + 10) * narrow, y + h, width, height, c)
    return img


def _ink_right(raster: Image.Image) -> int:
    box = Image.eval(raster, lambda v: 255 - v).getbbox()
    return box[2] if box else 0


def _inside(right: int, bottom: int, width: int, height: int, c: Command) -> None:
    assert right <= width and bottom <= height, (
        f"{c.name} reaches ({right}, {bottom}) outside the {width}×{height} label: {c.args[:4]}"
    )
