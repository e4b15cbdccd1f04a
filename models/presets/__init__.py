"""Campaign presets shipped with the desk, one TOML file per notice (see ``shared/seeds``)."""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable


def preset_files() -> list[Traversable]:
    return sorted(
        (p for p in resources.files(__name__).iterdir() if p.name.endswith(".toml")),
        key=lambda p: p.name,
    )
