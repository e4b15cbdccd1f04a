"""One F-key, one meaning, on every screen (issue 21): every F-key binding of the app and of every
screen and modal is one the keymap (tui/keymap.py) lists under that key, and the keymap names no
binding that does not exist. Before the keymap, F6 was the day close on home and the bank
statements at the fee desk, and F2 began the day close on one screen and cycled the payment
method on another."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

from textual.binding import Binding
from textual.dom import DOMNode

import tui.screens
from tui.app import DeskApp
from tui.keymap import KEYMAP

FKEY = re.compile(r"^(shift\+|ctrl\+)?f\d{1,2}$")


def _bindings() -> list[tuple[str, Binding]]:
    found: list[tuple[str, Binding]] = []
    classes: list[type[DOMNode]] = [DeskApp]
    # the screens are grouped by feature: every module of every package under tui.screens
    for mod in pkgutil.walk_packages(tui.screens.__path__, "tui.screens."):
        module = importlib.import_module(mod.name)
        classes += [
            c
            for _, c in inspect.getmembers(module, inspect.isclass)
            if issubclass(c, DOMNode) and c.__module__ == module.__name__
        ]
    for cls in classes:
        for b in cls.__dict__.get("BINDINGS", []):
            if isinstance(b, Binding):
                for key in b.key.split(","):
                    found.append(
                        (
                            f"{cls.__module__}.{cls.__name__}",
                            Binding(key.strip(), b.action, b.description, show=b.show, id=b.id),
                        )
                    )
    return found


def test_every_function_key_is_bound_as_the_keymap_says() -> None:
    wrong = []
    for where, b in _bindings():
        if not FKEY.match(b.key):
            continue
        entry = KEYMAP.get(b.key)
        if entry is None or b.id not in entry.uses:
            wrong.append(f"{where}: {b.key} → {b.action} (id {b.id})")
    assert wrong == [], "F-keys bound outside tui/keymap.py:\n" + "\n".join(wrong)


def test_the_keymap_names_only_bindings_that_exist_and_each_id_once() -> None:
    ids = {b.id for _, b in _bindings()}
    listed = [use for k in KEYMAP.values() for use in k.uses]
    assert len(listed) == len(set(listed))  # one id, one key
    assert sorted(set(listed) - ids) == []


def test_the_examples_the_counter_found() -> None:
    # F6 is the day close everywhere (home, the day screen, the cashier's count); the bank
    # statements are F3 (核对) at the fee desk; F2 never begins a close, F11 cycles the method
    assert {"home.day", "day.begin", "count.begin"} <= set(KEYMAP["f6"].uses)
    assert "fees.bank" in KEYMAP["f3"].uses and "fee.method" in KEYMAP["f11"].uses
    assert not {"day.begin", "count.begin", "fee.method"} & set(KEYMAP["f2"].uses)
