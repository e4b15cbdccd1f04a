"""The demo office: the sample list imported as a lead would, a few hundred more valid records,
names with middle dots and rare characters, one user per role who can log in."""

import datetime as dt

from python_calamine import CalamineWorkbook
from sqlmodel import Session, select

from models.demo import DEMO_LIST, DEMO_USERS, seed_demo
from models.idcard import ResidentId
from models.imports import ImportBatch
from models.names import name_key
from models.online import OnlineRecord
from models.permissions import Actor
from models.services.campaigns import get_campaign, window_status
from models.services.intake import card_for
from models.services.users import authenticate
from models.vocab import ONLINE_APPROVED, Role


def test_demo_seed(session: Session) -> None:
    campaign = seed_demo(session, records=300)
    session.commit()
    batch = session.exec(select(ImportBatch)).one()  # the sample list, as a lead imports it
    assert batch.filename == DEMO_LIST.name
    sample = {
        r.id_number
        for r in session.exec(
            select(OnlineRecord).where(OnlineRecord.application_no.startswith("BZZZ"))
        )
    }
    assert len(sample) == batch.counts["inserted"] > 250
    rows = [r for r in session.exec(select(OnlineRecord)) if r.id_number not in sample]
    assert len(rows) == 300
    assert len({r.id_number for r in rows}) == 300
    for r in rows:
        assert ResidentId.parse(r.id_number).number == r.id_number  # valid check digit
        assert r.name_key == name_key(r.name)
        assert r.id_last6 == r.id_number[-6:]
    dotted = [r for r in rows if "·" in r.name]
    assert len(dotted) > 60
    assert any(ch in r.name for r in rows for ch in "䶮")
    approved = sum(r.status == ONLINE_APPROVED for r in rows)
    assert 200 < approved < 300  # most passed formal review, some did not
    assert window_status(session, campaign).open  # the demo window is around today
    for u in DEMO_USERS:
        assert authenticate(session, u.username, u.password).role is u.role


def test_an_id_from_the_sample_list_opens_at_the_demo_counter(session: Session) -> None:
    """The newcomer's trial: scan (type) an ID from the sample file at the demo counter."""
    seed_demo(session, records=10)
    session.commit()
    sheet = CalamineWorkbook.from_path(str(DEMO_LIST)).get_sheet_by_index(0).to_python()
    header = sheet[0]
    first = next(r for r in sheet[1:] if r[header.index("审核状态")] == ONLINE_APPROVED)
    c = get_campaign(session, "bz-vocational-2021")
    clerk = Actor(user_id=None, username="clerk", role=Role.clerk)  # the counter is the clerk's
    card = card_for(
        session, clerk, c, str(first[header.index("身份证号")]), now=dt.datetime.now(dt.UTC)
    )
    assert card.person is not None and card.person.name == first[header.index("姓名")]
    assert card.can_judge and card.items  # inside the demo window: the checklist is there
