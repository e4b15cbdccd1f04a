"""Accounts: the login (``login``), one's own password (``password``), and the admin's users
(``users``, its dialogs in ``forms``). Nothing re-exported here: the login, which the desk
starts on, loads no more than it needs."""
