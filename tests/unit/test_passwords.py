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
        "print(json.dumps([h.time_cost, h.memory_cost, h.parallelism, h.hash('x'), u._DUMMY_HASH,"
        " h.check_needs_rehash(u._DUMMY_HASH), h.verify(u._DUMMY_HASH, 'committee-desk-dummy-password')]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    time_cost, memory_cost, parallelism, new, dummy, dummy_stale, dummy_valid = json.loads(
        out.stdout
    )
    # argon2-cffi's RFC 9106 low-memory profile: 3 passes over 64 MiB
    assert time_cost >= 3 and memory_cost >= 65536 and parallelism >= 1
    for h in (new, dummy):  # the dummy hash (unknown users) costs what a real one does
        assert h.startswith("$argon2id$v=19$m=65536,t=3,"), h
    # the dummy is a constant (hashing it at import cost every start 0.25 s): it must keep
    # the hasher's own parameters, or an unknown user would be answered faster than a known one
    assert dummy_stale is False and dummy_valid is True


def test_the_demo_office_hashes_cheaply_and_a_login_makes_it_strong(tmp_path: Path) -> None:
    """The throw-away demo office prints its passwords on its login screen: they are hashed
    cheaply (the demo starts sooner), and the first login re-hashes with the strong parameters."""
    code = f"""
import json
from sqlmodel import select
from models import migrate
from models.db import make_engine, session_scope
from models.demo import seed_demo
from models.services.users import authenticate
from models.users import User
engine = make_engine("sqlite:///{tmp_path}/demo.sqlite3")
migrate.upgrade(engine)
with session_scope(engine) as s:
    seed_demo(s)
with session_scope(engine) as s:
    before = s.exec(select(User).where(User.username == "clerk")).one().password_hash
    authenticate(s, "clerk", "clerk123")
with session_scope(engine) as s:
    after = s.exec(select(User).where(User.username == "clerk")).one().password_hash
print(json.dumps([before, after]))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    before, after = json.loads(out.stdout.splitlines()[-1])
    assert before.startswith("$argon2id$v=19$m=1024,t=1,"), before
    assert after.startswith("$argon2id$v=19$m=65536,t=3,"), after
