"""Who may hand in paper: the campaign's delivery rule and the alert when an individual brings their own."""

from __future__ import annotations

from models.campaign import Campaign
from models.errors import InvalidInput
from models.i18n import _
from models.rules import (
    Bringer,
    Delivery,
    delivery,
)
from models.services.intake.items import Refused
from models.services.intake.records import Alert


def delivery_alert(rule: Delivery | None, brought_by: str) -> Alert | None:
    """The alert for who brings the paper: blocking where the notice refuses them (002 八（七）
    个人报送材料一律不予受理), else nothing (the card shows how the notice says paper comes)."""
    if rule is None or not brought_by:
        return None
    who = Bringer(brought_by)
    if rule.allows(who):
        return None
    return Alert(
        "individual",
        _("{who}报送：{text}（{clause}）；须由{by}报送").format(
            who=who.label,
            text=rule.text or _("本批次不受理个人报送"),
            clause=rule.clause or _("通知"),
            by=rule.by_text,
        ),
        True,
    )


def _check_bringer(campaign: Campaign, brought_by: str) -> str:
    rule = delivery(campaign)
    if not brought_by:
        if rule.blocks:
            raise InvalidInput(
                _("请先记录由谁报送（{by}）：{text}（{clause}）").format(
                    by=rule.by_text,
                    text=rule.text or _("本批次须由单位统一报送"),
                    clause=rule.clause or _("通知"),
                ),
                code="intake.no_bringer",
            )
        return ""
    try:
        who = Bringer(brought_by)
    except ValueError:
        raise InvalidInput(
            _("未知的报送人“{bringer}”").format(bringer=brought_by[:20]), code="intake.bad_bringer"
        ) from None
    alert = delivery_alert(rule, who.value)
    if alert is not None:
        raise Refused(alert.message, code="intake.individual")
    return who.value
