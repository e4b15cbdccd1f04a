"""Every file the command line writes (issue 20, defects 9 and 12): readable by its owner only
(0600), and one that cannot be written — a missing folder, a path below a regular file, a path
that is a folder, a read-only folder — is one Chinese sentence and exit status 1, never a crash
(exit 2). ``desk import online`` always prints its summary and says where the report went.

The tests run as root here, where a read-only folder stops nothing: the paths below a regular
file or through a missing folder fail for everyone; a read-only folder is simulated where the
fallback is what is tested, and tested for real when not root."""

from __future__ import annotations

import errno
import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner, Result

from models.db import session_scope
from models.services.payments import take_payment
from models.vocab import Role
from printers.fonts import FontRef
from tests.factories import AT, accepted, office
from tests.files import quirky_xlsx
from tui.cli import app

runner = CliRunner()
ENV = {"DESK_PASSWORD": "secret-pw"}
DAY = "2021-09-27"
posix_only = pytest.mark.skipif(os.name == "nt", reason="file modes mean nothing on Windows")


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def _private(path: Path) -> bool:
    return os.name == "nt" or _mode(path) == 0o600


def _setup(engine: Engine, tmp_path: Path) -> tuple[list[str], str]:
    with session_scope(engine) as s:
        o = office(s)  # ZJ21S00001, paid 380 on 2021-09-27
        d2 = accepted(s, o, n=1, name="张伟", level="初级")
        take_payment(s, o.actor(Role.cashier), o.campaign, d2.id or 0, method="cash", now=AT)
        code = o.campaign.code
    cfg = tmp_path / "config.toml"
    cfg.write_text(f'desk = "1号窗口"\ncampaign = "{code}"\n', encoding="utf-8")
    return ["--config", str(cfg), "--db", engine.url.render_as_string(hide_password=False)], code


def _bad_places(tmp_path: Path, suffix: str = ".xlsx") -> dict[str, Path]:
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    (tmp_path / f"adir{suffix}").mkdir(exist_ok=True)
    return {
        "missing": tmp_path / "missing" / f"out{suffix}",
        "under a file": tmp_path / "afile" / f"out{suffix}",
        "a folder": tmp_path / f"adir{suffix}",
    }


def _one_sentence(r: Result, place: Path) -> None:
    assert r.exit_code == 1, (r.exit_code, r.output)
    assert "无法写入" in r.output and "未保存" in r.output, r.output
    assert "Traceback" not in r.output and "程序出错" not in r.output, r.output
    assert not (
        place.is_file()
        or (place.parent.is_dir() and any(p.name.endswith(".part") for p in place.parent.iterdir()))
    )


def test_exports_are_0600(engine: Engine, tmp_path: Path) -> None:
    base, code = _setup(engine, tmp_path)
    written = {
        "summary": (["summary", "--xlsx", "{}"], tmp_path / "summary.xlsx"),
        "tally": (["tally", "export", "{}", "--date", DAY], tmp_path / "z.xlsx"),
        "roster xlsx": (["roster", "export", "{}", "--full-id"], tmp_path / "roster.xlsx"),
        "roster html": (["roster", "export", "{}", "--full-id"], tmp_path / "roster.html"),
        "reconcile": (["reconcile", "--campaign", code, "--export", "{}"], tmp_path / "rec.xlsx"),
    }
    old = os.umask(0o022)
    try:
        for what, (args, path) in written.items():
            argv = [str(path) if a == "{}" else a for a in args]
            r = runner.invoke(app, [*argv, "--user", "lead", *base], env=ENV)
            assert r.exit_code == 0, (what, r.output)
            assert path.is_file() and _private(path), (what, oct(_mode(path)))
    finally:
        os.umask(old)


def test_an_export_that_cannot_be_written_is_one_sentence(engine: Engine, tmp_path: Path) -> None:
    base, code = _setup(engine, tmp_path)
    html = _bad_places(tmp_path, ".html")
    for why, place in _bad_places(tmp_path).items():
        for argv, target in (
            (["summary", "--xlsx", str(place)], place),
            (["tally", "export", str(place), "--date", DAY], place),
            (["roster", "export", str(place)], place),
            (["roster", "export", str(html[why])], html[why]),
            (["reconcile", "--campaign", code, "--export", str(place)], place),
        ):
            r = runner.invoke(app, [*argv, "--user", "lead", *base], env=ENV)
            _one_sentence(r, target)
            if why == "missing":
                assert "文件夹不存在" in r.output, r.output


def test_a_close_whose_z_report_cannot_be_written_is_refused_before_anything(
    engine: Engine, tmp_path: Path
) -> None:
    """``desk tally close --xlsx`` into a missing folder: refused before the day is closed
    (nothing saved), not closed and then a crash."""
    base, _ = _setup(engine, tmp_path)
    place = tmp_path / "missing" / "z.xlsx"
    r = runner.invoke(
        app,
        [
            "tally",
            "close",
            "--cash",
            "100x7,50x1,10x1",
            "--no-print",
            "--date",
            DAY,
            "--xlsx",
            str(place),
            "--user",
            "lead",
            *base,
        ],
        env=ENV,
    )
    _one_sentence(r, place)
    r = runner.invoke(
        app, ["tally", "show", "--json", "--date", DAY, "--user", "lead", *base], env=ENV
    )
    assert r.exit_code == 0 and "已日结" not in r.output


def test_previews_with_out_are_0600_and_a_bad_place_is_one_sentence(tmp_path: Path) -> None:
    for fmt, name in (("text", "r.txt"), ("escpos", "r.bin")):
        out = tmp_path / name
        r = runner.invoke(app, ["print", "preview", "receipt", "--format", fmt, "--out", str(out)])
        assert r.exit_code == 0, r.output
        assert out.is_file() and _private(out), oct(_mode(out))
        for place in _bad_places(tmp_path).values():
            r = runner.invoke(
                app, ["print", "preview", "receipt", "--format", fmt, "--out", str(place)]
            )
            _one_sentence(r, place)


def test_a_png_preview_is_0600_and_a_bad_place_is_one_sentence(
    tmp_path: Path, cjk_font: FontRef
) -> None:
    out = tmp_path / "r.png"
    r = runner.invoke(app, ["print", "preview", "receipt", "--format", "png", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and _private(out)
    for place in _bad_places(tmp_path, ".png").values():
        r = runner.invoke(
            app, ["print", "preview", "receipt", "--format", "png", "--out", str(place)]
        )
        _one_sentence(r, place)


# -- desk import online: the summary always, the report where it can be written -----------------


def _import(db_url: str, path: Path, *extra: str) -> Result:
    return runner.invoke(
        app,
        ["import", "online", str(path), "--campaign", "bz-vocational-2021", "--db", db_url, *extra],
    )


@pytest.fixture
def campaign_db(engine: Engine, db_url: str) -> str:
    from tests.factories import preset_campaign

    with session_scope(engine) as s:
        preset_campaign(s)
    return db_url


def test_a_report_that_cannot_go_where_asked_goes_to_the_data_folder(
    campaign_db: str, tmp_path: Path
) -> None:
    source = quirky_xlsx(tmp_path / "other-bureau.xlsx")
    asked = tmp_path / "afile"
    asked.write_text("x", encoding="utf-8")
    r = _import(campaign_db, source, "--report", str(asked / "report.xlsx"))
    assert r.exit_code == 0, r.output
    assert "导入完成" in r.output and "新增 3" in r.output  # the summary, always
    reports = tmp_path / "data" / "reports"
    [report] = list(reports.iterdir())
    assert str(report) in r.output and str(asked / "report.xlsx") in r.output
    assert _private(report) and (os.name == "nt" or _mode(reports) == 0o700)


def test_a_read_only_input_folder_still_gets_the_summary_and_a_report(
    campaign_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The input's folder cannot be written (simulated: root writes anywhere): the rows are
    imported, the summary is printed, the report goes to the data folder and the summary says
    so; --json says where too."""
    import models.files

    folder = tmp_path / "ro"
    folder.mkdir()
    source = quirky_xlsx(folder / "other-bureau.xlsx")
    real = models.files.write_private

    def read_only(path: Path, data: bytes | str, **kw: str) -> Path:
        if Path(path).parent == folder:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, data, **kw)

    monkeypatch.setattr(models.files, "write_private", read_only)
    r = _import(campaign_db, source)
    assert r.exit_code == 0, r.output
    assert "导入完成" in r.output and "未导入 7" in r.output
    [report] = list((tmp_path / "data" / "reports").iterdir())
    assert "未导入行" in report.name and str(report) in r.output and "没有写入权限" in r.output
    assert list(folder.iterdir()) == [source]
    r = _import(campaign_db, source, "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert data["unchanged"] == 3 and Path(data["report"]).parent == tmp_path / "data" / "reports"
    assert "没有写入权限" in data["report_problem"]


def test_a_report_that_can_be_written_nowhere_still_gives_the_summary(
    campaign_db: str, tmp_path: Path
) -> None:
    source = quirky_xlsx(tmp_path / "other-bureau.xlsx")
    blocked = tmp_path / "blocked"
    blocked.write_text("not a folder", encoding="utf-8")
    r = runner.invoke(
        app,
        [
            "import",
            "online",
            str(source),
            "--campaign",
            "bz-vocational-2021",
            "--db",
            campaign_db,
            "--report",
            str(blocked / "r.xlsx"),
        ],
        env={"DESK_DATA_DIR": str(blocked / "data")},
    )
    assert r.exit_code == 1, r.output
    assert "导入完成" in r.output and "新增 3" in r.output
    assert "报告未能写入" in r.output and "Traceback" not in r.output


@pytest.mark.skipif(
    os.name == "nt" or os.geteuid() == 0,
    reason="a read-only folder stops nobody when root (simulated above)",
)
def test_a_really_read_only_input_folder(campaign_db: str, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    source = quirky_xlsx(folder / "other-bureau.xlsx")
    os.chmod(folder, 0o555)
    try:
        r = _import(campaign_db, source)
    finally:
        os.chmod(folder, 0o755)
    assert r.exit_code == 0, r.output
    assert "导入完成" in r.output and len(list((tmp_path / "data" / "reports").iterdir())) == 1
    place = folder / "out.xlsx"
    os.chmod(folder, 0o555)
    try:
        r = runner.invoke(app, ["print", "preview", "receipt", "--out", str(place)])
    finally:
        os.chmod(folder, 0o755)
    _one_sentence(r, place)
