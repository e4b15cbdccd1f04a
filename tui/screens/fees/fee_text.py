"""What the fee screen shows, as text: who and what for, the amount with its capitals, the
state of the fee, the trail of what was paid and undone, the methods line and the change. Plain
functions of the fee card: no screen, no Textual. And the idempotency key of one opened fee."""

from __future__ import annotations

import hashlib
import uuid
from typing import TYPE_CHECKING, Any

from rich.text import Text

from models.i18n import _
from models.money import Money
from models.services.payments import REFUND_REASONS, VOID_REASONS
from models.vocab import PaymentKind, PaymentMethod
from tui import plain

if TYPE_CHECKING:
    from models.rules import FeePayment
    from models.services.payments import FeeCard


def trail_columns() -> tuple[tuple[str, int], ...]:
    """The trail's columns: no cell padding, one space in each width instead (7 fit 80)."""
    return (
        (_("收据号"), 12),
        (_("类别"), 5),
        (_("金额"), 8),
        (_("方式"), 9),
        (_("时间"), 12),
        (_("经办"), 11),
        (_("说明"), 20),
    )


def confirmation_key(desk: str) -> str:
    """The idempotency key of one opened fee (a double Enter or a retry sends it again): the
    desk's name digested (a name may be 40 characters, the key at most 64) and a random part."""
    return f"{hashlib.sha256(desk.encode()).hexdigest()[:8]}-{uuid.uuid4().hex}"


def person_text(card: FeeCard) -> Text:
    """Who: the name, the ID's last four, the dossier's number, the fee kind and the unit."""
    person = Text()
    person.append(plain.name(card.name, style="bold"))
    person.append(_("  身份证 …{id_last4}  受理编号 ").format(id_last4=card.id_last4))
    person.append(card.dossier_code, style="bold")
    person.append(f"\n{plain.fee_kind(card.track, card.level)} · ")
    person.append(plain.plain(card.unit))
    return person


def amount_text(card: FeeCard) -> Text:
    """How much is due, in figures and capitals (nothing when no fee applies)."""
    amount = Text()
    if card.fee is not None:
        amount.append(_("应收 "))
        amount.append(_("{amount} 元").format(amount=card.fee.amount.figures()), style="bold")
        amount.append(f"（{card.fee.amount.capitals()}）")
    return amount


def state_text(card: FeeCard, zone: Any, problem: str) -> Text:
    """Paid (and refunded), or why it cannot be taken, or what to do; then why the last attempt
    was refused (``problem``), until the next one."""
    state = Text()
    if card.paid is not None:
        refunded = (
            _("，已退 {refunded} 元").format(refunded=card.refunded.figures())
            if card.refunded
            else ""
        )
        state.append(
            _("已缴费：收据号 {receipt_code}，{created_at:%m-%d %H:%M}{refunded}").format(
                receipt_code=card.paid.receipt_code,
                created_at=card.paid.created_at.astimezone(zone),
                refunded=refunded,
            ),
            style="bold green",
        )
    elif card.fee_problem:
        state.append(card.fee_problem, style="bold yellow")
    elif card.status != "accepted":
        state.append(_("档案未处于已受理状态，不能收费"), style="bold red")
    elif card.day_problem:  # said when the card opens, not after the amount is typed
        state.append(card.day_problem, style="bold red")
    elif not problem:
        state.append(_("请收取评审费：F11 选择收款方式，F9 确认"))
    if problem:  # why the last attempt was refused, until the next one
        state.append(("\n" if state else "") + problem, style="bold red")
    return state


def trail_rows(card: FeeCard, zone: Any) -> list[tuple[str, tuple[object, ...]]]:
    """The trail, one (key, cells) a payment, void or refund: a payment says whether it was
    voided or wholly refunded, a correction its reason and note."""
    voided = {p.original_id: p for p in card.history if p.kind == PaymentKind.void.value}
    refunded: dict[int | None, int] = {}
    for p in card.history:
        if p.kind == PaymentKind.refund.value:
            refunded[p.original_id] = refunded.get(p.original_id, 0) + p.amount_fen
    rows: list[tuple[str, tuple[object, ...]]] = []
    for p in card.history:
        note: Text | str
        if p.kind == PaymentKind.payment.value:
            v = voided.get(p.id)
            if v is not None:
                note = Text(
                    _("已作废（{receipt_code}）").format(receipt_code=v.receipt_code),
                    style="bold red",
                )
            elif refunded.get(p.id, 0) >= p.amount_fen:
                note = Text(_("已全额退费"), style="bold red")
            else:
                note = Text(p.reference or "")
        elif p.kind == PaymentKind.void.value:
            note = plain.pair(_(VOID_REASONS.get(p.reason, p.reason)), p.note)
        else:
            note = plain.pair(_(REFUND_REASONS.get(p.reason, p.reason)), p.note)
        rows.append(
            (
                p.receipt_code,
                (
                    p.receipt_code,
                    PaymentKind(p.kind).label,
                    Money(p.amount_fen).figures(),
                    PaymentMethod(p.method).label,
                    f"{p.created_at.astimezone(zone):%m-%d %H:%M}",
                    card.names.get(p.cashier_id, ""),
                    note,
                ),
            )
        )
    return rows


def trail_title(card: FeeCard) -> str:
    return (
        _("收费记录 {count} 条").format(count=len(card.history))
        if card.history
        else _("尚无收费记录")
    )


def methods_text(
    methods: list[PaymentMethod], method: PaymentMethod, rule: FeePayment | None
) -> Text:
    """The methods F11 cycles through, the one chosen reversed; what the notice allows, and
    whether the one chosen needs a lead's reason."""
    t = Text(_("收款方式  "))
    for i, m in enumerate(methods, 1):
        allowed = rule is None or rule.allows(m)
        style = (
            ("bold reverse" if allowed else "bold reverse red")
            if m is method
            else ("dim" if allowed else "dim strike")
        )
        t.append(f" {i} {m.label} ", style=style)
        t.append(" ")
    if len(methods) > 1:
        t.append(_(" F11 切换"), style="dim")
    if rule is not None and rule.restricted:
        allowed_text = "、".join(m.label for m in rule.methods)
        t.append("\n")
        t.append(
            _("通知{clause}：{text}（只收{allowed}）").format(
                clause=rule.clause, text=rule.text, allowed=allowed_text
            ),
            style="bold",
        )
        if not rule.allows(method):
            t.append("\n")
            t.append(
                _("{method}不符合通知规定：F9 时须由负责人说明原因").format(method=method.label),
                style="bold red",
            )
    return t


def change_text(given: Money, due: Money) -> Text:
    """What is short, or the change to give."""
    if given < due:
        return Text(_("少 {amount} 元").format(amount=(due - given).figures()), style="bold red")
    return Text(_("找零 {amount} 元").format(amount=(given - due).figures()), style="bold")
