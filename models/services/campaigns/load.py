"""Loading campaigns: from a campaign file or a shipped preset, listing them and getting one."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session, col, select

from models import audit
from models.campaign import Campaign, ChecklistItem, FeeRule, PaperWindow
from models.campaign_spec import parse_campaign
from models.errors import (
    Conflict,
    NotFound,
    PresetError,
)
from models.i18n import _
from models.permissions import Action, Actor, require
from models.presets import preset_files
from models.services.campaigns.prefixes import _check_prefixes_free, _with_code, _with_prefix
from models.services.numbering import create_sequences


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
