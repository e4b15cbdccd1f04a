"""A small reader for the ESC/POS we emit, so tests can check our bytes without trusting our
writer: the Chinese-mode text segments, the GS v 0 rasters, the GS k Code128 barcodes (decoded
by the ESC/POS rules and painted with python-barcode's symbol table, not ``printers.code128``)
and the cuts."""

from __future__ import annotations

from dataclasses import dataclass

from barcode.charsets.code128 import CODES, STOP
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


@dataclass(frozen=True)
class NativeBarcode:
    """A ``GS k 73`` Code128 as the printer reads it: the text it encodes and the modules it
    paints (start to stop, checksum computed here), at the ``GS w`` module width then set."""

    text: str
    symbols: tuple[int, ...]
    module: int
    height: int

    @property
    def pattern(self) -> str:
        return "".join(str(CODES[v]) for v in self.symbols) + str(STOP) + "11"

    def image(self, dots: int) -> Image.Image:
        """The barcode centred on a line of ``dots`` (``ESC a 1``), as the printer paints it."""
        bars = len(self.pattern) * self.module
        img = Image.new("1", (dots, self.height), 1)
        x0 = (dots - bars) // 2
        for k, bit in enumerate(self.pattern):
            if bit == "1":
                for dx in range(self.module):
                    for y in range(self.height):
                        img.putpixel((x0 + k * self.module + dx, y), 0)
        return img

    def quiet_modules(self, dots: int) -> float:
        """The quiet zone each side, in modules, when centred on ``dots``."""
        return (dots - len(self.pattern) * self.module) / 2 / self.module


def native_barcodes(data: bytes) -> list[NativeBarcode]:
    """Every ``GS k 73 n d1…dn`` (function B, Code128) outside the rasters, decoded by the
    ESC/POS rules: ``{A``/``{B``/``{C`` select a code set, ``{{`` is ``{`` in B, a byte in C is
    a pair of digits 00–99."""
    data = without_rasters(data)
    found: list[NativeBarcode] = []
    module, height, i = 3, 162, 0
    while i < len(data):
        if data[i : i + 2] == b"\x1dw":
            module, i = data[i + 2], i + 3
        elif data[i : i + 2] == b"\x1dh":
            height, i = data[i + 2], i + 3
        elif data[i : i + 3] == b"\x1dk\x49":
            n = data[i + 3]
            found.append(_code128(data[i + 4 : i + 4 + n], module, height))
            i += 4 + n
        else:
            i += 1
    return found


def _code128(payload: bytes, module: int, height: int) -> NativeBarcode:
    assert payload[:1] == b"{" and payload[1:2] in (b"B", b"C"), payload
    start = {"B": 104, "C": 105}
    switch = {"B": 100, "C": 99}
    values: list[int] = []
    text = ""
    code_set = ""
    k = 0
    while k < len(payload):
        if payload[k : k + 1] == b"{" and payload[k + 1 : k + 2] in (b"B", b"C"):
            code_set = chr(payload[k + 1])
            values.append(switch[code_set] if values else start[code_set])
            k += 2
        elif code_set == "B":
            if payload[k : k + 2] == b"{{":
                k += 1
            assert 32 <= payload[k] <= 126, payload
            values.append(payload[k] - 32)
            text += chr(payload[k])
            k += 1
        else:
            assert payload[k] <= 99, payload
            values.append(payload[k])
            text += f"{payload[k]:02d}"
            k += 1
    values.append((values[0] + sum(j * v for j, v in enumerate(values[1:], start=1))) % 103)
    return NativeBarcode(text, tuple(values), module, height)


def cuts(data: bytes) -> list[int]:
    """Where each cut command (``GS V``) starts, outside the rasters."""
    data = without_rasters(data)
    out, i = [], data.find(b"\x1dV")
    while i >= 0:
        out.append(i)
        i = data.find(b"\x1dV", i + 2)
    return out
