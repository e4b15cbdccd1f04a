"""The envelope label for a label printer: a 60×40 mm label → TSPL bytes, with the printer's
resident Chinese font and with every Chinese line as a bitmap, and its time at 9 600 baud."""

from __future__ import annotations

import statistics

from scripts.benchlib.harness import Figure, ms, p95, timings


def bench_labels(quick: bool) -> list[Figure]:
    """Planning and writing the sample dossier's 60×40 label (203 dpi) in TSPL, against the
    ESC/POS envelope label of the same dossier for a receipt roll (58 mm) as the baseline."""
    from printers.document import layout
    from printers.errors import FontMissing
    from printers.escpos import PrinterProfile, render_escpos
    from printers.fonts import find_cjk_font
    from printers.label_plan import LabelStock, plan_label
    from printers.labels import envelope_label
    from printers.samples import sample_dossier
    from printers.tspl import render_tspl

    try:
        font = find_cjk_font()
    except FontMissing as exc:  # a report: say why the figures are missing
        return [
            Figure("60×40 label → TSPL bytes", "≤ 5 ms", "no CJK font", "", "", note=exc.message)
        ]
    n = 50 if quick else 500
    data = sample_dossier()
    stock = LabelStock()

    def resident() -> bytes:
        return render_tspl(plan_label(data, stock, font), font, "resident")

    def bitmap() -> bytes:
        return render_tspl(plan_label(data, stock, font), font, "bitmap")

    profile = PrinterProfile(width_mm=58, encoding="gbk", barcode="native")

    def roll() -> bytes:
        return render_escpos(layout(envelope_label(data), 58), profile)

    ours = timings(resident, n)
    base = timings(roll, n)
    size, size_bitmap, size_roll = len(resident()), len(bitmap()), len(roll())
    baud = 9600 / 10  # bytes per second on 8N1
    return [
        Figure(
            "60×40 mm label → TSPL bytes (203 dpi, resident font; plan included)",
            "≤ 5 ms",
            f"{ms(statistics.median(ours))} (p95 {ms(p95(ours))})",
            f"{ms(statistics.median(base))} the same label as ESC/POS for a 58 mm roll",
            f"{statistics.median(ours) / statistics.median(base):.1f}",
            "ms",
            ok=p95(ours) <= 0.005,
        ),
        Figure(
            "bytes per 60×40 label, TSPL, resident font (vs every Chinese line a BITMAP)",
            "≤ 2 048 B",
            f"{size}",
            f"{size_bitmap} bitmap Chinese; {size_roll} ESC/POS roll",
            f"{size / size_bitmap:.3f}",
            "B",
            ok=size <= 2048,
        ),
        Figure(
            "60×40 label at 9 600 baud, resident font (vs bitmap Chinese)",
            "≤ 2 s",
            f"{size / baud:.2f}",
            f"{size_bitmap / baud:.1f} bitmap Chinese",
            f"{size / size_bitmap:.3f}",
            "s",
            ok=size / baud <= 2,
        ),
    ]
