"""The domain of committee-desk: tables, value objects, rules and the services that change state.

Nothing here imports textual, rich, escpos, tui or printers (enforced by import-linter and
tests/unit/test_import_hygiene.py).
"""

from sqlmodel import SQLModel as _SQLModel

# Named constraints, so Alembic's batch mode on SQLite can find and change them.
_SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
