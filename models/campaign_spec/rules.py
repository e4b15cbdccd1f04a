"""A campaign file's rules from the notice (delivery, fee payment, submissions, defence) and its details."""

from __future__ import annotations

from typing import Any

from models.campaign_spec.keys import (
    _DEFENCE_KEYS,
    _DELIVERY_KEYS,
    _FEE_PAYMENT_KEYS,
    _SUBMISSION_KEYS,
)
from models.campaign_spec.specs import _MAX_SUBMISSIONS, CampaignSpec
from models.campaign_spec.values import (
    _check_keys,
    _Ctx,
    _enum_values,
    _shown,
    _tables,
    _text,
    _text_list,
)
from models.i18n import _
from models.rules import Bringer
from models.vocab import (
    Condition,
    PaymentMethod,
    parse_level,
)


def _rules(ctx: _Ctx, data: dict[str, Any], spec: CampaignSpec, enum_list: Any) -> dict[str, Any]:
    """[delivery], [fee_payment], [submissions] and [[defence]]: stored in Campaign.rules and read
    through models.rules."""
    rules: dict[str, Any] = {}
    raw = data.get("delivery")
    if raw is not None:
        if not isinstance(raw, dict):
            raise ctx.error(_("“delivery”应为表 [delivery]"), key="delivery")
        _check_keys(ctx, "delivery", 0, raw, _DELIVERY_KEYS)
        by = _enum_values(ctx, raw, "by", Bringer, table="delivery", index=None)
        if not by:
            raise ctx.error(
                _("[delivery] 的 by 不能为空（unit、authority、applicant）"),
                table="delivery",
                key="by",
            )
        blocks = raw.get("blocks", False)
        if not isinstance(blocks, bool):
            raise ctx.error(_("“blocks”应为 true 或 false"), table="delivery", key="blocks")
        rules["delivery"] = {
            "by": by,
            "blocks": blocks,
            "clause": _text(ctx, raw, "clause", table="delivery", index=None),
            "text": _text(ctx, raw, "text", table="delivery", index=None),
        }
    elif not spec.individual_submission:
        rules["delivery"] = {
            "by": [Bringer.unit.value, Bringer.authority.value],
            "blocks": True,
            "clause": "",
            "text": "",
        }
    raw = data.get("fee_payment")
    if raw is not None:
        if not isinstance(raw, dict):
            raise ctx.error(_("“fee_payment”应为表 [fee_payment]"), key="fee_payment")
        _check_keys(ctx, "fee_payment", 0, raw, _FEE_PAYMENT_KEYS)
        methods = _enum_values(ctx, raw, "methods", PaymentMethod, table="fee_payment", index=None)
        if not methods:
            raise ctx.error(
                _("[fee_payment] 的 methods 不能为空（cash、transfer、card、qr）"),
                table="fee_payment",
                key="methods",
            )
        rules["fee_payment"] = {
            "methods": methods,
            "clause": _text(ctx, raw, "clause", table="fee_payment", index=None),
            "text": _text(ctx, raw, "text", table="fee_payment", index=None),
        }
    raw = data.get("submissions")
    if raw is not None:
        if not isinstance(raw, dict):
            raise ctx.error(_("“submissions”应为表 [submissions]"), key="submissions")
        _check_keys(ctx, "submissions", 0, raw, _SUBMISSION_KEYS)
        limit = raw.get("limit")
        if limit is not None and (
            not isinstance(limit, int)
            or isinstance(limit, bool)
            or not 1 <= limit <= _MAX_SUBMISSIONS
        ):
            raise ctx.error(
                _("“limit”应为 1–{MAX_SUBMISSIONS} 的整数；通知未限定次数的，不写 limit").format(
                    MAX_SUBMISSIONS=_MAX_SUBMISSIONS
                ),
                table="submissions",
                key="limit",
            )
        rules["submissions"] = {
            "limit": limit,
            "clause": _text(ctx, raw, "clause", table="submissions", index=None),
        }
    if "defence" in data:
        out = []
        for i, r in enumerate(_tables(ctx, data, "defence")):
            _check_keys(ctx, "defence", i, r, _DEFENCE_KEYS)
            rule = r.get("rule")
            if rule not in ("defend", "exempt"):
                raise ctx.error(
                    _("[[defence]] 的 rule 应为 defend（须答辩）或 exempt（免答辩）"),
                    table="defence",
                    index=i,
                    key="rule",
                )
            verify = r.get("verify", False)
            if not isinstance(verify, bool):
                raise ctx.error(
                    _("“verify”应为 true 或 false"), table="defence", index=i, key="verify"
                )
            levels = [
                lv.value
                for lv in enum_list("levels", parse_level, table="defence", index=i, source=r)
            ]
            entry = {
                "rule": rule,
                "levels": levels,
                "when": _enum_values(ctx, r, "when", Condition, table="defence", index=i),
                "specialties": _text_list(ctx, r, "specialties", table="defence", index=i),
                "counties": _text_list(ctx, r, "counties", table="defence", index=i),
                "verify": verify,
                **{
                    k: _text(ctx, r, k, table="defence", index=i)
                    for k in ("mode", "text", "clause")
                },
            }
            if not entry["clause"]:
                raise ctx.error(
                    _("[[defence]] 须写明 clause（通知条款）"), table="defence", index=i
                )
            out.append(entry)
        rules["defence"] = out
    return rules


def _details(ctx: _Ctx, i: int, raw: dict[str, Any]) -> dict[str, Any]:
    t = "checklist"
    d: dict[str, Any] = {}
    scope = raw.get("scope", "person")
    if scope not in ("person", "unit"):
        raise ctx.error(
            _("“scope”应为 person（每人一份）或 unit（每个单位一份）"),
            table=t,
            index=i,
            key="scope",
        )
    if scope != "person":
        d["scope"] = scope
    fill = raw.get("fill", "handwritten")
    if fill not in ("handwritten", "filled"):
        raise ctx.error(
            _("“fill”应为 handwritten（手写）或 filled（填写）"), table=t, index=i, key="fill"
        )
    if fill != "handwritten":
        d["fill"] = fill
    for key in ("parts", "stamp_by"):
        if key in raw:
            d[key] = _text_list(ctx, raw, key, table=t, index=i)
    for key in ("watermark_words", "condition_text"):
        if key in raw:
            d[key] = _text(ctx, raw, key, table=t, index=i)
    if "when_any" in raw:
        d["when_any"] = _enum_values(ctx, raw, "when_any", Condition, table=t, index=i)
    if d.get("watermark_words") and not raw.get("watermark"):
        raise ctx.error(
            _("写了 watermark_words 须同时写 watermark = true"),
            table=t,
            index=i,
            key="watermark_words",
        )
    if "waived" in raw:
        waived = raw["waived"]
        if not isinstance(waived, dict):
            raise ctx.error(
                _('“waived”应为表，如 waived = {{ private_firm = ["主要领导签字"] }}'),
                table=t,
                index=i,
                key="waived",
            )
        out = {}
        for cond, parts in waived.items():
            try:
                Condition(cond)
            except ValueError:
                raise ctx.error(
                    _("“waived”中未知的条件“{condition}”").format(condition=_shown(cond)),
                    table=t,
                    index=i,
                    key="waived",
                ) from None
            listed = _text_list(ctx, {"waived": parts}, "waived", table=t, index=i)
            if any(p not in d.get("parts", []) for p in listed):
                raise ctx.error(
                    _("“waived”只能免去本项 parts 中列出的部分"), table=t, index=i, key="waived"
                )
            out[cond] = listed
        d["waived"] = out
    return d
