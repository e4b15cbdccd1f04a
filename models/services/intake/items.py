"""The checklist's rules: which items apply to a person, which conditions are relevant, what is a deficiency and what is not yet judged."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from models.campaign import ChecklistItem
from models.errors import Conflict
from models.i18n import N_
from models.rules import (
    item_rules,
)
from models.vocab import Condition, ItemKind

# What the paper review form is compared on with the online record (四（二）1: 须与网上一致).
# The field names are kept as they are (a mismatch is stored and printed on the notice by its
# Chinese name) and shown through _().
FORM_FIELDS = (N_("姓名"), N_("级别"), N_("专业"), N_("申报类型"))
SNAPSHOT_FIELDS = {
    "name": N_("姓名"),
    "status": N_("审核状态"),
    "series": N_("系列"),
    "specialty": N_("专业"),
    "level": N_("级别"),
    "track": N_("申报类型"),
    "unit": N_("工作单位"),
}
REFUSAL_REASONS = {
    "not_listed": N_("不在网上通过形式审核名单"),
    "not_approved": N_("网上未通过形式审核"),
    "window_closed": N_("不在纸质材料报送时间内"),
    "individual": N_("个人报送（须由单位统一报送）"),
    "other": N_("其他"),
}


class Refused(Conflict):
    """The paper cannot be taken at all (not approved, not listed, outside the window)."""

    code = "intake.refused"


@dataclass(frozen=True)
class ItemCheck:
    """The clerk's verdict on one checklist item. ``None`` means "does not apply to this item"."""

    present: bool
    copies: int = 0
    original_checked: bool | None = None  # 原件已核对退还
    stamped_endorsed: bool | None = None  # 加盖公章并签署“已审核，与原件相符”
    handwritten_ok: bool | None = None  # 手写（填写）的那句话在且正确
    mismatches: tuple[str, ...] = ()  # FORM_FIELDS where the paper differs from online
    watermark_ok: bool | None = None  # 有水印（001 三（一）3；003 五（二）1）
    missing_parts: tuple[str, ...] = ()  # the item's parts that are not there (签字、落款日期 …)

    @classmethod
    def complete(cls, item: ChecklistItem) -> ItemCheck:
        """Everything present and right: the usual verdict, one key at the counter."""
        return cls(
            present=True,
            copies=item.copies,
            original_checked=True if item.kind == ItemKind.original_shown.value else None,
            stamped_endorsed=True if item.needs_stamp or item.needs_endorsement else None,
            handwritten_ok=True if item.handwritten else None,
            watermark_ok=True if item.watermark else None,
        )

    @classmethod
    def missing(cls) -> ItemCheck:
        return cls(present=False)


def applies(item: ChecklistItem, track: str, level: str, conditions: Iterable[str]) -> bool:
    conds = set(conditions)
    any_of = item_rules(item.details).when_any
    return (
        (not item.tracks or track in item.tracks)
        and (not item.levels or level in item.levels)
        and all(c in conds for c in item.when)
        and (not any_of or any(c in conds for c in any_of))
        and not any(c in conds for c in item.unless)
    )


def per_unit(item: ChecklistItem) -> bool:
    """The unit's own item (001 花名册, 003 公示情况报告): checked once for the unit's batch."""
    return item_rules(item.details).per_unit


def applicable_items(
    items: Sequence[ChecklistItem], track: str, level: str, conditions: Iterable[str]
) -> list[ChecklistItem]:
    """The items one applicant's paper is judged on (the unit's own items are not: they are
    checked once per unit, see ``check_unit_item``)."""
    conds = list(conditions)
    return [
        i
        for i in sorted(items, key=lambda i: i.position)
        if not per_unit(i) and applies(i, track, level, conds)
    ]


def unit_items(items: Sequence[ChecklistItem], track: str, level: str) -> list[ChecklistItem]:
    return [
        i
        for i in sorted(items, key=lambda i: i.position)
        if per_unit(i)
        and (not i.tracks or track in i.tracks)
        and (not i.levels or level in i.levels)
    ]


def relevant_conditions(
    items: Sequence[ChecklistItem], track: str, level: str, extra: Iterable[Condition] = ()
) -> list[Condition]:
    """The conditions that change this track and level's checklist, or (``extra``: the
    campaign's defence rules) who defends: the clerk asks about these."""
    found: list[Condition] = []
    for item in items:
        if (item.tracks and track not in item.tracks) or (item.levels and level not in item.levels):
            continue
        waived = item_rules(item.details).waived
        for c in (*item.when, *item.unless, *item_rules(item.details).when_any, *waived):
            cond = Condition(c)
            if cond not in found:
                found.append(cond)
    for cond in extra:
        if cond not in found:
            found.append(cond)
    return found


def _short(sentence: str) -> str:
    return sentence if len(sentence) <= 16 else f"{sentence[:10]}……{sentence[-4:]}"


def item_parts(item: ChecklistItem, conditions: Iterable[str] = ()) -> tuple[str, ...]:
    """The parts of an item judged one by one for these conditions (002 五（一）: a private
    firm's appraisal needs no signatures, its stamp still)."""
    return item_rules(item.details).parts_for(conditions)


def problems(item: ChecklistItem, check: ItemCheck, conditions: Iterable[str] = ()) -> list[str]:
    """What is wrong with this item, in the words of the notice (empty: nothing). Stored on the
    visit and printed on the correction notice as the notice words them."""
    if not check.present:
        return [] if item.optional else ["未提交"]
    rules = item_rules(item.details)
    out: list[str] = []
    if check.copies < item.copies:
        out.append(f"只交 {check.copies} 份，应交 {item.copies} 份")
    if item.kind == ItemKind.original_shown.value and not check.original_checked:
        out.append("未出示原件核对")
    if item.watermark and not check.watermark_ok:
        out.append(f"无水印（{rules.watermark_words or '有水印为有效'}）")
    if (item.needs_stamp or item.needs_endorsement) and not check.stamped_endorsed:
        whose = "和".join(rules.stamp_by) + "的公章" if rules.stamp_by else "单位公章"
        if item.needs_stamp and item.needs_endorsement:
            out.append(f"复印件未加盖{whose}并签署“已审核，与原件相符”")
        elif item.needs_endorsement:
            out.append("未签署“已审核，与原件相符”")
        else:
            out.append(f"未加盖{whose}")
    if item.handwritten and not check.handwritten_ok:
        if rules.fill == "filled":
            out.append(f"未填写或填写不正确：“{_short(item.handwritten)}”")
        else:
            out.append(f"缺手写内容“{_short(item.handwritten)}”")
    parts = rules.parts_for(conditions)
    for part in check.missing_parts:
        if part in parts:
            out.append(f"缺少“{part}”")
    if item.must_match_online and check.mismatches:
        out.append(f"与网上申报信息不一致：{'、'.join(check.mismatches)}")
    return out


def deficiencies(
    items: Sequence[ChecklistItem], checks: Mapping[str, ItemCheck], conditions: Iterable[str] = ()
) -> list[dict[str, str]]:
    """One entry per problem, in checklist order, as the notice prints them."""
    conds = list(conditions)
    out = []
    for item in items:
        check = checks.get(item.key)
        if check is None:
            continue
        for problem in problems(item, check, conds):
            out.append({"item_key": item.key, "item": item.name, "problem": problem})
    return out


def unjudged(
    items: Sequence[ChecklistItem], checks: Mapping[str, ItemCheck]
) -> list[ChecklistItem]:
    return [i for i in items if i.key not in checks]
