"""How long a desk waits on the database: a value, without SQLAlchemy, so that reading the
config file (``desk --help`` chooses its language from it) costs no database import."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DbTimeouts:
    """How long a desk waits on PostgreSQL before it says so (seconds; config keys
    ``db_lock_timeout``, ``db_statement_timeout``, ``db_connect_timeout``,
    ``db_idle_transaction_timeout``). One stuck desk must not stop every desk: a row another desk
    holds is waited for ``lock`` seconds; a statement runs at most ``statement`` seconds; the
    server is given ``connect`` seconds to answer; a desk that stops in the middle of a
    transaction (frozen, its network gone) is cut off by the server after
    ``idle_in_transaction`` seconds, which lets go of what it held."""

    lock: float = 3
    statement: float = 30
    connect: float = 5
    idle_in_transaction: float = 60
