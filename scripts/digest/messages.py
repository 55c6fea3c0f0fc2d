"""Markers for interface strings, the one extension point translators depend on.

``N_("…")`` and ``NP_("…", "…")`` do nothing at run time; ``digest i18n update``
finds them with Babel's extractor, so every word the generator prints on a page
or chart lands in the catalogs. Look strings up with a :class:`~digest.translate.Translator`.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Mark an interface string for extraction."""
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:
    """Mark a singular/plural pair (``{n}`` is the number) for extraction."""
    return singular, plural


# Interface strings used by several stages, defined once.
UNKNOWN_WORD = N_("unknown")  # the word shown; model.UNKNOWN is the value in the data
YEAR_UNKNOWN = N_("year unknown")
NOT_TRANSLATED = N_("not yet translated")
OLD_DATA = N_("old data")
SOURCE = N_("Source")
SOURCES = N_("Sources")
RANGE = N_("{low}–{high}")
CURRENCY = N_("{amount} {currency}")
QUOTED_WORDS = N_("“{quote}”")
# How a qualifier is written beside a figure, the same in sentences, charts, tables and downloads.
QUALIFIED = {
    "more_than": N_("more than {value}"),
    "at_least": N_("at least {value}"),
    "about": N_("about {value}"),
    "nearly": N_("nearly {value}"),
    "less_than": N_("less than {value}"),
    "up_to": N_("up to {value}"),
}
TOPICS = N_("Topics")  # the navigation section of the topic pages
STALE_NOTICE = N_("The original of this page ({language}) has changed since this translation was last reviewed; "
                  "the translation may be out of date.")
STALE_LINK = N_("Read the original ({language})")
