"""The one reason-and-note dialog: a reason from a list (when the caller has one) and a line of
note. A lead voiding a receipt, a cashier setting a bank line aside, a clerk registering a
refusal, a lead confirming a day or naming who receives the dossiers: each passes its title,
its reasons and what the note must be; each gets a ``ReasonNote`` back, or None (Esc)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from models.i18n import _, pgettext
from tui.base import WorkerGuard
from tui.widgets.wrapping import Wrapped


@dataclass(frozen=True)
class ReasonNote:
    """The answer: the key of the reason chosen ("" when none was offered) and the note,
    stripped."""

    reason: str
    note: str


class ReasonNoteDialog(WorkerGuard, ModalScreen[ReasonNote | None]):
    """A title, the reasons (``#reasons``, ↑↓), the note (``#note``) and a line of help.

    - ``reasons``: key → the reason's (untranslated) text; none: the note alone.
    - ``default``: the reason highlighted first; None the first, a key not listed the last.
    - ``note_required``: what to say when the note is left empty ("" = it may be empty).
    - ``reason_submits``: Enter on a reason answers at once (the note as typed so far);
      otherwise it moves to the note, and Enter there answers."""

    BINDINGS = [Binding("escape", "cancel", pgettext("key", "取消"))]

    def __init__(
        self,
        title: str,
        *,
        reasons: Mapping[str, str] | None = None,
        default: str | None = None,
        placeholder: str = "",
        note: str = "",
        note_required: str = "",
        help_text: str = "",
        max_length: int = 500,
        reason_submits: bool = False,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.reasons = dict(reasons or {})
        self.default = default
        self.placeholder = placeholder
        self.note = note
        self.note_required = note_required
        self.help_text = help_text
        self.max_length = max_length
        self.reason_submits = reason_submits

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(Wrapped(self.title_text), classes="dialog-title")
            if self.reasons:
                yield OptionList(
                    *[Option(_(text), id=key) for key, text in self.reasons.items()], id="reasons"
                )
            yield Input(
                value=self.note, placeholder=self.placeholder, id="note", max_length=self.max_length
            )
            if self.help_text:
                yield Static(self.help_text, classes="dialog-help")

    def on_mount(self) -> None:
        if not self.reasons:
            self.query_one("#note", Input).focus()
            return
        options = self.query_one("#reasons", OptionList)
        keys = list(self.reasons)
        if self.default is None:
            options.highlighted = 0
        else:
            options.highlighted = (
                keys.index(self.default) if self.default in keys else len(keys) - 1
            )
        options.focus()

    @on(OptionList.OptionSelected, "#reasons")
    def _reason_chosen(self) -> None:
        if self.reason_submits:
            self._answer()
        else:
            self.query_one("#note", Input).focus()

    @on(Input.Submitted, "#note")
    def _note_given(self) -> None:
        self._answer()

    def _answer(self) -> None:
        reason = ""
        if self.reasons:
            options = self.query_one("#reasons", OptionList)
            if options.highlighted is None:
                options.focus()
                return
            reason = options.get_option_at_index(options.highlighted).id or "other"
        note = self.query_one("#note", Input).value.strip()
        if self.note_required and not note:
            self.notify(self.note_required, severity="error", timeout=4)
            return
        self.dismiss(ReasonNote(reason, note))

    def action_cancel(self) -> None:
        self.dismiss(None)


def note_dialog(title: str, *, required: bool, value: str = "", what: str = "") -> ReasonNoteDialog:
    """The dialog with a note alone, for a confirmation: Enter to go on, Esc to step back;
    ``required`` says whether it may be left empty, ``what`` what the note is (the box and the
    message when it is left empty say so: 接收人姓名（必填）); a 说明 by default."""
    label = what or _("说明")
    return ReasonNoteDialog(
        title,
        placeholder=label + (_("（必填）") if required else _("（可不填）")),
        note=value,
        note_required=(
            (_("须填写{what}").format(what=what) if what else _("须填写说明")) if required else ""
        ),
        help_text=_("Enter 确定 · Esc 取消"),
    )
