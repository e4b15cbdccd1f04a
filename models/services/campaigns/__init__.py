"""Campaigns: load from a file or a shipped preset, look up fees and windows, set a fee."""

from __future__ import annotations

from models.services.campaigns.fees import Fee, fee_for, fee_rules, set_fee
from models.services.campaigns.load import (
    get_campaign,
    list_campaigns,
    load_campaign,
    new_from_preset,
    read_campaign_file,
    read_preset,
)
from models.services.campaigns.prefixes import PREFIX_KINDS
from models.services.campaigns.windows import (
    UNSET_WINDOW_HINT,
    WindowStatus,
    declaration_window,
    set_window,
    window_status,
    window_text,
)

__all__ = [
    "PREFIX_KINDS",
    "UNSET_WINDOW_HINT",
    "Fee",
    "WindowStatus",
    "declaration_window",
    "fee_for",
    "fee_rules",
    "get_campaign",
    "list_campaigns",
    "load_campaign",
    "new_from_preset",
    "read_campaign_file",
    "read_preset",
    "set_fee",
    "set_window",
    "window_status",
    "window_text",
]
