"""Every reading service checks its reader's permission itself (issue 22): the command line and
the screens no longer check roles before they read. A reader without the permission is refused
by the service, on both databases; one with it reads."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session

from models.errors import PermissionDenied
from models.permissions import POLICY, Action, Actor
from models.services.bank import proposals, statements, unmatched_lines, unpaid_dossiers
from models.services.handover import handovers
from models.services.intake import campaign_unit_items, load_card, unit_item_status
from models.services.payments import cashier_queue, fee_card, find_dossier
from models.services.printing import list_jobs
from models.services.search import search
from models.vocab import Role
from tests.factories import accepted, office

Read = Callable[[Session, Actor], object]


def _fee_card(session: Session, actor: Actor) -> object:
    o = office(session)
    return fee_card(session, actor, o.campaign, accepted(session, o))


def _card(session: Session, actor: Actor) -> object:
    o = office(session)
    return load_card(session, actor, o.campaign, id_number="652801198001010024")


def _unit_items(session: Session, actor: Actor) -> object:
    return unit_item_status(session, actor, office(session).campaign, "某单位", [])


def _search(session: Session, actor: Actor) -> object:
    return search(session, actor, office(session).campaign, "张三")


def _find_dossier(session: Session, actor: Actor) -> object:
    o = office(session)
    return find_dossier(session, actor, o.campaign, "652801198001010024")


def _jobs(session: Session, actor: Actor) -> object:
    return list_jobs(session, actor)


def _on_office(read: Callable[..., object]) -> Read:
    def run(session: Session, actor: Actor) -> object:
        return read(session, actor, office(session).campaign)

    return run


READS: dict[str, tuple[Action, Read]] = {
    "bank.proposals": (Action.bank_match, _on_office(proposals)),
    "bank.unmatched_lines": (Action.bank_match, _on_office(unmatched_lines)),
    "bank.unpaid_dossiers": (Action.bank_match, _on_office(unpaid_dossiers)),
    "bank.statements": (Action.bank_match, _on_office(statements)),
    "payments.cashier_queue": (Action.payment_take, _on_office(cashier_queue)),
    "payments.fee_card": (Action.payment_take, _fee_card),
    "handover.handovers": (Action.handover, _on_office(handovers)),
    "intake.load_card": (Action.intake_accept, _card),
    "intake.campaign_unit_items": (Action.intake_accept, _on_office(campaign_unit_items)),
    "intake.unit_item_status": (Action.intake_accept, _unit_items),
    "search.search": (Action.intake_accept, _search),  # the applicants' records and IDs
    "payments.find_dossier": (Action.payment_take, _find_dossier),  # by number or ID number
    "printing.list_jobs": (Action.print_retry, _jobs),  # whoever stands at the printer
}


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("name", list(READS))
def test_a_reader_without_the_permission_is_refused_by_the_service(
    session: Session, name: str, role: Role
) -> None:
    action, read = READS[name]
    actor = Actor(user_id=None, username=f"reader-{role.value}", role=role, desk="1号窗口")
    if role in POLICY[action]:
        read(session, actor)
        return
    with pytest.raises(PermissionDenied) as exc:
        read(session, actor)
    assert exc.value.detail["action"] == str(action)
    assert role.label in exc.value.message
