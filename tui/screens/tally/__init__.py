"""日结: the lead's day (``day``: its view in ``day_view``, its tables in ``tables``) and the
blind cash count (``count``)."""

from tui.screens.tally.count import CountScreen
from tui.screens.tally.day import DayScreen

__all__ = ["CountScreen", "DayScreen"]
