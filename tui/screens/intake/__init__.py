"""The intake counter (受理台): find the applicant (``search``), judge every item on the card
(``card``: its view, its judging keys and its texts in ``card_view``, ``card_keys``,
``card_text``), accept or return (``return_notice``), a lead's paper window (``window``), a
unit's batch (``batch``, ``batch_items``)."""

from tui.screens.intake.card import CardScreen
from tui.screens.intake.search import IntakeScreen

__all__ = ["CardScreen", "IntakeScreen"]
