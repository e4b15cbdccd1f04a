"""What the applicant card shows, as text: the person (with who brought the paper), a checklist
row's cells, the line of conditions, and the detail of the item under the cursor with the count
of what is left. Plain functions of the card, its items and the checks: no screen, no Textual."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from rich.text import Text

from models.i18n import _, pgettext
from models.rules import Bringer, item_rules
from models.services.intake import deficiencies, item_parts, problems, unjudged
from models.vocab import CONDITION_LABELS, Condition, ItemKind
from tui import plain

if TYPE_CHECKING:
    from models.campaign import ChecklistItem
    from models.services.intake import Card, ItemCheck

YES, NO, UNJUDGED = "✓", "✗", "·"

KEYS_HINT = _(
    "y/空格 齐全 n 缺 +/- 份数 o 原件 s 盖章签署 h 手写/填写 w 水印 p 签字日期公章等 m 评审表比对 x 清除"
)


def sex_label(sex: str) -> str:
    """男 and 女 in the desk's language (Male, Female); anything else as imported."""
    labels = {"男": pgettext("sex", "男"), "女": pgettext("sex", "女")}
    return labels.get(sex, sex)


def person_text(card: Card, bringer: str = "") -> Text:
    """The person (or why there is none), the online status, the unit, who brought the paper
    and who must have, the unit's checks and the dossier's number."""
    p = card.person
    t = Text()
    if p is None:
        if card.suggestions:
            t.append(
                _("身份证号有误。是否为（请对照证件，在受理台 F4 查找后打开）："), style="bold"
            )
            for s in card.suggestions[:3]:
                t.append("\n  ")
                t.append(plain.name(s.name))
                t.append(f"  {s.id_shown}  {plain.one_line(s.unit)}")
        elif any(a.code == "bad_id" for a in card.alerts):
            t.append(_("身份证号有误，请核对证件后重新扫描或输入"), style="bold")
        else:
            t.append(_("扫描/输入的身份证号不在本批次网上名单中"), style="bold")
        return t
    line = plain.one_line  # imported text: one line, nothing invisible
    t.append(plain.name(p.name, style="bold"))
    t.append(
        _("  {id_shown}  {sex}  电话 {phone}").format(
            id_shown=p.id_shown, sex=sex_label(line(p.sex)), phone=line(p.phone) or "—"
        )
    )
    count = card.submissions or _("提交次数不详")
    t.append(
        _("\n网上：{status}（{count}） · {series} · {specialty} · {track} {grade}").format(
            status=line(_(p.status)),
            count=count,
            series=line(p.series),
            specialty=line(p.specialty),
            track=_(p.track),
            grade=line(p.grade or _(p.level)),
        )
    )
    if card.declaration:
        t.append("\n" + card.declaration, style="dim")
    unit = line(p.unit) + (f"（{line(p.supervising_dept)}）" if p.supervising_dept else "")
    t.append(_("\n单位：") + unit)
    rule = card.delivery
    if rule is not None and (rule.blocks or rule.text):
        who = Bringer(bringer).label if bringer else _("未记录")
        t.append(
            _("\n报送：{who}（b 切换） · 须由{by}报送（{clause}）").format(
                who=who, by=rule.by_text, clause=rule.clause or _("通知")
            ),
            style="bold" if rule.blocks and not bringer else "",
        )
    for u in card.unit_checks:
        t.append("\n" + u.text, style="" if u.ok else "yellow")
    if card.dossier_code:
        t.append(
            _("\n受理编号 {dossier_code}").format(dossier_code=card.dossier_code), style="bold"
        )
    return t


def mark(value: bool | None, applies: bool) -> Text:
    """One check's cell: ✓, ✗, · (not judged), or nothing where it does not apply."""
    if not applies:
        return Text("")
    if value is None:
        return Text(UNJUDGED, style="dim")
    return Text(YES, style="green") if value else Text(NO, style="bold red")


def item_cells(
    item: ChecklistItem, c: ItemCheck | None, conditions: set[str]
) -> tuple[object, ...]:
    """A checklist row: the item, copies, original, stamp, handwriting, watermark, the match
    with the online form, and the verdict."""
    name = item.name + (_("（选）") if item.optional else "")
    if c is None:
        copies = Text(f"-/{item.copies}", style="dim")
    elif c.present:
        copies = Text(
            f"{c.copies}/{item.copies}", style="bold red" if c.copies < item.copies else ""
        )
    else:
        copies = Text(_("缺"), style="dim" if item.optional else "bold red")
    present = c.present if c else False
    stamp_applies = item.needs_stamp or item.needs_endorsement

    def cell(attr: str, applies: bool) -> Text:
        return mark(getattr(c, attr) if c and present else None, applies and present)

    match = mark((not c.mismatches) if c and present else None, item.must_match_online and present)
    if c is None:
        verdict = Text(_("待核对"), style="yellow")
    else:
        found = problems(item, c, conditions)
        if not found:
            verdict = Text(_("合格") if present else _("未带(可选)"), style="green")
        else:
            verdict = Text(
                _("{NO} 缺").format(NO=NO)
                if not present
                else _("{NO} {count} 处").format(NO=NO, count=len(found)),
                style="bold red",
            )
    return (
        plain.plain(name),
        copies,
        cell("original_checked", item.kind == ItemKind.original_shown.value),
        cell("stamped_endorsed", stamp_applies),
        cell("handwritten_ok", bool(item.handwritten)),
        cell("watermark_ok", item.watermark),
        match,
        verdict,
    )


def conditions_line(conditions: set[str], relevant: bool) -> str:
    """The conditions chosen (C), or that this category has none to choose."""
    chosen = [CONDITION_LABELS[Condition(c)] for c in sorted(conditions)]
    return _("适用条件（C）：{conditions}").format(
        conditions="、".join(chosen) if chosen else _("无")
    ) + ("" if relevant else _("（本类别没有可选条件）"))


def detail_text(
    item: ChecklistItem | None,
    items: list[ChecklistItem],
    checks: Mapping[str, ItemCheck],
    conditions: set[str],
) -> Text:
    """What the item under the cursor requires and what is wrong with it; then how many items,
    how many are still to judge and how many problems, and the keys."""
    text = Text()
    if item is not None:
        rules = item_rules(item.details)
        parts = [item.name, ItemKind(item.kind).label]
        if item.copies:
            parts.append(_("应交 {copies} 份").format(copies=item.copies))
        if item.needs_stamp:
            parts.append(
                _("须加盖{whose}").format(
                    whose="和".join(rules.stamp_by) + _("的公章") if rules.stamp_by else _("公章")
                )
            )
        if item.needs_endorsement:
            parts.append(_("须签署“已审核，与原件相符”"))
        if item.double_sided:
            parts.append(_("A4 正反面"))
        if item.watermark:
            parts.append(rules.watermark_words or _("有水印为有效"))
        each = item_parts(item, conditions)
        if each:
            parts.append(_("须有：{parts}（p）").format(parts="、".join(each)))
        if rules.condition_text:
            parts.append(_("条件：{text}").format(text=rules.condition_text))
        text.append(" · ".join(parts))
        check = checks.get(item.key)
        found = problems(item, check, conditions) if check is not None else []
        if found:
            text.append("\n" + "；".join(found), style="bold red")
        elif item.handwritten:
            how = _("须填写") if rules.fill == "filled" else _("须手写")
            text.append(_("\n{how}：{handwritten}").format(how=how, handwritten=item.handwritten))
        elif item.note:
            text.append(f"\n{item.note}")
    if items:
        todo = len(unjudged(items, checks))
        bad = len(deficiencies(items, checks, conditions))
        text.append(
            _("\n共 {count} 项 · 待核对 {todo} · 不符合 {bad} 处 │ ").format(
                count=len(items), todo=todo, bad=bad
            )
        )
        text.append(KEYS_HINT, style="dim")
    return text
