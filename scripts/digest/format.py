"""Stage 2, format: a statistic's numbers in a reader's locale, with Babel.

Why here and not in templates: every number a reader sees, in prose, lists,
charts, alt text and downloads, comes from these functions, so "81 %" in Swedish
and "81%" in Korean are decided in one place. Unit words ("people", "times")
come from the catalogs so that plural rules are each language's own.
"""

from __future__ import annotations

from functools import lru_cache
from weakref import WeakKeyDictionary

from babel.numbers import format_compact_decimal, format_decimal, format_percent, get_currency_name

from .messages import CURRENCY, PEOPLE, POINTS, RANGE, TIMES, UNKNOWN_WORD, YEAR_UNKNOWN
from .model import UNKNOWN, Statistic
from .translate import Text, Translator


@lru_cache(maxsize=65536)
def number(value: float, locale: str) -> str:
    """A plain number: decimal comma, grouping, as many decimals as the data has.

    Memoized: Babel's formatting is the costliest step of a page; a number is
    formatted once per locale however many pages, charts and downloads show it.
    """
    return format_decimal(value, locale=locale, decimal_quantization=False)


# Each language's formatted values, by what a value's text depends on; dropped with the translator.
_VALUES: "WeakKeyDictionary[Translator, dict[tuple, Text]]" = WeakKeyDictionary()


def value_text(stat: Statistic, translator: Translator) -> Text:
    """The figure with its unit, e.g. ``81 %``, ``5–25 gånger``, ``62 miljarder amerikanska dollar``.

    Formatted once per figure and language: a figure appears in its sentence, its
    list entry, its chart, the chart's alt text and table, and the downloads.
    """
    memo = _VALUES.setdefault(translator, {})
    key = (stat.unit, stat.numbers, stat.currency, stat.value, stat.high)
    if key not in memo:
        memo[key] = _value_text(stat, translator)
    return memo[key]


def _value_text(stat: Statistic, translator: Translator) -> Text:
    locale = translator.lang.locale
    numbers = [number(n, locale) for n in stat.numbers]
    shown = numbers[0] if len(numbers) == 1 else translator.text(RANGE).value.format(low=numbers[0], high=numbers[1])
    count = stat.numbers[-1]
    if stat.unit == "percent":
        return Text(_percent_pattern(locale).replace("100", shown, 1))
    if stat.unit == "currency":
        return _currency(stat, translator)
    forms = {"people": PEOPLE, "multiplier": TIMES, "percentage_points": POINTS}.get(stat.unit)
    if forms is None:  # count
        return Text(shown)
    words = translator.plural(forms, count)
    return Text(words.value.format(n=shown), words.fallback)


@lru_cache(maxsize=None)
def _percent_pattern(locale: str) -> str:
    """The locale's percent sign and spacing around a number ('100 %', '100%')."""
    return format_percent(1, locale=locale)


def _currency(stat: Statistic, translator: Translator) -> Text:
    locale = translator.lang.locale
    amount = stat.value if stat.value is not None else stat.high
    try:
        compact = format_compact_decimal(amount, format_type="long", locale=locale, fraction_digits=1)
    except KeyError:  # e.g. Korean has no long compact forms: 620억
        compact = format_compact_decimal(amount, format_type="short", locale=locale, fraction_digits=1)
    name = get_currency_name(stat.currency or "", count=amount, locale=locale)
    pattern = translator.text(CURRENCY)
    return Text(pattern.value.format(amount=compact, currency=name), pattern.fallback)


def year_text(year: int | str, translator: Translator) -> Text:
    """A year as written, or the translated 'year unknown'."""
    if year == UNKNOWN:
        return translator.text(YEAR_UNKNOWN)
    return Text(str(year))


def unknown_or(value: object, translator: Translator, translate: bool = True) -> Text:
    """Metadata as text; the explicit 'unknown' of the dataset in the reader's language.

    ``translate=False`` is for proper names (producers, titles), which stay as published.
    """
    if value == UNKNOWN or value is None:
        return translator.text(UNKNOWN_WORD)
    if isinstance(value, int) and not isinstance(value, bool):
        return Text(number(value, translator.lang.locale))
    return translator.text(str(value)) if translate else Text(str(value))


def sentence_text(stat: Statistic, translator: Translator) -> tuple[Text, Text]:
    """The translated sentence template and the formatted value to put in it."""
    return translator.text(stat.sentence), value_text(stat, translator)
