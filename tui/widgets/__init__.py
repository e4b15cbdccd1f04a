"""What several screens share: the dialogs (a yes or no, a pick of a few, a reason and a note)
and the search list. A widget never imports a screen or the app (import-linter holds it)."""
