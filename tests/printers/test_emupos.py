"""End to end against an independent printer: the emulator emupos (PyPI, Python ≥ 3.13) is
started as a separate process with an Xprinter XP-80T profile on a TCP port; the desk prints
to it exactly as to a network printer, and the test reads back what emupos printed through its
control API: the text dump, the PNG of the paper, and the printer's status under faults.

emupos has no Chinese font and ignores ``FS &``, so its text dump shows each byte of our GBK
text as a PC437 character: re-encoding the dump as PC437 gives back the bytes the printer got,
which must decode (GBK) to exactly the lines of our own preview. In image mode the paper
emupos draws must be the same pixels as our PNG preview.

Where emupos is looked for: ``EMUPOS_BIN``, ``.venv-emupos/bin/emupos`` (what ``.ci/run``
makes with pyenv's Python 3.13), then PATH. Absent on a user's machine → skipped; in CI →
failed."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image, ImageChops
from sqlalchemy.engine import Engine

from models.db import session_scope
from models.payment import Payment
from models.services.printing import request_retry
from models.vocab import PrintJobStatus
from printers.config import parse_printers
from printers.document import Line, layout
from printers.fonts import FontRef
from printers.preview import MARGIN, render_png
from printers.samples import sample_document
from tests.conftest import IN_CI
from tests.printers.support import CASHIER, payment_with_job
from tests.support import free_port, serving
from tui.work.printing import DeskPrinters, queue_document, send_job

ROOT = Path(__file__).resolve().parents[2]
DEVICE = "front"


def _emupos_bin() -> str | None:
    candidates = [
        os.environ.get("EMUPOS_BIN", ""),
        str(ROOT / ".venv-emupos" / "bin" / "emupos"),
        shutil.which("emupos") or "",
    ]
    return next((c for c in candidates if c and Path(c).exists()), None)


@dataclass
class Emupos:
    api: str
    port: int
    log: Path

    def _url(self, path: str) -> str:
        return f"{self.api}/api/v1/devices/{DEVICE}{path}"

    def receipts(self) -> list[dict[str, object]]:
        with urllib.request.urlopen(self._url("/receipts"), timeout=5) as r:
            return list(json.load(r))

    def wait_for_receipt(self, before: int, timeout: float = 10) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.receipts()
            if len(found) > before:
                return str(found[0]["id"])  # newest first
            time.sleep(0.05)
        raise AssertionError(
            f"emupos completed no receipt in {timeout} s; log:\n{self.log.read_text()}"
        )

    def text(self, receipt_id: str) -> str:
        with urllib.request.urlopen(self._url(f"/receipts/{receipt_id}/text"), timeout=5) as r:
            return str(r.read().decode("utf-8"))

    def image(self, receipt_id: str) -> Image.Image:
        with urllib.request.urlopen(self._url(f"/receipts/{receipt_id}/image"), timeout=5) as r:
            return Image.open(BytesIO(r.read()))

    def fault(self, name: str, active: bool) -> None:
        req = urllib.request.Request(
            self._url(f"/faults/{name}"), method="PUT" if active else "DELETE"
        )
        with urllib.request.urlopen(req, timeout=5) as r:
            assert r.status == 204

    def printers(self) -> DeskPrinters:
        return DeskPrinters(
            parse_printers(
                {
                    "receipt": {
                        "connection": "network",
                        "host": "127.0.0.1",
                        "port": self.port,
                        "width": 80,
                        "timeout": 5,
                    },
                    "label": {
                        "connection": "network",
                        "host": "127.0.0.1",
                        "port": self.port,
                        "width": 80,
                        "timeout": 5,
                        "image_mode": True,
                    },
                }
            )
        )


@pytest.fixture(scope="module")
def emupos(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Emupos]:
    exe = _emupos_bin()
    if exe is None:
        message = "emupos not installed (.ci/run installs it into .venv-emupos with Python 3.13)"
        if IN_CI:
            pytest.fail("CI needs the printer emulator: " + message)
        pytest.skip(message)
    work = tmp_path_factory.mktemp("emupos")
    api_port, tcp_port = free_port(), free_port()
    (work / "emupos.yaml").write_text(
        "schema: 1\n"
        f"api: {{ host: 127.0.0.1, port: {api_port} }}\n"
        "devices:\n"
        f"  - id: {DEVICE}\n"
        "    type: printer\n"
        "    profile: xprinter-xp80t\n"
        "    connections:\n"
        f"      - tcp: {{ port: {tcp_port} }}\n"
        "    job_idle_timeout_ms: 500\n"
        "    receipts_dir: ./receipts\n",
        encoding="utf-8",
    )
    log = work / "emupos.log"
    with log.open("w") as log_file:
        proc = subprocess.Popen(
            [exe, "run", "--config", "emupos.yaml"],
            cwd=work,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"},
        )
    api = f"http://127.0.0.1:{api_port}"

    def healthy() -> bool:
        with urllib.request.urlopen(f"{api}/api/v1/health", timeout=1) as r:
            return bool(json.load(r)["status"] == "ok")

    with serving(proc, healthy, "emupos", log.read_text):
        yield Emupos(api=api, port=tcp_port, log=log)


def _gbk_back(dump: str) -> str:
    """emupos's text dump (PC437 per byte) → the bytes it received → GBK."""
    return dump.encode("cp437").decode("gbk")


def test_receipt_over_tcp_reads_back_and_its_barcode_scans(emupos: Emupos, engine: Engine) -> None:
    printers = emupos.printers()
    payment_id, _ = payment_with_job(engine, printers)
    doc = sample_document("receipt", 80)
    with session_scope(engine) as s:  # the sample job is 58 mm; print the 80 mm receipt
        job = queue_document(s, CASHIER, printers, doc, "receipt", payment_id=payment_id)
        job_id = job.id
    assert job_id is not None
    before = len(emupos.receipts())
    job = send_job(engine, printers, job_id)
    assert job.status == PrintJobStatus.sent, job.error
    receipt_id = emupos.wait_for_receipt(before)

    printed = [line.strip() for line in _gbk_back(emupos.text(receipt_id)).splitlines()]
    expected = [
        op.text.strip() for op in layout(doc, 80).ops if isinstance(op, Line) and op.text.strip()
    ]
    assert len(expected) > 15
    # every text line of the layout was printed, in order (barcodes and cuts are not text)
    at = 0
    for line in expected:
        assert line in printed[at:], f"not printed (or out of order): {line!r}\n{printed}"
        at = printed.index(line, at) + 1
    lines = [line.rstrip() for line in _gbk_back(emupos.text(receipt_id)).splitlines()]
    assert "金额：" + " " * 34 + "￥380.00" in lines  # money at the line's end, points aligned
    assert "找零：" + " " * 35 + "￥20.00" in lines
    assert "大写：      人民币叁佰捌拾元整" in lines

    codes = [
        b.text
        for b in zxingcpp.read_barcodes(emupos.image(receipt_id).convert("L"))
        if b.format == zxingcpp.BarcodeFormat.Code128
    ]
    assert codes == ["ZJ21F00042"]  # GS k sent as {BZJ21F0{C 00 42: emupos reads code set C


def test_image_mode_label_is_our_preview_pixel_for_pixel(emupos: Emupos, cjk_font: FontRef) -> None:
    printers = emupos.printers()
    doc = sample_document("label", 80)
    data = printers.render(doc, "label")
    before = len(emupos.receipts())
    with socket.create_connection(("127.0.0.1", emupos.port), timeout=5) as s:
        s.sendall(data)
    receipt_id = emupos.wait_for_receipt(before)
    paper = emupos.image(receipt_id).convert("L")
    ours = render_png(layout(doc, 80), cjk_font)
    ours = ours.crop((MARGIN, MARGIN, ours.width - MARGIN, ours.height - MARGIN)).convert("L")
    ours = ours.point(lambda v: 255 if v > 127 else 0)
    height = min(paper.height, ours.height)
    assert height > 300
    diff = ImageChops.difference(
        paper.crop((0, 0, paper.width, height)), ours.crop((0, 0, ours.width, height))
    )
    assert diff.getbbox() is None, "emupos printed something other than our preview"
    codes = [b.text for b in zxingcpp.read_barcodes(paper)]
    assert codes == ["ZJ21S00057"]


@pytest.mark.parametrize(
    ("fault", "reason"),
    [("paper-out", "打印机缺纸"), ("cover-open", "打印机上盖打开"), ("offline", "打印机离线")],
)
def test_fault_fails_the_job_keeps_the_payment_and_retry_prints(
    emupos: Emupos, engine: Engine, fault: str, reason: str
) -> None:
    printers = emupos.printers()
    payment_id, job_id = payment_with_job(engine, printers)
    before = len(emupos.receipts())
    emupos.fault(fault, True)
    try:
        job = send_job(engine, printers, job_id)
        assert job.status == PrintJobStatus.failed
        assert reason in job.error
    finally:
        emupos.fault(fault, False)
    with session_scope(engine, readonly=True) as s:
        assert s.get(Payment, payment_id) is not None
    time.sleep(0.7)  # nothing was printed while the fault was on
    assert len(emupos.receipts()) == before

    with session_scope(engine) as s:
        request_retry(s, CASHIER, job_id)
    job = send_job(engine, printers, job_id)
    assert job.status == PrintJobStatus.sent and job.attempts == 2
    emupos.wait_for_receipt(before)
