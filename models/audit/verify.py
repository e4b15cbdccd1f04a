"""Verifying the chain: walking each lane and reporting every break."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    select,
    tuple_,
)
from sqlalchemy.engine import Connection

from models.audit.events import _TABLE, GENESIS
from models.audit.hashing import content_of, event_hash
from models.i18n import _

# --- verification ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Break:
    """The first place the chain does not hold."""

    seq: int | None
    event_id: int
    at: dt.datetime | None
    action: str
    problem: str
    lane: int = 0

    def describe(self) -> str:
        if self.seq is None:
            where = _("未入链的一条")
        elif self.lane:
            where = _("第 {lane} 道第 {seq} 条").format(lane=self.lane, seq=self.seq)
        else:
            where = _("第 {seq} 条").format(seq=self.seq)
        when = f"{self.at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC，" if self.at else ""
        return _("{where}（记录号 {event_id}，{when}{action}）：{problem}").format(
            where=where, event_id=self.event_id, when=when, action=self.action, problem=self.problem
        )


@dataclass(frozen=True, slots=True)
class ChainReport:
    events: int  # events checked in the chain
    first_break: Break | None
    unsealed: int  # events without a place in the chain
    lanes: int = 1  # lanes the events are in

    @property
    def ok(self) -> bool:
        return self.first_break is None and self.unsealed == 0


def _walk(conn: Connection, batch: int = 5000) -> Iterator[Any]:
    """Every sealed event, lane by lane, each lane in order."""
    lane, after = -1, 0
    c = _TABLE.c
    while True:
        rows = conn.execute(
            select(_TABLE)
            .where(
                c.chain_seq.is_not(None), tuple_(c.chain_lane, c.chain_seq) > tuple_(lane, after)
            )
            .order_by(c.chain_lane, c.chain_seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        lane, after = int(rows[-1].chain_lane), int(rows[-1].chain_seq)


def verify_chain(conn: Connection) -> ChainReport:
    """Walk each lane from its start; the first event whose links do not hold is reported."""
    lane, prev, expected, count, lanes = -1, GENESIS, 1, 0, 0
    first: Break | None = None
    for row in _walk(conn):
        count += 1
        if row.chain_lane != lane:
            lane, prev, expected, lanes = int(row.chain_lane), GENESIS, 1, lanes + 1
        seq = int(row.chain_seq)
        problem = ""
        if seq != expected:
            problem = (
                _("前面缺少第 {first}–{last} 条：审计记录被删除").format(
                    first=expected, last=seq - 1
                )
                if seq > expected
                else _("序号重复")
            )
        elif row.prev_hash != prev:
            problem = _("与前一条的链接不符：前一条被改动、删除或替换")
        elif row.hash != event_hash(prev, seq, content_of(row)):
            problem = _("内容与其哈希不符：该条审计记录写入后被改动")
        if problem:
            first = Break(seq, int(row.id), row.at, row.action, problem, lane)
            break
        prev, expected = str(row.hash), seq + 1
    unsealed = conn.execute(
        select(_TABLE.c.id, _TABLE.c.at, _TABLE.c.action)
        .where(_TABLE.c.chain_seq.is_(None))
        .order_by(_TABLE.c.id)
    ).all()
    if first is None and unsealed:
        u = unsealed[0]
        first = Break(
            None,
            int(u.id),
            u.at,
            u.action,
            _("不在审计链中：该条记录不是由本程序写入的（手工插入？）"),
        )
    return ChainReport(events=count, first_break=first, unsealed=len(unsealed), lanes=max(lanes, 1))
