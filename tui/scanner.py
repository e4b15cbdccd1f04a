"""Scan anywhere: a scanner or ID-card reader "types" its code much faster than a person, so a
burst of code-like keys ended by Enter opens the record whatever has focus, and anything else
is replayed exactly as typed. Full-width characters from a Chinese input method are read as the
ASCII the scanner sent. A part of the desk app (``DeskApp`` mixes it in; its state —
``_held``, ``_held_at``, ``_held_timer``, ``scan_gap`` — is set up there)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from textual import events
from textual.app import App

from tui.base import is_scan

if TYPE_CHECKING:
    from textual.timer import Timer

    _AppPart = App[None]  # the type checker sees the app; at run time DeskApp brings it
else:
    _AppPart = object


def half_width(ch: str | None) -> str | None:
    """A Chinese input method in full-width mode (全角) turns a scanner's ``6528…X`` into
    ``６５２８…Ｘ`` (U+FF01–FF5E): read as the ASCII the scanner sent; anything else as it is."""
    if ch is not None and len(ch) == 1 and "\uff01" <= ch <= "\uff5e":
        return chr(ord(ch) - 0xFEE0)
    return ch


class ScanAnywhere(_AppPart):
    if TYPE_CHECKING:  # DeskApp's, set up in its __init__
        scan_gap: float
        _held: list[events.Key]
        _held_at: float
        _held_timer: Timer | None

        def open_card(self, *, query: str | None = None) -> None: ...

    # characters at most SCAN_GAP apart, then Enter; at least SCAN_MIN of them
    SCAN_GAP = 0.05
    SCAN_MIN = 8

    async def _scan_key(self, event: events.Key) -> bool:
        """Hold code-like characters while they come faster than a person types; a held burst
        ended by Enter that reads as an ID or a number is a scan. Anything else is replayed, in
        order, exactly as typed. Returns True when the key was taken."""
        now = time.monotonic()
        ch = half_width(event.character)
        if ch is not None and len(ch) == 1 and ch.isascii() and ch.isalnum():
            if self._held and now - self._held_at > self.scan_gap:
                await self._release()
            self._held.append(event)
            self._held_at = now
            if self._held_timer is not None:
                self._held_timer.stop()
            self._held_timer = self.set_timer(self.scan_gap, self._release, name="scan-gap")
            return True
        if event.key == "enter" and self._held and now - self._held_at <= self.scan_gap:
            text = "".join(half_width(e.character) or "" for e in self._held)
            if is_scan(text, self.SCAN_MIN):
                self._held.clear()
                if self._held_timer is not None:
                    self._held_timer.stop()
                self.open_card(query=text)
                return True
        await self._release()
        return False

    async def _release(self) -> None:
        held, self._held = self._held, []
        if self._held_timer is not None:
            self._held_timer.stop()
            self._held_timer = None
        if not self.is_running or not self._screen_stack:
            return  # the app is closing: nothing left to type into
        for key in held:
            await App.on_event(self, key)
