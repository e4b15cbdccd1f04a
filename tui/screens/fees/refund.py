"""退费 (a lead's): how much (never more than is left), why, and a note. Not the shared
reason-and-note dialog: an amount comes first, checked against what is left."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from models.errors import DomainError
from models.i18n import _, pgettext
from models.money import Money
from models.services.payments import REFUND_REASONS
from tui.base import WorkerGuard


class RefundScreen(WorkerGuard, ModalScreen[tuple[Money, str, str] | None]):
    """退费 (lead): how much (never more than is left), why, and a note."""

    BINDINGS = [Binding("escape", "cancel", pgettext("key", "取消"))]

    def __init__(self, receipt_code: str, left: Money) -> None:
        super().__init__()
        self.receipt_code = receipt_code
        self.left = left

    def compose(self) -> ComposeResult:
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
