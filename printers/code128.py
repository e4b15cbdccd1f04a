"""Code128 as the receipt printer is sent it, so the width measured is the width printed.

The symbols are chosen for the fewest: code set B for text, code set C for runs of digits where
that is shorter (an odd run keeps its first digit in B), by a shortest path over the two sets.
The same symbols give the bars we paint (raster barcodes, previews) and the ``GS k`` bytes the
printer paints (``{B`` / ``{C`` switches, a code set C pair sent as one byte 0–99). Before,
``GS k`` was sent all in code set B while the width was measured from python-barcode's
pattern, which switches to C: ``Z2021000`` came out 2 symbols (22 modules) wider than measured.
"""

from __future__ import annotations

from typing import Literal

from barcode.charsets.code128 import CODES, STOP

from models.i18n import _
from printers.errors import BarcodeTooWide

Set = Literal["B", "C"]
START = {"B": 104, "C": 105}
SWITCH = {"B": 100, "C": 99}  # the symbol that switches *to* the set
END = str(STOP) + "11"  # the stop symbol and its final bar: 13 modules


def _check(data: str) -> None:
    if not data or not all(" " <= ch <= "~" for ch in data):
        raise BarcodeTooWide(
            _("条码内容“{data}”只能是 ASCII 字母和数字").format(data=data),
            code="printer.barcode_data",
        )


def runs(data: str) -> list[tuple[Set, str]]:
    """``data`` cut into code-set runs with the fewest symbols: ``ZJ21F00042`` →
    ``[("B", "ZJ21F0"), ("C", "0042")]``."""
    _check(data)
    n = len(data)
    inf = 1 << 30
    # cost[i][s]: fewest symbols (start included) for data[:i], in set s after it
    cost: list[dict[Set, int]] = [{"B": inf, "C": inf} for _ in range(n + 1)]
    back: list[dict[Set, tuple[int, Set] | None]] = [{"B": None, "C": None} for _ in range(n + 1)]
    cost[0] = {"B": 1, "C": 1}
    pairs: tuple[tuple[Set, Set], ...] = (("B", "C"), ("C", "B"))
    for i in range(n + 1):
        if i:  # a switch between the sets at i (at 0, the other start symbol instead)
            for to, came in pairs:
                if cost[i][came] + 1 < cost[i][to]:
                    cost[i][to], back[i][to] = cost[i][came] + 1, (i, came)
        if i < n and cost[i]["B"] + 1 < cost[i + 1]["B"]:
            cost[i + 1]["B"], back[i + 1]["B"] = cost[i]["B"] + 1, (i, "B")
        pair = data[i : i + 2]
        if len(pair) == 2 and pair.isdigit() and cost[i]["C"] + 1 < cost[i + 2]["C"]:
            cost[i + 2]["C"], back[i + 2]["C"] = cost[i]["C"] + 1, (i, "C")
    at: Set = "B" if cost[n]["B"] <= cost[n]["C"] else "C"
    i = n
    pieces: list[tuple[Set, str]] = []
    while (step := back[i][at]) is not None:
        j, before = step
        if j < i:
            pieces.append((at, data[j:i]))
        i, at = j, before
    out: list[tuple[Set, str]] = []
    for s, chunk in reversed(pieces):
        if out and out[-1][0] == s:
            out[-1] = (s, out[-1][1] + chunk)
        else:
            out.append((s, chunk))
    return out


def symbols(data: str) -> list[int]:
    """The symbol values from the start symbol to the checksum (the stop not included)."""
    values: list[int] = []
    for set_, chunk in runs(data):
        values.append(SWITCH[set_] if values else START[set_])
        if set_ == "B":
            values.extend(ord(ch) - 32 for ch in chunk)
        else:
            values.extend(int(chunk[k : k + 2]) for k in range(0, len(chunk), 2))
    values.append((values[0] + sum(k * v for k, v in enumerate(values[1:], start=1))) % 103)
    return values


def pattern(data: str) -> str:
    """The modules, ``1`` a bar, ``0`` a space; quiet zones not included."""
    return "".join(str(CODES[v]) for v in symbols(data)) + END


def gs_k(data: str) -> bytes:
    """The data of ``GS k 73 n d1…dn`` (Code128): ``{B``/``{C`` before each run, a code set C
    pair as one byte, ``{`` in code set B doubled. The printer adds the checksum and stop."""
    out = bytearray()
    for set_, chunk in runs(data):
        out += b"{" + set_.encode()
        if set_ == "B":
            out += chunk.replace("{", "{{").encode("ascii")
        else:
            out += bytes(int(chunk[k : k + 2]) for k in range(0, len(chunk), 2))
    return bytes(out)
