"""The lead's lists: import the online-approved list (``imports``) and paper against online
(``reconcile``)."""

from tui.screens.lead.imports import ImportScreen
from tui.screens.lead.reconcile import ReconcileScreen

__all__ = ["ImportScreen", "ReconcileScreen"]
