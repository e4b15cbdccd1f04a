"""A campaign's number prefixes: each kind's prefix, checked free across campaigns, and a suggestion when one is taken."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from models.campaign import Campaign
from models.campaign_spec import CampaignSpec
from models.errors import (
    Conflict,
    InvalidInput,
)
from models.i18n import _

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
