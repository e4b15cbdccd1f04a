"""``desk print …`` and ``desk printer …`` from the command line."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image
from typer.testing import CliRunner

from printers.fonts import FontRef
from printers.layout import cells
from printers.preview import MARGIN
from tests.printers.escpos_reader import chinese_text
from tests.support import write_config
from tui.cli import app

runner = CliRunner()


def test_preview_text_fits_58mm_and_says_what_a_receipt_says() -> None:
    r = runner.invoke(app, ["print", "preview", "receipt", "--width", "58"])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert max(cells(line) for line in lines) <= 32
    assert "缴费凭证" in r.output
    assert "叁佰捌拾元整" in r.output


def test_preview_png_barcode_scans(tmp_path: Path, cjk_font: FontRef) -> None:
    out = tmp_path / "label.png"
    r = runner.invoke(
        app, ["print", "preview", "label", "--width", "58", "--format", "png", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    assert f"已写入 {out}" in r.output
    img = Image.open(out)
    assert img.width == 384 + 2 * MARGIN  # 58 mm paper and the preview's grey border
    codes = [b.text for b in zxingcpp.read_barcodes(img.convert("L"))]
    assert codes == ["ZJ21S00057"]


def test_preview_escpos_bytes_decode_back(tmp_path: Path) -> None:
    out = tmp_path / "r.bin"
    r = runner.invoke(
        app,
        [
            "print",
            "preview",
            "receipt",
            "--format",
            "escpos",
            "--out",
            str(out),
            "--encoding",
            "gb18030",
        ],
    )
    assert r.exit_code == 0, r.output
    data = out.read_bytes()
    assert data.startswith(b"\x1b@")
    assert "叁佰捌拾元整" in chinese_text(data, "gb18030")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["print", "preview", "invoice"], "未知的单据“invoice”"),
        (
            ["print", "preview", "receipt", "--format", "pdf"],
            "--format 应为 text、png、escpos 或 bytes",
        ),
        (
            ["print", "preview", "receipt", "--width", "76"],
            "[printers.preview]：width 应为 58 或 80",
        ),
        (
            ["print", "preview", "receipt", "--encoding", "big5"],
            "encoding 应为 gbk、gb18030 或 gb2312",
        ),
    ],
)
def test_preview_bad_options_get_a_chinese_line(args: list[str], message: str) -> None:
    r = runner.invoke(app, args)
    assert r.exit_code == 1
    assert message in r.output
    assert "Traceback" not in r.output


def test_printer_list_and_show_config(tmp_path: Path) -> None:
    cfg = write_config(
        tmp_path, '[printers.receipt]\nconnection = "network"\nhost = "10.0.0.9"\nwidth = 58\n'
    )
    r = runner.invoke(app, ["printer", "list", "--config", str(cfg)])
    assert r.exit_code == 0, r.output
    assert "receipt：" in r.output and "10.0.0.9:9100" in r.output
    assert "label：" in r.output and "预览" in r.output
    r = runner.invoke(app, ["printer", "show-config", "--config", str(cfg)])
    assert r.exit_code == 0, r.output
    assert str(cfg) in r.output and "存在" in r.output
    assert "[printers.receipt]" in r.output


def test_printer_list_names_a_bad_setting(tmp_path: Path) -> None:
    cfg = write_config(tmp_path, '[printers.receipt]\nconnection = "bluetooth"\n')
    r = runner.invoke(app, ["printer", "list", "--config", str(cfg)])
    assert r.exit_code == 1
    assert "bluetooth" in r.output and "Traceback" not in r.output


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_test_page_to_file_then_failed_job_retried(tmp_path: Path, db_url: str) -> None:
    spool = tmp_path / "lp0"
    spool.write_bytes(b"")
    cfg = write_config(
        tmp_path,
        f'[printers.receipt]\nconnection = "file"\npath = "{spool}"\n'
        f'width = 58\n\n[printers.label]\nconnection = "network"\n'
        f'host = "127.0.0.1"\nport = {_closed_port()}\ntimeout = 1\n',
    )
    r = runner.invoke(app, ["printer", "test", "receipt", "--config", str(cfg), "--db", db_url])
    assert r.exit_code == 0, r.output
    assert "测试页已发送" in r.output
    assert "测试页" in chinese_text(spool.read_bytes(), "gbk")

    r = runner.invoke(app, ["printer", "test", "label", "--config", str(cfg), "--db", db_url])
    assert r.exit_code == 1
    assert "测试页打印失败" in r.output

    r = runner.invoke(app, ["print", "jobs", "--failed", "--config", str(cfg), "--db", db_url])
    assert r.exit_code == 0, r.output
    assert "打印失败" in r.output and "已打印" not in r.output
    r = runner.invoke(app, ["print", "jobs", "--config", str(cfg), "--db", db_url])
    assert "已打印" in r.output and "打印失败" in r.output

    # the label printer comes back (now a file); the lead retries job 2
    runner.invoke(
        app, ["user", "add", "boss", "--role", "admin", "--db", db_url], input="pw-123456\n"
    )
    runner.invoke(
        app,
        ["user", "add", "li", "--role", "lead", "--user", "boss", "--db", db_url],
        input="pw-123456\n",
        env={"DESK_PASSWORD": "pw-123456"},
    )
    label_spool = tmp_path / "lp1"
    cfg = write_config(tmp_path, f'[printers.label]\nconnection = "file"\npath = "{label_spool}"\n')
    r = runner.invoke(
        app,
        ["print", "retry", "2", "--user", "li", "--config", str(cfg), "--db", db_url],
        env={"DESK_PASSWORD": "pw-123456"},
    )
    assert r.exit_code == 0, r.output
    assert "打印任务 2 已发送到打印机" in r.output
    assert "测试页" in chinese_text(label_spool.read_bytes(), "gbk")
    # with accounts, the list is read by someone logged in (the service checks print.retry)
    r = runner.invoke(app, ["print", "jobs", "--config", str(cfg), "--db", db_url])
    assert r.exit_code == 1 and "--user" in r.output
    r = runner.invoke(
        app,
        ["print", "jobs", "--user", "li", "--config", str(cfg), "--db", db_url],
        env={"DESK_PASSWORD": "pw-123456"},
    )
    assert r.exit_code == 0 and "已打印" in r.output


def test_retry_of_unknown_job_is_refused(tmp_path: Path, db_url: str) -> None:
    runner.invoke(
        app, ["user", "add", "boss", "--role", "admin", "--db", db_url], input="pw-123456\n"
    )
    r = runner.invoke(
        app,
        ["print", "retry", "99", "--user", "boss", "--db", db_url],
        env={"DESK_PASSWORD": "pw-123456"},
    )
    assert r.exit_code == 1
    assert "99" in r.output and "Traceback" not in r.output
