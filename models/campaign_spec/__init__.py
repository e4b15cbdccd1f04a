"""Campaign files (TOML): parse and validate before anything touches the database.

A malformed file gets a ``PresetError`` whose message names the file, the line and the problem,
in Chinese. The format is documented in ``docs/campaign-files.md``; the shipped presets in
``models/presets/`` are examples of every feature.
"""

from __future__ import annotations

from models.campaign_spec.parse import parse_campaign
from models.campaign_spec.specs import CampaignSpec, FeeSpec, ItemSpec, WindowSpec

__all__ = ["CampaignSpec", "FeeSpec", "ItemSpec", "WindowSpec", "parse_campaign"]
