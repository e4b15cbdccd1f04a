"""Campaigns: load from a file or a shipped preset, look up fees and windows, set a fee."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from models import audit
from models.campaign import Campaign, ChecklistItem, FeeRule, PaperWindow
from models.campaign_spec import CampaignSpec, parse_campaign
from models.errors import (
    Conflict,
    FeeNotApplicable,
    FeeUnknown,
    InvalidInput,
    NotFound,
    PresetError,
)
from models.i18n import N_, _
from models.money import Money
from models.permissions import Action, Actor, require
from models.presets import preset_files
from models.rules import WindowKind, same_series
from models.services.numbering import create_sequences
from models.types import utcnow
from models.vocab import WINDOW_LABEL, Level, Track, parse_level, parse_track


def read_preset(name: str) -> tuple[str, str]:
    """Find a shipped preset by notice number (``000``), code (``bz-vocational-2021``) or file
    name; return ``(filename, text)``."""
    wanted = name.strip().removesuffix(".toml")
    for f in preset_files():
        stem = f.name.removesuffix(".toml")
        number, _dash, code = stem.partition("-")
        if wanted in (stem, number, code):
            return f.name, f.read_text(encoding="utf-8")
    names = "、".join(f.name.removesuffix(".toml") for f in preset_files())
    raise NotFound(
        _("没有名为“{name}”的预设；可用：{names}").format(name=name, names=names),
        code="campaign.no_preset",
    )


def read_campaign_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PresetError(
            _("找不到评审批次文件 {path}").format(path=path), filename=str(path)
        ) from None
    except UnicodeDecodeError:
        raise PresetError(
            _("评审批次文件 {path} 不是 UTF-8 编码：请用 UTF-8 保存后再载入").format(path=path),
            filename=str(path),
        ) from None


def list_campaigns(session: Session) -> list[Campaign]:
    return list(session.exec(select(Campaign).order_by(col(Campaign.year).desc(), Campaign.code)))


def get_campaign(session: Session, code: str) -> Campaign:
    campaign = session.exec(select(Campaign).where(Campaign.code == code)).first()
    if campaign is None:
        raise NotFound(
            _("没有代码为“{code}”的评审批次").format(code=code), code="campaign.not_found"
        )
    return campaign


def load_campaign(
    session: Session,
    actor: Actor,
    text: str,
    *,
    filename: str = "<text>",
    code: str | None = None,
    action: Action = Action.campaign_load,
    prefix: str | None = None,
) -> Campaign:
    """Create a campaign from campaign-file text. ``code`` replaces the file's code (for
    ``desk campaign new CODE --from PRESET``); ``prefix`` (``ZJ25``) replaces its number
    prefixes with ``ZJ25S``, ``ZJ25F`` and ``ZJ25B`` (dossier, receipt, notice). No two campaigns
    share a prefix: a scanned number names its campaign."""
    require(actor, action)
    spec = parse_campaign(text, filename)
    if code is not None:
        spec = _with_code(spec, code, filename)
    if prefix is not None:
        spec = _with_prefix(spec, prefix)
    if session.exec(select(Campaign).where(Campaign.code == spec.code)).first() is not None:
        raise Conflict(
            _("评审批次“{code}”已存在；如需另建，请用 desk campaign new 新代码 --from …").format(
                code=spec.code
            ),
            code="campaign.exists",
        )
    _check_prefixes_free(session, spec)
    campaign = Campaign(
        code=spec.code,
        title=spec.title,
        committee=spec.committee,
        office=spec.office,
        room=spec.room,
        address=spec.address,
        timezone=spec.timezone,
        year=spec.year,
        source=spec.source,
        tracks=[t.value for t in spec.tracks],
        levels=[lv.value for lv in spec.levels],
        series=spec.series,
        individual_submission=spec.individual_submission,
        max_online_submissions=spec.max_online_submissions,
        defence_levels=[lv.value for lv in spec.defence_levels],
        defence_exempt=spec.defence_exempt,
        dossier_prefix=spec.dossier_prefix,
        receipt_prefix=spec.receipt_prefix,
        notice_prefix=spec.notice_prefix,
        contacts=spec.contacts,
        header_aliases=spec.header_aliases,
        preset_text=text,
        rules=spec.rules,
    )
    session.add(campaign)
    session.flush()
    assert campaign.id is not None
    cid = campaign.id
    for w in spec.windows:
        session.add(
            PaperWindow(
                campaign_id=cid,
                series=w.series,
                starts_at=w.starts_at,
                ends_at=w.ends_at,
                label=w.label,
                clause=w.clause,
                kind=w.kind.value,
                levels=list(w.levels),
            )
        )
    for f in spec.fees:
        session.add(
            FeeRule(
                campaign_id=cid,
                track=f.track.value,
                level=f.level.value,
                amount_fen=f.amount.fen if f.amount else None,
                clause=f.clause,
            )
        )
    for pos, it in enumerate(spec.checklist, start=1):
        session.add(
            ChecklistItem(
                campaign_id=cid,
                key=it.key,
                position=pos,
                name=it.name,
                kind=it.kind.value,
                copies=it.copies,
                needs_stamp=it.needs_stamp,
                needs_endorsement=it.needs_endorsement,
                handwritten=it.handwritten,
                watermark=it.watermark,
                double_sided=it.double_sided,
                must_match_online=it.must_match_online,
                tracks=[t.value for t in it.tracks],
                levels=[lv.value for lv in it.levels],
                when=[c.value for c in it.when],
                unless=[c.value for c in it.unless],
                optional=it.optional,
                note=it.note,
                clause=it.clause,
                details=it.details,
            )
        )
    create_sequences(session, cid)
    session.flush()
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=str(action),
        entity="campaign",
        entity_id=spec.code,
        campaign_id=cid,
        desk=actor.desk,
        detail={
            "file": filename,
            "notice": spec.notice,
            "fees": len(spec.fees),
            "windows": len(spec.windows),
            "checklist": len(spec.checklist),
        },
    )
    return campaign


def new_from_preset(
    session: Session, actor: Actor, code: str, preset: str, *, prefix: str | None = None
) -> Campaign:
    """``preset`` is a shipped preset's name or number, or a path to a campaign file;
    ``prefix`` gives the new campaign number prefixes of its own (see ``load_campaign``)."""
    path = Path(preset)
    if path.suffix == ".toml" and path.exists():
        filename, text = str(path), read_campaign_file(path)
    else:
        filename, text = read_preset(preset)
    return load_campaign(
        session,
        actor,
        text,
        filename=filename,
        code=code,
        action=Action.campaign_new,
        prefix=prefix,
    )


# A prefix's kinds, as the shipped presets spell them: ZJ21 + S (受理编号), F (收据号), B (通知)
PREFIX_KINDS = {"dossier": "S", "receipt": "F", "notice": "B"}
_PREFIX_BASE = re.compile(r"^[A-Z][A-Z0-9]{1,6}$")


def _with_prefix(spec: CampaignSpec, prefix: str) -> CampaignSpec:
    base = prefix.strip().upper()
    if not _PREFIX_BASE.fullmatch(base):
        raise InvalidInput(
            _(
                "编号前缀“{prefix}”应为 2–7 位大写字母或数字、以字母开头，如 ZJ25（受理编号 ZJ25S00001，收据号 ZJ25F00001，通知 ZJ25B00001）"
            ).format(prefix=prefix.strip()[:20]),
            code="campaign.bad_prefix",
        )
    spec.dossier_prefix, spec.receipt_prefix, spec.notice_prefix = (
        base + PREFIX_KINDS[k] for k in ("dossier", "receipt", "notice")
    )
    return spec


def _clash(a: str, b: str) -> bool:
    """Two prefixes a scanner cannot tell apart: equal, or one is the other's start followed by
    a digit (ZJ2 + 1S00001 reads as ZJ21S00001's)."""
    return (
        a == b
        or (b.startswith(a) and b[len(a) :][:1].isdigit())
        or (a.startswith(b) and a[len(b) :][:1].isdigit())
    )


def _prefixes(c: Campaign | CampaignSpec) -> tuple[str, str, str]:
    return c.dossier_prefix, c.receipt_prefix, c.notice_prefix


def _check_prefixes_free(session: Session, spec: CampaignSpec) -> None:
    """Refuse prefixes another campaign has (or that a scanner cannot tell from its), naming
    it and suggesting a free prefix."""
    others = list(session.exec(select(Campaign)))
    for mine in _prefixes(spec):
        for other in others:
            theirs = next((p for p in _prefixes(other) if _clash(mine, p)), None)
            if theirs is None:
                continue
            taken = [p for c in others for p in _prefixes(c)]
            hint = _suggest(spec, taken)
            raise Conflict(
                _(
                    "编号前缀 {mine} 与评审批次 {other}（{title}）的 {theirs} 相同或扫码时无法区分：不同批次的受理编号、收据号不能相同。请用 --prefix 指定本批次的前缀，如 --prefix {hint}（受理编号 {hint}S00001、收据号 {hint}F00001、通知 {hint}B00001）"
                ).format(mine=mine, other=other.code, title=other.title, theirs=theirs, hint=hint),
                code="campaign.prefix_in_use",
                prefix=mine,
                campaign=other.code,
            )


def _suggest(spec: CampaignSpec, taken: list[str]) -> str:
    """A free base for ``_with_prefix``: the spec's own with the new code's year (ZJ21 →
    ZJ25 for bz-vocational-2025), else with a letter after it (ZJ21A …)."""
    base = spec.dossier_prefix[:-1] if len(spec.dossier_prefix) > 2 else spec.dossier_prefix
    year = re.search(r"(?:19|20)(\d\d)(?!\d)", spec.code)
    tries = []
    if year and re.search(r"\d\d$", base):
        tries.append(base[:-2] + year.group(1))
    tries += [base[:6] + letter for letter in "ABCDEFGHJKLMNPQRTUVWXYZ"]
    for t in tries:
        mine = [t + k for k in PREFIX_KINDS.values()]
        if _PREFIX_BASE.fullmatch(t) and not any(_clash(a, b) for a in mine for b in taken):
            return t
    return base


def _with_code(spec: CampaignSpec, code: str, filename: str) -> CampaignSpec:
    if not re.match(r"^[a-z0-9][a-z0-9\-]{1,38}$", code):
        raise InvalidInput(
            _("批次代码应为 2–39 个小写字母、数字或 -，如 bz-vocational-2025"),
            code="campaign.bad_code",
        )
    spec.code = code
    return spec


@dataclass(frozen=True, slots=True)
class Fee:
    track: Track
    level: Level
    amount: Money
    clause: str


def fee_rules(session: Session, campaign_id: int) -> list[FeeRule]:
    return list(
        session.exec(
            select(FeeRule).where(FeeRule.campaign_id == campaign_id).order_by(col(FeeRule.id))
        )
    )


def fee_for(session: Session, campaign_id: int, track: Track | str, level: Level | str) -> Fee:
    """The review fee, or an error: not applicable to this campaign, or not stated (unknown)."""
    track, level = parse_track(str(track)), parse_level(str(level))
    rule = session.exec(
        select(FeeRule).where(
            FeeRule.campaign_id == campaign_id,
            FeeRule.track == track.value,
            FeeRule.level == level.value,
        )
    ).first()
    if rule is None:
        raise FeeNotApplicable(
            _("本批次不受理“{track}{level}”，没有对应的评审费").format(
                track=_(track), level=_(level)
            )
        )
    if rule.amount_fen is None:
        raise FeeUnknown(
            _("通知未载明“{track}{level}”的评审费，暂不能收费：请负责人先设定收费标准").format(
                track=_(track), level=_(level)
            ),
            track=track.value,
            level=level.value,
        )
    return Fee(track=track, level=level, amount=Money(rule.amount_fen), clause=rule.clause)


def set_fee(
    session: Session,
    actor: Actor,
    campaign_id: int,
    track: Track | str,
    level: Level | str,
    amount: Money,
    *,
    reason: str,
) -> FeeRule:
    """A lead sets (or corrects) a fee, with the reason (e.g. the document that states it)."""
    require(actor, Action.fee_set)
    track, level = parse_track(str(track)), parse_level(str(level))
    if amount.fen <= 0:
        raise InvalidInput(_("收费金额应大于零"), code="fee.not_positive")
    if not reason.strip():
        raise InvalidInput(_("请填写设定依据（如文件名称和文号）"), code="fee.no_reason")
    rule = session.exec(
        select(FeeRule)
        .where(
            FeeRule.campaign_id == campaign_id,
            FeeRule.track == track.value,
            FeeRule.level == level.value,
        )
        .with_for_update()
    ).first()
    if rule is None:
        raise FeeNotApplicable(
            _("本批次不受理“{track}{level}”，不能设定收费标准").format(
                track=_(track), level=_(level)
            )
        )
    old = rule.amount_fen
    rule.amount_fen = amount.fen
    rule.set_by_id = actor.user_id
    rule.set_at = utcnow()
    rule.clause = f"{rule.clause}；负责人设定：{reason.strip()}".lstrip("；")
    session.add(rule)
    audit.record(
        session,
        actor_id=actor.user_id,
        actor_name=actor.username,
        action=str(Action.fee_set),
        entity="fee_rule",
        entity_id=rule.id,
        campaign_id=campaign_id,
        desk=actor.desk,
        detail={
            "track": track.value,
            "level": level.value,
            "old_fen": old,
            "new_fen": amount.fen,
            "reason": reason.strip(),
        },
    )
    return rule


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
