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
import io
import string
import sys
from collections.abc import Iterable
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


def update() -> None:
    for lang in LANGS:
        cat = _read(lang)
        cat.update(template(), no_fuzzy_matching=True)  # its own: update shares the messages
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
