"""What the printing tests share: the cashier who prints, a payment with its receipt job saved as
the cashier's screen saves them, the numbers a record is printed by."""

from __future__ import annotations

import datetime as dt
from typing import TypedDict

from sqlalchemy.engine import Engine

from models.db import session_scope
from models.dossier import Dossier
from models.online import build_online_record
from models.payment import Payment
from models.permissions import SYSTEM, Actor
from models.services.campaigns import load_campaign, read_preset
from models.services.users import add_user
from models.vocab import Role
from printers.samples import sample_document
from tests.factories import id_of
from tui.work.printing import DeskPrinters, queue_document


class Numbers(TypedDict, total=False):
    """What ``record_document`` finds a record by."""

    receipt_code: str
    dossier_code: str
    notice_code: str


CASHIER = Actor(user_id=None, username="cashier", role=Role.cashier, desk="1号窗口")


def payment_with_job(engine: Engine, printers: DeskPrinters) -> tuple[int, int]:
    """A payment and its receipt job, saved in one transaction as the cashier's screen will."""
    with session_scope(engine) as s:
        user = add_user(s, SYSTEM, username="cashier", role=Role.cashier, password="secret-pw")
        filename, text = read_preset("000")
        c = load_campaign(s, SYSTEM, text, filename=filename)
        rec = build_online_record(
            campaign_id=id_of(c),
            id_number="11010519491231002X",
            name="张三",
            level="中级",
            track="评审",
            status="通过形式审核",
        )
        s.add(rec)
        s.flush()
        d = Dossier(
            campaign_id=id_of(c),
            online_record_id=id_of(rec),
            status="accepted",
            track="评审",
            level="中级",
            dossier_no=1,
            dossier_code="ZJ21S00001",
        )
        s.add(d)
        s.flush()
        p = Payment(
            campaign_id=id_of(c),
            receipt_no=1,
            receipt_code="ZJ21F00001",
            kind="payment",
            dossier_id=id_of(d),
            amount_fen=38000,
            method="cash",
            cashier_id=id_of(user),
            business_date=dt.date(2021, 9, 27),
        )
        s.add(p)
        s.flush()
        job = queue_document(
            s,
            CASHIER,
            printers,
            sample_document("receipt", 58),
            "receipt",
            campaign_id=c.id,
            payment_id=p.id,
        )
        assert p.id is not None and job.id is not None
        return p.id, job.id
