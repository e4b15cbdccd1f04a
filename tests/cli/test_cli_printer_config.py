"""``desk printer show-config`` shows how to write [printers.receipt] and [printers.label] in
the desk's language (issue 24: it printed printers/config.py's English docstring in the Chinese
UI): every key with a comment, Chinese comments in Chinese, none in English."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from rich.cells import cell_len
from typer.testing import CliRunner

from models import i18n
from printers.config import _COMMON, _PER_CONNECTION
from printers.label_config import KEYS as LABEL_KEYS
from tests.support import write_config
from tui.cli import app

RECEIPT_KEYS = {
    "connection", "host", "port", "width", "dots", "cells", "encoding", "gb18030_four_byte",
    "barcode", "qr", "image_mode", "font", "timeout",
}  # fmt: skip
HAN = re.compile(r"[\u3400-\u9fff]")


def _example(tmp_path: Path, lang: str) -> str:
    cfg = write_config(tmp_path, "")
    previous = i18n.current()
    i18n.use(lang)
    try:
        r = CliRunner().invoke(app, ["printer", "show-config", "--config", str(cfg)])
    finally:
        i18n.use(previous)
    assert r.exit_code == 0, r.output
    example = r.output[r.output.index("[printers.receipt]") :]
    for line in example.splitlines():  # fits an 80-column console, so it reads as written
        assert cell_len(line) <= 80, line
    return r.output


def _tables(output: str) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """The example's TOML (it must parse as written) and each ``key``'s comment."""
    start = output.index("[printers.receipt]")
    text = output[start:]
    comments = {}
    for line in text.splitlines():
        m = re.match(r"^#?\s*(\w+) = .*?#\s*(.+)$", line)
        if m:
            comments[m.group(1)] = m.group(2)
    return tomllib.loads(text)["printers"], comments


def test_the_example_in_chinese_names_every_key_with_a_chinese_comment(tmp_path: Path) -> None:
    printers, comments = _tables(_example(tmp_path, "zh_CN"))
    assert set(printers["receipt"]) >= RECEIPT_KEYS
    assert _COMMON | _PER_CONNECTION["network"] >= RECEIPT_KEYS  # the keys printers/config reads
    assert {"connection", "host"} | LABEL_KEYS <= set(printers["label"])
    for key in RECEIPT_KEYS | LABEL_KEYS:
        assert HAN.search(comments[key]), (key, comments[key])


def test_the_example_in_english_has_no_chinese(tmp_path: Path) -> None:
    output = _example(tmp_path, "en")
    printers, comments = _tables(output)
    assert set(printers["receipt"]) >= RECEIPT_KEYS
    assert set(printers["label"]) >= LABEL_KEYS
    for key in RECEIPT_KEYS | LABEL_KEYS:
        assert not HAN.search(comments[key]), (key, comments[key])
    assert "A desk's printers, from" not in output  # not the module's docstring
