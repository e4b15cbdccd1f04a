"""ZPL II (Zebra and compatibles): the envelope label.

ZPL's scalable font ``^A0`` has no Chinese, so every line that is not plain ASCII goes as a
``^GFA`` graphic (hex, 1 = a printed dot — the inverse of our mode "1" images). The barcode is
the printer's own Code128 (``^BC``) with its module set by ``^BY``.
"""

from __future__ import annotations

from PIL import ImageChops

from printers.fonts import FontRef
from printers.label_bitmap import text_image
from printers.label_plan import LabelPlan

CALIBRATE = b"~JC"
STATUS_QUERY = b"~HS"


def _ascii(text: str) -> bool:
    return all(" " <= ch <= "~" for ch in text) and not any(ch in "^~\\" for ch in text)


def render_zpl(plan: LabelPlan, font: FontRef) -> bytes:
    s = plan.stock
    # the media and print settings first, in a format of their own; then the label itself
    media = {"gap": "^MNY", "black": "^MNM", "continuous": "^MNN"}[s.mark]
    out = [
        f"~SD{min(30, s.density * 2):02d}",
        f"^XA{media}^PR{s.speed}^XZ",
        "^XA",
        f"^PW{s.width_dots}",
        f"^LL{s.height_dots}",
        "^LH0,0",
        f"^PO{'N' if s.direction else 'I'}",
    ]
    for box in plan.texts:
        if _ascii(box.text):
            out.append(f"^FO{box.x},{box.y}^A0N,{box.height},{box.height}^FD{box.text}^FS")
            continue
        img = ImageChops.invert(text_image(box, font).convert("L")).convert("1")
        row = img.width // 8
        data = img.tobytes().hex().upper()
        out.append(f"^FO{box.x},{box.y}^GFA,{row * img.height},{row * img.height},{row},{data}^FS")
    b = plan.barcode
    out.append(f"^FO{b.x},{b.y}^BY{b.module}^BCN,{b.height},N,N,N^FD{b.data}^FS")
    out.append(f"^PQ{s.copies}")
    out.append("^XZ")
    return "\n".join(out).encode("ascii") + b"\n"


def status_faults(answer: bytes) -> list[str]:
    """The faults a ``~HS`` answer reports: its first string's 2nd field is paper out, 3rd
    pause; the second string's 3rd field is head open (ZPL II manual, ~HS)."""
    strings = [part.strip(b"\x02\x03\r\n ") for part in answer.split(b"\x03") if part.strip()]
    faults: list[str] = []
    try:
        first = strings[0].split(b",")
        if first[1] == b"1":
            faults.append("paper_out")
        if first[2] == b"1":
            faults.append("paused")
        second = strings[1].split(b",")
        if second[2] == b"1":
            faults.append("head_open")
    except IndexError:
        faults.append("no_answer")
    return faults
