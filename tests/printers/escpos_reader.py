"""A small reader for the ESC/POS we emit, so tests can check our bytes without trusting our
writer: the Chinese-mode text segments and the GS v 0 rasters."""

from __future__ import annotations

from PIL import Image

FS_ON, FS_OFF = b"\x1c&", b"\x1c."


def text_segments(data: bytes, encoding: str) -> list[str]:
    out: list[str] = []
    i = 0
    while True:
        start = data.find(FS_ON, i)
        if start < 0:
            return out
        end = data.find(FS_OFF, start)
        assert end > start, "FS & without FS ."
        out.append(data[start + 2 : end].decode(encoding))
        i = end + 2


def chinese_text(data: bytes, encoding: str) -> str:
    """The Chinese-mode text segments run together."""
    return "".join(text_segments(data, encoding))


def rasters(data: bytes) -> list[Image.Image]:
    """Every ``GS v 0`` image in order (white background, black dots)."""
    images: list[Image.Image] = []
    i = 0
    while True:
        i = data.find(b"\x1dv0", i)
        if i < 0:
            return images
        x_bytes = data[i + 4] + 256 * data[i + 5]
        rows = data[i + 6] + 256 * data[i + 7]
        body = data[i + 8 : i + 8 + x_bytes * rows]
        img = Image.frombytes("1", (x_bytes * 8, rows), bytes(b ^ 0xFF for b in body))
        images.append(img)
        i += 8 + len(body)


def without_rasters(data: bytes) -> bytes:
    """The bytes with every ``GS v 0`` image's dots taken out (dots are any bytes, e.g. ESC @)."""
    out = bytearray()
    i = 0
    while True:
        j = data.find(b"\x1dv0", i)
        if j < 0:
            return bytes(out + data[i:])
        x_bytes = data[j + 4] + 256 * data[j + 5]
        rows = data[j + 6] + 256 * data[j + 7]
        out += data[i : j + 8]
        i = j + 8 + x_bytes * rows


def stacked(images: list[Image.Image]) -> Image.Image:
    width = max(im.width for im in images)
    out = Image.new("1", (width, sum(im.height for im in images)), 1)
    y = 0
    for im in images:
        out.paste(im, (0, y))
        y += im.height
    return out
