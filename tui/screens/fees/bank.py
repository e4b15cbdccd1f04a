"""Bank transfers at the fee desk (银行流水对账): import the bank's statement, go through its lines
with the matcher's proposals, confirm each match (a transfer payment with the bank's serial as its
reference, and its receipt printed), choose among candidates when several fit, set aside what is
not a review fee, and see the dossiers still unpaid.

Nothing is matched without the cashier's Enter on that line; an ambiguous line lists its
candidates and waits for a choice; a line whose amount is not the fee is never confirmed here
(the service refuses it, with both amounts). The rules are ``models.services.bank``'s."""

from __future__ import annotations

import contextlib
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from models.errors import DomainError
from models.i18n import _, pgettext
from models.services.bank import (
    confirm_line,
    dismiss_line,
    import_statement,
    proposals,
    unpaid_dossiers,
)
from tui import plain
from tui.base import WorkerGuard, desk_of
from tui.keymap import bind
from tui.widgets.footer import DeskFooter
from tui.work.printing import queue_receipt, render_receipt_job

if TYPE_CHECKING:
    from models.services.bank import LineProposal
    from models.services.payments import QueueLine
from models.services.bank import DISMISS_REASONS
from tui.screens.fees.bank_match import ConfirmMatchScreen, who
from tui.widgets.reason_note import ReasonNote, ReasonNoteDialog

STYLES = {
    "proposed": "bold green",
    "ambiguous": "bold yellow",
    "partial": "yellow",
    "not_accepted": "yellow",
    "already_paid": "dim",
    "unmatched": "red",
    "confirmed": "green",
    "dismissed": "dim",
}
CONFIRMABLE = ("proposed", "ambiguous")


class BankScreen(WorkerGuard, Screen[None]):
    """The statement's lines and what the matcher proposes; F11 shows the still-unpaid."""

    AUTO_FOCUS = "#bank-file"
    BINDINGS = [
        bind("bank.import", "focus_file", pgettext("key", "导入流水")),
        bind("bank.dismiss", "dismiss_line", pgettext("key", "非评审费")),
        bind("bank.reload", "reload", pgettext("key", "刷新")),
        bind("bank.unpaid", "toggle_unpaid", pgettext("key", "未缴费档案")),
        Binding("escape", "back", pgettext("key", "返回"), id="bank.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, LineProposal] = {}
        self.showing_unpaid = False
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Static(_("银行流水对账 · {who}").format(who=desk_of(self).who()), id="status-line")
        yield Input(
            placeholder=_("银行流水文件路径（xlsx/csv，GB18030 亦可），Enter 导入"), id="bank-file"
        )
        yield Static(_("正在读取……"), id="bank-summary")
        yield DataTable(id="bank-lines", cursor_type="row", zebra_stripes=True)
        yield Static("", id="bank-detail")
        yield DeskFooter()

    def on_mount(self) -> None:
        self._columns()
        self.load()

    def _columns(self) -> None:
        table = self.query_one("#bank-lines", DataTable)
        table.clear(columns=True)
        if self.showing_unpaid:
            for label, width in (
                (_("受理编号"), 11),
                (_("姓名"), 16),
                (_("申报"), 12),
                (_("工作单位"), 30),
            ):
                table.add_column(label, width=width)
        else:
            for label, width in (
                (_("行"), 4),
                (_("日期"), 5),
                (_("金额"), 9),
                (_("付款人"), 12),
                (_("状态"), 10),
                (_("建议/说明"), 26),
            ):
                table.add_column(label, width=width)

    def action_focus_file(self) -> None:
        self.query_one("#bank-file", Input).focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.load()

    def action_toggle_unpaid(self) -> None:
        self.showing_unpaid = not self.showing_unpaid
        self._columns()
        self.load()

    # -- import --

    @on(Input.Submitted, "#bank-file")
    def _import(self, event: Input.Submitted) -> None:
        text = event.value.strip().strip('"').strip("'")
        if not text:
            self.query_one("#bank-lines", DataTable).focus()
            return
        if self.busy:
            return
        self.busy = True
        self.query_one("#bank-summary", Static).update(_("正在导入……"))
        self.run_import(Path(text).expanduser())

    @work(thread=True, exclusive=True, exit_on_error=False, group="bank")
    def run_import(self, path: Path) -> None:
        desk = desk_of(self)
        assert desk.engine is not None and desk.actor is not None
        try:
            with desk.campaign_session() as (session, c):
                s = import_statement(session, desk.actor, c, path)
        except DomainError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        skipped = (
            _("，{count} 行无法读取（第 {line} 行：{reason}……）").format(
                count=len(s.skipped), line=s.skipped[0].line, reason=s.skipped[0].reason
            )
            if s.skipped
            else ""
        )
        known = _("，{count} 行此前已导入").format(count=len(s.known)) if s.known else ""
        msg = _(
            "已导入 {filename}：{lines} 行，收入 {credits} 笔共 {credit_total} 元{known}{skipped}"
        ).format(
            filename=s.filename,
            lines=s.lines,
            credits=s.credits,
            credit_total=s.credit_total.figures(),
            known=known,
            skipped=skipped,
        )
        self.app.call_from_thread(self._imported, msg)

    def _imported(self, message: str) -> None:
        self.busy = False
        self.notify(message, timeout=10, markup=False)
        self.query_one("#bank-file", Input).value = ""
        self.load(message)

    def _failed(self, message: str) -> None:
        self.busy = False
        self.query_one("#bank-summary", Static).update(Text(message, style="bold red"))
        self.notify(message, severity="error", timeout=10, markup=False)

    def worker_failed(self, name: str) -> None:
        self.busy = False

    # -- the lines --

    @work(thread=True, exclusive=True, exit_on_error=False, group="bank-load")
    def load(self, note: str = "") -> None:
        desk = desk_of(self)
        assert desk.engine is not None and desk.actor is not None
        try:
            with desk.campaign_session(readonly=True) as (session, c):
                # an ID number in a memo is masked for everyone but a lead
                lines = proposals(session, desk.actor, c)
                unpaid = unpaid_dossiers(session, desk.actor, c, limit=500)
        except DomainError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        self.app.call_from_thread(self._show, lines, unpaid, note)

    def _show(self, lines: list[LineProposal], unpaid: list[QueueLine], note: str) -> None:
        self.lines = {p.line_id: p for p in lines}
        table = self.query_one("#bank-lines", DataTable)
        cursor = table.cursor_row
        table.clear()
        counts: dict[str, int] = {}
        for p in lines:
            counts[p.status.label] = counts.get(p.status.label, 0) + 1
        if self.showing_unpaid:
            for q in unpaid:
                table.add_row(
                    q.dossier_code,
                    plain.name(q.name, 16),
                    plain.fee_kind(q.track, q.level),
                    plain.plain(q.unit, 30),
                    key=f"d{q.dossier_id}",
                )
        else:
            for p in lines:
                if p.status in ("confirmed",) and p.receipt_code:
                    hint = _("收据号 {receipt_code}").format(receipt_code=p.receipt_code)
                elif p.candidates and p.status in ("proposed", "already_paid", "partial"):
                    c = p.candidates[0]
                    diff = (
                        _(" 差{difference}").format(difference=c.difference.figures())
                        if c.difference
                        else ""
                    )
                    hint = (
                        f"{who(c)}（{_(p.evidence) or '、'.join(_(e) for e in c.evidence)}）{diff}"
                    )
                elif p.candidates:
                    hint = _("{count} 人相符：").format(count=len(p.candidates)) + "；".join(
                        f"{c.dossier_code} {c.name}" for c in p.candidates[:3]
                    )
                else:
                    hint = p.note or p.memo
                table.add_row(
                    str(p.line_no),
                    f"{p.txn_date:%m-%d}",
                    p.amount.figures(),
                    plain.name(p.payer_name, 12),
                    Text(p.status.label, style=STYLES.get(p.status, "")),
                    plain.plain(hint, 26),
                    key=str(p.line_id),
                )
        if cursor and table.row_count:
            table.move_cursor(row=min(cursor, table.row_count - 1))
        summary = "；".join(f"{k} {v}" for k, v in counts.items()) or _("尚未导入银行流水")
        head = (
            _("未缴费档案 {count} 份（F11 回到流水）").format(count=len(unpaid))
            if self.showing_unpaid
            else _("流水 {count} 笔：{summary}").format(count=len(lines), summary=summary)
        )
        self.query_one("#bank-summary", Static).update(
            plain.message(f"{note}\n{head}" if note else head)
        )
        self._detail()

    @on(DataTable.RowHighlighted, "#bank-lines")
    def _highlighted(self) -> None:
        self._detail()

    def _current(self) -> LineProposal | None:
        table = self.query_one("#bank-lines", DataTable)
        if self.showing_unpaid or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.lines.get(int(key)) if key and key.isdigit() else None

    def _detail(self) -> None:
        p = self._current()
        out = self.query_one("#bank-detail", Static)
        if p is None:
            out.update("")
            return
        how = {
            "proposed": _("Enter 确认匹配并打印缴费凭证"),
            "ambiguous": _("Enter 选择是哪一位（不会自动匹配）"),
            "partial": _("金额与评审费不符：请与付款人核实后按收费台办理，或 F10 标为非评审费"),
            "not_accepted": _("纸质材料受理后再确认"),
            "unmatched": _("找不到对应的人：核实后 F10 标为非评审费"),
        }.get(p.status, "")
        account = plain.plain(p.payer_account, 24)
        text = Text.assemble(
            _("流水号 "),
            plain.plain(p.serial, 30),
            _(" · 付款人 "),
            plain.name(p.payer_name, 20),
            " " if account else "",
            account,
            _(" · 摘要 "),
            plain.plain(p.memo, 40),
        )
        if p.note:
            text.append("\n")
            text.append(plain.message(p.note, style="yellow"))
        if how:
            text.append(f"\n{how}", style="bold")
        out.update(text)

    @on(DataTable.RowSelected, "#bank-lines")
    def _selected(self) -> None:
        p = self._current()
        if p is None or self.busy:
            return
        if p.status == "proposed" and p.dossier_id is not None:
            c = p.candidates[0]
            self.app.push_screen(ConfirmMatchScreen(p, [c]), lambda chosen: self._chosen(p, chosen))
        elif p.status == "ambiguous":
            fits = [c for c in p.candidates if c.dossier_id is not None]
            self.app.push_screen(
                ConfirmMatchScreen(p, fits), lambda chosen: self._chosen(p, chosen)
            )
        else:
            self.notify(
                _("{label}：不能在此确认").format(label=p.status.label),
                severity="warning",
                timeout=4,
            )

    def _chosen(self, p: LineProposal, dossier_id: int | None) -> None:
        if dossier_id is None:
            return
        self.busy = True
        self.run_confirm(p.line_id, dossier_id, f"bank-{p.line_id}-{uuid.uuid4().hex[:12]}")

    @work(thread=True, exclusive=True, exit_on_error=False, group="bank")
    def run_confirm(self, line_id: int, dossier_id: int, key: str) -> None:
        desk = desk_of(self)
        assert desk.engine is not None and desk.actor is not None and desk.printers is not None
        try:
            with desk.campaign_session() as (session, c):
                pay = confirm_line(
                    session,
                    desk.actor,
                    c,
                    line_id,
                    dossier_id,
                    idempotency_key=key,
                    now=desk.clock(),
                )
                job_id = queue_receipt(session, desk.actor, desk.printers, pay)
        except DomainError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            self.app.call_from_thread(self.load)
            return
        # the payment is in: a rendering fault is a print fault (F8), not a refusal
        with contextlib.suppress(DomainError):
            render_receipt_job(desk.engine, desk.printers, job_id)
        self.app.call_from_thread(self._confirmed, pay.receipt_code, job_id)

    def _confirmed(self, receipt_code: str, job_id: int) -> None:
        self.busy = False
        desk_of(self).print_job(job_id)
        self.load(
            _("已确认银行转账，收据号 {receipt_code}，缴费凭证正在打印").format(
                receipt_code=receipt_code
            )
        )

    def action_dismiss_line(self) -> None:
        p = self._current()
        if p is None or self.busy or p.status in ("confirmed", "dismissed"):
            return

        def chosen(result: ReasonNote | None) -> None:
            if result is not None:
                self.busy = True
                self.run_dismiss(p.line_id, result.reason, result.note)

        self.app.push_screen(dismiss_dialog(p), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="bank")
    def run_dismiss(self, line_id: int, reason: str, note: str) -> None:
        desk = desk_of(self)
        assert desk.engine is not None and desk.actor is not None
        try:
            with desk.campaign_session() as (session, c):
                dismiss_line(
                    session, desk.actor, c, line_id, reason=reason, note=note, now=desk.clock()
                )
        except DomainError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        self.app.call_from_thread(self._dismissed)

    def _dismissed(self) -> None:
        self.busy = False
        self.load(_("已标为非评审费（记入审计）"))


def dismiss_dialog(line: LineProposal) -> ReasonNoteDialog:
    """Set a line aside as not a review fee: a reason from the list and a note (required)."""
    return ReasonNoteDialog(
        _("第 {line_no} 行 {amount} 元 {payer_name}：不是评审费").format(
            line_no=line.line_no, amount=line.amount.figures(), payer_name=line.payer_name
        ),
        reasons=DISMISS_REASONS,
        placeholder=_("说明（必填，记入审计）"),
        note_required=_("请写明说明"),
        help_text=_("↑↓ 选原因 · Enter 到说明 · Enter 确定 · Esc 取消"),
    )
