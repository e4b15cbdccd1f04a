"""Bank transfers on SQLite and PostgreSQL: statements read below the bank's title rows (xlsx,
CSV in GB18030), amounts and dates exact, bad rows reported by line, a file imported once;
matching with ambiguous and partial lines (never proposed as one match); the cashier's
confirmation makes exactly one transfer payment and a match, and nothing twice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import xlsxwriter
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models.audit import AuditEvent
from models.bank import BankLine, BankLineDismissal, BankMatch, BankStatement, LineStatus
from models.db import session_scope
from models.dossier import Dossier
from models.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from models.money import Money
from models.payment import Payment
from models.permissions import Actor
from models.services.bank import (
    LineProposal,
    _RowError,
    bank_reference,
    confirm_line,
    dismiss_line,
    import_statement,
    parse_amount,
    parse_date,
    proposals,
    unmatched_lines,
    unpaid_dossiers,
)
from models.services.payments import void_payment
from models.vocab import Role
from tests.bank import (
    HEADER,
    TITLE,
    bank_office,
    bank_statement,
    by_serial,
    statement_csv,
    statement_line,
)
from tests.factories import AT, Office, accepted, applicant_id, office


@pytest.fixture
def desk(session: Session) -> Office:
    """The office plus the applicants the statement talks about."""
    return bank_office(session)


# -- reading the file -------------------------------------------------------------------------


def test_gb18030_csv_with_title_rows_amounts_dates_and_bad_rows(
    desk: Office, session: Session, tmp_path: Path
) -> None:
    cashier = desk.actor(Role.cashier)
    s = import_statement(session, cashier, desk.campaign, bank_statement(tmp_path))
    session.commit()
    assert s.sheet == "gb18030" and s.header_line == 4
    assert s.account == "6228480012345678901"
    assert s.columns["credit"] == "收入金额" and s.columns["memo"] == "摘要、附言"
    assert (s.lines, s.credits, s.debits) == (12, 11, 1)
    assert s.credit_total == Money.yuan(380 * 7 + 220 + 760 + 110 + 1200)
    assert [(k.line, k.code) for k in s.skipped] == [(17, "row.bad_date"), (18, "row.bad_amount")]
    assert "2021-13-45" in s.skipped[0].reason and "三百八" in s.skipped[1].reason
    assert s.ignored == [(19, "合计行")]
    rows = {r.serial: r for r in session.exec(select(BankLine))}
    assert len(rows) == 12
    assert (rows["A0002"].txn_date, rows["A0002"].amount_fen) == (dt.date(2021, 9, 27), 38000)
    assert (rows["A0003"].txn_date, rows["A0003"].amount_fen) == (dt.date(2021, 9, 27), 22000)
    assert rows["A0011"].amount_fen == 120000 and rows["A0012"].amount_fen == -5000
    assert rows["A0001"].memo == f"代缴评审费 {applicant_id(1)}" and rows["A0001"].line_no == 5
    assert rows["A0001"].payer_account == "6217000012345678"
    st = session.exec(select(BankStatement)).one()
    assert (st.line_count, st.credit_count, st.imported_by) == (12, 11, desk.cashier.id)
    [ev] = session.exec(select(AuditEvent).where(AuditEvent.action == "bank.import")).all()
    assert ev.actor_id == desk.cashier.id and ev.detail["skipped"] == 2


def test_xlsx_with_excel_dates_numbers_and_merged_title(session: Session, tmp_path: Path) -> None:
    o = office(session)
    path = tmp_path / "工行流水.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("明细")
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws.merge_range(0, 0, 0, 5, "中国工商银行 对公账户明细")
    ws.write_row(1, 0, ["账号", "0408 0000 1111 2222 333"])
    ws.write_row(
        3, 0, ["记账日期", "凭证号", "对方户名", "用途", "借方发生额（元）", "贷方发生额（元）"]
    )
    ws.write_datetime(4, 0, dt.datetime(2021, 7, 12), day)
    ws.write_row(4, 1, ["9001", "张三", "评审费"])
    ws.write_number(4, 5, 380)
    ws.write_string(5, 0, "2021/7/12")
    ws.write_row(5, 1, ["9002", "李四", "评审费"])
    ws.write_number(5, 5, 1200.5)
    ws.write_number(6, 0, 44390)  # an Excel serial day: 2021-07-13
    ws.write_row(6, 1, ["9003", "工行", "手续费"])
    ws.write_number(6, 4, 0.5)
    wb.close()
    s = import_statement(session, o.actor(Role.lead), o.campaign, path)
    assert (s.sheet, s.header_line, s.account) == ("明细", 4, "0408000011112222333")
    assert s.skipped == [] and (s.credits, s.debits) == (2, 1)
    got = [
        (r.line_no, r.txn_date, r.amount_fen, r.serial)
        for r in session.exec(select(BankLine).order_by(col(BankLine.line_no)))
    ]
    assert got == [
        (5, dt.date(2021, 7, 12), 38000, "9001"),
        (6, dt.date(2021, 7, 12), 120050, "9002"),
        (7, dt.date(2021, 7, 13), -50, "9003"),
    ]


def test_amount_with_direction_and_no_serial_column(session: Session, tmp_path: Path) -> None:
    """``金额`` + ``借贷标志`` and no serial: the derived serial is stable, two identical lines
    keep two serials, and a later statement that overlaps is told which lines it already has."""
    o = office(session)
    head = ["日期", "金额", "借贷标志", "付款人", "备注"]
    first = statement_csv(
        tmp_path / "a.csv",
        [
            head,
            ["2021-09-27", "380", "贷", "张三", "评审费"],
            ["2021-09-27", "380", "贷", "张三", "评审费"],
            ["2021-09-27", "20", "借", "", "手续费"],
            ["2021-09-27", "20", "出账", "", "?"],
        ],
        encoding="utf-8",
    )
    s1 = import_statement(session, o.actor(Role.cashier), o.campaign, first)
    assert (s1.credits, s1.debits) == (2, 1)
    assert [(k.line, k.code) for k in s1.skipped] == [(5, "row.bad_direction")]
    assert any("流水号" in w for w in s1.warnings)
    serials = [r.serial for r in session.exec(select(BankLine).order_by(col(BankLine.line_no)))]
    assert len(set(serials)) == 3 and all(x.startswith("BK") for x in serials)
    second = statement_csv(
        tmp_path / "b.csv",
        [
            head,
            ["2021-09-27", "380", "贷", "张三", "评审费"],
            ["2021-09-28", "220", "贷", "李四", "评审费"],
        ],
    )
    s2 = import_statement(session, o.actor(Role.cashier), o.campaign, second)
    assert [(k.line, k.serial) for k in s2.known] == [(2, serials[0])]
    assert s2.lines == 1 and session.exec(select(BankLine)).all().__len__() == 4


def test_a_file_without_a_recognisable_header_is_refused(session: Session, tmp_path: Path) -> None:
    o = office(session)
    path = statement_csv(
        tmp_path / "名单.csv", [["姓名", "身份证号", "金额说明"], ["张三", applicant_id(1), "380"]]
    )
    with pytest.raises(InvalidInput) as exc:
        import_statement(session, o.actor(Role.cashier), o.campaign, path)
    assert exc.value.code == "bank.no_header"
    assert "交易日期" in exc.value.message and "贷方金额" in exc.value.message
    assert session.exec(select(BankStatement)).all() == []


def test_the_same_file_twice_is_refused(desk: Office, session: Session, tmp_path: Path) -> None:
    path = bank_statement(tmp_path)
    import_statement(session, desk.actor(Role.cashier), desk.campaign, path)
    session.commit()
    with pytest.raises(Conflict) as exc:
        import_statement(session, desk.actor(Role.lead), desk.campaign, path)
    assert exc.value.code == "bank.already_imported"
    assert "已于 20" in exc.value.message and "导入过" in exc.value.message
    assert len(session.exec(select(BankStatement)).all()) == 1


def test_parse_amount_and_date() -> None:
    assert [
        parse_amount(v)
        for v in ("1,200.00", "￥400.00", "400", "+380.5", "380.00元", 380, 380.25, "", None, "-")
    ] == [120000, 40000, 40000, 38050, 38000, 38000, 38025, None, None, None]
    for bad in ("380.123", "abc", "1e5"):
        with pytest.raises(_RowError):
            parse_amount(bad)
    want = dt.date(2021, 7, 12)
    for v in (
        "2021-07-12",
        "2021/7/12",
        "20210712",
        "2021年7月12日",
        "2021-07-12 10:20:30",
        "2021.07.12",
        dt.datetime(2021, 7, 12, 10),
        want,
        20210712,
        44389.0,
    ):
        assert parse_date(v) == want, v
    for bad in ("2021-02-30", "12/07/2021", "", "1899-01-01"):
        with pytest.raises(_RowError):
            parse_date(bad)


def test_bank_reference_fits_the_payment_reference_rule() -> None:
    assert bank_reference("A0001") == "A0001"
    assert bank_reference("12") == "BK-12"
    odd = bank_reference("流水 12#34")
    assert odd.startswith("BK-") and len(odd) == 35 and odd == bank_reference("流水 12#34")
    assert bank_reference("x" * 80) != bank_reference("x" * 81)


# -- matching ---------------------------------------------------------------------------------


def test_bank_matching_with_ambiguous_and_partial_lines(
    desk: Office, session: Session, tmp_path: Path
) -> None:
    import_statement(session, desk.actor(Role.cashier), desk.campaign, bank_statement(tmp_path))
    session.commit()
    code = {d.dossier_code: d.id for d in session.exec(select(Dossier))}
    got = by_serial(proposals(session, desk.actor(Role.cashier), desk.campaign))
    assert "A0012" not in got  # a debit is never a fee
    assert len(got) == 11

    def status(serial: str) -> tuple[LineStatus, str, bool, int | None]:
        p = got[serial]
        return p.status, p.evidence, p.weak, p.dossier_id

    assert status("A0001") == (LineStatus.proposed, "身份证号", False, code["ZJ21S00002"])
    assert status("A0002") == (LineStatus.proposed, "受理编号", False, code["ZJ21S00003"])
    assert status("A0003") == (LineStatus.proposed, "姓名", True, code["ZJ21S00004"])
    assert status("A0004") == (LineStatus.proposed, "姓名", True, code["ZJ21S00008"])  # payer
    assert status("A0005") == (LineStatus.proposed, "姓名", True, code["ZJ21S00007"])  # • vs ·
    # two applicants of one name and one fee: both listed, neither proposed
    amb = got["A0006"]
    assert (amb.status, amb.dossier_id) == (LineStatus.ambiguous, None)
    assert sorted(c.dossier_code for c in amb.candidates) == ["ZJ21S00005", "ZJ21S00006"]
    # one transfer for two people: partial, with each fee and the difference
    two = got["A0007"]
    assert (two.status, two.dossier_id) == (LineStatus.partial, None)
    assert sorted((c.name, c.fee, c.difference) for c in two.candidates) == [
        ("张伟", Money.yuan(380), Money.yuan(380)),
        ("李娜", Money.yuan(380), Money.yuan(380)),
    ]
    assert "2 人评审费之和" in two.note
    half = got["A0008"]
    assert (half.status, half.dossier_id) == (LineStatus.partial, None)
    assert [(c.dossier_code, c.difference) for c in half.candidates] == [
        ("ZJ21S00004", Money.yuan(-110))
    ]
    assert status("A0009")[0] == LineStatus.not_accepted
    assert got["A0009"].candidates[0].dossier_id is None
    assert status("A0010") == (LineStatus.already_paid, "身份证号", False, desk.dossier.id)
    assert got["A0010"].candidates[0].paid_receipt == "ZJ21F00001"
    assert status("A0011") == (LineStatus.unmatched, "", False, None)
    assert got["A0011"].amount == Money.yuan(1200)
    assert len(unmatched_lines(session, desk.actor(Role.cashier), desk.campaign)) == 11
    # one statement only, and the ID is never shown in full
    st = session.exec(select(BankStatement)).one()
    assert (
        len(proposals(session, desk.actor(Role.cashier), desk.campaign, statement_id=st.id)) == 11
    )
    assert (
        proposals(session, desk.actor(Role.cashier), desk.campaign, statement_id=(st.id or 0) + 1)
        == []
    )
    assert got["A0001"].candidates[0].id_masked == "652827********" + applicant_id(1)[-4:]


def test_a_name_inside_a_longer_name_is_not_evidence(session: Session, tmp_path: Path) -> None:
    o = office(session)
    accepted(session, o, n=1, name="张伟")
    path = statement_csv(
        tmp_path / "s.csv",
        [HEADER, statement_line("2021-09-27", "380", "某某", "张伟明评审费", "", "B1")],
    )
    import_statement(session, o.actor(Role.cashier), o.campaign, path)
    # 张伟明 is not an applicant: 张伟, by name only
    [weak] = proposals(session, o.actor(Role.cashier), o.campaign)
    assert (weak.status, weak.weak, [c.name for c in weak.candidates]) == (
        LineStatus.proposed,
        True,
        ["张伟"],
    )
    accepted(session, o, n=2, name="张伟明")
    [p] = proposals(session, o.actor(Role.cashier), o.campaign)
    assert (p.status, [c.name for c in p.candidates]) == (LineStatus.proposed, ["张伟明"])


def test_matching_loads_the_campaign_once(
    desk: Office, session: Session, tmp_path: Path, engine: Engine
) -> None:
    """A fixed number of queries, whatever the number of lines."""
    from sqlalchemy import event

    rows = [HEADER] + [
        statement_line("2021-09-27", "380", "某某", f"申请人{i}评审费", "", f"C{i:04d}")
        for i in range(300)
    ]
    import_statement(
        session, desk.actor(Role.cashier), desk.campaign, statement_csv(tmp_path / "big.csv", rows)
    )
    session.commit()
    count = 0

    def seen(*_: object) -> None:
        nonlocal count
        count += 1

    event.listen(engine, "before_cursor_execute", seen)
    try:
        assert len(proposals(session, desk.actor(Role.cashier), desk.campaign)) == 300
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert count <= 10


# -- confirming -------------------------------------------------------------------------------


def _imported(desk: Office, session: Session, tmp_path: Path) -> dict[str, LineProposal]:
    import_statement(session, desk.actor(Role.cashier), desk.campaign, bank_statement(tmp_path))
    session.commit()
    return by_serial(proposals(session, desk.actor(Role.cashier), desk.campaign))


def test_confirm_makes_one_transfer_payment_and_a_match(
    desk: Office, session: Session, tmp_path: Path
) -> None:
    got = _imported(desk, session, tmp_path)
    cashier = desk.actor(Role.cashier)
    line = got["A0001"]
    assert line.dossier_id is not None
    assert line.dossier_id in {
        q.dossier_id for q in unpaid_dossiers(session, desk.actor(Role.cashier), desk.campaign)
    }
    p = confirm_line(
        session,
        cashier,
        desk.campaign,
        line.line_id,
        line.dossier_id,
        idempotency_key="bank-A0001",
        now=AT,
    )
    session.commit()
    assert (p.method, p.reference, p.amount_fen, p.dossier_id) == (
        "transfer",
        "A0001",
        38000,
        line.dossier_id,
    )
    m = session.exec(select(BankMatch)).one()
    assert (m.line_id, m.payment_id, m.confirmed_by, m.attempt) == (
        line.line_id,
        p.id,
        desk.cashier.id,
        0,
    )
    assert session.exec(select(Payment).where(Payment.dossier_id == line.dossier_id)).all() == [p]
    [ev] = session.exec(select(AuditEvent).where(AuditEvent.action == "bank.match")).all()
    assert ev.detail["receipt"] == p.receipt_code and ev.entity_id == "A0001"
    assert line.dossier_id not in {
        q.dossier_id for q in unpaid_dossiers(session, desk.actor(Role.cashier), desk.campaign)
    }
    after = by_serial(proposals(session, desk.actor(Role.cashier), desk.campaign))["A0001"]
    assert (after.status, after.payment_id, after.receipt_code) == (
        LineStatus.confirmed,
        p.id,
        p.receipt_code,
    )
    assert "A0001" not in {
        q.serial for q in unmatched_lines(session, desk.actor(Role.cashier), desk.campaign)
    }
    # the same confirmation again (a double Enter): the same payment, nothing new
    again = confirm_line(
        session,
        cashier,
        desk.campaign,
        line.line_id,
        line.dossier_id,
        idempotency_key="bank-A0001",
        now=AT,
    )
    assert again.id == p.id
    # a second confirmation is refused, to this dossier or another
    for dossier_id in (line.dossier_id, got["A0002"].dossier_id or 0):
        with pytest.raises(Conflict) as twice:
            confirm_line(session, cashier, desk.campaign, line.line_id, dossier_id, now=AT)
        assert twice.value.code == "bank.already_matched" and p.receipt_code in twice.value.message
    session.rollback()
    assert len(session.exec(select(BankMatch)).all()) == 1
    assert len(session.exec(select(Payment).where(Payment.method == "transfer")).all()) == 1


def test_confirm_refuses_a_different_amount_a_debit_and_a_clerk(
    desk: Office, session: Session, tmp_path: Path
) -> None:
    got = _imported(desk, session, tmp_path)
    cashier = desk.actor(Role.cashier)
    code = {d.dossier_code: d.id or 0 for d in session.exec(select(Dossier))}
    half = got["A0008"]  # 110 yuan for 王芳 (220)
    with pytest.raises(InvalidInput) as exc:
        confirm_line(session, cashier, desk.campaign, half.line_id, code["ZJ21S00004"], now=AT)
    assert exc.value.code == "bank.amount_mismatch"
    assert "110.00" in exc.value.message and "220.00" in exc.value.message
    with pytest.raises(InvalidInput) as two:  # 760 for one of two people
        confirm_line(
            session, cashier, desk.campaign, got["A0007"].line_id, code["ZJ21S00002"], now=AT
        )
    assert two.value.code == "bank.amount_mismatch"
    debit = session.exec(select(BankLine).where(BankLine.serial == "A0012")).one()
    with pytest.raises(InvalidInput) as out:
        confirm_line(session, cashier, desk.campaign, debit.id or 0, code["ZJ21S00002"], now=AT)
    assert out.value.code == "bank.debit"
    with pytest.raises(PermissionDenied) as clerk:
        confirm_line(
            session,
            desk.actor(Role.clerk),
            desk.campaign,
            got["A0001"].line_id,
            code["ZJ21S00002"],
            now=AT,
        )
    assert "受理员" in clerk.value.message
    with pytest.raises(NotFound):
        confirm_line(session, cashier, desk.campaign, 999_999, code["ZJ21S00002"], now=AT)
    with pytest.raises(Conflict) as paid:  # the office's dossier is paid already
        confirm_line(
            session, cashier, desk.campaign, got["A0010"].line_id, desk.dossier.id or 0, now=AT
        )
    assert paid.value.code == "payment.already_paid"
    session.rollback()
    assert session.exec(select(BankMatch)).all() == []
    assert session.exec(select(Payment).where(Payment.method == "transfer")).all() == []
    # the cashier may resolve an ambiguous line by choosing one of its candidates
    amb = got["A0006"]
    p = confirm_line(session, cashier, desk.campaign, amb.line_id, code["ZJ21S00006"], now=AT)
    assert p.dossier_id == code["ZJ21S00006"]
    assert (
        by_serial(proposals(session, desk.actor(Role.cashier), desk.campaign))["A0006"].status
        == LineStatus.confirmed
    )


def test_a_voided_match_opens_the_line_again(
    desk: Office, session: Session, tmp_path: Path
) -> None:
    got = _imported(desk, session, tmp_path)
    code = {d.dossier_code: d.id or 0 for d in session.exec(select(Dossier))}
    amb = got["A0006"]
    wrong = confirm_line(
        session, desk.actor(Role.cashier), desk.campaign, amb.line_id, code["ZJ21S00005"], now=AT
    )
    void_payment(
        session,
        desk.actor(Role.lead),
        desk.campaign,
        wrong.receipt_code,
        reason="wrong_dossier",
        note="收错人，应为另一位马丽",
        now=AT,
    )
    session.commit()
    assert (
        by_serial(proposals(session, desk.actor(Role.cashier), desk.campaign))["A0006"].status
        == LineStatus.ambiguous
    )
    right = confirm_line(
        session, desk.actor(Role.cashier), desk.campaign, amb.line_id, code["ZJ21S00006"], now=AT
    )
    session.commit()
    assert right.reference == "A0006" and right.id != wrong.id
    assert [m.attempt for m in session.exec(select(BankMatch).order_by(col(BankMatch.id)))] == [
        0,
        1,
    ]


def test_a_line_set_aside_is_no_longer_unmatched(
    desk: Office, session: Session, tmp_path: Path
) -> None:
    got = _imported(desk, session, tmp_path)
    other = got["A0011"]
    with pytest.raises(PermissionDenied):
        dismiss_line(
            session,
            desk.actor(Role.clerk),
            desk.campaign,
            other.line_id,
            reason="not_fee",
            note="货款",
        )
    with pytest.raises(InvalidInput) as no_note:
        dismiss_line(
            session,
            desk.actor(Role.cashier),
            desk.campaign,
            other.line_id,
            reason="not_fee",
            note=" ",
        )
    assert no_note.value.code == "bank.note_required"
    dismiss_line(
        session,
        desk.actor(Role.cashier),
        desk.campaign,
        other.line_id,
        reason="not_fee",
        note="某公司货款，非评审费",
        now=AT,
    )
    session.commit()
    p = by_serial(proposals(session, desk.actor(Role.cashier), desk.campaign))["A0011"]
    assert (p.status, p.dismissal_reason) == (LineStatus.dismissed, "not_fee")
    assert other.line_id not in {
        q.line_id for q in unmatched_lines(session, desk.actor(Role.cashier), desk.campaign)
    }
    with pytest.raises(Conflict) as again:
        dismiss_line(
            session,
            desk.actor(Role.lead),
            desk.campaign,
            other.line_id,
            reason="other",
            note="再剔除",
        )
    assert again.value.code == "bank.already_dismissed"
    with pytest.raises(Conflict) as confirm:
        confirm_line(
            session, desk.actor(Role.cashier), desk.campaign, other.line_id, desk.dossier.id or 0
        )
    assert confirm.value.code == "bank.dismissed"
    assert (
        len(session.exec(select(AuditEvent).where(AuditEvent.action == "bank.dismiss")).all()) == 1
    )
    assert len(session.exec(select(BankLineDismissal)).all()) == 1


def test_a_serial_recorded_by_hand_is_already_paid(
    desk: Office, session: Session, tmp_path: Path
) -> None:
    """The cashier typed the bank serial at the desk before the statement came."""
    from models.services.payments import take_payment

    code = {d.dossier_code: d.id or 0 for d in session.exec(select(Dossier))}
    take_payment(
        session,
        desk.actor(Role.cashier),
        desk.campaign,
        code["ZJ21S00002"],
        method="transfer",
        reference="A0001",
        now=AT,
    )
    got = _imported(desk, session, tmp_path)
    assert (got["A0001"].status, got["A0001"].dossier_id) == (
        LineStatus.already_paid,
        code["ZJ21S00002"],
    )
    with pytest.raises(Conflict):
        confirm_line(
            session,
            desk.actor(Role.cashier),
            desk.campaign,
            got["A0001"].line_id,
            code["ZJ21S00002"],
            now=AT,
        )


def test_the_database_refuses_to_edit_or_delete_bank_rows(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as s:
        o = office(s)
        accepted(s, o, n=1, name="张伟")
        import_statement(s, o.actor(Role.cashier), o.campaign, bank_statement(tmp_path))
    for sql in (
        "UPDATE bank_line SET amount_fen = 1",
        "DELETE FROM bank_line",
        "UPDATE bank_statement SET filename = 'x'",
    ):
        with pytest.raises(Exception, match="never edited or deleted"), engine.begin() as conn:
            conn.execute(text(sql))
    with session_scope(engine, readonly=True) as s:
        assert len(s.exec(select(BankLine)).all()) == 12


def test_two_desks_confirming_one_line_make_one_payment(engine: Engine, tmp_path: Path) -> None:
    import threading

    from models.campaign import Campaign

    with session_scope(engine) as s:
        o = office(s)
        d = accepted(s, o, n=1, name="张伟")
        import_statement(s, o.actor(Role.cashier), o.campaign, bank_statement(tmp_path))
    with session_scope(engine, readonly=True) as s:
        line = by_serial(proposals(s, o.actor(Role.cashier), s.exec(select(Campaign)).one()))[
            "A0001"
        ]
    desks = [o.actor(Role.cashier, "1号窗口"), o.actor(Role.lead, "2号窗口")]
    start = threading.Barrier(2)
    results: list[str] = []

    def confirm(actor: Actor) -> None:
        start.wait()
        try:
            with session_scope(engine) as s:
                c = s.exec(select(Campaign)).one()
                p = confirm_line(s, actor, c, line.line_id, d.id or 0, now=AT)
                results.append(p.receipt_code)
        except Conflict as exc:
            results.append(exc.code)

    threads = [threading.Thread(target=confirm, args=(a,)) for a in desks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["ZJ21F00002", "bank.already_matched"]
    with session_scope(engine, readonly=True) as s:
        assert len(s.exec(select(BankMatch)).all()) == 1
        assert len(s.exec(select(Payment).where(Payment.dossier_id == d.id)).all()) == 1


def test_a_negative_income_is_not_imported_as_a_fee(
    session: Session, desk: Office, tmp_path: Path
) -> None:
    """A reversal (冲正) written as −380.00 in the income column is reported, never income."""
    path = statement_csv(
        tmp_path / "reversal.csv",
        [
            *TITLE,
            HEADER,
            statement_line("2021-09-27", "380.00", "张伟", "评审费", "ZJ21S00002", "S1"),
            statement_line("2021-09-28", "-380.00", "张伟", "冲正", "ZJ21S00002", "S2"),
        ],
    )
    s = import_statement(session, desk.actor(Role.cashier), desk.campaign, path)
    assert s.credits == 1 and [k.code for k in s.skipped] == ["row.negative_credit"]
    assert "冲正" in s.skipped[0].reason
    amounts = sorted(r.amount_fen for r in session.exec(select(BankLine)))
    assert amounts == [38000]
