#!/usr/bin/env python3
"""The desk's message catalogs (gettext, domain ``desk``), made with Babel.

    python scripts/i18n.py update     # extract the messages, merge them into every catalog
    python scripts/i18n.py compile    # .po -> .mo (the desk reads the .mo)
    python scripts/i18n.py check      # what a catalog lacks; exit 1 if anything (CI runs it)

The messages are the strings given to ``_()``, ``N_()`` and ``pgettext()`` in ``models/`` and
``tui/``, and the help of every ``desk`` command (its docstring, which ``tui.cli`` translates).
``zh_CN`` is filled in with the message itself when it is new (the source speaks Chinese); an
``en`` message that is new stays empty until it is translated, and ``check`` says which.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import string
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.extract import extract_from_dir  # noqa: E402
from babel.messages.mofile import write_mo  # noqa: E402
from babel.messages.pofile import read_po, write_po  # noqa: E402

LOCALE_DIR = ROOT / "models" / "locale"
DOMAIN = "desk"
LANGS = ("zh_CN", "en")
SOURCES = ("models", "tui", "printers")
KEYWORDS = {"_": None, "N_": None, "pgettext": ((1, "c"), 2)}
VAGUE_FIELD = re.compile(r"value\d*|arg\d*|x\d*|\d+|")  # {value2}, {0}, {}: unreadable
SKIP = ("models/migrations", "models/presets", "models/demo_data", "models/locale")


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def _command_helps() -> Iterable[tuple[str, str]]:
    """(help, where) of every ``desk`` command: the docstrings ``tui.cli`` translates."""
    from tui.cli import app, command_helps

    yield from command_helps(app)


def template() -> Catalog:
    """Every message of the source, with where it is used."""
    cat = Catalog(domain=DOMAIN, project="committee-desk", charset="utf-8")
    for top in SOURCES:
        for filename, lineno, message, comments, _context in extract_from_dir(
            ROOT / top,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=("i18n:",),
            strip_comment_tags=True,
        ):
            rel = f"{top}/{filename}"
            if rel.startswith(SKIP):
                continue
            cat.add(message, locations=[(rel, lineno)], auto_comments=comments, context=_context)
    for text, where in _command_helps():
        cat.add(text, locations=[(where, 0)])
    return cat


def _read(lang: str) -> Catalog:
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, project="committee-desk", charset="utf-8")
    with path.open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


def _write_po(cat: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    write_po(
        buf,
        cat,
        width=100,
        omit_header=False,
        sort_output=True,
        include_lineno=False,
        ignore_obsolete=True,
    )
    path.write_bytes(buf.getvalue())


def _mo_bytes(cat: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, cat, use_fuzzy=False)
    return buf.getvalue()


def _shape(text: str) -> tuple[str, list[str]] | None:
    """A message with its fields unnamed, and the fields' names in order (None: not a format)."""
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        return None
    shape, names = [], []
    for literal, name, spec, conversion in parts:
        shape.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is not None:
            names.append(name)
            shape.append(
                "{" + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            )
    return "".join(shape), names


def _carry_renamed(cat: Catalog) -> int:
    """Give a new message the translation of an obsolete one that differs only in its fields' names.

    Renaming ``{value}`` to ``{receipt}`` in the source must not lose the English: the old
    translation is taken over with its fields renamed the same way.
    """
    old_by_shape: dict[tuple[str | None, str], tuple[list[str], str]] = {}
    for old in cat.obsolete.values():
        if not isinstance(old.id, str) or not isinstance(old.string, str) or not old.string:
            continue
        shaped = _shape(old.id)
        if shaped is not None and shaped[1]:
            old_by_shape[(old.context, shaped[0])] = (shaped[1], old.string)
    carried = 0
    for msg in cat:
        if not msg.id or not isinstance(msg.id, str) or msg.string:
            continue
        shaped = _shape(msg.id)
        if shaped is None or (msg.context, shaped[0]) not in old_by_shape:
            continue
        old_names, translation = old_by_shape[(msg.context, shaped[0])]
        rename = dict(zip(old_names, shaped[1], strict=True))
        if any(rename.get(o, n) != n for o, n in zip(old_names, shaped[1], strict=True)):
            continue  # one old field became two different ones: leave it to a translator
        msg.string = re.sub(
            r"(?<!\{)\{(\w+)([!:}])",
            lambda m, rename=rename: "{" + rename.get(m.group(1), m.group(1)) + m.group(2),
            translation,
        )
        carried += 1
    return carried


def update() -> None:
    with _locked():
        for lang in LANGS:
            _update(lang)


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    """One update at a time: two people (or two helpers) running it at once would lose one's work."""
    with (LOCALE_DIR / ".update.lock").open("w") as lock:
        try:
            import fcntl
        except ImportError:  # Windows: no lock; run it once at a time
            yield
            return
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _update(lang: str) -> None:
    cat = _read(lang)
    cat.update(template(), no_fuzzy_matching=True)  # its own: update shares the messages
    if lang == "en":
        carried = _carry_renamed(cat)
        if carried:
            print(f"{lang}: {carried} translations kept across renamed fields")
    if lang == "zh_CN":
        for msg in cat:
            if msg.id and not msg.string:
                msg.string = msg.id
    cat.fuzzy = False  # the header: a fuzzy one is left out of the .mo, and its charset too
    cat.last_translator = "committee-desk"
    cat.language_team = {"zh_CN": "简体中文", "en": "English"}[lang]
    _write_po(cat, po_path(lang))
    missing = sum(1 for m in cat if m.id and not m.string)
    print(f"{lang}: {len(cat)} messages, {missing} untranslated")


def compile_all() -> None:
    for lang in LANGS:
        mo_path(lang).write_bytes(_mo_bytes(_read(lang)))
        print(f"{lang}: {mo_path(lang).relative_to(ROOT)}")


def _fields(text: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError:
        return {"<unbalanced braces>"}


def problems() -> list[str]:
    """What the catalogs lack against the source, one line each (empty: complete)."""
    tpl = template()
    out: list[str] = []
    for lang in LANGS:
        cat = _read(lang)
        for msg in tpl:
            if not msg.id:
                continue
            where = ", ".join(f"{f}:{n}" for f, n in msg.locations[:2])
            got = cat.get(msg.id, context=msg.context)
            shown = str(msg.id if isinstance(msg.id, str) else msg.id[0])[:60]
            if msg.context:
                shown = f"{msg.context}|{shown}"
            if got is None:
                out.append(f"{lang}: missing “{shown}” ({where})")
                continue
            strings = got.string if isinstance(got.string, tuple) else (got.string,)
            if not all(strings):
                out.append(f"{lang}: untranslated “{shown}” ({where})")
            elif got.fuzzy:
                out.append(f"{lang}: fuzzy “{shown}” ({where})")
            else:
                ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
                wanted = set().union(*(_fields(i) for i in ids))
                vague = sorted(f for f in wanted if VAGUE_FIELD.fullmatch(f))
                if vague and lang == LANGS[0]:
                    out.append(
                        f"“{shown}” names a field {vague}: name it for what it holds, "
                        f"so a translator can read it ({where})"
                    )
                for s in strings:
                    if _fields(s) != wanted:
                        out.append(
                            f"{lang}: “{shown}” has the fields {sorted(_fields(s))}, "
                            f"not {sorted(wanted)} ({where})"
                        )
        if mo_path(lang).exists() is False or mo_path(lang).read_bytes() != _mo_bytes(cat):
            out.append(
                f"{lang}: {mo_path(lang).relative_to(ROOT)} is not compiled from its .po "
                "(python scripts/i18n.py compile)"
            )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=("update", "compile", "check"))
    args = parser.parse_args(argv)
    if args.command == "update":
        update()
    elif args.command == "compile":
        compile_all()
    else:
        found = problems()
        for line in found:
            print(line)
        print(f"{len(found)} problems" if found else "catalogs complete")
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
