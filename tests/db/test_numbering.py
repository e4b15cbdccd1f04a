"""Gapless, unique numbers per campaign, also with several desks allocating at once."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool
from sqlmodel import Session

from models.db import session_scope
from models.permissions import SYSTEM
from models.services.campaigns import load_campaign, read_preset
from models.services.numbering import allocate, format_number
from models.vocab import NumberKind


def _campaign(engine: Engine, preset: str = "000") -> int:
    with session_scope(engine) as s:
        filename, text = read_preset(preset)
        c = load_campaign(s, SYSTEM, text, filename=filename)
        assert c.id is not None
        return c.id


def test_sequential_and_independent_per_kind_and_campaign(engine: Engine) -> None:
    a, b = _campaign(engine, "000"), _campaign(engine, "001")
    with session_scope(engine) as s:
        assert [allocate(s, a, NumberKind.dossier) for _ in range(3)] == [1, 2, 3]
        assert allocate(s, a, NumberKind.receipt) == 1
        assert allocate(s, b, NumberKind.dossier) == 1


def test_rolled_back_number_is_given_again(engine: Engine) -> None:
    cid = _campaign(engine)
    with session_scope(engine) as s:
        assert allocate(s, cid, NumberKind.receipt) == 1
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        assert allocate(s, cid, NumberKind.receipt) == 2
        raise RuntimeError("printer caught fire before commit")
    with session_scope(engine) as s:
        assert allocate(s, cid, NumberKind.receipt) == 2


def test_format() -> None:
    assert format_number("ZJ21F", 42) == "ZJ21F00042"


def _contend(engine: Engine, cid: int, threads: int, per_thread: int) -> list[int]:
    got: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def desk() -> None:
        try:
            start.wait()
            for _ in range(per_thread):
                with Session(engine) as s:  # one transaction per number, as at the counter
                    n = allocate(s, cid, NumberKind.receipt)
                    s.commit()
                with lock:
                    got.append(n)
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    workers = [threading.Thread(target=desk) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    if errors:
        raise errors[0]
    return got


def test_contention_no_duplicates_no_gaps(engine: Engine) -> None:
    """PostgreSQL: 8 connections × 200 allocations. SQLite (one file, one writer at a time):
    4 × 50, to show BEGIN IMMEDIATE queues desks instead of failing."""
    cid = _campaign(engine)
    threads, per = (8, 200) if engine.dialect.name == "postgresql" else (4, 50)
    if engine.dialect.name == "postgresql":
        engine = engine.execution_options()  # same pool; pool_size must allow 8 at once
        pool = engine.pool
        assert isinstance(pool, QueuePool)
        pool._pool.maxsize = max(pool.size(), threads)  # SQLAlchemy's own queue: no setter
    got = _contend(engine, cid, threads, per)
    assert len(got) == threads * per
    assert sorted(got) == list(range(1, threads * per + 1))
