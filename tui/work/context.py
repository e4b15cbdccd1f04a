"""Opening the database for the CLI and the app: the config, and its engine (opened by
``models.opening``: first-run migration, an unreachable server as one line)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from models.config import DeskConfig, load_config
from models.opening import SchemaOutdated, open_database

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

__all__ = ["DeskContext", "SchemaOutdated", "load_context", "open_database"]


@dataclass
class DeskContext:
    config: DeskConfig
    engine: Engine


def load_context(config_path: Path | None = None, database_url: str | None = None) -> DeskContext:
    config = load_config(config_path)
    if database_url:
        config.database_url = database_url
    return DeskContext(config=config, engine=open_database(config))
