"""A desk's printers, from the ``[printers.NAME]`` tables of the config file.

[printers.receipt]            # the receipt printer; [printers.label] for envelope labels
                              # (its label-printer keys: printers/label_config.py)
connection = "network"        # preview | file | network | usb | serial | win32raw | cups
host = "192.168.1.50"         # network
port = 9100
width = 80                    # paper: 58 or 80 mm
dots = 576                    # dots a raster line holds (default 58 → 384, 80 → 576; 512 for
                              # an Epson TM-T81/T82 China model at 180 dpi)
cells = 48                    # characters a text line holds (default dots // 12; 42 at 512)
encoding = "gbk"              # gbk | gb18030 | gb2312
gb18030_four_byte = false     # gb18030: the printer's font has 䶮, 𠮷 …; else those are rasters
barcode = "native"            # native (GS k) | raster
qr = "raster"                 # raster | native
image_mode = false            # true for printers without a Chinese font
font = ""                     # CJK font file for raster lines and image mode
timeout = 10                  # seconds
# file:     path = "/dev/usb/lp0"
# usb:      vendor = 0x0416, product = 0x5011, in_ep = 0x81, out_ep = 0x03
# serial:   device = "/dev/ttyUSB0", baudrate = 9600
# win32raw: name = "XP-80C"
# cups:     queue = "XP80"
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from models.i18n import _
from printers.errors import PrinterError
from printers.label_config import KEYS as LABEL_KEYS
from printers.label_config import LabelSettings, parse_label
from printers.layout import Paper, paper

CONNECTIONS = ("preview", "file", "network", "usb", "serial", "win32raw", "cups")
ROLES = ("receipt", "label")
_COMMON = {"connection", "width", "encoding", "barcode", "qr", "image_mode", "font", "timeout"}
_COMMON |= {"dots", "cells", "gb18030_four_byte"}  # the receipt printer's line and font
_PER_CONNECTION = {
    "preview": set(),
    "file": {"path"},
    "network": {"host", "port"},
    "usb": {"vendor", "product", "in_ep", "out_ep"},
    "serial": {"device", "baudrate"},
    "win32raw": {"name"},
    "cups": {"queue"},
}
_REQUIRED = {
    "file": ("path",),
    "network": ("host",),
    "usb": ("vendor", "product"),
    "serial": ("device",),
    "win32raw": ("name",),
    "cups": ("queue",),
}


@dataclass(frozen=True)
class PrinterConfig:
    name: str
    connection: str = "preview"
    width: int = 80
    encoding: str = "gbk"
    barcode: str = "native"
    qr: str = "raster"
    image_mode: bool = False
    font: str = ""
    timeout: float = 10.0
    options: dict[str, Any] = field(default_factory=dict)
    dots: int = 0  # 0: the width's default (``paper``)
    cells: int = 0
    gb18030_four_byte: bool = False
    label: LabelSettings = field(default_factory=LabelSettings)  # [printers.label]: language, stock

    @property
    def paper(self) -> Paper:
        """The line this printer prints: its width, dots and cells."""
        return paper(self.width, self.dots or None, self.cells or None)

    def describe(self) -> str:
        o = self.options
        where = {
            "preview": _("预览（不连接打印机）"),
            "file": _("文件 {path}").format(path=o.get("path", "")),
            "network": _("网络 {host}:{port}").format(
                host=o.get("host", ""), port=o.get("port", 9100)
            ),
            "usb": f"USB {o.get('vendor', 0):04x}:{o.get('product', 0):04x}",
            "serial": _("串口 {device} {baudrate} bps").format(
                device=o.get("device", ""), baudrate=o.get("baudrate", 9600)
            ),
            "win32raw": _("Windows 打印机 {name}").format(name=o.get("name", "")),
            "cups": _("CUPS 队列 {queue}").format(queue=o.get("queue", "")),
        }[self.connection]
        if self.label.language != "escpos":
            return _("{where}，{label}").format(where=where, label=self.label.describe())
        mode = (
            _("图像模式")
            if self.image_mode
            else _("文字模式 {encoding}").format(encoding=self.encoding)
        )
        return _("{where}，{width}mm，{mode}，条码 {barcode}").format(
            where=where, width=self.width, mode=mode, barcode=self.barcode
        )


def parse_printer(name: str, raw: dict[str, Any], source: str | None = None) -> PrinterConfig:
    def bad(msg: str) -> PrinterError:
        where = source or _("配置文件")
        return PrinterError(f"{where} [printers.{name}]：{msg}", code="printer.config")

    if not isinstance(raw, dict):
        raise bad(_("应为一个表"))
    connection = raw.get("connection", "preview")
    if connection not in CONNECTIONS:
        raise bad(
            _("connection 应为 {allowed} 之一，而不是“{connection}”").format(
                allowed=" | ".join(CONNECTIONS), connection=connection
            )
        )
    allowed = _COMMON | _PER_CONNECTION[connection] | (LABEL_KEYS if name == "label" else set())
    for key in raw:
        if key not in allowed:
            raise bad(
                _("未知的键“{key}”（{connection} 连接可用：{allowed}）").format(
                    key=key, connection=connection, allowed="、".join(sorted(allowed))
                )
            )
    for key in _REQUIRED.get(connection, ()):
        if key not in raw:
            raise bad(_("{connection} 连接需要“{key}”").format(connection=connection, key=key))
    width = raw.get("width", 80)
    if width not in (58, 80):
        raise bad(_("width 应为 58 或 80（毫米）"))
    encoding = raw.get("encoding", "gbk")
    if encoding not in ("gbk", "gb18030", "gb2312"):
        raise bad(_("encoding 应为 gbk、gb18030 或 gb2312"))
    try:
        line = paper(width, raw.get("dots"), raw.get("cells"))
    except ValueError as exc:
        raise bad(str(exc)) from None
    four_byte = raw.get("gb18030_four_byte", False)
    if not isinstance(four_byte, bool) or (four_byte and encoding != "gb18030"):
        raise bad(_('gb18030_four_byte 应为 true 或 false，且只用于 encoding = "gb18030"'))
    barcode = raw.get("barcode", "native")
    qr = raw.get("qr", "raster")
    if barcode not in ("native", "raster") or qr not in ("native", "raster"):
        raise bad(_("barcode 和 qr 应为 native 或 raster"))
    timeout = raw.get("timeout", 10)
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or not 0 < timeout <= 120:
        raise bad(_("timeout 应为 1–120 秒"))
    image_mode = raw.get("image_mode", False)
    if not isinstance(image_mode, bool):
        raise bad(_("image_mode 应为 true 或 false"))
    options = {k: v for k, v in raw.items() if k in _PER_CONNECTION[connection]}
    if connection == "network":
        port = options.setdefault("port", 9100)
        if not isinstance(port, int) or not 0 < port < 65536:
            raise bad(_("port 应为 1–65535"))
    if connection == "usb":
        for key in ("vendor", "product", "in_ep", "out_ep"):
            if key in options:
                options[key] = _int(options[key], bad, key)
    if connection == "serial":
        options["baudrate"] = _int(options.get("baudrate", 9600), bad, "baudrate")
    return PrinterConfig(
        name=name,
        connection=connection,
        width=width,
        encoding=encoding,
        barcode=barcode,
        qr=qr,
        image_mode=image_mode,
        font=str(raw.get("font", "")),
        timeout=float(timeout),
        options=options,
        label=parse_label(raw, bad) if name == "label" else LabelSettings(),
        dots=line.dots,
        cells=line.cells,
        gb18030_four_byte=four_byte,
    )


def _int(value: object, bad: Any, key: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return int(value, 0)
        except ValueError:
            pass
    raise bad(_("{key} 应为整数（如 0x0416 或 1046）").format(key=key))


def parse_printers(raw: dict[str, Any], source: str | None = None) -> dict[str, PrinterConfig]:
    printers = {name: parse_printer(name, value, source) for name, value in raw.items()}
    for role in ROLES:
        printers.setdefault(role, PrinterConfig(name=role))
    return printers
