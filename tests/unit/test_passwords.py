"""The tests hash passwords cheaply (tests/conftest.py); the desk itself never does: in a fresh
process, as a desk starts, the hasher has argon2id's strong parameters and a new password's hash
says so."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_desk_hashes_with_strong_parameters() -> None:
    code = (
        "import json, models.services.users as u\n"
        "h = u._hasher\n"
        "print(json.dumps([h.time_cost, h.memory_cost, h.parallelism, h.hash('x'), u._DUMMY_HASH]))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    time_cost, memory_cost, parallelism, new, dummy = json.loads(out.stdout)
    # argon2-cffi's RFC 9106 low-memory profile: 3 passes over 64 MiB
    assert time_cost >= 3 and memory_cost >= 65536 and parallelism >= 1
    for h in (new, dummy):  # the dummy hash (unknown users) costs what a real one does
        assert h.startswith("$argon2id$v=19$m=65536,t=3,"), h
