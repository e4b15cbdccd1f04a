"""Issue 20: a real record's copy is looked up within its campaign, needs an authenticated
cashier or lead (a clerk for the dossier's papers), is audited and recorded as a job, and says
on the paper that it is a copy (重印 n, 作废 for a voided receipt); a sample says 样张."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import col, select
from typer.testing import CliRunner

from models.audit import AuditEvent
from models.campaign import Campaign
from models.db import session_scope
from models.dossier import Dossier
from models.permissions import SYSTEM
from models.printjob import PrintJob
from models.services.campaigns import load_campaign, read_preset
from models.services.payments import take_payment, void_payment
from models.users import User
from models.vocab import Role
from printers.config import parse_printers
from printers.document import layout
from printers.preview import render_text
from tests.factories import AT, Staff, accepted, office
from tests.printers.escpos_reader import text_segments
from tests.printers.support import Numbers
from tui.cli import app
from tui.work.printing import DeskPrinters, reprint
from tui.work.records import record_document

runner = CliRunner()
ENV = {"DESK_PASSWORD": "secret-pw"}
OTHER = "bz-vocational-2021b"
PRINTERS = DeskPrinters(parse_printers({"receipt": {"width": 58}, "label": {"width": 80}}))


def _two_campaigns(engine: Engine) -> None:
    """The office's campaign (receipt ZJ21F00001: 阿依古丽·买买提) and a second one with the same
    prefixes — as an office made before prefixes had to be unique — whose ZJ21F00001 is 另一批次一号's."""
    with session_scope(engine) as s:
        o = office(s)
        filename, text = read_preset("000")
        text = text.replace('code = "bz-vocational-2021"', f'code = "{OTHER}"')
        for kind in "SFB":
            text = text.replace(f'"ZJ21{kind}"', f'"QQ21{kind}"')
        c = load_campaign(s, SYSTEM, text, filename=filename)
        s.execute(
            update(Campaign)
            .where(col(Campaign.id) == c.id)
            .values(dossier_prefix="ZJ21S", receipt_prefix="ZJ21F", notice_prefix="ZJ21B")
        )
        s.refresh(c)
        users = {u.role: u for u in s.exec(select(User)).all()}
        there = Staff(
            campaign=c,
            clerk=users["clerk"],
            cashier=users["cashier"],
            lead=users["lead"],
        )
        d = accepted(s, there, n=7, name="另一批次一号")
        assert d.dossier_code == "ZJ21S00001"
        p = take_payment(s, there.actor(Role.cashier), c, d.id or 0, method="cash", now=AT)
        assert p.receipt_code == "ZJ21F00001" and o.payment.receipt_code == "ZJ21F00001"


def test_numbers_are_looked_up_in_their_own_campaign(engine: Engine) -> None:
    _two_campaigns(engine)
    with session_scope(engine) as s:
        first = s.exec(select(Campaign).where(Campaign.code == "bz-vocational-2021")).one()
        other = s.exec(select(Campaign).where(Campaign.code == OTHER)).one()
        for campaign, name, gone in (
            (first, "阿依古丽·买买提", "另一批次一号"),
            (other, "另一批次一号", "阿依古丽·买买提"),
        ):
            numbers: list[tuple[str, Numbers]] = [
                ("receipt", {"receipt_code": "ZJ21F00001"}),
                ("label", {"dossier_code": "ZJ21S00001"}),
            ]
            for kind, number in numbers:
                text = render_text(layout(record_document(s, campaign, kind, **number), 80))
                assert name in text and gone not in text, (campaign.code, kind)
        u = s.exec(select(User).where(User.username == "cashier")).one()
        from models.permissions import Actor

        cashier = Actor(user_id=u.id, username="cashier", role=Role.cashier, desk="1号窗口")
        job = reprint(s, cashier, PRINTERS, other, "receipt", "ZJ21F00001")
        assert "另一批次一号" in "".join(text_segments(job.payload, "gbk"))
        assert job.campaign_id == other.id


def test_the_cli_asks_which_campaign_and_finds_the_number_there(
    engine: Engine, db_url: str
) -> None:
    _two_campaigns(engine)
    base = [
        "print",
        "preview",
        "receipt",
        "--receipt",
        "ZJ21F00001",
        "--user",
        "cashier",
        "--db",
        db_url,
    ]
    r = runner.invoke(app, base, env=ENV)
    assert r.exit_code == 1 and "请用 --campaign 指明" in r.output, r.output
    r = runner.invoke(app, [*base, "--campaign", OTHER], env=ENV)
    assert r.exit_code == 0, r.output
    assert "另一批次一号" in r.output and "阿依古丽" not in r.output
    r = runner.invoke(app, [*base, "--campaign", "bz-vocational-2021"], env=ENV)
    assert r.exit_code == 0 and "阿依古丽·买买提" in r.output and "另一批次一号" not in r.output
    r = runner.invoke(
        app,
        [
            "print",
            "reprint",
            "receipt",
            "ZJ21F00001",
            "--campaign",
            OTHER,
            "--user",
            "cashier",
            "--db",
            db_url,
        ],
        env=ENV,
    )
    assert r.exit_code == 0, r.output
    with session_scope(engine, readonly=True) as s:
        other = s.exec(select(Campaign).where(Campaign.code == OTHER)).one()
        jobs = s.exec(select(PrintJob).where(PrintJob.printer == "receipt")).all()
        assert {j.campaign_id for j in jobs} == {other.id}


def test_a_real_receipt_is_not_previewed_without_a_login(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    with session_scope(engine) as s:
        office(s)
    base = ["print", "preview", "receipt", "--receipt", "ZJ21F00001", "--db", db_url]
    r = runner.invoke(app, base)
    assert r.exit_code == 1 and "--user" in r.output and "阿依古丽" not in r.output, r.output
    out = tmp_path / "copy.bin"
    r = runner.invoke(app, [*base, "--format", "escpos", "--out", str(out)])
    assert r.exit_code == 1 and not out.exists()
    r = runner.invoke(app, [*base, "--user", "clerk"], env=ENV)
    assert r.exit_code == 1 and "无权重印缴费凭证" in r.output
    r = runner.invoke(app, ["print", "preview", "label", "--dossier", "ZJ21S00001", "--db", db_url])
    assert r.exit_code == 1 and "阿依古丽" not in r.output
    with session_scope(engine, readonly=True) as s:
        assert s.exec(select(PrintJob)).all() == []


def test_a_real_receipts_preview_is_a_numbered_audited_copy(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    with session_scope(engine) as s:
        o = office(s)
        lead = o.actor(Role.lead)
    base = ["print", "preview", "receipt", "--receipt", "ZJ21F00001", "--db", db_url]
    r = runner.invoke(app, [*base, "--user", "cashier"], env=ENV)
    assert r.exit_code == 0, r.output
    assert "重印 1" in r.output and "阿依古丽·买买提" in r.output
    out = tmp_path / "copy.bin"
    r = runner.invoke(
        app, [*base, "--user", "lead", "--format", "escpos", "--out", str(out)], env=ENV
    )
    assert r.exit_code == 0, r.output
    assert "重印 2" in "".join(text_segments(out.read_bytes(), "gbk"))
    with session_scope(engine) as s:
        void_payment(
            s, lead, o.campaign, "ZJ21F00001", reason="wrong_method", note="应为扫码", now=AT
        )
    r = runner.invoke(app, [*base, "--user", "cashier"], env=ENV)
    assert r.exit_code == 0, r.output
    assert "重印 3" in r.output and "作废" in r.output
    with session_scope(engine, readonly=True) as s:
        copies = s.exec(select(AuditEvent).where(AuditEvent.action == "receipt.reprint")).all()
        assert [(e.actor_name, e.detail["copy_no"], e.detail.get("preview")) for e in copies] == [
            ("cashier", 1, "text"),
            ("lead", 2, "escpos"),
            ("cashier", 3, "text"),
        ]
        jobs = s.exec(select(PrintJob).order_by(col(PrintJob.id))).all()
        assert [(j.printer, j.copy_no, j.status) for j in jobs if j.copy_no] == [
            ("preview", 1, "sent"),
            ("preview", 2, "sent"),
            ("preview", 3, "sent"),
        ]


def test_a_reprint_of_a_voided_receipt_says_void(engine: Engine) -> None:
    with session_scope(engine) as s:
        o = office(s)
        void_payment(
            s,
            o.actor(Role.lead),
            o.campaign,
            "ZJ21F00001",
            reason="wrong_method",
            note="应为扫码",
            now=AT,
        )
        job = reprint(s, o.actor(Role.cashier), PRINTERS, o.campaign, "receipt", "ZJ21F00001")
        printed = "".join(text_segments(job.payload, "gbk"))
        assert "作废" in printed and "重印 1" in printed


def test_a_sample_preview_is_open_and_marked_as_a_sample() -> None:
    r = runner.invoke(app, ["print", "preview", "receipt", "--width", "58"])
    assert r.exit_code == 0 and "样张" in r.output
    r = runner.invoke(app, ["print", "preview", "label"])
    assert r.exit_code == 0 and "样张" in r.output


def test_a_failed_receipt_job_of_a_voided_payment_is_not_retried_as_a_clean_original(
    engine: Engine,
) -> None:
    """The receipt failed to print (no paper); the payment was voided since; a retry would
    print the original without 作废, for any role. It is refused, saying to reprint instead."""
    import pytest

    from models.errors import DomainError
    from models.services.printing import claim, finish, request_retry
    from tui.work.printing import queue_receipt

    with session_scope(engine) as s:
        o = office(s)
        d = accepted(s, o, n=2)
        p = take_payment(s, o.actor(Role.cashier), o.campaign, d.id or 0, method="cash", now=AT)
        job_id = queue_receipt(s, o.actor(Role.cashier), PRINTERS, p)
    with session_scope(engine) as s:
        claim(s, job_id)
    with session_scope(engine) as s:
        finish(s, job_id, error="缺纸")
        void_payment(
            s,
            o.actor(Role.lead),
            o.campaign,
            p.receipt_code,
            reason="wrong_method",
            note="应为扫码",
            now=AT,
        )
    with pytest.raises(DomainError) as dead, session_scope(engine) as s:
        request_retry(s, o.actor(Role.clerk), job_id)
    assert dead.value.code == "print.receipt_dead"
    assert "作废" in dead.value.message and "重印" in dead.value.message


def test_a_dossiers_latest_notice_is_previewed_by_the_dossiers_number(
    engine: Engine, db_url: str
) -> None:
    """``desk print preview notice --dossier NO``: the dossier's latest correction notice."""
    with session_scope(engine) as s:
        o = office(s)  # 刘䶮's dossier was returned with ZJ21B00001, then came back and was taken
        s.execute(
            update(Dossier)
            .where(col(Dossier.id) == o.returned.id)
            .values(status="accepted", dossier_no=9, dossier_code="ZJ21S00009")
        )
    r = runner.invoke(
        app,
        [
            "print",
            "preview",
            "notice",
            "--dossier",
            "ZJ21S00009",
            "--user",
            "clerk",
            "--db",
            db_url,
        ],
        env=ENV,
    )
    assert r.exit_code == 0, r.output
    assert "ZJ21B00001" in r.output and "重印 1" in r.output
    r = runner.invoke(
        app,
        ["print", "reprint", "notice", "ZJ21B00001", "--user", "clerk", "--db", db_url],
        env=ENV,
    )
    assert r.exit_code == 0 and "重印 2" in r.output, r.output
