"""The desk's performance targets, measured side by side with a baseline in the same run.

    python scripts/bench.py [--quick] [--json FILE] [--pg URL] [--only NAME ...]

Prints one table: figure, target, measured (median and p95 where it applies), the baseline
measured in the same run, and the ratio measured/baseline. Data is generated here (seeded).
``--quick`` runs small sizes in well under a minute (CI runs it so the script cannot rot; CI
checks that it runs, not its times). Exit status 0 whatever the figures: this is a report,
not a test.

Run it with the project's environment: ``.venv/bin/python scripts/bench.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


@dataclass
class Figure:
    name: str
    target: str
    measured: str
    baseline: str
    ratio: str
    unit: str = ""
    ok: bool | None = None  # against the target, where it is a number
    note: str = ""


def timings(fn: Callable[[], object], n: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def p95(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


def ms(x: float) -> str:
    return f"{x * 1000:.2f}"


# --------------------------------------------------------------------------- printing (issue 3)

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
        Figure("receipt document → bytes (58 mm, native; layout included)", "≤ 5 ms",
               f"{ms(statistics.median(ours))} (p95 {ms(p95(ours))})",
               f"{ms(statistics.median(base))} (p95 {ms(p95(base))}) python-escpos text() of our laid-out lines (no layout, no encodability check)",
               f"{statistics.median(ours) / statistics.median(base):.2f}", "ms",
               ok=p95(ours) <= 0.005),
    ]
    try:
        font = find_cjk_font()
    except FontMissing as exc:  # a report: say why the figure is missing
        figures.append(Figure("bytes per receipt, image mode", "—", "no CJK font", "", "",
                              note=exc.message))
        image_bytes = None
    else:
        image = PrinterProfile(width_mm=58, encoding="gbk", barcode="raster", image_mode=True,
                               font=font)
        image_bytes = len(render_escpos(layout(doc, 58), image))
    figures.append(Figure(
        "bytes per receipt, native (vs image mode)", "≤ 2 048 B",
        f"{native_bytes}", f"{image_bytes} image mode" if image_bytes else "—",
        f"{native_bytes / image_bytes:.3f}" if image_bytes else "—", "B",
        ok=native_bytes <= 2048))
    baud = 9600 / 10  # bytes per second on 8N1
    figures.append(Figure(
        "receipt at 9 600 baud, native (vs image mode)", "≤ 2 s",
        f"{native_bytes / baud:.2f}", f"{image_bytes / baud:.1f} image mode" if image_bytes else "—",
        f"{native_bytes / image_bytes:.3f}" if image_bytes else "—", "s",
        ok=native_bytes / baud <= 2))
    return figures


BENCHES: dict[str, Callable[[bool], list[Figure]]] = {
    "printing": bench_printing,
}


def table(figures: list[Figure]) -> str:
    from rich.console import Console
    from rich.table import Table

    t = Table(title="committee-desk bench", show_lines=False)
    for col in ("figure", "target", "measured", "baseline (same run)", "ratio", "unit", "meets"):
        t.add_column(col, overflow="fold")
    for f in figures:
        meets = "—" if f.ok is None else ("yes" if f.ok else "NO")
        t.add_row(f.name, f.target, f.measured, f.baseline, f.ratio, f.unit, meets)
    console = Console(width=160, file=io.StringIO(), record=True)
    console.print(t)
    return console.export_text()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    ap.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL", ""),
                    help="PostgreSQL URL for the database figures (default: TEST_DATABASE_URL)")
    ap.add_argument("--only", nargs="*", choices=sorted(BENCHES), help="run only these")
    args = ap.parse_args(argv)
    figures: list[Figure] = []
    started = time.perf_counter()
    for name, bench in BENCHES.items():
        if args.only and name not in args.only:
            continue
        figures += bench(args.quick)
    elapsed = time.perf_counter() - started
    print(table(figures), end="")
    machine = f"{platform.node()} · {platform.processor() or platform.machine()} · " \
              f"{os.cpu_count()} CPUs · Python {platform.python_version()}"
    print(f"{machine} · {'quick' if args.quick else 'full'} run in {elapsed:.1f} s")
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "quick": args.quick,
                                         "figures": [asdict(f) for f in figures]},
                                        ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
