"""The desk's screens, grouped by feature, one module per screen: ``home``, ``outcome`` (what
was done and printed), ``print_jobs``; ``accounts`` (login, password, users), ``intake`` (the
counter's search and the card), ``fees`` (the cashier's queue, the fee, the bank), ``tally``
(the day and the count), ``lead`` (the online list's import and the reconciliation). What
several screens share is in ``tui.widgets``; what a screen shares with the app, ``tui.base``."""
