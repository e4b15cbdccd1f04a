"""The desk's languages: gettext catalogs, and Chinese for the paperwork whatever the screen speaks.

The msgids are the desk's Chinese sentences, as the notices word them (the code, the tests and
the documents speak them). ``zh_CN`` is the default and maps each msgid to itself (a translator
may reword one there without touching the code); ``en`` is English. Both are complete: the test
suite fails when a string of the source is missing from a catalog (``tests/unit/test_i18n.py``).

The language is chosen once, when the process starts and before the desk's modules are imported
(``tui.launch``: ``desk --lang en``, ``DESK_LANG``, the config file's ``language``), because
screens and commands translate their labels as they are defined. Printed documents (receipts,
labels, notices, the Z report) are not translated: they are the office's Chinese paperwork,
whatever language the desk's screen speaks (docs/adr/0004-languages.md).

Only the standard library's ``gettext`` is used at run time; Babel extracts and compiles the
catalogs (``scripts/i18n.py``).
"""

from __future__ import annotations

import contextlib
import functools
import gettext
import os
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from importlib import resources
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

DOMAIN = "desk"
DEFAULT = "zh_CN"
LANGUAGES: dict[str, str] = {"zh_CN": "简体中文", "en": "English"}
_ALIASES = {
    "zh": "zh_CN",
    "zh_cn": "zh_CN",
    "zh-cn": "zh_CN",
    "zh_hans": "zh_CN",
    "zh-hans": "zh_CN",
    "cn": "zh_CN",
    "chinese": "zh_CN",
    "中文": "zh_CN",
    "en": "en",
    "en_us": "en",
    "en-us": "en",
    "en_gb": "en",
    "en-gb": "en",
    "english": "en",
}

PAPER = "zh_CN"  # the office's paperwork is printed in Chinese, whatever the screen speaks
_lang = DEFAULT
_translation: gettext.NullTranslations | None = None  # the default's catalog, read at first use
_paper: ContextVar[bool] = ContextVar("desk_paper", default=False)
_paper_translation: gettext.NullTranslations | None = None


class UnknownLanguage(ValueError):
    """A language the desk has no catalog for (the message names the ones it has)."""


def normalise(lang: str) -> str:
    """``zh``, ``zh-CN``, ``zh_CN.UTF-8`` → ``zh_CN``; ``en_US`` → ``en``."""
    key = (lang or "").strip().split(".")[0].split("@")[0].lower()
    if key in _ALIASES:
        return _ALIASES[key]
    raise UnknownLanguage(
        f"不支持的界面语言“{lang}”；可用：{'、'.join(f'{k}（{v}）' for k, v in LANGUAGES.items())}"
        f" / unknown language {lang!r}; available: {', '.join(LANGUAGES)}"
    )


def locale_dir() -> str:
    return str(resources.files("models") / "locale")


def use(lang: str) -> str:
    """Speak ``lang`` from now on (the process's one language). Returns its normal name."""
    global _lang, _translation
    code = normalise(lang)
    _translation = catalog(code)
    _lang = code
    return code


def current() -> str:
    return _lang


def chosen(flag: str | None = None, configured: str | None = None) -> str:
    """The language a process starts in: ``--lang``, else ``DESK_LANG``, else the config file's
    ``language``, else Chinese."""
    for value in (flag, os.environ.get("DESK_LANG"), configured):
        if value:
            return normalise(value)
    return DEFAULT


def catalog(lang: str) -> gettext.NullTranslations:
    """The catalog of ``lang`` (OSError when its .mo file is missing)."""
    return gettext.translation(DOMAIN, locale_dir(), languages=[lang])


def _active() -> gettext.NullTranslations:
    global _translation, _paper_translation
    if _paper.get():
        if _paper_translation is None:
            _paper_translation = catalog(PAPER)
        return _paper_translation
    if _translation is None:
        _translation = catalog(_lang)
    return _translation


def _(message: str) -> str:
    """The message in the desk's language (in Chinese while a document is made: ``paper``)."""
    return _active().gettext(message)


def pgettext(context: str, message: str) -> str:
    """A message in a context: ``pgettext("key", "受理")`` is the key's verb (Accept), where the
    same word in a table is a state (Accepted)."""
    return _active().pgettext(context, message)


@contextlib.contextmanager
def paper() -> Iterator[None]:
    """While a printed or exported document is made: every message in Chinese, the language of
    the office's paperwork (a receipt's payment method, a void slip's reason, the Z report's
    receipt check), whatever the screen speaks. Per thread (a context variable)."""
    token = _paper.set(True)
    try:
        yield
    finally:
        _paper.reset(token)


def N_(message: str) -> str:
    """Marks a message to translate where it is shown, not where it is defined (a value that is
    also data: a reason code's label, a vocabulary word)."""
    return message


def on_paper(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn`` makes (the data of) a document: it runs inside ``paper``."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with paper():
            return fn(*args, **kwargs)

    return wrapper
