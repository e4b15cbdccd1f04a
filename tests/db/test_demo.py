"""The demo office: a few hundred valid records, names with middle dots and rare characters,
one user per role who can log in."""

from sqlmodel import Session, select

from models.demo import DEMO_USERS, seed_demo
from models.idcard import ResidentId
from models.names import name_key
from models.online import OnlineRecord
from models.services.campaigns import window_status
from models.services.users import authenticate
from models.vocab import ONLINE_APPROVED


def test_demo_seed(session: Session) -> None:
    campaign = seed_demo(session, records=300)
    session.commit()
    rows = session.exec(select(OnlineRecord)).all()
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
