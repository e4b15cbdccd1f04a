"""Layers: models and printers never load Textual (or rich/escpos for models); the non-TUI
commands of ``desk`` never import Textual."""

import subprocess
import sys
import textwrap
from pathlib import Path


def _run(code: str, env_extra: dict[str, str] | None = None) -> str:
    import os

    env = dict(os.environ, **(env_extra or {}))
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_models_import_no_presentation_or_printing_library() -> None:
    out = _run("""
        import pkgutil, importlib, sys, models
        for m in pkgutil.walk_packages(models.__path__, "models."):
            if ".migrations" in m.name:
                continue
            importlib.import_module(m.name)
        bad = [n for n in ("textual", "rich", "escpos", "tui", "printers") if n in sys.modules]
        print(bad)
    """)
    assert out.strip() == "[]"


def test_printers_import_no_textual() -> None:
    out = _run("""
        import pkgutil, importlib, sys, printers
        for m in pkgutil.walk_packages(printers.__path__, "printers."):
            importlib.import_module(m.name)
        print([n for n in ("textual", "tui") if n in sys.modules])
    """)
    assert out.strip() == "[]"


def test_non_tui_commands_do_not_import_textual(tmp_path: Path) -> None:
    out = _run(f"""
        import sys
        from typer.testing import CliRunner
        from tui.cli import app
        r = CliRunner().invoke(app, ["--db", "sqlite:///{tmp_path}/x.sqlite3", "campaign", "list"])
        assert r.exit_code == 0, r.output
        r = CliRunner().invoke(app, ["--version"])
        assert r.exit_code == 0, r.output
        print("textual" in sys.modules)
    """)
    assert out.strip() == "False"


def test_pinyin_dictionaries_load_when_first_needed() -> None:
    """pypinyin holds ~58 MB: a desk at its login screen has not searched or imported yet."""
    out = _run("""
        import sys
        import tui.app, tui.cli, models.services.search, models.services.handover
        before = "pypinyin" in sys.modules
        from models.names import pinyin_keys
        print(before, pinyin_keys("单芳").full)
    """)
    assert out.split() == ["False", "shanfang"]


_ALONE = """
import os, sys
# third-party libraries first (not ours: loading them early cannot hide a circle of ours)
import sqlalchemy, sqlalchemy.orm, sqlmodel, textual.app, textual.widgets, typer, rich.console
import PIL.Image, escpos.printer, alembic, openpyxl  # noqa: E401
from pathlib import Path
names = []
for top in ("models", "printers", "tui"):  # found on disk: walking packages would import them
    for path in sorted(Path(top).rglob("*.py")):
        if "migrations/versions" in path.as_posix() or path.name == "env.py":
            continue  # Alembic's scripts: run by Alembic, never imported
        parts = path.with_suffix("").parts
        names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
failed = []
for name in names:
    pid = os.fork()
    if pid == 0:  # a child where none of the desk's modules is loaded yet
        try:
            __import__(name)
        except BaseException as exc:
            print(f"{name}: {type(exc).__name__}: {exc}", flush=True)
            os._exit(1)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if status:
        failed.append(name)
print("MODULES", len(names), "FAILED", " ".join(failed))
"""


def test_every_module_imports_alone() -> None:
    """``python -c "import X"`` works for every module of the desk: each is imported first, in a
    process (forked from one that has loaded only third-party libraries) where none of ours is
    loaded yet — an import circle or a missing import shows as that module's failure."""
    import os

    if not hasattr(os, "fork"):
        import pytest

        pytest.skip("needs fork")
    root = Path(__file__).resolve().parents[2]
    out = _run(f"import os\nos.chdir({str(root)!r})\n" + _ALONE)
    last = out.strip().splitlines()[-1]
    count, failed = last.removeprefix("MODULES ").split(" FAILED")
    assert int(count) > 200  # 234 on 2026-12-05
    assert failed.strip() == "", out
