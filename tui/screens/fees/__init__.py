"""The fee desk (收费台): the cashier's queue (``cashier``), one dossier's fee (``fee``: its view
and texts in ``fee_view`` and ``fee_text``; a lead's refund in ``refund``), and the bank's
statements (``bank``, ``bank_match``)."""

from tui.screens.fees.cashier import CashierScreen
from tui.screens.fees.fee import FeeScreen
from tui.screens.fees.fee_text import confirmation_key

__all__ = ["CashierScreen", "FeeScreen", "confirmation_key"]
