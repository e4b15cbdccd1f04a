"""The fee desk's vocabulary and input rules: void and refund reasons, reference labels, the refusal, and reading a method, a reference and a fiscal number; the business date; the methods a notice allows."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from models.campaign import Campaign
from models.errors import Conflict, InvalidInput
from models.i18n import N_, _
from models.permissions import Action, Actor, require
from models.rules import fee_payment
from models.text import shorten
from models.vocab import PaymentMethod

# Voids: a reason from the list plus a note (both required).
VOID_REASONS: dict[str, str] = {
    "wrong_method": N_("收款方式录错"),
    "wrong_dossier": N_("收错档案（收错人）"),
    "duplicate": N_("重复收费"),
    "wrong_amount": N_("金额错误"),
    "withdrawn": N_("申请人撤回申报"),
    "other": N_("其他"),
}
REFUND_REASONS: dict[str, str] = {
    "withdrawn": N_("申请人撤回申报"),
    "overpaid": N_("多收"),
    "not_reviewed": N_("未能参加评审"),
    "other": N_("其他"),
}
# What the reference is for each method; cash has none.
REFERENCE_LABELS: dict[PaymentMethod, str] = {
    PaymentMethod.transfer: N_("银行流水号"),
    PaymentMethod.card: N_("POS 凭证号/参考号"),
    PaymentMethod.qr: N_("支付单号"),
}
_REFERENCE = re.compile(r"^[0-9A-Za-z\-_/]{4,64}$")
_FISCAL = re.compile(r"^[0-9A-Za-z\-]{4,40}$")


class PaymentRefused(Conflict):
    code = "payment.refused"


def parse_method(text: str) -> PaymentMethod:
    """``cash`` / ``现金`` / ``1`` … → the method, or a Chinese message listing the choices."""
    key = unicodedata.normalize("NFKC", str(text)).strip().lower()
    aliases = {
        "1": "cash",
        "现金": "cash",
        "2": "transfer",
        "银行转账": "transfer",
        "转账": "transfer",
        "3": "card",
        "pos": "card",
        "刷卡": "card",
        "pos刷卡": "card",
        "4": "qr",
        "扫码": "qr",
        "微信": "qr",
        "支付宝": "qr",
        "扫码支付": "qr",
    }
    key = aliases.get(key, key)
    try:
        return PaymentMethod(key)
    except ValueError:
        choices = "、".join(f"{m.value}（{m.label}）" for m in PaymentMethod)
        raise InvalidInput(
            _("收款方式“{text}”不正确，应为：{choices}").format(
                text=shorten(text, 20), choices=choices
            ),
            code="payment.bad_method",
        ) from None


def clean_reference(method: PaymentMethod, reference: str) -> str:
    ref = unicodedata.normalize("NFKC", reference or "").strip().replace(" ", "")
    if method == PaymentMethod.cash:
        if ref:
            raise InvalidInput(_("现金收款不需要流水号"), code="payment.reference_not_needed")
        return ""
    label = _(REFERENCE_LABELS[method])
    if not ref:
        raise InvalidInput(
            _("{method}须填写{reference}").format(method=method.label, reference=label),
            code="payment.reference_required",
        )
    if not _REFERENCE.match(ref):
        raise InvalidInput(
            _("{label}“{ref}”格式不正确：应为 4–64 位字母、数字或 - _ /").format(
                label=label, ref=shorten(ref, 40)
            ),
            code="payment.bad_reference",
        )
    return ref


def _clean_fiscal(text: str) -> str:
    no = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "")
    if no and not _FISCAL.match(no):
        raise InvalidInput(
            _("财政票据号“{no}”格式不正确：应为 4–40 位字母或数字").format(no=shorten(no, 40)),
            code="payment.bad_fiscal_no",
        )
    return no


def business_date(campaign: Campaign, at: dt.datetime) -> dt.date:
    """The office's calendar day of ``at`` (the campaign's time zone)."""
    return at.astimezone(campaign.zone).date()


def check_method(
    actor: Actor, campaign: Campaign, method: PaymentMethod, override_reason: str = ""
) -> dict[str, str]:
    """Refuse a method the notice does not allow, unless a lead overrides it with a reason.
    Returns what the payment's audit event records of an override (nothing without one)."""
    rule = fee_payment(campaign)
    if rule.allows(method):
        return {}
    allowed = "、".join(m.label for m in rule.methods)
    reason = " ".join(override_reason.split())
    if not reason:
        raise PaymentRefused(
            _(
                "本批次通知（{clause}）规定评审费{text}：只收{allowed}，不收{method}。"
                "确需改收{method}的，由负责人说明原因后办理"
            ).format(
                clause=rule.clause,
                text=rule.text or _("按规定方式缴纳"),
                allowed=allowed,
                method=method.label,
            ),
            code="payment.method_not_allowed",
            clause=rule.clause,
        )
    require(actor, Action.payment_method_override)
    if len(reason) > 200:
        raise InvalidInput(_("原因过长（最多 200 个字）"), code="payment.override_reason_long")
    return {
        "method_override": reason,
        "allowed": ",".join(m.value for m in rule.methods),
        "override_clause": rule.clause,
    }
