"""The offline bundle (issue 25): built from uv.lock for Linux x64 and this Python, installed
into a fresh virtual environment with no index and every proxy pointing at a closed loopback
port (any network use fails), then the installed desk answers ``--version`` and ``doctor``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from models.version import package_version, schema_head

ROOT = Path(__file__).resolve().parents[2]
NO_NETWORK = {
    "PIP_NO_INDEX": "1",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
}


def test_the_offline_bundle_installs_without_the_network(tmp_path: Path) -> None:
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    bundle = tmp_path / "bundle"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/release.py"),
            "--platform",
            "linux",
            "--python",
            python,
            "--out",
            str(bundle),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    wheels = sorted(p.name for p in (bundle / "wheels").iterdir())
    assert any(w.startswith("committee_desk-") for w in wheels)
    assert not any(w.startswith(("pytest", "mypy", "playwright", "babel")) for w in wheels)
    requirements = (bundle / "requirements-linux.txt").read_text(encoding="utf-8")
    assert "--hash=sha256:" in requirements and "pywin32" not in requirements

    target = tmp_path / "desk-venv"
    env = dict(os.environ, **NO_NETWORK)
    env.pop("PIP_FIND_LINKS", None)
    done = subprocess.run(
        [sys.executable, str(bundle / "install.py"), str(target)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    desk = target / "bin" / "desk"
    run_env = dict(env, DESK_DATA_DIR=str(tmp_path / "data"), DESK_CONFIG=str(tmp_path / "no.toml"))
    version = subprocess.run(
        [str(desk), "--version"], env=run_env, capture_output=True, text=True, check=True
    )
    assert package_version() in version.stdout and schema_head() in version.stdout
    doctor = subprocess.run([str(desk), "doctor"], env=run_env, capture_output=True, text=True)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "中文字体" in doctor.stdout and "Traceback" not in doctor.stderr
    # the runtime only: no test tools in the installed environment
    site = next((target / "lib").glob("python3.*/site-packages"))
    assert not (site / "pytest").exists() and not (site / "playwright").exists()
