"""Runtime lookup of interface and dataset strings: one :class:`Translator` per language.

A leaf of the pipeline: it knows compiled catalogs, not how they are made or
checked (that is :mod:`digest.catalogs`). A message written in the reader's own
language (the dataset's, in the source language; the interface's, in English) is
*native* and shown as written. Any other missing translation falls back to the
original and says so, so the page can mark it for the reader.
"""

from __future__ import annotations

import gettext
from typing import Collection, Mapping, NamedTuple

from .config import Language


class Text(NamedTuple):
    """A string for the page, whether it fell back to an untranslated original, and that original's language."""

    value: str
    fallback: bool = False
    lang: str = ""  # of a fallback: the language the original is written in ("" before it is known)


class Translator:
    """Looks up one language's strings; a fallback is flagged so the page can mark it."""

    def __init__(self, lang: Language, translations: gettext.NullTranslations, key: str = "",
                 native: Collection[str] = frozenset(), written_in: Mapping[str, str] | None = None):
        self.lang = lang
        self.key = key or f"{lang.code}-untranslated"  # identifies the compiled catalog, for caches
        self._translations = translations
        self._catalog: dict = getattr(translations, "_catalog", {})
        self._native = native  # message ids (singulars of plurals) written in this very language
        self._written_in = written_in or {}  # message id (singular) -> the language it is written in

    def text(self, message: str) -> Text:
        """The translation of ``message``; else ``message`` itself, flagged unless it is native."""
        found = self._catalog.get(message)
        return Text(found, False) if found else self._original(message)

    def plural(self, forms: tuple[str, str], n: float) -> Text:
        """The singular or plural form for ``n`` by the language's own plural rule."""
        singular, plural = forms
        count = int(n) if float(n).is_integer() else 2
        if (singular, 0) in self._catalog:
            return Text(self._translations.ngettext(singular, plural, count), False)
        shown = self._original(singular)
        return shown._replace(value=singular if count == 1 else plural)

    def written_in(self, message: str, default: str = "") -> str:
        """The language ``message`` (an untranslated original) is written in, when the catalogs' template said."""
        return self._written_in.get(message, default)

    def _original(self, message: str) -> Text:
        """An untranslated message as written: flagged (with its language) unless it is native."""
        if message in self._native:
            return Text(message, False)
        return Text(message, True, self._written_in.get(message, ""))
