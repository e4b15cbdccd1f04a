"""The fee screen's view: what it holds (the dossier's fee card, the method, the idempotency key
of this opened fee, why the last attempt was refused), its loading in a worker, and its drawing
and form (the method F11 cycles, the change as cash is typed, the reference the method needs).
Taking the fee and a lead's corrections are ``fee``'s; the texts, ``fee_text``'s."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from models.errors import DomainError
from models.i18n import _
from models.money import Money
from models.permissions import Action
from models.services.fee_reads import dossier_for_fee
from models.services.payments import REFERENCE_LABELS, fee_card
from models.vocab import PaymentMethod
from tui import plain
from tui.base import WorkerGuard, desk_of
from tui.screens.fees.fee_text import (
    amount_text,
    change_text,
    confirmation_key,
    methods_text,
    person_text,
    state_text,
    trail_columns,
    trail_rows,
    trail_title,
)
from tui.widgets.footer import DeskFooter

if TYPE_CHECKING:
    from models.services.payments import FeeCard
    from tui.app import DeskApp

METHODS = list(PaymentMethod)


class FeeView(WorkerGuard, Screen[None]):
    """One dossier's fee, reused for the next (``open``)."""

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
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one("#fee-trail", DataTable)
        for label, width in trail_columns():
            table.add_column(label, width=width)
        self.query_one("#fee-form").display = False
        self._paint_method()
        if self.dossier_id is not None or self.query_text is not None:
            self.load()

    # -- loading --

    @work(thread=True, exclusive=True, exit_on_error=False, group="fee")
    def load(self) -> None:
        desk = self.desk
        assert desk.engine is not None and desk.actor is not None
        gen, dossier_id, query = self.generation, self.dossier_id, self.query_text
        try:
            with desk.campaign_session(readonly=True) as (session, c):
                d = dossier_for_fee(
                    session, desk.actor, c, dossier_id=dossier_id, query=query or ""
                )
                card = fee_card(session, desk.actor, c, d, desk=desk.config.desk, now=desk.clock())
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
        self.query_one("#fee-person", Static).update(person_text(card))
        self.query_one("#fee-amount", Static).update(amount_text(card))
        self.query_one("#fee-state", Static).update(state_text(card, zone, self.problem))
        self.query_one("#fee-form").display = card.payable
        self._trail(card, zone)
        self.refresh_bindings()
        if card.payable:
            self._paint_method()
            self._focus_first()
        else:
            self.query_one("#fee-trail", DataTable).focus()

    def _trail(self, card: FeeCard, zone: Any) -> None:
        table = self.query_one("#fee-trail", DataTable)
        table.clear()
        for key, cells in trail_rows(card, zone):
            table.add_row(*cells, key=key)
        self.query_one("#fee-trail-title", Static).update(trail_title(card))

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
        rule = self.card.method_rule if self.card is not None else None
        self.query_one("#fee-methods", Static).update(
            methods_text(self._methods(), self.method, rule)
        )
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
        out.update(change_text(given, self.card.fee.amount))

    def action_take(self) -> None:
        """Take the fee (``FeeScreen``)."""
        raise NotImplementedError

    @on(Input.Submitted, "#tendered, #fiscal")
    def _submitted(self) -> None:
        self.action_take()

    @on(Input.Submitted, "#reference")
    def _reference_given(self, event: Input.Submitted) -> None:
        # not a confirmation: a scanner's Enter after a number scanned into this field must
        # not take the fee (it may be the next applicant's label); F9 or Enter below confirms.
        # Empty, it stays: the serial must not land in the next box
        if not event.value.strip():
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
