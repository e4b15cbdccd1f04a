#!/usr/bin/env python3
"""Build the desk's wheel and an offline bundle: every runtime dependency's wheel, as uv.lock
pins it, for the counter PCs of an office that cannot reach a package index.

    .venv/bin/python scripts/release.py                    # Linux x64 and Windows x64, 3.11–3.13
    .venv/bin/python scripts/release.py --platform linux --python 3.11 --out dist/bundle

The bundle (``dist/committee-desk-<version>-offline/`` by default) holds:

- ``wheels/`` — the desk's wheel and every dependency's, for each platform and Python asked;
- ``requirements-<platform>.txt`` — the locked runtime dependencies for that platform, with the
  hashes uv.lock records (pip checks every wheel against them);
- ``install.py`` — the installer (standard library only): ``python install.py [DIR]`` makes a
  virtual environment (``DIR``, by default ``committee-desk`` beside the bundle) and installs
  into it from ``wheels/`` with ``--no-index``: no network is used;
- ``README.txt`` — the same in Chinese and English.

Building needs the network (the package index, or a mirror: ``PIP_INDEX_URL``); installing
does not. Only runtime dependencies are taken (no pytest, mypy, playwright …).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bootstrap import find_uv  # noqa: E402

# pip's platform tags and the environment markers each platform answers (uv.lock's markers
# name sys_platform, platform_system and implementation_name)
PLATFORMS = {
    "linux": {
        "tags": ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"),
        "markers": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix"},
    },
    "windows": {
        "tags": ("win_amd64",),
        "markers": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt"},
    },
}
PYTHONS = ("3.11", "3.12", "3.13")

INSTALLER = '''#!/usr/bin/env python3
"""Install committee-desk from this folder, without the network.

    python install.py [DIR]     # DIR: the virtual environment to make (default: ./committee-desk)
"""
import os
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
PLATFORM = "windows" if os.name == "nt" else "linux"


def main() -> int:
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent / "committee-desk"
    if sys.version_info < (3, 11):
        print("需要 Python 3.11 或更新版本 / Python 3.11 or newer is needed")
        return 2
    print(f"[install] {target}")
    venv.EnvBuilder(with_pip=True, clear=True).create(target)
    py = target / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    pip = [str(py), "-m", "pip", "install", "--no-index", "--find-links", str(HERE / "wheels"),
           "--disable-pip-version-check", "--no-warn-script-location"]
    subprocess.run(pip + ["-r", str(HERE / f"requirements-{PLATFORM}.txt")], check=True)
    wheel = next((HERE / "wheels").glob("committee_desk-*.whl"))
    subprocess.run(pip + ["--no-deps", str(wheel)], check=True)
    desk = target / ("Scripts/desk.exe" if os.name == "nt" else "bin/desk")
    subprocess.run([str(desk), "--version"], check=True)
    print(f"[install] 完成 / done: {desk}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''

README = """committee-desk {version} 离线安装包 / offline bundle

安装（不需要网络）：
    python install.py                 装到本文件夹旁的 committee-desk 文件夹
    python install.py D:\\committee-desk
然后运行 committee-desk\\Scripts\\desk.exe（Windows）或 committee-desk/bin/desk（Linux）。
需要 Python 3.11、3.12 或 3.13（64 位）。平台：{platforms}；Python：{pythons}。

Install (no network):
    python install.py [DIR]
then run DIR/Scripts/desk.exe (Windows) or DIR/bin/desk (Linux).
Needs a 64-bit Python 3.11, 3.12 or 3.13. Platforms: {platforms}; Pythons: {pythons}.
"""


def say(msg: str) -> None:
    print(f"[release] {msg}", flush=True)


def project_version() -> str:
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


def locked_requirements(uv: str) -> list[str]:
    """uv.lock's runtime dependencies as pip requirements with hashes, one entry per package
    (continuation lines joined)."""
    out = subprocess.run(
        [uv, "export", "--frozen", "--no-dev", "--no-emit-project", "--format", "requirements-txt"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    entries: list[str] = []
    for line in out.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        if line.startswith((" ", "\t")) and entries:
            entries[-1] += " " + line.strip().rstrip("\\").strip()
        else:
            entries.append(line.rstrip("\\").strip())
    return entries


def for_platform(entries: list[str], platform: str) -> list[str]:
    """The entries whose environment marker holds on ``platform`` (CPython), markers removed."""
    from packaging.markers import Marker

    env = {"implementation_name": "cpython", "platform_python_implementation": "CPython"}
    env |= PLATFORMS[platform]["markers"]
    kept = []
    for entry in entries:
        head, sep, tail = entry.partition(" --hash")
        spec, semi, marker = head.partition(";")
        if semi and not Marker(marker.strip()).evaluate(env):
            continue
        kept.append(spec.strip() + (" --hash" + tail if sep else ""))
    return kept


def pip_command() -> list[str]:
    """A pip to download with: this Python's, else the bootstrap environment's."""
    probe = subprocess.run([sys.executable, "-m", "pip", "--version"], capture_output=True)
    if probe.returncode == 0:
        return [sys.executable, "-m", "pip"]
    bootstrap = ROOT / ".venv-bootstrap" / ("Scripts" if os.name == "nt" else "bin") / "python"
    return [str(bootstrap), "-m", "pip"]


def download(req: Path, platform: str, python: str, wheels: Path) -> None:
    tags = [arg for tag in PLATFORMS[platform]["tags"] for arg in ("--platform", tag)]
    subprocess.run(
        [
            *pip_command(),
            "download",
            "--disable-pip-version-check",
            "--quiet",
            "--only-binary=:all:",
            "--no-deps",
            "--implementation",
            "cp",
            "--python-version",
            python,
            *tags,
            "--require-hashes",
            "-r",
            str(req),
            "-d",
            str(wheels),
        ],
        check=True,
    )


def build(platforms: list[str], pythons: list[str], out: Path) -> Path:
    uv = find_uv()
    version = project_version()
    if out.exists():
        shutil.rmtree(out)
    wheels = out / "wheels"
    wheels.mkdir(parents=True)
    say(f"building the wheel of committee-desk {version}")
    subprocess.run(
        [uv, "build", "--wheel", "--out-dir", str(wheels)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    entries = locked_requirements(uv)
    for platform in platforms:
        req = out / f"requirements-{platform}.txt"
        req.write_text("\n".join(for_platform(entries, platform)) + "\n", encoding="utf-8")
        for python in pythons:
            say(f"downloading the runtime wheels for {platform} x64, Python {python}")
            download(req, platform, python, wheels)
    (out / "install.py").write_text(INSTALLER, encoding="utf-8")
    (out / "README.txt").write_text(
        README.format(version=version, platforms=", ".join(platforms), pythons=", ".join(pythons)),
        encoding="utf-8",
    )
    size = sum(p.stat().st_size for p in wheels.iterdir())
    say(f"{out}: {len(list(wheels.iterdir()))} wheels, {size / 1e6:.1f} MB")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--platform", choices=[*PLATFORMS, "all"], default="all")
    parser.add_argument("--python", nargs="+", choices=PYTHONS, default=list(PYTHONS))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    platforms = list(PLATFORMS) if args.platform == "all" else [args.platform]
    out = args.out or ROOT / "dist" / f"committee-desk-{project_version()}-offline"
    build(platforms, args.python, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
