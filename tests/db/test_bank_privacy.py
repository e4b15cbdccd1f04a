"""Bank statement lines as a cashier sees them (issue 20, defect 13): an ID number written in a
line's memo (附言) is masked (652801********0024) for everyone but a lead, wherever the line is
shown or exported; the matcher still finds the applicant by it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session

from models.bank import LineStatus
from models.services.bank import LineProposal, import_statement, proposals
from models.vocab import Role
from tests.bank import OFFICE_ID, bank_office, bank_statement, by_serial
from tests.factories import Office, applicant_id


@pytest.fixture
def desk(session: Session) -> Office:
    """The office plus the applicants the statement talks about."""
    return bank_office(session)


def _texts(p: LineProposal) -> str:
    return " ".join((p.memo, p.payer_name, p.note, p.dismissal_note))


def test_a_cashier_sees_ids_in_a_memo_masked_and_a_lead_in_full(
    session: Session,
    desk: Office,
    tmp_path: Path,
) -> None:
    import_statement(session, desk.actor(Role.cashier), desk.campaign, bank_statement(tmp_path))
    session.commit()
    full = {1: applicant_id(1), 10: OFFICE_ID}
    for viewer in (desk.actor(Role.cashier),):  # a clerk may not read the lines at all
        seen = by_serial(proposals(session, viewer, desk.campaign))
        shown = " ".join(_texts(p) for p in seen.values())
        for number in full.values():
            assert number not in shown, viewer
        assert (
            seen["A0001"].memo == f"代缴评审费 {applicant_id(1)[:6]}********{applicant_id(1)[-4:]}"
        )
        assert seen["A0010"].memo == "652801********0024 评审费"
        # the matcher read the real memo: still found by the ID number
        assert seen["A0001"].status == LineStatus.proposed and seen["A0001"].evidence == "身份证号"
    lead = by_serial(proposals(session, desk.actor(Role.lead), desk.campaign))
    assert (
        lead["A0001"].memo == f"代缴评审费 {applicant_id(1)}"
        and lead["A0010"].memo == f"{OFFICE_ID} 评审费"
    )
