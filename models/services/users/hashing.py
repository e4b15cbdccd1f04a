"""The password hasher: argon2id with its strong parameters. Callers reach it as
``hashing._hasher`` (a module attribute, not a copied name) so that tests/conftest.py can swap
in a cheap one for its own process."""

from __future__ import annotations

from argon2 import PasswordHasher

_hasher = PasswordHasher()
# Verified against when the username does not exist, so timing does not tell who exists. A
# constant made with the production parameters (a test holds them equal): hashing it at import
# cost every command and every start 0.25 s.
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$FFbiDgJAFzkYeDSfHdqoZw$Wquq7kjEyfvL3ES5+j1pJF6BmwLO53zTqc45XvPcgi0"
