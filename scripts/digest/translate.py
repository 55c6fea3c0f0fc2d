"""Runtime lookup of interface and dataset strings: one :class:`Translator` per language.

A leaf of the pipeline: it knows compiled catalogs, not how they are made or
checked (that is :mod:`digest.catalogs`). A missing translation falls back to
the canonical English and says so, so the page can mark it for the reader.
"""

from __future__ import annotations

import gettext
from typing import NamedTuple

from .config import Language


class Text(NamedTuple):
    """A string for the page, and whether it fell back to the canonical English."""

    value: str
    fallback: bool = False


class Translator:
    """Looks up one language's strings; a fallback is flagged so the page can mark it."""

    def __init__(self, lang: Language, translations: gettext.NullTranslations, key: str = ""):
        self.lang = lang
        self.key = key or f"{lang.code}-untranslated"  # identifies the compiled catalog, for caches
        self._translations = translations
        self._catalog: dict = getattr(translations, "_catalog", {})

    def text(self, message: str) -> Text:
        """The translation of ``message``, or ``message`` itself flagged as a fallback."""
        found = self._catalog.get(message)
        return Text(found, False) if found else Text(message, True)

    def plural(self, forms: tuple[str, str], n: float) -> Text:
        """The singular or plural form for ``n`` by the language's own plural rule."""
        singular, plural = forms
        count = int(n) if float(n).is_integer() else 2
        if (singular, 0) in self._catalog:
            return Text(self._translations.ngettext(singular, plural, count), False)
        return Text(singular if count == 1 else plural, True)
