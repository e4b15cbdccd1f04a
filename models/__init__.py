"""The domain of committee-desk: tables, value objects, rules and the services that change state.

Nothing here imports textual, rich, escpos, tui or printers (enforced by import-linter and
tests/unit/test_import_hygiene.py). Importing the package imports nothing else: a command that
needs no database (``desk --help``) does not pay for SQLAlchemy. The tables' constraint names
are set in ``models.types``, which every table module imports first.
"""
