"""Receipt rendering and ESC/POS bytes."""

from __future__ import annotations

import contextlib
import io
import statistics

from scripts.benchlib.harness import Figure, ms, p95, timings


def bench_printing(quick: bool) -> list[Figure]:
    """Receipt document → ESC/POS bytes, against python-escpos's own text path for the same
    lines (its magic encoding, which cannot be trusted with Chinese but is the obvious
    baseline); bytes per receipt in native and image mode, and the time at 9 600 baud."""
    from escpos.printer import Dummy

    from printers.document import layout
    from printers.errors import FontMissing
    from printers.escpos import PrinterProfile, render_escpos
    from printers.fonts import find_cjk_font
    from printers.preview import render_text
    from printers.samples import sample_document

    n = 50 if quick else 500
    doc = sample_document("receipt", 58)
    native = PrinterProfile(width_mm=58, encoding="gbk", barcode="native")
    ours = timings(lambda: render_escpos(layout(doc, 58), native), n)
    text = render_text(layout(doc, 58))

    def baseline() -> bytes:
        d = Dummy()
        d.text(text)
        with contextlib.redirect_stdout(io.StringIO()):  # it prints "Using hardware barcode…"
            d.barcode("{BZJ21F00042", "CODE128", function_type="B")
        d.cut()
        return bytes(d.output)

    base = timings(baseline, n)
    native_bytes = len(render_escpos(layout(doc, 58), native))
    figures = [
        Figure(
            "receipt document → bytes (58 mm, native; layout included)",
            "≤ 5 ms",
            f"{ms(statistics.median(ours))} (p95 {ms(p95(ours))})",
            f"{ms(statistics.median(base))} (p95 {ms(p95(base))}) python-escpos text() of our laid-out lines (no layout, no encodability check)",
            f"{statistics.median(ours) / statistics.median(base):.2f}",
            "ms",
            ok=p95(ours) <= 0.005,
        ),
    ]
    try:
        font = find_cjk_font()
    except FontMissing as exc:  # a report: say why the figure is missing
        figures.append(
            Figure("bytes per receipt, image mode", "—", "no CJK font", "", "", note=exc.message)
        )
        image_bytes = None
    else:
        image = PrinterProfile(
            width_mm=58, encoding="gbk", barcode="raster", image_mode=True, font=font
        )
        image_bytes = len(render_escpos(layout(doc, 58), image))
    figures.append(
        Figure(
            "bytes per receipt, native (vs image mode)",
            "≤ 2 048 B",
            f"{native_bytes}",
            f"{image_bytes} image mode" if image_bytes else "—",
            f"{native_bytes / image_bytes:.3f}" if image_bytes else "—",
            "B",
            ok=native_bytes <= 2048,
        )
    )
    baud = 9600 / 10  # bytes per second on 8N1
    figures.append(
        Figure(
            "receipt at 9 600 baud, native (vs image mode)",
            "≤ 2 s",
            f"{native_bytes / baud:.2f}",
            f"{image_bytes / baud:.1f} image mode" if image_bytes else "—",
            f"{native_bytes / image_bytes:.3f}" if image_bytes else "—",
            "s",
            ok=native_bytes / baud <= 2,
        )
    )
    return figures
