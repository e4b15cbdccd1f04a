"""Documents from real records (both databases), reprints with ``重印 n``, and the preview
command on a real receipt."""

from __future__ import annotations

from typing import Unpack

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from models.audit import AuditEvent
from models.campaign import Campaign
from models.errors import DomainError, InvalidInput, NotFound, PermissionDenied
from models.printjob import PrintJob
from models.vocab import Role
from printers.config import parse_printers
from printers.document import layout
from printers.preview import render_text
from tests.factories import office
from tests.printers.escpos_reader import text_segments
from tests.printers.support import Numbers
from tui.cli import app
from tui.work.printing import DeskPrinters, reprint
from tui.work.records import record_document

PRINTERS = DeskPrinters(parse_printers({"receipt": {"width": 58}, "label": {"width": 80}}))


def _text(session: Session, kind: str, width: int = 80, **numbers: Unpack[Numbers]) -> str:
    campaign = session.exec(select(Campaign)).one()
    return render_text(layout(record_document(session, campaign, kind, **numbers), width))


def test_receipt_from_a_payment(session: Session) -> None:
    office(session)
    text = _text(session, "receipt", receipt_code="zj21f00001")  # scanned in lower case
    for expected in (
        "评审费缴费凭证",
        "ZJ21F00001",
        "ZJ21S00001",
        "2021-09-27 11:32",
        "阿依古丽·买买提",
        "652801********0024",
        "人民币叁佰捌拾元整",
        "现金",
        "￥400.00",
        "￥20.00",
        "65010221000123",
        "收费员小李",
        "1号窗口",
        "巴州红旗高级技工学校综合办529办公室",
        "刘强",
    ):
        assert expected in text, expected
    assert "重印" not in text
    assert "652801198001010024" not in text  # never the full ID on paper


def test_label_materials_and_acceptance_from_a_dossier(session: Session) -> None:
    office(session)
    label = _text(session, "label", dossier_code="ZJ21S00001")
    assert "ZJ21S00001" in label and "阿依古丽·买买提" in label and "受理员小王" in label
    materials = _text(session, "materials", dossier_code="ZJ21S00001")
    assert "专业技术职务任职资格评" in materials and "学历证书复印件" in materials  # cells wrap
    assert "原件已核对退" in materials
    assert "获奖" not in materials  # not brought: not on the envelope's list
    acceptance = _text(session, "acceptance", dossier_code="ZJ21S00001")
    assert "￥380.00" in acceptance
    assert "学历证书复印件" in acceptance  # its original was shown and returned


def test_notice_by_its_number_and_by_the_dossier(session: Session) -> None:
    o = office(session)
    text = _text(session, "notice", notice_code="ZJ21B00001")
    assert "只交 1 份，应交 2" in text and "未签署“已审核，与原件相符”" in text
    assert "刘䶮" in text and "受理员小王" in text
    assert text.count("一次性告知单") == 2  # two copies
    # the 000 window ends with 10 October, as the notice says it (no 下班前 it does not say)
    assert "补正期限：2021-10-10（纸质材料报送时间截止）" in text
    assert o.returned.dossier_code is None


@pytest.mark.parametrize(
    ("kind", "numbers", "error", "words"),
    [
        ("receipt", {"receipt_code": "ZJ21F09999"}, NotFound, "没有收据号为“ZJ21F09999”"),
        ("label", {"dossier_code": "ZJ21S09999"}, NotFound, "没有受理编号为“ZJ21S09999”"),
        ("notice", {"notice_code": "ZJ21B00077"}, NotFound, "没有编号为“ZJ21B00077”的一次性告知单"),
        ("void", {"receipt_code": "ZJ21F00001"}, InvalidInput, "未作废"),
        ("receipt", {}, InvalidInput, "需要收据号"),
        ("tally", {"receipt_code": "ZJ21F00001"}, InvalidInput, "不能按记录打印"),
    ],
)
def test_bad_numbers_are_explained(
    session: Session, kind: str, numbers: Numbers, error: type[DomainError], words: str
) -> None:
    o = office(session)
    with pytest.raises(error) as exc:
        record_document(session, o.campaign, kind, **numbers)
    assert words in exc.value.message


def test_reprints_are_numbered_audited_and_permission_checked(session: Session) -> None:
    o = office(session)
    cashier = o.actor(Role.cashier)
    first = reprint(session, cashier, PRINTERS, o.campaign, "receipt", "ZJ21F00001")
    second = reprint(session, o.actor(Role.lead), PRINTERS, o.campaign, "receipt", "ZJ21F00001")
    session.commit()
    assert (first.copy_no, second.copy_no) == (1, 2)
    assert "重印 1" in "".join(text_segments(first.payload, "gbk"))
    assert "重印 2" in "".join(text_segments(second.payload, "gbk"))
    events = session.exec(select(AuditEvent).where(AuditEvent.action == "receipt.reprint")).all()
    assert [e.detail["copy_no"] for e in events] == [1, 2]
    with pytest.raises(PermissionDenied):
        reprint(session, o.actor(Role.clerk), PRINTERS, o.campaign, "receipt", "ZJ21F00001")
    session.rollback()
    label = reprint(session, o.actor(Role.clerk), PRINTERS, o.campaign, "label", "ZJ21S00001")
    session.commit()
    assert label.copy_no == 1 and label.printer == "label" and label.dossier_id == o.dossier.id
    with pytest.raises(PermissionDenied):
        reprint(session, cashier, PRINTERS, o.campaign, "notice", "ZJ21B00001")
    session.rollback()
    assert len(session.exec(select(PrintJob)).all()) == 3


def test_preview_command_on_a_real_receipt(session: Session, db_url: str) -> None:
    office(session)
    session.commit()
    env = {"DESK_PASSWORD": "secret-pw"}
    r = CliRunner().invoke(
        app,
        [
            "print",
            "preview",
            "receipt",
            "--receipt",
            "ZJ21F00001",
            "--width",
            "58",
            "--user",
            "cashier",
            "--db",
            db_url,
        ],
        env=env,
    )
    assert r.exit_code == 0, r.output
    assert "ZJ21F00001" in r.output and "阿依古丽·买买提" in r.output
    r = CliRunner().invoke(
        app,
        ["print", "preview", "label", "--dossier", "ZJ21S00404", "--user", "clerk", "--db", db_url],
        env=env,
    )
    assert r.exit_code == 1 and "没有受理编号为“ZJ21S00404”" in r.output, r.output


def test_reprint_command_needs_a_cashier(session: Session, db_url: str) -> None:
    office(session)
    session.commit()
    env = {"DESK_PASSWORD": "secret-pw"}
    r = CliRunner().invoke(
        app,
        ["print", "reprint", "receipt", "ZJ21F00001", "--user", "clerk", "--db", db_url],
        env=env,
    )
    assert r.exit_code == 1 and "无权重印缴费凭证" in r.output
    r = CliRunner().invoke(
        app,
        ["print", "reprint", "receipt", "ZJ21F00001", "--user", "cashier", "--db", db_url],
        env=env,
    )
    assert r.exit_code == 0, r.output
    assert "已重印（重印 1）" in r.output
