"""The lead's screens: import the online-approved list (progress, cancel, every row accounted
for) and paper against online (who to chase, who is unpaid, what changed)."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, DataTable, Footer, Input, Label, ProgressBar, Static

from models.errors import DomainError
from tui import plain
from tui.app import WorkerGuard

if TYPE_CHECKING:
    from models.services.online_import import ImportSummary
    from models.services.reconcile import Person, Reconciliation
    from tui.app import DeskApp


class ImportScreen(WorkerGuard, Screen[None]):
    """导入网上通过名单."""

    BINDINGS = [Binding("escape", "back_or_cancel", "返回/取消", id="import.back")]

    def __init__(self) -> None:
        super().__init__()
        self.cancel = threading.Event()
        self.running = False

    @property
    def desk(self) -> DeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(f"导入网上通过形式审核名单 · 评审批次 {self.desk.campaign_code or '（未选）'}",
                     id="status-line")
        with Horizontal(classes="field"):
            yield Label("文件", classes="field-label")
            yield Input(placeholder="名单文件路径：.xlsx .xls .csv .tsv", id="import-path")
        with Horizontal(id="import-options"):
            yield Checkbox("只检查，不写入", id="dry-run")
            yield Button("开始 (Enter)", id="import-start", variant="primary")
        yield ProgressBar(id="import-progress", show_eta=False)
        yield Static("", id="import-phase")
        with VerticalScroll(id="import-result"):
            yield Static("", id="import-summary")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#import-progress", ProgressBar).display = False

    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#import-start")
    def start(self) -> None:
        if self.running:
            return
        raw = self.query_one("#import-path", Input).value.strip().strip('"').strip("'")
        if not raw:
            self._say("请输入名单文件的路径")
            return
        path = Path(raw).expanduser()
        self.running = True
        self.cancel.clear()
        self.query_one("#import-start", Button).disabled = True
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self._say("正在读取……（Esc 取消）")
        self.run_import(path, self.query_one("#dry-run", Checkbox).value)

    def _say(self, text: str) -> None:
        self.query_one("#import-phase", Static).update(Text(text))

    def _progress(self, phase: str, done: int, total: int) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=max(total, 1), progress=done)
        self._say(f"{phase} {done}/{total}（Esc 取消）" if total > 1 else phase)

    @work(thread=True, exclusive=True, exit_on_error=False, group="import")
    def run_import(self, path: Path, dry_run: bool) -> None:
        from models.db import session_scope
        from models.services.online_import import import_online, write_report

        try:
            engine, actor, code = self.desk.working()
            with session_scope(engine) as session:
                summary = import_online(
                    session, actor, code, path, dry_run=dry_run, cancel=self.cancel,
                    progress=lambda p, d, t: self.app.call_from_thread(self._progress, p, d, t))
            report = None
            if summary.rejected or summary.ignored or summary.flagged:
                stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
                report = path.with_name(f"{path.stem}-未导入行-{stamp}.xlsx")
                try:
                    write_report(summary, report)
                except DomainError:
                    from models.config import data_dir

                    report = data_dir() / "reports" / report.name
                    report.parent.mkdir(parents=True, exist_ok=True)
                    write_report(summary, report)
        except DomainError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        self.app.call_from_thread(self._done, summary, report)

    def _finish(self) -> None:
        self.running = False
        self.query_one("#import-start", Button).disabled = False
        self.query_one("#import-progress", ProgressBar).display = False

    def _failed(self, message: str) -> None:
        self._finish()
        self._say("")
        self.query_one("#import-summary", Static).update(Text(message, style="bold red"))

    def _done(self, s: ImportSummary, report: Path | None) -> None:
        self._finish()
        c = s.counts()
        lines = [f"{'检查完毕（未写入）' if s.dry_run else '导入完成'}：{s.filename}，"
                 f"表头第 {s.header_line} 行，数据 {c['data_rows']} 行",
                 f"新增 {c['inserted']} · 更新 {c['updated']} · 未变 {c['unchanged']} · "
                 f"未导入 {c['rejected']} · 非数据行 {c['ignored']}",
                 f"审核状态不是“通过形式审核”的 {c['not_eligible']} 人：不能报送纸质材料"]
        lines += [f"注意：{w}" for w in s.warnings]
        if s.imported_before:
            lines.append(f"注意：同一文件已于 {s.imported_before} 导入过")
        lines += [f"！{f.name}（{f.dossier_code}）已受理，网上状态变为“{f.new_status}”"
                  for f in s.flagged]
        lines += [f"第 {r.line} 行 {r.name}：{r.reason}" for r in s.rejected[:50]]
        if len(s.rejected) > 50:
            lines.append(f"……共 {len(s.rejected)} 行未导入，见报告")
        if report:
            lines.append(f"报告：{report}")
        self._say("完成")
        self.query_one("#import-summary", Static).update(Text("\n".join(lines)))

    def action_back_or_cancel(self) -> None:
        if self.running:
            self.cancel.set()
            self._say("正在取消……（不会写入任何内容）")
            return
        self.app.pop_screen()


LISTS = (("no_paper", "未报送"), ("returned", "退回补正"), ("accepted_unpaid", "未缴费"),
         ("paid", "已缴费"), ("changed_after_acceptance", "受理后有变化"))


class ReconcileScreen(WorkerGuard, Screen[None]):
    """纸质与网上核对."""

    BINDINGS = [
        *(Binding(str(i), f"show('{key}')", label, id=f"rec.{key}")
          for i, (key, label) in enumerate(LISTS, start=1)),
        Binding("e", "export", "导出", id="rec.export"),
        Binding("f5", "refresh", "刷新", id="rec.refresh"),
        Binding("escape", "back", "返回", id="rec.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result: Reconciliation | None = None
        self.showing = "no_paper"

    @property
    def desk(self) -> DeskApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static("纸质与网上核对 · 正在统计……", id="status-line")
        yield Static("", id="rec-counts")
        yield DataTable(id="rec-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#rec-table", DataTable)
        for label, width in (("县市", 6), ("单位", 18), ("姓名", 18), ("级别", 4), ("电话", 11),
                             ("编号/说明", 10)):
            table.add_column(label, width=width)
        self.load()

    def action_refresh(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    @work(thread=True, exclusive=True, exit_on_error=False, group="reconcile")
    def load(self, export: Path | None = None) -> None:
        from models.db import session_scope
        from models.services.reconcile import reconcile

        try:
            engine, actor, code = self.desk.working()
            with session_scope(engine) as session:
                result = reconcile(session, actor, code, export=export)
        except DomainError as exc:
            self.app.call_from_thread(self._failed, exc.message)
            return
        self.app.call_from_thread(self._show, result, export)

    def _failed(self, message: str) -> None:
        self.query_one("#rec-counts", Static).update(Text(message, style="bold red"))

    def _show(self, r: Reconciliation, export: Path | None) -> None:
        self.result = r
        c = r.counts()
        self.query_one("#status-line", Static).update(Text(f"纸质与网上核对 · {r.campaign_title}"))
        self.query_one("#rec-counts", Static).update(Text(
            f"网上 {c['online_total']} 人，通过形式审核 {c['online_approved']} · 1 未报送 {c['no_paper']} · "
            f"2 退回 {c['returned']} · 3 未缴费 {c['accepted_unpaid']} · 4 已缴费 {c['paid']} · "
            f"5 受理后有变化 {c['changed_after_acceptance']}"))
        self.action_show(self.showing)
        if export is not None:
            self.notify(f"已导出：{export}", markup=False, timeout=15)

    def action_show(self, key: str) -> None:
        self.showing = key
        if self.result is None:
            return
        people: list[Person] = getattr(self.result, key)
        table = self.query_one("#rec-table", DataTable)
        table.clear()
        for p in people:
            table.add_row(plain.plain(p.county), plain.plain(p.unit), plain.name(p.name), p.level,
                          plain.plain(p.phone), plain.plain(p.note or p.dossier_code))
        label = dict(LISTS)[key]
        self.query_one("#status-line", Static).update(
            Text(f"纸质与网上核对 · {label} {len(people)} 人 · 数字键切换，E 导出"))

    def action_export(self) -> None:
        from models.config import data_dir

        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = data_dir() / "exports" / f"纸质与网上核对-{self.desk.campaign_code}-{stamp}.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.load(export=path)
