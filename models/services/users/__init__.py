"""Users: the accounts' lifecycle (add, disable, enable, reset a password, change a role, change
one's own password) and logging in with a lockout.

Rules (docs/adr/0005-accounts.md):

- Accounts are the admin's (``Action.user_*``); the admin takes, voids and refunds no money.
- Giving someone a lead's powers — adding a lead, making someone a lead, enabling a lead's
  account, resetting a lead's password — needs a lead's approval as well: the lead types their
  own user name and password (``Approval``), checked here like a login. The approver is an
  active lead, not the one acting and not the account changed. Without one: the system's first
  setup (``SYSTEM``: an empty database, the demo), the office's first lead (no active lead yet),
  and the reset of the office's only lead (nobody else could approve it).
- Nobody disables themselves; the last active admin and the last active lead stay (by disabling
  or by a change of role).
- A reset sets a temporary password: until the user chooses a new one, the login gives an
  ``Actor`` with ``must_change_password`` that ``require`` refuses for anything else.
- A failed login says the same whether the user exists, is disabled, or typed a wrong password
  (only a locked account says so), and keeps no unknown user name in clear (``login_tag``).
"""

from __future__ import annotations

from models.services.users.accounts import (
    add_user,
    change_own_password,
    disable_user,
    enable_user,
    list_users,
    reset_password,
    set_role,
)
from models.services.users.hashing import _DUMMY_HASH as _DUMMY_HASH
from models.services.users.hashing import _hasher as _hasher
from models.services.users.login import authenticate
from models.services.users.records import Approval, UserRow, count_users, shown_name
from models.services.users.rules import LOCKOUT, MAX_FAILURES, MIN_PASSWORD_LENGTH, NEEDS_APPROVAL

__all__ = [
    "LOCKOUT",
    "MAX_FAILURES",
    "MIN_PASSWORD_LENGTH",
    "NEEDS_APPROVAL",
    "Approval",
    "UserRow",
    "add_user",
    "authenticate",
    "change_own_password",
    "count_users",
    "disable_user",
    "enable_user",
    "list_users",
    "reset_password",
    "set_role",
    "shown_name",
]
