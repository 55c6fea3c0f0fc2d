"""Runtime lookup of interface and dataset strings: one :class:`Translator` per language.

A leaf of the pipeline: it knows compiled catalogs, not how they are made or
checked (that is :mod:`digest.catalogs`). A message written in the reader's own
language (the dataset's, in the source language; the interface's, in English) is
*native* and shown as written. Any other missing translation falls back to the
original and says so, so the page can mark it for the reader.
"""

from __future__ import annotations

import gettext
from typing import Collection, NamedTuple

from .config import Language


class Text(NamedTuple):
    """A string for the page, and whether it fell back to an untranslated original."""

    value: str
    fallback: bool = False


class Translator:
    """Looks up one language's strings; a fallback is flagged so the page can mark it."""

    def __init__(self, lang: Language, translations: gettext.NullTranslations, key: str = "",
                 native: Collection[str] = frozenset()):
        self.lang = lang
        self.key = key or f"{lang.code}-untranslated"  # identifies the compiled catalog, for caches
        self._translations = translations
        self._catalog: dict = getattr(translations, "_catalog", {})
        self._native = native  # message ids (singulars of plurals) written in this very language

    def text(self, message: str) -> Text:
        """The translation of ``message``; else ``message`` itself, flagged unless it is native."""
        found = self._catalog.get(message)
        return Text(found, False) if found else Text(message, message not in self._native)

    def plural(self, forms: tuple[str, str], n: float) -> Text:
        """The singular or plural form for ``n`` by the language's own plural rule."""
        singular, plural = forms
        count = int(n) if float(n).is_integer() else 2
        if (singular, 0) in self._catalog:
            return Text(self._translations.ngettext(singular, plural, count), False)
        return Text(singular if count == 1 else plural, singular not in self._native)
