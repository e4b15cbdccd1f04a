"""What every ``--json`` output shares: money is integer fen under a key ending in ``_fen``.

A service's record may carry a figure twice, as fen and as a yuan string for people
(``fee_net_fen`` and ``fee_net``); the command line gives only the fen, so that every command's
JSON reads money the same way (docs/zh/cli-json.md). Registers no command."""

from __future__ import annotations

import json
import sys
from typing import Any


def fen_only(data: Any) -> Any:
    """``data`` without any key ``k`` that has a ``k_fen`` beside it, at every depth."""
    if isinstance(data, dict):
        return {k: fen_only(v) for k, v in data.items() if f"{k}_fen" not in data}
    if isinstance(data, list):
        return [fen_only(v) for v in data]
    return data


def print_json(data: Any) -> None:
    """``data`` on standard output as indented UTF-8 JSON, money in fen only."""
    sys.stdout.write(json.dumps(fen_only(data), ensure_ascii=False, indent=2) + "\n")
