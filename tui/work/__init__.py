"""The desk's shared work, which neither Textual nor Typer needs: opening the database
(``context``), print dispatch (``printing``), the data of the office's documents (``records``),
the campaign's views (``campaign_view``), backups after a close (``backups``), the crash log
(``crashlog``), an account's state as shown (``accounts``). The app (``tui.app``, ``tui.screens``)
and the command line (``tui.cli``) use it; it uses neither (import-linter holds it)."""
