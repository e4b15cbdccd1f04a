"""The fee (收费): take it — Enter or F9, once per opened fee whatever the Enters and retries (its
idempotency key) — or, a lead, void, refund or reprint what was taken. Every rule is the
service's (``models.services.payments``); every database and printer call runs in a worker;
every error is one Chinese line; the outcome is ``tui.screens.outcome``'s."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.widgets import Input, Static

from models.db import retrying
from models.errors import DomainError
from models.i18n import _, pgettext
from models.money import Money
from models.permissions import Action
from models.services.campaigns import get_campaign
from models.services.payments import VOID_REASONS, refund_payment, take_payment, void_payment
from models.vocab import PaymentMethod
from printers.document import layout
from printers.preview import render_text
from tui.keymap import bind
from tui.screens.fees.fee_view import FeeView
from tui.screens.fees.refund import RefundScreen
from tui.screens.outcome import OutcomeScreen
from tui.widgets.reason_note import ReasonNote, ReasonNoteDialog, note_dialog
from tui.work.printing import (
    Queued,
    queue_receipt,
    receipt_job_of,
    render_receipt_job,
    reprint,
)
from tui.work.records import record_document

if TYPE_CHECKING:
    from tui.app import DeskApp


class FeeScreen(FeeView):
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

            def reason_given(result: ReasonNote | None) -> None:
                if result is not None and result.note:
                    self.override = result.note
                    self.action_take()

            self.app.push_screen(
                note_dialog(
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

        def chosen(result: ReasonNote | None) -> None:
            if result is not None:
                self.busy = True
                self.problem = ""
                self.run_void(paid.receipt_code, result.reason, result.note)

        self.app.push_screen(void_dialog(paid.receipt_code, Money(paid.amount_fen)), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="pay")
    def run_void(self, receipt_code: str, reason: str, note: str) -> None:
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
        desk = self.desk
        assert desk.engine is not None and desk.actor is not None and desk.printers is not None
        try:
            with desk.campaign_session() as (session, c):
                job = reprint(session, desk.actor, desk.printers, c, "receipt", receipt_code)
                doc = record_document(
                    session, c, "receipt", receipt_code=receipt_code, reprint=job.copy_no
                )
                preview = render_text(layout(doc, desk.printers.config("receipt").paper))
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
    assert desk.engine is not None and desk.printers is not None
    try:
        return render_receipt_job(desk.engine, desk.printers, job_id)
    except DomainError as exc:
        return _("（已记录，但未能生成预览：{message}；打印任务 {job_id} 可按 F8 重试）").format(
            message=exc.message, job_id=job_id
        )


def void_dialog(receipt_code: str, amount: Money) -> ReasonNoteDialog:
    """作废 (lead): a reason from the list and a note, both required."""
    return ReasonNoteDialog(
        _("作废收据 {receipt_code}（{amount} 元）：原收据号作废后不再使用").format(
            receipt_code=receipt_code, amount=amount.figures()
        ),
        reasons=VOID_REASONS,
        placeholder=_("说明（必填，记入审计并打印在作废单上）"),
        note_required=_("作废须写明说明"),
        help_text=_("↑↓ 选原因 · Tab 到说明 · Enter 作废 · Esc 取消"),
    )
