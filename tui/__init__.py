"""The desk's terminal interface (Textual) and its command line (Typer).

Textual paints at most ``TEXTUAL_FPS`` frames a second (default 60): a scanned card waits up to
one frame, 16.7 ms, before it is painted. The counter's target (scan → card on screen ≤ 50 ms at
p95) is met with 120, i.e. at most 8.3 ms; an office can still set its own value."""

import os

os.environ.setdefault("TEXTUAL_FPS", "120")  # read when Textual is first imported: keep this first
