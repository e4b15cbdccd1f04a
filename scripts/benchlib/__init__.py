"""The bench's figures, one module each, and their harness (``scripts/bench.py`` runs them)."""
