"""A campaign's paper windows: their status, their text, the declaration window, and setting one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from models import audit
from models.campaign import Campaign, PaperWindow
from models.errors import (
    InvalidInput,
)
from models.i18n import N_, _
from models.permissions import Action, Actor, require
from models.rules import WindowKind, same_series
from models.types import utcnow
from models.vocab import WINDOW_LABEL


@dataclass(frozen=True, slots=True)
class WindowStatus:
    open: bool
    window: PaperWindow | None  # the window that applies (open now, or the nearest)
    message: str
    unset: bool = False  # no paper window applies at all: a lead sets one


def _windows(
    session: Session, campaign: Campaign, kind: WindowKind, level: str | None = None
) -> list[PaperWindow]:
    """The windows of ``kind``; with ``level``, those for that level (a window naming levels —
    001 三（五）1: 中、初级 — is not another level's)."""
    rows = session.exec(
        select(PaperWindow)
        .where(PaperWindow.campaign_id == campaign.id, PaperWindow.kind == kind.value)
        .order_by(col(PaperWindow.starts_at), col(PaperWindow.id))
    )
    return [w for w in rows if level is None or not w.levels or level in w.levels]


def window_text(campaign: Campaign, w: PaperWindow) -> str:
    """``2021-09-25 至 2021-10-10``, or with hours when the window has them."""
    zone = campaign.zone
    a, b = w.starts_at.astimezone(zone), w.ends_at.astimezone(zone)
    if a.time() == dt.time(0) and b.time() == dt.time(0):
        last = (b - dt.timedelta(days=1)).date()
        return _("{start:%Y-%m-%d} 至 {end:%Y-%m-%d}").format(start=a, end=last)
    return _("{start:%Y-%m-%d %H:%M} 至 {end:%Y-%m-%d %H:%M}").format(start=a, end=b)


UNSET_WINDOW_HINT = N_(
    "请负责人设定纸质材料报送时间（受理台 F11，或命令 desk campaign set-window 批次代码 "
    "--start 日期 --end 日期 --reason 依据）"
)


def window_status(
    session: Session,
    campaign: Campaign,
    *,
    series: str | None = None,
    at: dt.datetime | None = None,
    level: str | None = None,
) -> WindowStatus:
    """Is the paper window open at ``at`` for ``series``? Series-specific windows win over
    campaign-wide ones; a series matches however it is spelt (工程系列 = 工程). Declaration
    windows (网上申报时间) never open the counter. A campaign whose notice states no paper window
    (001) is closed until a lead sets one, like an unstated fee."""
    at = at or utcnow()
    assert campaign.id is not None
    windows = _windows(session, campaign, WindowKind.paper, level)
    if not windows:
        return WindowStatus(
            False,
            None,
            _("通知未载明纸质材料报送时间，暂不受理纸质材料：{hint}").format(
                hint=_(UNSET_WINDOW_HINT)
            ),
            unset=True,
        )
    specific = [w for w in windows if series and w.series and same_series(w.series, series)]
    candidates = specific or [w for w in windows if w.series is None]
    if not candidates:
        return WindowStatus(
            False,
            None,
            _("本批次没有“{series}”系列的纸质材料报送时间：{hint}").format(
                series=series or "", hint=_(UNSET_WINDOW_HINT)
            ),
            unset=True,
        )

    def fmt(w: PaperWindow) -> str:
        return window_text(campaign, w)

    for w in candidates:
        if w.starts_at <= at < w.ends_at:
            return WindowStatus(
                True, w, _("{window}：{when}（进行中）").format(window=_(w.label), when=fmt(w))
            )
    future = [w for w in candidates if w.starts_at > at]
    if future:
        w = future[0]
        return WindowStatus(
            False, w, _("{window}尚未开始：{when}").format(window=_(w.label), when=fmt(w))
        )
    w = max(candidates, key=lambda x: x.ends_at)
    return WindowStatus(
        False, w, _("{window}已结束：{when}；逾期不予受理").format(window=_(w.label), when=fmt(w))
    )


def declaration_window(
    session: Session, campaign: Campaign, series: str | None, level: str | None = None
) -> PaperWindow | None:
    """The online declaration window of ``series`` for ``level`` (001 三（五）1: 中、初级), or
    None when the notice gives it none (高级, 图书资料 … in 001)."""
    windows = _windows(session, campaign, WindowKind.declaration, level)
    specific = [w for w in windows if series and w.series and same_series(w.series, series)]
    found = specific or [w for w in windows if w.series is None]
    return found[0] if found else None


def set_window(
    session: Session,
    actor: Actor,
    campaign: Campaign,
    *,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    reason: str,
    series: str | None = None,
) -> PaperWindow:
    """A lead sets the paper window the notice does not state (001), for every series or one;
    with the basis (a later notice, the office's decision); audited. The notice's own windows
    are never rewritten: a window set later is a row of its own."""
    require(actor, Action.window_extend)
    reason = " ".join(reason.split())
    if len(reason) < 2:
        raise InvalidInput(
            _("设定纸质材料报送时间须写明依据（如文件名称和文号、办公室决定）"),
            code="window.no_reason",
        )
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise InvalidInput(_("时间须带时区"), code="window.naive")
    if ends_at <= starts_at:
        raise InvalidInput(_("结束时间须晚于开始时间"), code="window.order")
    if ends_at - starts_at > dt.timedelta(days=366):
        raise InvalidInput(_("纸质材料报送时间最长一年"), code="window.too_long")
    if series is not None:
        series = " ".join(series.split())
        known = [x for x in campaign.series if same_series(x, series)]
        if campaign.series and not known:
            raise InvalidInput(
                _("本批次没有“{series}”系列（有：{known}）").format(
                    series=series[:30], known="、".join(campaign.series)
                ),
                code="window.bad_series",
            )
        series = known[0] if known else series
    window = PaperWindow(
        campaign_id=campaign.id or 0,
        series=series or None,
        starts_at=starts_at,
        ends_at=ends_at,
        label=WINDOW_LABEL,
        clause=f"负责人 {actor.username} 设定：{reason}"[:200],
        kind=WindowKind.paper.value,
    )
    session.add(window)
    session.flush()
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action="window.set",
        entity="paper_window",
        entity_id=window.id,
        campaign_id=campaign.id,
        desk=actor.desk,
        detail={
            "start": starts_at.isoformat(),
            "end": ends_at.isoformat(),
            "series": series or "",
            "reason": reason,
        },
    )
    return window
