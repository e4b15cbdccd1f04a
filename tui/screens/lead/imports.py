"""导入网上通过名单 (the lead's): import the online-approved list, with progress, cancel, and
every row accounted for."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Label, ProgressBar, Static

from models.db import session_scope
from models.errors import DomainError
from models.i18n import _, pgettext
from models.services.online_import import import_online, save_report
from tui.base import WorkerGuard
from tui.widgets.footer import DeskFooter

if TYPE_CHECKING:
    from models.services.online_import import ImportSummary, ReportPlace
    from tui.app import DeskApp


class ImportScreen(WorkerGuard, Screen[None]):
    """导入网上通过名单."""

    BINDINGS = [Binding("escape", "back_or_cancel", pgettext("key", "返回/取消"), id="import.back")]

    def __init__(self) -> None:
        super().__init__()
        self.cancel = threading.Event()
        self.running = False

    @property
    def desk(self) -> DeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(
            _("导入网上通过形式审核名单 · 评审批次 {campaign_code}").format(
                campaign_code=self.desk.campaign_code or _("（未选）")
            ),
            id="status-line",
        )
        with Horizontal(classes="field"):
            yield Label(_("文件"), classes="field-label")
            yield Input(placeholder=_("名单文件路径：.xlsx .xls .csv .tsv"), id="import-path")
        with Horizontal(id="import-options"):
            yield Checkbox(_("只检查，不写入"), id="dry-run")
            yield Button(_("开始 (Enter)"), id="import-start", variant="primary")
        yield ProgressBar(id="import-progress", show_eta=False)
        yield Static("", id="import-phase")
        with VerticalScroll(id="import-result"):
            yield Static("", id="import-summary")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#import-progress", ProgressBar).display = False

    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#import-start")
    def start(self) -> None:
        if self.running:
            return
        raw = self.query_one("#import-path", Input).value.strip().strip('"').strip("'")
        if not raw:
            self._say(_("请输入名单文件的路径"))
            return
        path = Path(raw).expanduser()
        self.running = True
        self.cancel.clear()
        self.query_one("#import-start", Button).disabled = True
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self._say(_("正在读取……（Esc 取消）"))
        self.run_import(path, self.query_one("#dry-run", Checkbox).value)

    def _say(self, text: str) -> None:
        self.query_one("#import-phase", Static).update(Text(text))

    def _progress(self, phase: str, done: int, total: int) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=max(total, 1), progress=done)
        self._say(
            _("{phase} {done}/{total}（Esc 取消）").format(phase=phase, done=done, total=total)
            if total > 1
            else phase
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def run_import(self, path: Path, dry_run: bool) -> None:
        try:
            engine, actor, code = self.desk.working()
            with session_scope(engine) as session:
                summary = import_online(
                    session,
                    actor,
                    code,
                    path,
                    dry_run=dry_run,
                    cancel=self.cancel,
                    progress=lambda p, d, t: self.app.call_from_thread(self._progress, p, d, t),
                )
        except DomainError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        # committed: the summary is shown whatever happens to the report (it says where it went)
        report = (
            save_report(summary, path)
            if summary.rejected or summary.ignored or summary.flagged
            else None
        )
        self.app.call_from_thread(self._done, summary, report)

    def _finish(self) -> None:
        self.running = False
        self.query_one("#import-start", Button).disabled = False
        self.query_one("#import-progress", ProgressBar).display = False

    def _failed(self, message: str) -> None:
        self._finish()
        self._say("")
        self.query_one("#import-summary", Static).update(Text(message, style="bold red"))

    def _done(self, s: ImportSummary, report: ReportPlace | None) -> None:
        self._finish()
        c = s.counts()
        lines = [
            _("{outcome}：{filename}，表头第 {header_line} 行，数据 {c} 行").format(
                outcome=_("检查完毕（未写入）") if s.dry_run else _("导入完成"),
                filename=s.filename,
                header_line=s.header_line,
                c=c["data_rows"],
            ),
            _("新增 {c} · 更新 {c2} · 未变 {c3} · 未导入 {c4} · 非数据行 {c5}").format(
                c=c["inserted"],
                c2=c["updated"],
                c3=c["unchanged"],
                c4=c["rejected"],
                c5=c["ignored"],
            ),
            _("审核状态不是“通过形式审核”的 {c} 人：不能报送纸质材料").format(c=c["not_eligible"]),
        ]
        lines += [_("注意：{w}").format(w=w) for w in s.warnings]
        if s.imported_before:
            lines.append(
                _("注意：同一文件已于 {imported_before} 导入过").format(
                    imported_before=s.imported_before
                )
            )
        lines += [
            _("！{name}（{dossier_code}）已受理，网上状态变为“{new_status}”").format(
                name=f.name, dossier_code=f.dossier_code, new_status=f.new_status
            )
            for f in s.flagged
        ]
        lines += [
            _("第 {line} 行 {name}：{reason}").format(line=r.line, name=r.name, reason=r.reason)
            for r in s.rejected[:50]
        ]
        if len(s.rejected) > 50:
            lines.append(_("……共 {count} 行未导入，见报告").format(count=len(s.rejected)))
        if report is not None and report.path is not None:
            lines.append(_("报告：{report}").format(report=report.path))
            if report.moved:
                lines.append(
                    _("（{problem}，报告已改写到受理台数据文件夹）").format(problem=report.problem)
                )
        self._say(_("完成"))
        text = Text("\n".join(lines))
        if report is not None and report.path is None:
            text.append(
                "\n"
                + _("未导入行的报告未能写入（{problem}）：导入结果以上面的汇总为准").format(
                    problem=report.problem
                ),
                style="bold red",
            )
        self.query_one("#import-summary", Static).update(text)

    def action_back_or_cancel(self) -> None:
        if self.running:
            self.cancel.set()
            self._say(_("正在取消……（不会写入任何内容）"))
            return
        self.app.pop_screen()
