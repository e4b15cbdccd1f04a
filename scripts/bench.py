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
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.benchlib import harness  # noqa: E402
from scripts.benchlib.browser import bench_browser  # noqa: E402
from scripts.benchlib.counter import bench_counter  # noqa: E402
from scripts.benchlib.dayview import bench_dayview  # noqa: E402
from scripts.benchlib.harness import Figure, table  # noqa: E402
from scripts.benchlib.importing import bench_import  # noqa: E402
from scripts.benchlib.keystrokes import bench_keystrokes  # noqa: E402
from scripts.benchlib.labels import bench_labels  # noqa: E402
from scripts.benchlib.memory import _rss_child, bench_memory  # noqa: E402
from scripts.benchlib.payments import bench_payments  # noqa: E402
from scripts.benchlib.printing import bench_printing  # noqa: E402
from scripts.benchlib.search import bench_search  # noqa: E402
from scripts.benchlib.startup import bench_cli, bench_existing, bench_startup  # noqa: E402

BENCHES: dict[str, Callable[[bool, Path], list[Figure]]] = {
    "printing": lambda quick, workdir: bench_printing(quick),
    "labels": lambda quick, workdir: bench_labels(quick),
    "import": bench_import,
    "search": bench_search,
    "counter": bench_counter,
    "payments": bench_payments,
    "dayview": bench_dayview,
    "cli": bench_cli,
    "startup": bench_startup,
    "existing": bench_existing,
    "memory": bench_memory,
    "keystrokes": bench_keystrokes,
    "browser": bench_browser,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON")
    ap.add_argument(
        "--pg",
        default=os.environ.get("TEST_DATABASE_URL", ""),
        help="PostgreSQL URL for the database figures (default: TEST_DATABASE_URL)",
    )
    ap.add_argument("--only", nargs="*", choices=sorted(BENCHES), help="run only these")
    ap.add_argument("--rss-child", nargs=2, help=argparse.SUPPRESS)  # bench_memory's process
    args = ap.parse_args(argv)
    if args.rss_child:
        _rss_child(args.rss_child[0], int(args.rss_child[1]))
        return 0
    harness.PG_URL = args.pg
    # Processes started here keep their compiled bytecode, as an installed desk does (pip and
    # `uv sync --compile-bytecode` compile at install): without it every start recompiles some
    # 600 modules, 1.2 s here, which is no office's cost.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    figures: list[Figure] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="desk-bench-") as tmp:
        for name, bench in BENCHES.items():
            if args.only and name not in args.only:
                continue
            print(f"[bench] {name} …", file=sys.stderr, end="", flush=True)
            t0 = time.perf_counter()
            figures += bench(args.quick, Path(tmp))
            print(f" {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    elapsed = time.perf_counter() - started
    print(table(figures), end="")
    for f in figures:
        if f.note:
            print(f"· {f.name}: {f.note}")
    machine = (
        f"{platform.node()} · {platform.processor() or platform.machine()} · "
        f"{os.cpu_count()} CPUs · Python {platform.python_version()}"
    )
    print(f"{machine} · {'quick' if args.quick else 'full'} run in {elapsed:.1f} s")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"machine": machine, "quick": args.quick, "figures": [asdict(f) for f in figures]},
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
