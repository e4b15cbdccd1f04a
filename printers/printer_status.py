"""What an ESC/POS printer says about itself: the answers to DLE EOT 1 (printer), 2 (offline
cause), 3 (error cause, asked only when DLE EOT 2 reports an error) and 4 (paper roll sensor),
as a ``PrinterStatus`` with a Chinese problem (the job is refused) or warning (the job prints)."""

from __future__ import annotations

from dataclasses import dataclass

from models.i18n import _

DLE_EOT = b"\x10\x04"

# DLE EOT 1
OFFLINE = 0x08
# DLE EOT 2
COVER_OPEN = 0x04
STOPPED_PAPER_END = 0x20
ERROR_OCCURRED = 0x40
# DLE EOT 3
CUTTER_ERROR = 0x08
UNRECOVERABLE = 0x20
AUTO_RECOVERABLE = 0x40  # e.g. the print head too hot: clears by itself
# DLE EOT 4
PAPER_NEAR_END = 0x0C
PAPER_END = 0x60


@dataclass(frozen=True)
class PrinterStatus:
    online: bool
    paper_out: bool = False
    cover_open: bool = False
    error: bool = False
    paper_near_end: bool = False
    cutter_error: bool = False
    overheated: bool = False  # an auto-recoverable error (head temperature, voltage)
    unrecoverable: bool = False
    # what a label printer (TSPL <ESC>!?, ZPL ~HS) says besides
    paper_jam: bool = False
    ribbon_out: bool = False
    paused: bool = False

    @classmethod
    def from_replies(
        cls, printer: int, offline: int, paper: int, cause: int | None = None
    ) -> PrinterStatus:
        cause = cause or 0
        return cls(
            online=not printer & OFFLINE,
            cover_open=bool(offline & COVER_OPEN),
            paper_out=bool(paper & PAPER_END) or bool(offline & STOPPED_PAPER_END),
            error=bool(offline & ERROR_OCCURRED),
            paper_near_end=bool(paper & PAPER_NEAR_END),
            cutter_error=bool(cause & CUTTER_ERROR),
            overheated=bool(cause & AUTO_RECOVERABLE),
            unrecoverable=bool(cause & UNRECOVERABLE),
        )

    @classmethod
    def from_label_faults(cls, faults: list[str]) -> PrinterStatus:
        """A label printer's faults (``printers.tspl.status_faults``, ``printers.zpl``'s) in
        the receipt printer's terms, so both speak the same Chinese."""
        return cls(
            online=True,
            cover_open="head_open" in faults or "cover_open" in faults,
            paper_out="paper_out" in faults,
            error="error" in faults,
            paper_jam="paper_jam" in faults,
            ribbon_out="ribbon_out" in faults,
            paused="paused" in faults,
        )

    def problem(self) -> str | None:
        """Why the printer cannot print now (the job is refused), or None."""
        if self.cover_open:
            return _("打印机上盖打开")
        if self.paper_out:
            return _("打印机缺纸")
        if self.paper_jam:
            return _("打印机卡纸（打开上盖取出卡住的标签，再合上）")
        if self.ribbon_out:
            return _("碳带用完或没有装好")
        if self.paused:
            return _("打印机处于暂停状态（按打印机上的暂停/FEED 键继续）")
        if self.cutter_error:
            return _("打印机切刀故障（检查切刀处是否卡纸，清理后关机再开）")
        if self.unrecoverable:
            return _("打印机发生无法自行恢复的错误（关机再开；仍然如此请报修）")
        if self.overheated:
            return _("打印机打印头过热或电压异常（稍等片刻，打印机恢复后再打印）")
        if self.error:
            return _("打印机报告错误（切刀或过热）")
        if not self.online:
            return _("打印机离线")
        return None

    def warning(self) -> str | None:
        """What the office should know although the job prints, or None."""
        if self.paper_near_end and not self.paper_out:
            return _("打印机纸将尽，请准备换纸")
        return None
