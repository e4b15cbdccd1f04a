"""Which dossier a bank line pays for (银行流水对账's modal): the line, and its candidate (or the
candidates, one to pick)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from models.i18n import _, pgettext
from tui import plain
from tui.base import WorkerGuard

if TYPE_CHECKING:
    from models.services.bank import Candidate, LineProposal


def who(c: Candidate) -> str:
    """One line for a candidate, to be shown as plain text (``tui.plain``): the name is the
    online list's, a bank line's payer and memo are whatever the statement said."""
    fee = _(" 应收{fee}").format(fee=c.fee.figures()) if c.fee is not None else ""
    code = c.dossier_code or _("未受理")
    return f"{code} {plain.one_line(c.name)} {plain.fee_kind(c.track, c.level)}{fee}"


class ConfirmMatchScreen(WorkerGuard, ModalScreen[int | None]):
    """The line and who it pays for; with several candidates, the cashier picks one."""

    BINDINGS = [Binding("escape", "cancel", pgettext("key", "取消"))]

    def __init__(self, line: LineProposal, candidates: list[Candidate]) -> None:
        super().__init__()
        self.line = line
        self.candidates = candidates

    def compose(self) -> ComposeResult:
        p = self.line
        several = len(self.candidates) > 1
        with Vertical(classes="dialog"):
            yield Static(
                Text.assemble(
                    _("第 {line_no} 行 {txn_date:%Y-%m-%d} 收入 {amount} 元 · ").format(
                        line_no=p.line_no, txn_date=p.txn_date, amount=p.amount.figures()
                    ),
                    plain.name(p.payer_name),
                ),
                classes="dialog-title",
            )
            yield Static(
                Text.assemble(
                    _("摘要："), plain.plain(p.memo, 60), _("\n流水号："), plain.plain(p.serial, 40)
                ),
                classes="dialog-body",
            )
            yield Static(
                _("多人相符：请核实后选择是哪一位")
                if several
                else _("确认这笔转账是下面这位的评审费："),
                classes="dialog-help",
            )
            yield OptionList(
                *[
                    Option(
                        plain.plain(f"{who(c)}（{'、'.join(_(e) for e in c.evidence)}）"),
                        id=str(c.dossier_id),
                    )
                    for c in self.candidates
                ],
                id="match-candidates",
            )
            yield Static(_("↑↓ 选择 · Enter 确认并打印缴费凭证 · Esc 取消"), classes="dialog-help")

    def on_mount(self) -> None:
        options = self.query_one("#match-candidates", OptionList)
        # one candidate: Enter confirms it; several: nobody is chosen until the cashier moves
        # to one (a bounced Enter picks no one)
        options.highlighted = 0 if len(self.candidates) == 1 else None
        options.focus()

    @on(OptionList.OptionSelected, "#match-candidates")
    def _done(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0) or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
