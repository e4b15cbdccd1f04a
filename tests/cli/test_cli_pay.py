"""``desk pay``: one dossier or a batch file, authenticated, receipt numbers in ``--json``, the
receipt printed; a batch run again pays nothing twice."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from typer.testing import CliRunner

import models.services.payments as payments
from models.campaign import Campaign
from models.db import session_scope
from models.payment import Payment
from models.permissions import SYSTEM, Actor
from models.services.campaigns import load_campaign, read_preset
from models.users import User
from models.vocab import Role
from tests.factories import Staff, accepted, office
from tests.printers.escpos_reader import chinese_text
from tests.support import write_config
from tui.cli import app

runner = CliRunner()
ENV = {"DESK_PASSWORD": "secret-pw"}


def _office(engine: Engine, tmp_path: Path) -> tuple[Path, Path]:
    with session_scope(engine) as s:
        o = office(s)
        for n in (1, 2, 3):
            accepted(s, o, n=n, name=f"申请人{n}")  # ZJ21S00002 … ZJ21S00004
    spool = tmp_path / "lp0"
    spool.write_bytes(b"")
    cfg = write_config(
        tmp_path, f'[printers.receipt]\nconnection = "file"\npath = "{spool}"\nwidth = 58\n'
    )
    return cfg, spool


def test_pay_one_dossier_with_change_and_a_printed_receipt(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    cfg, spool = _office(engine, tmp_path)
    base = [
        "pay",
        "ZJ21S00002",
        "--method",
        "cash",
        "--tendered",
        "400",
        "--config",
        str(cfg),
        "--db",
        db_url,
    ]
    r = runner.invoke(app, [*base, "--user", "clerk"], env=ENV)
    assert r.exit_code == 1 and "受理员无权收取评审费" in r.output
    r = runner.invoke(app, [*base, "--user", "cashier", "--json"], env=ENV)
    assert r.exit_code == 0, r.output
    got = json.loads(r.output)
    assert [
        (p["dossier"], p["receipt"], p["amount_fen"], p["change_fen"]) for p in got["paid"]
    ] == [("ZJ21S00002", "ZJ21F00002", 38000, 2000)]
    assert "ZJ21F00002" in chinese_text(spool.read_bytes(), "gbk")
    r = runner.invoke(app, [*base, "--user", "cashier"], env=ENV)  # again: refused, says when
    assert r.exit_code == 1 and "不能重复收费" in r.output and "ZJ21F00002" in r.output
    r = runner.invoke(
        app,
        [
            "pay",
            "ZJ21S00003",
            "--method",
            "transfer",
            "--user",
            "cashier",
            "--config",
            str(cfg),
            "--db",
            db_url,
        ],
        env=ENV,
    )
    assert r.exit_code == 1 and "须填写银行流水号" in r.output


def test_pay_a_batch_then_again_pays_nothing_twice(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    cfg, _ = _office(engine, tmp_path)
    batch = tmp_path / "到账.csv"
    batch.write_bytes(
        "受理编号,收款方式,流水号\nZJ21S00003,转账,BOC20210927001\n"
        "zj21s00004,qr,4200001234567890\nZJ21S00099,cash,\n".encode("gb18030")
    )
    args = [
        "pay",
        "--batch",
        str(batch),
        "--user",
        "cashier",
        "--no-print",
        "--json",
        "--config",
        str(cfg),
        "--db",
        db_url,
    ]
    r = runner.invoke(app, args, env=ENV)
    assert r.exit_code == 1  # one line failed, the others are paid
    got = json.loads(r.output)
    assert [(p["line"], p["receipt"]) for p in got["paid"]] == [
        (2, "ZJ21F00002"),
        (3, "ZJ21F00003"),
    ]
    assert [(f["line"], f["code"]) for f in got["failed"]] == [(4, "payment.no_such_dossier")]
    r = runner.invoke(app, args, env=ENV)  # the same file again, e.g. after an interruption
    again = json.loads(r.output)
    assert [(p["receipt"], p["again"]) for p in again["paid"]] == [
        ("ZJ21F00002", True),
        ("ZJ21F00003", True),
    ]
    with session_scope(engine, readonly=True) as s:
        rows = s.exec(select(Payment).order_by(col(Payment.receipt_no))).all()
        assert [(p.receipt_code, p.method, p.reference) for p in rows] == [
            ("ZJ21F00001", "cash", ""),
            ("ZJ21F00002", "transfer", "BOC20210927001"),
            ("ZJ21F00003", "qr", "4200001234567890"),
        ]


def test_pay_needs_one_dossier_or_a_batch(db_url: str) -> None:
    r = runner.invoke(app, ["pay", "--db", db_url])
    assert r.exit_code == 1 and "二者选一" in r.output
    r = runner.invoke(app, ["pay", "ZJ21S00002", "--db", db_url])
    assert r.exit_code == 1 and "--method" in r.output


def test_a_batch_run_again_after_a_void_pays_that_line_again_and_says_so(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    """The earlier payment of a line was voided (or refunded in full): running the file again
    takes the fee again and says which receipt it replaces; never the dead receipt as paid."""
    from models.money import Money
    from models.services.payments import refund_payment, void_payment

    cfg, _ = _office(engine, tmp_path)
    batch = tmp_path / "到账.csv"
    batch.write_text(
        "ZJ21S00002,转账,BOC20210927001\nZJ21S00003,cash,\nZJ21S00004,cash,\n", encoding="utf-8"
    )
    args = [
        "pay",
        "--batch",
        str(batch),
        "--user",
        "cashier",
        "--no-print",
        "--json",
        "--config",
        str(cfg),
        "--db",
        db_url,
    ]
    r = runner.invoke(app, args, env=ENV)
    assert r.exit_code == 0, r.output
    first = {p["dossier"]: p["receipt"] for p in json.loads(r.output)["paid"]}
    with session_scope(engine) as s:
        from models.campaign import Campaign

        c = s.exec(select(Campaign)).one()
        lead = _lead(s)
        void_payment(s, lead, c, first["ZJ21S00002"], reason="wrong_dossier", note="记错")
        refund_payment(
            s,
            lead,
            c,
            first["ZJ21S00003"],
            amount=Money.yuan(380),
            reason="withdrawn",
            note="撤回后又重新申报",
        )
    r = runner.invoke(app, args, env=ENV)
    assert r.exit_code == 0, r.output
    again = {p["dossier"]: p for p in json.loads(r.output)["paid"]}
    assert again["ZJ21S00002"]["again"] is False
    assert again["ZJ21S00002"]["receipt"] not in first.values()
    assert again["ZJ21S00002"]["replaces"] == first["ZJ21S00002"]
    assert again["ZJ21S00003"]["again"] is False
    assert again["ZJ21S00003"]["replaces"] == first["ZJ21S00003"]
    assert (again["ZJ21S00004"]["again"], again["ZJ21S00004"]["receipt"]) == (
        True,
        first["ZJ21S00004"],
    )
    r = runner.invoke(app, [a for a in args if a != "--json"], env=ENV)
    assert r.exit_code == 0, r.output  # the third run pays nothing new, and says so
    assert r.output.count("此前已收费") == 3, r.output
    with session_scope(engine, readonly=True) as s:
        live = s.exec(select(Payment).where(Payment.kind == "payment")).all()
        assert len(live) == 1 + 3 + 2  # the office's, the first run's three, the two again


def test_the_same_batch_in_another_campaign_with_the_same_prefixes_is_paid_there(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    """Two campaigns from one preset share ZJ21S…: a line paid in one campaign is not 'already
    paid' in the other."""
    cfg, _ = _office(engine, tmp_path)
    other = _second_campaign_with_the_same_prefixes(engine)
    batch = tmp_path / "到账.csv"
    batch.write_text("ZJ21S00002,cash,\n", encoding="utf-8")
    args = [
        "pay",
        "--batch",
        str(batch),
        "--user",
        "cashier",
        "--no-print",
        "--json",
        "--config",
        str(cfg),
        "--db",
        db_url,
    ]
    r = runner.invoke(app, [*args, "--campaign", "bz-vocational-2021"], env=ENV)
    assert r.exit_code == 0, r.output
    here = json.loads(r.output)["paid"][0]
    r = runner.invoke(app, [*args, "--campaign", other], env=ENV)
    assert r.exit_code == 0, r.output
    there = json.loads(r.output)["paid"][0]
    # paid there, with that campaign's own first receipt number
    assert (there["again"], here["receipt"], there["receipt"]) == (
        False,
        "ZJ21F00002",
        "ZJ21F00001",
    )
    from models.dossier import Dossier

    with session_scope(engine, readonly=True) as s:
        paid = s.exec(
            select(Dossier.campaign_id)
            .join(Payment, col(Payment.dossier_id) == Dossier.id)
            .where(Dossier.dossier_code == "ZJ21S00002")
        ).all()
    assert len(set(paid)) == 2


def _lead(s: Session) -> Actor:
    u = s.exec(select(User).where(User.username == "lead")).one()
    return Actor(user_id=u.id, username="lead", role=Role.lead, desk="1号窗口")


def _second_campaign_with_the_same_prefixes(engine: Engine) -> str:
    """A second campaign with 000's prefixes (as an office made before the prefixes had to be
    unique): its own dossier ZJ21S00002, accepted."""

    with session_scope(engine) as s:
        filename, text = read_preset("000")
        text = text.replace('code = "bz-vocational-2021"', 'code = "bz-vocational-2021b"')
        for kind in "SFB":
            text = text.replace(f'"ZJ21{kind}"', f'"QQ21{kind}"')
        c = load_campaign(s, SYSTEM, text, filename=filename)
        s.execute(
            update(Campaign)
            .where(col(Campaign.id) == c.id)
            .values(dossier_prefix="ZJ21S", receipt_prefix="ZJ21F", notice_prefix="ZJ21B")
        )
        s.refresh(c)
        first = s.exec(select(Campaign).where(Campaign.code == "bz-vocational-2021")).one()
        users = {u.role: u for u in s.exec(select(User)).all()}
        o = Staff(
            campaign=c,
            clerk=users[Role.clerk.value],
            cashier=users[Role.cashier.value],
            lead=users[Role.lead.value],
        )
        accepted(s, o, n=1, name="另一批次一号")  # ZJ21S00001 there
        accepted(s, o, n=2, name="另一批次二号")  # ZJ21S00002 there
        assert first.dossier_prefix == c.dossier_prefix
        return c.code


def test_two_runs_of_one_batch_at_once_say_paid_once(
    engine: Engine, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other run pays the line between this run's look and its payment: this run reports
    the receipt as paid before, not as taken by it."""
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite: one writer at a time from BEGIN, the runs cannot interleave")
    cfg, _ = _office(engine, tmp_path)
    batch = tmp_path / "到账.csv"
    batch.write_text("ZJ21S00002,cash,\n", encoding="utf-8")
    args = [
        "pay",
        "--batch",
        str(batch),
        "--user",
        "cashier",
        "--no-print",
        "--json",
        "--config",
        str(cfg),
        "--db",
        db_url,
    ]
    real = payments.take_payment
    other_run: list[str] = []

    def the_other_run_first(
        session: Session, actor: Actor, campaign: Campaign, dossier_id: int, **kw: Any
    ) -> Payment:
        if not other_run:
            with session_scope(engine) as s2:
                c = s2.exec(select(Campaign)).one()
                mine = {**kw, "now": kw["now"] - dt.timedelta(seconds=1)}  # its own moment
                other_run.append(real(s2, actor, c, dossier_id, **mine).receipt_code)
        return real(session, actor, campaign, dossier_id, **kw)

    monkeypatch.setattr(payments, "take_payment", the_other_run_first)
    r = runner.invoke(app, args, env=ENV)
    assert r.exit_code == 0, r.output
    [line] = json.loads(r.output)["paid"]
    assert (line["receipt"], line["again"]) == (other_run[0], True)


def test_a_bank_only_campaign_refuses_cash_unless_a_lead_gives_the_reason(
    engine: Engine, db_url: str, tmp_path: Path
) -> None:
    """001 三（二）4 以银行缴费支付的方式: the rule the 001 preset carries, on this office's campaign."""
    from models.audit import AuditEvent
    from models.campaign import Campaign
    from models.campaign_spec import parse_campaign
    from models.rules import fee_payment
    from models.services.campaigns import read_preset

    cfg, _ = _office(engine, tmp_path)
    with session_scope(engine) as s:
        c = s.exec(select(Campaign)).one()
        rule = parse_campaign(read_preset("001")[1]).rules["fee_payment"]
        c.rules = {**c.rules, "fee_payment": rule}
        s.add(c)
    with session_scope(engine, readonly=True) as s:
        assert fee_payment(s.exec(select(Campaign)).one()).clause == "三（二）4"
    base = [
        "pay",
        "ZJ21S00002",
        "--method",
        "cash",
        "--config",
        str(cfg),
        "--db",
        db_url,
        "--no-print",
    ]
    r = runner.invoke(app, [*base, "--user", "cashier"], env=ENV)
    assert r.exit_code == 1 and "三（二）4" in r.output and "只收银行转账" in r.output, r.output
    r = runner.invoke(app, [*base, "--user", "cashier", "--override-reason", "银行卡冻结"], env=ENV)
    assert r.exit_code == 1 and "收费员无权" in r.output, r.output
    r = runner.invoke(
        app, [*base, "--user", "lead", "--override-reason", "银行卡冻结，主任同意"], env=ENV
    )
    assert r.exit_code == 0 and "已收费" in r.output, r.output
    with session_scope(engine, readonly=True) as s:
        (p,) = s.exec(select(Payment)).all()[-1:]
        event = s.exec(
            select(AuditEvent).where(
                AuditEvent.entity_id == p.receipt_code, AuditEvent.action == "payment.take"
            )
        ).one()
        assert p.method == "cash" and event.detail["method_override"] == "银行卡冻结，主任同意"
    r = runner.invoke(
        app,
        [
            "pay",
            "ZJ21S00003",
            "--method",
            "transfer",
            "--reference",
            "BK20231010001",
            "--user",
            "cashier",
            "--no-print",
            "--config",
            str(cfg),
            "--db",
            db_url,
        ],
        env=ENV,
    )
    assert r.exit_code == 0, r.output
