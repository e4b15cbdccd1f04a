"""A campaign's further rules, as its notice states them (issue 21): who may bring the paper,
how the fee is paid, who defends, how many submissions the platform allows, and a checklist
item's details (its scope, filled-in or handwritten sentence, its parts, whose stamps).

They live in ``Campaign.rules`` and ``ChecklistItem.details`` (JSON, migration 0010), written
from the campaign file by ``models.campaign_spec`` and read only through this module, so a
campaign loaded before these rules existed reads as it always did (``individual_submission``,
``defence_levels``/``defence_exempt``, ``max_online_submissions``)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from models.i18n import N_, _
from models.vocab import CONDITION_LABELS, Condition, PaymentMethod

# a county named in a free-text exemption: 且末县, 若羌县 (not 县级, 县城, 县市)
_COUNTY = re.compile(r"[\u4e00-\u9fff]{1,6}?县(?![级城市])")


class Bringer(StrEnum):
    """Who brings the paper to the counter (报送人)."""

    unit = "unit"  # 单位统一报送
    authority = "authority"  # 县市人社局、主管局（主管部门）
    applicant = "applicant"  # 本人

    @property
    def label(self) -> str:
        return _(BRINGER_LABELS[self])


BRINGER_LABELS = {
    Bringer.unit: N_("单位"),
    Bringer.authority: N_("县市人社局·主管局"),
    Bringer.applicant: N_("本人"),
}


class WindowKind(StrEnum):
    paper = "paper"  # 纸质材料报送时间: the counter takes paper in it
    declaration = "declaration"  # 网上申报时间 (001): shown on the card, never opens the counter


@dataclass(frozen=True, slots=True)
class Delivery:
    """Who may bring the paper. ``blocks``: anyone else is refused (002 八（七）个人报送材料一律不予
    受理); otherwise the card only shows how the notice says the paper comes."""

    by: tuple[Bringer, ...]
    blocks: bool
    clause: str
    text: str

    def allows(self, who: Bringer) -> bool:
        return who in self.by or not self.blocks

    @property
    def by_text(self) -> str:
        return "、".join(b.label for b in self.by)


@dataclass(frozen=True, slots=True)
class FeePayment:
    """How the fee may be paid: every method, or only those the notice names (001 三（二）4:
    以银行缴费支付的方式 → transfer)."""

    methods: tuple[PaymentMethod, ...]
    clause: str
    text: str

    @property
    def restricted(self) -> bool:
        return set(self.methods) != set(PaymentMethod)

    def allows(self, method: PaymentMethod | str) -> bool:
        return PaymentMethod(method) in self.methods


@dataclass(frozen=True, slots=True)
class DefenceRule:
    """One sentence of the notice on the defence (答辩). ``rule`` is ``defend`` (these defend) or
    ``exempt`` (these are exempt). A rule matches when every part it states matches: levels,
    conditions recorded at the counter (``when``), specialties (the online record's specialty
    contains one), counties (the record's county or unit names one). ``verify``: the data
    cannot decide it; the roster asks the lead to check it."""

    rule: str
    levels: tuple[str, ...] = ()
    when: tuple[str, ...] = ()
    specialties: tuple[str, ...] = ()
    counties: tuple[str, ...] = ()
    verify: bool = False
    mode: str = ""  # 视频（线上）答辩 …
    text: str = ""
    clause: str = ""

    def matches(
        self,
        level: str,
        conditions: Iterable[str],
        specialty: str = "",
        county: str = "",
        unit: str = "",
    ) -> bool:
        conds = set(conditions)
        return (
            (not self.levels or level in self.levels)
            and all(c in conds for c in self.when)
            and (not self.specialties or any(s in specialty for s in self.specialties))
            and (not self.counties or any(c in county or c in unit for c in self.counties))
        )

    @property
    def label(self) -> str:
        """The exemption or requirement in a few words (the roster's column)."""
        if self.counties:
            return f"{'、'.join(self.counties)}工作"
        if self.when:
            return "、".join(CONDITION_LABELS[Condition(c)] for c in self.when)
        return self.text or "、".join(self.levels)

    @property
    def stated(self) -> str:
        """The rule as the notice states it, with its clause (the roster's footer)."""
        if self.text:
            body = self.text
        elif self.rule == "defend":
            body = f"{'、'.join(self.levels)}须参加答辩" if self.levels else "须参加答辩"
        else:
            body = self.label
        if self.counties and self.text:
            body = f"{body}（{self.label}）"
        return f"{body}（{self.clause}）" if self.clause else body


@dataclass(frozen=True, slots=True)
class Submissions:
    """The platform's limit on submissions (000 五、3; 001 三（二）1; 002 八（四）), or None when the
    notice states none (003)."""

    limit: int | None
    clause: str


@dataclass(frozen=True, slots=True)
class ItemRules:
    """A checklist item's details. ``scope`` ``unit``: one per unit's batch (001 花名册, 003
    公示情况报告), checked once for the batch. ``fill`` ``filled`` (填写: 未填写…/填写不正确…) or
    ``handwritten`` (手写/手工填写: 缺手写内容…). ``parts``: each a verdict of its own (主要领导签字,
    落款日期, 加盖公章). ``stamp_by``: whose stamps (单位、上级主管单位人事（职改）部门).
    ``watermark_words``: the notice's words for the watermark (有水印为有效). ``condition_text``:
    what makes a conditional item apply, as the notice says (调动)."""

    scope: str = "person"
    fill: str = "handwritten"
    parts: tuple[str, ...] = ()
    stamp_by: tuple[str, ...] = ()
    watermark_words: str = ""
    condition_text: str = ""
    waived: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # condition → parts
    when_any: tuple[str, ...] = ()  # applies when one of these holds (002 五（九）)

    @property
    def per_unit(self) -> bool:
        return self.scope == "unit"

    def parts_for(self, conditions: Iterable[str]) -> tuple[str, ...]:
        """The parts to judge for these conditions (002 五（一）: 民营企业 无签字盖章要求)."""
        conds = set(conditions)
        gone = {p for c, parts in self.waived.items() if c in conds for p in parts}
        return tuple(p for p in self.parts if p not in gone)


def item_rules(details: Mapping[str, Any] | None) -> ItemRules:
    d = details or {}
    return ItemRules(
        scope=str(d.get("scope", "person")),
        fill=str(d.get("fill", "handwritten")),
        parts=tuple(str(x) for x in d.get("parts", ())),
        stamp_by=tuple(str(x) for x in d.get("stamp_by", ())),
        watermark_words=str(d.get("watermark_words", "")),
        condition_text=str(d.get("condition_text", "")),
        waived={str(k): tuple(str(x) for x in v) for k, v in (d.get("waived") or {}).items()},
        when_any=tuple(str(x) for x in d.get("when_any", ())),
    )


def delivery(campaign: Any) -> Delivery:
    raw = (campaign.rules or {}).get("delivery")
    if raw:
        return Delivery(
            by=tuple(Bringer(x) for x in raw.get("by", ())),
            blocks=bool(raw.get("blocks", False)),
            clause=str(raw.get("clause", "")),
            text=str(raw.get("text", "")),
        )
    if campaign.individual_submission:
        return Delivery(by=tuple(Bringer), blocks=False, clause="", text="")
    return Delivery(by=(Bringer.unit, Bringer.authority), blocks=True, clause="", text="")


ANY_METHOD = FeePayment(methods=tuple(PaymentMethod), clause="", text="")


def fee_payment(campaign: Any) -> FeePayment:
    raw = (campaign.rules or {}).get("fee_payment")
    if raw:
        return FeePayment(
            methods=tuple(PaymentMethod(x) for x in raw.get("methods", ())),
            clause=str(raw.get("clause", "")),
            text=str(raw.get("text", "")),
        )
    return ANY_METHOD


def submissions(campaign: Any) -> Submissions:
    raw = (campaign.rules or {}).get("submissions")
    if raw is not None:
        limit = raw.get("limit")
        return Submissions(limit=int(limit) if limit else None, clause=str(raw.get("clause", "")))
    return Submissions(limit=campaign.max_online_submissions or None, clause="")


def defence_rules(campaign: Any) -> list[DefenceRule]:
    raw = (campaign.rules or {}).get("defence")
    if raw is not None:
        return [
            DefenceRule(
                rule=str(r["rule"]),
                levels=tuple(r.get("levels", ())),
                when=tuple(r.get("when", ())),
                specialties=tuple(r.get("specialties", ())),
                counties=tuple(r.get("counties", ())),
                verify=bool(r.get("verify", False)),
                mode=str(r.get("mode", "")),
                text=str(r.get("text", "")),
                clause=str(r.get("clause", "")),
            )
            for r in raw
        ]
    # a campaign loaded before issue 21: defence_levels defend, defence_exempt exempt
    out = (
        [DefenceRule(rule="defend", levels=tuple(campaign.defence_levels))]
        if campaign.defence_levels
        else []
    )
    for text in campaign.defence_exempt:
        try:
            out.append(DefenceRule(rule="exempt", when=(Condition(text).value,)))
            continue
        except ValueError:
            pass
        counties = tuple(n.removeprefix("在") for n in _COUNTY.findall(text))
        out.append(
            DefenceRule(rule="exempt", counties=counties, text=text)
            if counties
            else DefenceRule(rule="exempt", verify=True, text=text)
        )
    return out


def defence_conditions(campaign: Any) -> list[Condition]:
    """The conditions the defence rules depend on (the counter asks about them)."""
    out: list[Condition] = []
    for r in defence_rules(campaign):
        for c in r.when:
            if Condition(c) not in out:
                out.append(Condition(c))
    return out


def series_key(text: str | None) -> str:
    """A series as the counter compares it: 工程系列, 工程 and ' 工程 ' are one series; so are
    少数民族翻译 and 少数民族语文翻译 (001 三（五）1 and 二（一）)."""
    s = "".join((text or "").split())
    for suffix in ("系列", "专业"):
        s = s.removesuffix(suffix)
    return s.replace("少数民族语文翻译", "少数民族翻译")


def same_series(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and series_key(a) == series_key(b)
