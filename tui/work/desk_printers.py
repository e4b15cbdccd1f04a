"""This desk's printers: their settings from the config file (``[printers.*]``), a document
rendered to a printer's ESC/POS bytes, and the transport that sends them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from models.config import DeskConfig
from models.i18n import _
from printers.config import PrinterConfig, parse_printers
from printers.document import Document, layout
from printers.errors import PrinterError
from printers.escpos import PrinterProfile, render_escpos
from printers.fonts import find_cjk_font
from printers.label_render import render_label
from printers.transports import Transport, open_transport


@dataclass
class DeskPrinters:
    configs: dict[str, PrinterConfig]
    factory: Callable[[PrinterConfig], Transport] = open_transport

    @classmethod
    def from_config(cls, config: DeskConfig) -> DeskPrinters:
        return cls(parse_printers(config.printers, str(config.path or _("配置文件"))))

    def config(self, role: str) -> PrinterConfig:
        if role not in self.configs:
            raise PrinterError(
                _("没有配置名为“{role}”的打印机").format(role=role), code="printer.unknown"
            )
        return self.configs[role]

    def render(self, doc: Document, role: str) -> bytes:
        return render_bytes(doc, self.config(role))


def profile_for(cfg: PrinterConfig) -> PrinterProfile:
    font = find_cjk_font(cfg.font) if cfg.font else None
    line = cfg.paper
    return PrinterProfile(
        width_mm=line.width_mm,
        encoding=cfg.encoding,
        barcode=cfg.barcode,  # type: ignore[arg-type]
        qr=cfg.qr,  # type: ignore[arg-type]
        image_mode=cfg.image_mode,
        font=font,
        dots=line.dots,
        cells=line.cells,
        four_byte=cfg.gb18030_four_byte,
    )


def render_bytes(doc: Document, cfg: PrinterConfig) -> bytes:
    """The printer's bytes: ESC/POS, or TSPL/ZPL for a label printer (envelope labels only)."""
    if cfg.label.language != "escpos":
        return render_label(doc, cfg.label, find_cjk_font(cfg.font or None))
    return render_escpos(layout(doc, cfg.paper), profile_for(cfg))
