"""The fee desk (收费台): the cashier's queue, one dossier's fee, taking it, and what a lead does
to a receipt afterwards (void, refund, reprint).

- ``CashierScreen``: accepted dossiers not yet paid; a scan of the envelope label (or the ID
  card) or Enter on a line opens the fee.
- ``FeeScreen``: who, what for, how much (with the capitals), what was paid and undone so far
  (the trail); the method (F11 cycles the methods the notice allows: 现金, 银行转账, POS刷卡, 扫码), cash tendered with the change
  shown as it is typed, the reference the method needs, the fiscal receipt number; Enter or F9
  takes the fee. Each opened fee has one idempotency key: a double Enter, or a retry after an
  error, never makes a second payment.
- ``VoidScreen`` / ``RefundScreen``: a lead's reason from the list plus a note.
- the outcome (``tui.screens.outcome``): what was done, the slip's preview and its printing.

Every rule is the service's (``models.services.payments``); every database and printer call
runs in a worker; every error is one Chinese line."""

from __future__ import annotations

import hashlib
import uuid
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from models.errors import DomainError, InvalidInput
from models.i18n import _, pgettext
from models.money import Money
from models.permissions import Action
from models.vocab import PaymentKind, PaymentMethod
from tui import plain
from tui.base import Refocus, WorkerGuard, desk_of
from tui.keymap import bind

if TYPE_CHECKING:
    from models.services.payments import FeeCard, QueueLine
    from tui.app import DeskApp

METHODS = list(PaymentMethod)


def confirmation_key(desk: str) -> str:
    """The idempotency key of one opened fee (a double Enter or a retry sends it again): the
    desk's name digested (a name may be 40 characters, the key at most 64) and a random part."""
    return f"{hashlib.sha256(desk.encode()).hexdigest()[:8]}-{uuid.uuid4().hex}"


class CashierScreen(WorkerGuard, Screen[None]):
    """收费台: the queue of accepted, unpaid dossiers; scan or pick to open one."""

    AUTO_FOCUS = "#pay-search"
    BINDINGS = [
        bind("fees.search", "focus_search", pgettext("key", "查找")),
        bind("fees.reload", "reload", pgettext("key", "刷新")),
        bind("fees.bank", "bank", pgettext("key", "银行流水")),
        Binding("escape", "back", pgettext("key", "返回"), id="fees.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Static(_("收费台 · {who}").format(who=desk_of(self).who()), id="status-line")
        yield Input(placeholder=_("扫描档案袋条码，或输入受理编号 / 身份证号"), id="pay-search")
        yield Static(_("待缴费：正在读取……"), id="queue-title")
        yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#queue", DataTable)
        for label, width in (
            (_("受理编号"), 11),
            (_("姓名"), 16),
            (_("申报"), 12),
            (_("应收"), 8),
            (_("工作单位"), 22),
        ):
            table.add_column(label, width=width)
        self.load()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "bank":
            actor = desk_of(self).actor
            return actor is not None and actor.can(Action.bank_match)
        return True

    def action_focus_search(self) -> None:
        box = self.query_one("#pay-search", Input)
        box.focus()
        box.select_all()

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_bank(self) -> None:
        from tui.screens.bank import BankScreen

        self.app.push_screen(BankScreen())

    def on_refocus(self, _message: Refocus) -> None:
        box = self.query_one("#pay-search", Input)
        box.value = ""
        box.focus()
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="queue")
    def load(self) -> None:
        from models.services.campaigns import fee_rules
        from models.services.payments import cashier_queue

        desk = desk_of(self)
        assert desk.engine is not None
        try:
            with desk.campaign_session(readonly=True) as (session, c):
                lines = cashier_queue(session, c, limit=500)
                fees = {(r.track, r.level): r.amount_fen for r in fee_rules(session, c.id or 0)}
        except DomainError as exc:
            self.app.call_from_thread(
                self.query_one("#queue-title", Static).update, Text(exc.message, style="bold red")
            )
            return
        self.app.call_from_thread(self._show, lines, fees)

    def _show(self, lines: list[QueueLine], fees: dict[tuple[str, str], int | None]) -> None:
        table = self.query_one("#queue", DataTable)
        table.clear()
        for q in lines:
            fen = fees.get((q.track, q.level))
            table.add_row(
                q.dossier_code,
                plain.name(q.name, 14),
                plain.fee_kind(q.track, q.level),
                Money(fen).figures() if fen is not None else Text(_("未定"), style="yellow"),
                plain.plain(q.unit, 30),
                key=str(q.dossier_id),
            )
        more = _("（只列前 500 份）") if len(lines) >= 500 else ""
        self.query_one("#queue-title", Static).update(
            _("待缴费 {count} 份{more}：↑↓ 选择，Enter 收费").format(count=len(lines), more=more)
            if lines
            else _("没有待缴费的档案：受理后的档案会出现在这里")
        )

    @on(Input.Changed, "#pay-search")
    def _scrub(self, event: Input.Changed) -> None:
        plain.scrub(event.input)

    @on(Input.Submitted, "#pay-search")
    def _submit(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.query_one("#queue", DataTable).focus()
            return
        desk_of(self).open_fee(query=text)

    @on(DataTable.RowSelected, "#queue")
    def _open(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            desk_of(self).open_fee(dossier_id=int(event.row_key.value))


class FeeScreen(WorkerGuard, Screen[None]):
    """One dossier's fee: take it, or (a lead) void, refund or reprint what was taken."""

    BINDINGS = [
        Binding("escape", "back", pgettext("key", "返回"), id="fee.back"),
        bind("fee.take", "take", pgettext("key", "确认收费"), priority=True),
        bind("fee.method", "method(1)", pgettext("key", "收款方式"), priority=True),
        bind(
            "fee.method_back",
            "method(-1)",
            pgettext("key", "上一种方式"),
            show=False,
            priority=True,
        ),
        bind("fee.void", "void", pgettext("key", "作废")),
        bind("fee.refund", "refund", pgettext("key", "退费")),
        Binding("ctrl+r", "reprint", pgettext("key", "重印"), id="fee.reprint"),
        bind("fee.reload", "reload", pgettext("key", "刷新"), show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.dossier_id: int | None = None
        self.query_text: str | None = None
        self.card: FeeCard | None = None
        self.method = PaymentMethod.cash
        self.override = ""  # a lead's reason for a method the notice does not allow
        self.key = ""  # the idempotency key of this opened fee: one confirmation, one payment
        self.busy = False
        self.problem = ""  # why the last attempt was refused: stays shown until the next one
        self.generation = 0  # which open() a lookup belongs to: a late answer is not shown

    def open(self, *, dossier_id: int | None = None, query: str | None = None) -> None:
        """Show another dossier on this (one, reused) screen: nothing of the one shown can be
        acted on from here on, and the lookup starts at once, before the switch."""
        self.dossier_id, self.query_text = dossier_id, query
        self.card, self.key, self.problem, self.busy = None, "", "", False
        self.method, self.override = PaymentMethod.cash, ""
        self.generation += 1
        if self.is_mounted:
            for box in ("#tendered", "#reference", "#fiscal"):
                self.query_one(box, Input).value = ""
            self.query_one("#status-line", Static).update(_("正在读取……"))
            self.load()
            # blank the previous dossier only if the lookup is slow (spares a repaint)
            self.set_timer(0.03, partial(self._blank, self.generation))

    def _blank(self, gen: int) -> None:
        if gen != self.generation or self.card is not None:
            return
        for wid in ("#fee-person", "#fee-amount", "#fee-state", "#fee-trail-title"):
            self.query_one(wid, Static).update("")
        self.query_one("#fee-form").display = False
        self.query_one("#fee-trail", DataTable).clear()

    @property
    def desk(self) -> DeskApp:
        return desk_of(self)

    def compose(self) -> ComposeResult:
        yield Static(_("正在读取……"), id="status-line")
        yield Static("", id="fee-person")
        yield Static("", id="fee-amount")
        yield Static("", id="fee-state")
        with Vertical(id="fee-form"):
            yield Static("", id="fee-methods")
            with Horizontal(classes="fee-row", id="row-tendered"):
                yield Static(_("实收（元）"), classes="fee-label")
                yield Input(
                    placeholder=_("可不填，填则找零"), id="tendered", compact=True, max_length=12
                )
                yield Static("", id="fee-change")
            with Horizontal(classes="fee-row", id="row-reference"):
                yield Static(_("流水号"), classes="fee-label", id="reference-label")
                # a POS slip's or transfer's number may be scanned into it: not a dossier scan
                yield Input(id="reference", compact=True, max_length=64, classes="takes-scans")
                yield Static("", id="reference-hint")
            with Horizontal(classes="fee-row"):
                yield Static(_("财政票据号"), classes="fee-label")
                yield Input(
                    placeholder=_("如开具财政票据，填写票据号（可不填）"),
                    id="fiscal",
                    compact=True,
                    max_length=40,
                )
        yield Static("", id="fee-trail-title")
        # no cell padding, one space in each width instead: the trail's 7 columns fit 80
        yield DataTable(id="fee-trail", cursor_type="row", zebra_stripes=False, cell_padding=0)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#fee-trail", DataTable)
        for label, width in (
            (_("收据号"), 12),
            (_("类别"), 5),
            (_("金额"), 8),
            (_("方式"), 9),
            (_("时间"), 12),
            (_("经办"), 11),
            (_("说明"), 20),
        ):
            table.add_column(label, width=width)
        self.query_one("#fee-form").display = False
        self._paint_method()
        if self.dossier_id is not None or self.query_text is not None:
            self.load()

    # -- loading --

    @work(thread=True, exclusive=True, exit_on_error=False, group="fee")
    def load(self) -> None:
        from models.dossier import Dossier
        from models.services.payments import fee_card, find_dossier
        from models.text import strip_invisible

        desk = self.desk
        assert desk.engine is not None
        gen, dossier_id, query = self.generation, self.dossier_id, self.query_text
        try:
            with desk.campaign_session(readonly=True) as (session, c):
                if dossier_id is not None:
                    d = session.get(Dossier, dossier_id)
                    if d is None or d.campaign_id != c.id:
                        raise InvalidInput(_("本批次没有这份档案"), code="payment.no_such_dossier")
                else:
                    # a NUL or a lone surrogate in what was typed reaches the database as it is
                    # in find_dossier (PostgreSQL refuses the one, every driver the other)
                    d = find_dossier(session, c, strip_invisible(query or ""))
                card = fee_card(session, c, d, desk=desk.config.desk, now=desk.clock())
                zone = c.zone
        except DomainError as exc:
            self.app.call_from_thread(self._failed, exc.message, gen)
            return
        self.app.call_from_thread(self._show, card, zone, gen)

    def _failed(self, message: str, gen: int) -> None:
        if gen != self.generation:
            return  # another dossier was opened meanwhile
        self._blank(gen)
        self.query_one("#status-line", Static).update(_("未能打开"))
        self.query_one("#fee-person", Static).update(plain.message(message, style="bold red"))

    def _show(self, card: FeeCard, zone: Any, gen: int) -> None:
        if gen != self.generation:
            return  # another dossier was opened meanwhile
        fresh = self.card is None or self.card.dossier_id != card.dossier_id
        if fresh:
            self.problem, self.override = "", ""
            if not card.method_rule.allows(self.method):  # 001 三（二）4: by bank only
                self.method = card.method_rule.methods[0]
        self.card = card
        self.dossier_id = card.dossier_id
        if fresh or not self.key:
            self.key = confirmation_key(self.desk.config.desk)
        self.query_one("#status-line", Static).update(
            Text.assemble(_("收费 · "), plain.name(card.name), f" · {self.desk.who()}")
        )
        person = Text()
        person.append(plain.name(card.name, style="bold"))
        person.append(_("  身份证 …{id_last4}  受理编号 ").format(id_last4=card.id_last4))
        person.append(card.dossier_code, style="bold")
        person.append(f"\n{plain.fee_kind(card.track, card.level)} · ")
        person.append(plain.plain(card.unit))
        self.query_one("#fee-person", Static).update(person)
        amount = Text()
        if card.fee is not None:
            amount.append(_("应收 "))
            amount.append(_("{amount} 元").format(amount=card.fee.amount.figures()), style="bold")
            amount.append(f"（{card.fee.amount.capitals()}）")
        self.query_one("#fee-amount", Static).update(amount)
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
        elif not self.problem:
            state.append(_("请收取评审费：F11 选择收款方式，F9 确认"))
        if self.problem:  # why the last attempt was refused, until the next one
            state.append(("\n" if state else "") + self.problem, style="bold red")
        self.query_one("#fee-state", Static).update(state)
        self.query_one("#fee-form").display = card.payable
        self._trail(card, zone)
        self.refresh_bindings()
        if card.payable:
            self._paint_method()
            self._focus_first()
        else:
            self.query_one("#fee-trail", DataTable).focus()

    def _trail(self, card: FeeCard, zone: Any) -> None:
        from models.services.payments import REFUND_REASONS, VOID_REASONS

        table = self.query_one("#fee-trail", DataTable)
        table.clear()
        voided = {p.original_id: p for p in card.history if p.kind == PaymentKind.void.value}
        refunded: dict[int | None, int] = {}
        for p in card.history:
            if p.kind == PaymentKind.refund.value:
                refunded[p.original_id] = refunded.get(p.original_id, 0) + p.amount_fen
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
            kind = PaymentKind(p.kind).label
            table.add_row(
                p.receipt_code,
                kind,
                Money(p.amount_fen).figures(),
                PaymentMethod(p.method).label,
                f"{p.created_at.astimezone(zone):%m-%d %H:%M}",
                card.names.get(p.cashier_id, ""),
                note,
                key=p.receipt_code,
            )
        self.query_one("#fee-trail-title", Static).update(
            _("收费记录 {count} 条").format(count=len(card.history))
            if card.history
            else _("尚无收费记录")
        )

    # -- the form --

    def _methods(self) -> list[PaymentMethod]:
        """What F11 cycles through: the methods the notice allows; a lead, every method (one
        the notice does not allow asks for the reason when the fee is taken)."""
        rule = self.card.method_rule if self.card is not None else None
        if rule is None or not rule.restricted or self._may_override():
            return METHODS
        return [m for m in METHODS if rule.allows(m)]

    def _may_override(self) -> bool:
        actor = self.desk.actor
        return actor is not None and actor.can(Action.payment_method_override)

    def _paint_method(self) -> None:
        from models.services.payments import REFERENCE_LABELS

        rule = self.card.method_rule if self.card is not None else None
        t = Text(_("收款方式  "))
        for i, m in enumerate(self._methods(), 1):
            allowed = rule is None or rule.allows(m)
            style = (
                ("bold reverse" if allowed else "bold reverse red")
                if m is self.method
                else ("dim" if allowed else "dim strike")
            )
            t.append(f" {i} {m.label} ", style=style)
            t.append(" ")
        if len(self._methods()) > 1:
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
            if not rule.allows(self.method):
                t.append("\n")
                t.append(
                    _("{method}不符合通知规定：F9 时须由负责人说明原因").format(
                        method=self.method.label
                    ),
                    style="bold red",
                )
        self.query_one("#fee-methods", Static).update(t)
        cash = self.method is PaymentMethod.cash
        self.query_one("#row-tendered").display = cash
        self.query_one("#row-reference").display = not cash
        self.query_one("#reference-hint", Static).update("")
        if not cash:
            label = _(REFERENCE_LABELS[self.method])
            self.query_one("#reference-label", Static).update(label)
            self.query_one("#reference", Input).placeholder = _("必填：{label}").format(label=label)

    def _focus_first(self) -> None:
        self.query_one(
            "#tendered" if self.method is PaymentMethod.cash else "#reference", Input
        ).focus()

    def action_method(self, step: int) -> None:
        if self.card is None or not self.card.payable or self.busy:
            return
        methods = self._methods()
        if len(methods) == 1:
            rule = self.card.method_rule
            self.notify(
                _("本批次评审费只收{method}（通知{clause}）").format(
                    method=methods[0].label, clause=rule.clause
                ),
                timeout=6,
                markup=False,
            )
            return
        at = methods.index(self.method) if self.method in methods else -1
        self.method = methods[(at + step) % len(methods)]
        self.override = ""
        self._paint_method()
        self._focus_first()

    @on(Input.Changed, "#tendered")
    def _change(self, event: Input.Changed) -> None:
        out = self.query_one("#fee-change", Static)
        text = event.value.strip()
        if not text or self.card is None or self.card.fee is None:
            out.update("")
            return
        try:
            given = Money.parse(text)
        except DomainError as exc:
            out.update(Text(exc.message, style="red"))
            return
        due = self.card.fee.amount
        if given < due:
            out.update(
                Text(_("少 {amount} 元").format(amount=(due - given).figures()), style="bold red")
            )
        else:
            out.update(
                Text(_("找零 {amount} 元").format(amount=(given - due).figures()), style="bold")
            )

    @on(Input.Submitted, "#tendered, #fiscal")
    def _submitted(self) -> None:
        self.action_take()

    @on(Input.Submitted, "#reference")
    def _reference_given(self, event: Input.Submitted) -> None:
        # not a confirmation: a scanner's Enter after a number scanned into this field must
        # not take the fee (it may be the next applicant's label); F9 or Enter below confirms.
        # Empty, it stays: the serial must not land in the next box
        if not event.value.strip():
            from models.services.payments import REFERENCE_LABELS

            label = _(REFERENCE_LABELS[self.method])
            self.query_one("#reference-hint", Static).update(
                Text(_("须填写{label}").format(label=label), style="bold red")
            )
            return
        self.query_one("#fiscal", Input).focus()

    @on(Input.Changed, "#reference")
    def _reference_typed(self, event: Input.Changed) -> None:
        if event.value.strip():
            self.query_one("#reference-hint", Static).update("")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        actor = self.desk.actor
        card = self.card
        if action in ("take", "method", "method_back"):
            return card is not None and card.payable
        if action in ("void", "refund"):
            return (
                actor is not None
                and card is not None
                and card.paid is not None
                and actor.can(Action.payment_void if action == "void" else Action.payment_refund)
            )
        if action == "reprint":
            return (
                actor is not None
                and card is not None
                and card.paid is not None
                and actor.can(Action.receipt_reprint)
            )
        return True

    # -- taking the fee --

    def action_take(self) -> None:
        if self.busy or self.card is None or not self.card.payable:
            return
        tendered = (
            self.query_one("#tendered", Input).value.strip()
            if self.method is PaymentMethod.cash
            else ""
        )
        reference = (
            self.query_one("#reference", Input).value.strip()
            if self.method is not PaymentMethod.cash
            else ""
        )
        fiscal = self.query_one("#fiscal", Input).value.strip()
        try:
            given = Money.parse(tendered) if tendered else None
        except DomainError as exc:
            self.notify(exc.message, severity="error", timeout=6, markup=False)
            self.query_one("#tendered", Input).focus()
            return
        rule = self.card.method_rule
        if not rule.allows(self.method) and not self.override:
            if not self._may_override():
                self.notify(
                    _("本批次评审费只收{allowed}（通知{clause}）").format(
                        allowed="、".join(m.label for m in rule.methods), clause=rule.clause
                    ),
                    severity="error",
                    timeout=8,
                    markup=False,
                )
                return
            from tui.screens.tally import NoteScreen

            def reason_given(reason: str | None) -> None:
                if reason:
                    self.override = reason
                    self.action_take()

            self.app.push_screen(
                NoteScreen(
                    _("通知{clause}规定：{text}。改收{method}须说明原因（记入审计）").format(
                        clause=rule.clause, text=rule.text, method=self.method.label
                    ),
                    required=True,
                ),
                callback=reason_given,
            )
            return
        self.busy = True
        self.problem = ""
        self.query_one("#fee-state", Static).update(_("正在收费……"))
        self.run_payment(self.method, given, reference, fiscal, self.key)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pay")
    def run_payment(
        self, method: PaymentMethod, given: Money | None, reference: str, fiscal: str, key: str
    ) -> None:
        from models.db import retrying
        from models.services.campaigns import get_campaign
        from models.services.payments import take_payment
        from tui.work.printing import queue_receipt, receipt_job_of

        desk = self.desk
        assert desk.engine is not None and desk.actor is not None and desk.printers is not None
        assert self.card is not None
        actor, printers, dossier_id = desk.actor, desk.printers, self.card.dossier_id
        override = self.override if not self.card.method_rule.allows(method) else ""

        def pay(session: Any) -> tuple[Any, int]:
            c = get_campaign(session, desk.campaign_code or "")
            p = take_payment(
                session,
                actor,
                c,
                dossier_id,
                method=method,
                reference=reference,
                fiscal_receipt_no=fiscal,
                tendered=given,
                idempotency_key=key,
                now=desk.clock(),
                override_reason=override,
            )
            # the same confirmation again (a retry): its receipt job is already there
            return p, receipt_job_of(session, p) or queue_receipt(session, actor, printers, p)

        try:
            # another desk holding the receipt counter a few seconds: the same confirmation is
            # tried again (its key makes it the same payment), then one sentence
            p, job_id = retrying(desk.engine, pay)
        except DomainError as exc:
            if exc.code == "payment.key_dead":  # that confirmation's receipt is dead: a new one
                self.key = ""
            self.app.call_from_thread(self._pay_failed, exc.message)
            return
        preview = _preview(desk, job_id)  # the money is in: a rendering fault is a print fault
        change = (
            _("，找零 {amount} 元").format(amount=(given - Money(p.amount_fen)).figures())
            if given is not None
            else ""
        )
        title = _("已收费 {amount} 元（{amount_in_words}），收据号 {receipt_code}{change}").format(
            amount=Money(p.amount_fen).figures(),
            amount_in_words=Money(p.amount_fen).capitals(),
            receipt_code=p.receipt_code,
            change=change,
        )
        self.app.call_from_thread(self._done, title, "receipt", job_id, preview)

    def worker_failed(self, name: str) -> None:
        self.busy = False

    def _pay_failed(self, message: str) -> None:
        self.busy = False
        self.problem = message
        self.query_one("#fee-state", Static).update(Text(message, style="bold red"))
        self.notify(message, severity="error", timeout=10, markup=False)
        self.load()  # e.g. another desk took it meanwhile: show what is true now

    def _done(self, title: str, kind: str, job_id: int, preview: str) -> None:
        from tui.screens.outcome import OutcomeScreen
        from tui.work.printing import Queued

        self.busy = False
        if self.app.screen is not self:  # the desk moved on (logged out): say it, print it
            self.app.notify(title, timeout=15, markup=False)
            self.desk.print_job(job_id)
            return
        self.app.switch_screen(OutcomeScreen(title, Queued([job_id], {kind: preview})))

    # -- a lead's corrections, and reprints --

    def action_void(self) -> None:
        if self.busy or self.card is None or self.card.paid is None:
            return
        paid = self.card.paid

        def chosen(result: tuple[str, str] | None) -> None:
            if result is not None:
                self.busy = True
                self.problem = ""
                self.run_void(paid.receipt_code, *result)

        self.app.push_screen(VoidScreen(paid.receipt_code, Money(paid.amount_fen)), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pay")
    def run_void(self, receipt_code: str, reason: str, note: str) -> None:
        from models.services.payments import void_payment
        from tui.work.printing import queue_receipt

        desk = self.desk
        assert desk.engine is not None and desk.actor is not None and desk.printers is not None
        try:
            with desk.campaign_session() as (session, c):
                v = void_payment(
                    session, desk.actor, c, receipt_code, reason=reason, note=note, now=desk.clock()
                )
                job_id = queue_receipt(session, desk.actor, desk.printers, v)
        except DomainError as exc:
            self.app.call_from_thread(self._pay_failed, exc.message)
            return
        preview = _preview(desk, job_id)
        title = _(
            "已作废收据 {receipt_code}（作废单 {receipt_code2}）：原收据号不再使用，档案回到待缴费"
        ).format(receipt_code=receipt_code, receipt_code2=v.receipt_code)
        self.app.call_from_thread(self._done, title, "void", job_id, preview)

    def action_refund(self) -> None:
        if self.busy or self.card is None or self.card.paid is None:
            return
        paid = self.card.paid
        left = Money(paid.amount_fen) - self.card.refunded

        def chosen(result: tuple[Money, str, str] | None) -> None:
            if result is not None:
                self.busy = True
                self.problem = ""
                self.run_refund(paid.receipt_code, *result)

        self.app.push_screen(RefundScreen(paid.receipt_code, left), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pay")
    def run_refund(self, receipt_code: str, amount: Money, reason: str, note: str) -> None:
        from models.services.payments import refund_payment
        from tui.work.printing import queue_receipt

        desk = self.desk
        assert desk.engine is not None and desk.actor is not None and desk.printers is not None
        try:
            with desk.campaign_session() as (session, c):
                r = refund_payment(
                    session,
                    desk.actor,
                    c,
                    receipt_code,
                    amount=amount,
                    reason=reason,
                    note=note,
                    method=PaymentMethod.cash,
                    now=desk.clock(),
                )
                job_id = queue_receipt(session, desk.actor, desk.printers, r)
        except DomainError as exc:
            self.app.call_from_thread(self._pay_failed, exc.message)
            return
        preview = _preview(desk, job_id)
        title = _("已退费 {amount} 元（{amount_capitals}），退费单 {receipt_code}").format(
            amount=amount.figures(), amount_capitals=amount.capitals(), receipt_code=r.receipt_code
        )
        self.app.call_from_thread(self._done, title, "refund", job_id, preview)

    def action_reprint(self) -> None:
        if self.busy or self.card is None or self.card.paid is None:
            return
        self.busy = True
        self.run_reprint(self.card.paid.receipt_code)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pay")
    def run_reprint(self, receipt_code: str) -> None:
        from printers.document import layout
        from printers.preview import render_text
        from tui.work.printing import reprint
        from tui.work.records import record_document

        desk = self.desk
        assert desk.engine is not None and desk.actor is not None and desk.printers is not None
        try:
            with desk.campaign_session() as (session, c):
                job = reprint(session, desk.actor, desk.printers, c, "receipt", receipt_code)
                doc = record_document(
                    session, c, "receipt", receipt_code=receipt_code, reprint=job.copy_no
                )
                preview = render_text(layout(doc, desk.printers.config("receipt").width))
                job_id, n = job.id or 0, job.copy_no
        except DomainError as exc:
            self.app.call_from_thread(self._pay_failed, exc.message)
            return
        self.app.call_from_thread(
            self._done,
            _("重印缴费凭证 {receipt_code}（重印 {n}）").format(receipt_code=receipt_code, n=n),
            "receipt",
            job_id,
            preview,
        )

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        if self.busy:  # the outcome (or the refusal) is shown here: wait for it
            self.notify(_("正在办理，请稍候"), timeout=3)
            return
        self.app.pop_screen()


def _preview(desk: DeskApp, job_id: int) -> str:
    """The slip's bytes and preview, after the commit. A fault here (a font gone missing) does
    not undo what was recorded: the outcome says so and the job is printed or retried (F8)."""
    from tui.work.printing import render_receipt_job

    assert desk.engine is not None and desk.printers is not None
    try:
        return render_receipt_job(desk.engine, desk.printers, job_id)
    except DomainError as exc:
        return _("（已记录，但未能生成预览：{message}；打印任务 {job_id} 可按 F8 重试）").format(
            message=exc.message, job_id=job_id
        )


# ---- modals -----------------------------------------------------------------------------------


class VoidScreen(WorkerGuard, ModalScreen[tuple[str, str] | None]):
    """作废 (lead): a reason from the list and a note, both required."""

    BINDINGS = [Binding("escape", "cancel", pgettext("key", "取消"))]

    def __init__(self, receipt_code: str, amount: Money) -> None:
        super().__init__()
        self.receipt_code = receipt_code
        self.amount = amount

    def compose(self) -> ComposeResult:
        from models.services.payments import VOID_REASONS

        with Vertical(classes="dialog"):
            yield Static(
                _("作废收据 {receipt_code}（{amount} 元）：原收据号作废后不再使用").format(
                    receipt_code=self.receipt_code, amount=self.amount.figures()
                ),
                classes="dialog-title",
            )
            yield OptionList(
                *[Option(_(text), id=key) for key, text in VOID_REASONS.items()], id="void-reasons"
            )
            yield Input(
                placeholder=_("说明（必填，记入审计并打印在作废单上）"),
                id="void-note",
                max_length=500,
            )
            yield Static(_("↑↓ 选原因 · Tab 到说明 · Enter 作废 · Esc 取消"), classes="dialog-help")

    def on_mount(self) -> None:
        options = self.query_one("#void-reasons", OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#void-reasons")
    def _to_note(self) -> None:
        self.query_one("#void-note", Input).focus()

    @on(Input.Submitted, "#void-note")
    def _done(self) -> None:
        options = self.query_one("#void-reasons", OptionList)
        index = options.highlighted
        note = self.query_one("#void-note", Input).value.strip()
        if index is None:
            options.focus()
            return
        if not note:
            self.notify(_("作废须写明说明"), severity="error", timeout=4)
            return
        self.dismiss((options.get_option_at_index(index).id or "other", note))

    def action_cancel(self) -> None:
        self.dismiss(None)


class RefundScreen(WorkerGuard, ModalScreen[tuple[Money, str, str] | None]):
    """退费 (lead): how much (never more than is left), why, and a note."""

    BINDINGS = [Binding("escape", "cancel", pgettext("key", "取消"))]

    def __init__(self, receipt_code: str, left: Money) -> None:
        super().__init__()
        self.receipt_code = receipt_code
        self.left = left

    def compose(self) -> ComposeResult:
        from models.services.payments import REFUND_REASONS

        with Vertical(classes="dialog"):
            yield Static(
                _("退费：收据 {receipt_code}，最多可退 {left} 元（现金退还）").format(
                    receipt_code=self.receipt_code, left=self.left.figures()
                ),
                classes="dialog-title",
            )
            yield Input(value=self.left.figures(), id="refund-amount", max_length=12)
            yield OptionList(
                *[Option(_(text), id=key) for key, text in REFUND_REASONS.items()],
                id="refund-reasons",
            )
            yield Input(
                placeholder=_("说明（必填，记入审计并打印在退费单上）"),
                id="refund-note",
                max_length=500,
            )
            yield Static(
                _("金额 → Enter → ↑↓ 选原因 → Enter → 说明 → Enter 退费 · Esc 取消"),
                classes="dialog-help",
            )

    def on_mount(self) -> None:
        self.query_one("#refund-reasons", OptionList).highlighted = 0
        box = self.query_one("#refund-amount", Input)
        box.focus()
        box.select_all()

    @on(Input.Submitted, "#refund-amount")
    def _to_reasons(self) -> None:
        self.query_one("#refund-reasons", OptionList).focus()

    @on(OptionList.OptionSelected, "#refund-reasons")
    def _to_note(self) -> None:
        self.query_one("#refund-note", Input).focus()

    @on(Input.Submitted, "#refund-note")
    def _done(self) -> None:
        try:
            amount = Money.parse(self.query_one("#refund-amount", Input).value)
        except DomainError as exc:
            self.notify(exc.message, severity="error", timeout=5, markup=False)
            self.query_one("#refund-amount", Input).focus()
            return
        if amount.fen <= 0 or amount > self.left:
            self.notify(
                _("退费金额应在 0.01 至 {left} 元之间").format(left=self.left.figures()),
                severity="error",
                timeout=5,
            )
            self.query_one("#refund-amount", Input).focus()
            return
        options = self.query_one("#refund-reasons", OptionList)
        index = options.highlighted
        note = self.query_one("#refund-note", Input).value.strip()
        if index is None:
            options.focus()
            return
        if not note:
            self.notify(_("退费须写明说明"), severity="error", timeout=4)
            return
        self.dismiss((amount, options.get_option_at_index(index).id or "other", note))

    def action_cancel(self) -> None:
        self.dismiss(None)
