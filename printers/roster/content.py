"""What a roster shows, whatever its form: its columns, signatures and verification note, the summary line, group titles, defence notes and each line's cells."""

from __future__ import annotations

from typing import TYPE_CHECKING

from printers.data import local

if TYPE_CHECKING:
    from models.services.handover import Roster, RosterGroup, RosterLine


SHEET = "移交花名册"
COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 5),
    ("受理编号", 12),
    ("条码", 23),
    ("姓名", 12),
    ("身份证号", 20),
    ("工作单位", 28),
    ("县市", 9),
    ("系列", 14),
    ("专业", 14),
    ("级别", 6),
    ("申报类型", 8),
    ("收据号", 12),
    ("答辩", 22),
    ("核实事项", 30),
    ("移交批次", 8),
)
SIGNATURES = "移交人（签字）：＿＿＿＿＿＿＿＿    接收人（签字）：＿＿＿＿＿＿＿＿    日期：＿＿＿＿年＿＿月＿＿日"
VERIFY_NOTE = (
    "标“请核实”者：是否属于上列免于答辩情形，数据中无法判断，请在移交前核实（以通知为准）。"
)


# ---- shared wording -----------------------------------------------------------------------
def _when(r: Roster) -> str:
    return local(r.generated_at, r.timezone)


def summary_text(r: Roster) -> str:
    text = (
        f"共 {r.total} 份，其中须答辩 {r.must_defend} 份、免答辩 {r.exempt} 份、"
        f"不答辩 {r.not_required} 份"
    )
    if r.include_handed_over:
        text += f"；已移交 {r.total - r.to_hand_over} 份，待移交 {r.to_hand_over} 份"
    return text


def group_title(g: RosterGroup) -> str:
    return (
        f"系列：{g.series or '（未填）'}  专业：{g.specialty or '（未填）'}  级别：{g.level}"
        f"  （{len(g.lines)} 份，须答辩 {g.must_defend} 份）"
    )


def defence_notes(r: Roster) -> list[str]:
    """The roster's footer: who defends and the exemptions as the notice states them."""
    if not r.defence_rules and not r.defence_levels:
        return ["本批次不组织答辩。"]
    if r.defence_rules:
        out = ["答辩（以通知为准）：" + "；".join(r.defence_rules) + "；其他人员不答辩。"]
    else:
        out = [f"{'、'.join(r.defence_levels)}须参加答辩；其他级别不答辩。"]
    if r.exemptions:
        out.append("免于答辩范围（以通知为准）：")
        out += [f"{i}. {x}" for i, x in enumerate(r.exemptions, start=1)]
    if any(x.verify for x in r.lines):
        out.append(VERIFY_NOTE)
    return out


def _handover(x: RosterLine) -> str:
    return f"第 {x.handover_no} 次" if x.handover_no else ""


def _cells(n: int, x: RosterLine) -> tuple[str, ...]:
    return (
        str(n),
        x.dossier_code,
        "",
        x.name,
        x.id_shown,
        x.unit,
        x.county,
        x.series,
        x.specialty,
        x.level,
        x.track,
        x.receipt_code,
        x.defence,
        f"可申请免答辩：{x.verify}，请核实" if x.verify else "",
        _handover(x),
    )
