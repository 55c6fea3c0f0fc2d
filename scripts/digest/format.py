"""Stage 2, format: a statistic's numbers in a reader's locale, with Babel.

Why here and not in templates: every number a reader sees, in prose, lists,
charts, alt text and downloads, comes from these functions, so "81 %" in Swedish
and "81%" in Korean are decided in one place. Unit words ("people", "times")
come from the catalogs so that plural rules are each language's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Mapping, Union
from weakref import WeakKeyDictionary

from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal, format_percent, get_currency_name
from babel.units import format_unit, get_unit_name

from .messages import CURRENCY, QUALIFIED, QUOTED_WORDS, RANGE, UNKNOWN_WORD, YEAR_UNKNOWN
from .model import UNKNOWN, Fill, Statistic, fields_in
from .translate import Text, Translator
from .units import Unit


@lru_cache(maxsize=65536)
def number(value: float, locale: str) -> str:
    """A plain number: decimal comma, grouping, as many decimals as the data has.

    Memoized: Babel's formatting is the costliest step of a page; a number is
    formatted once per locale however many pages, charts and downloads show it.
    """
    return format_decimal(value, locale=locale, decimal_quantization=False)


# Each language's formatted values, by what a value's text depends on; dropped with the translator.
_VALUES: "WeakKeyDictionary[Translator, dict[tuple, Text]]" = WeakKeyDictionary()


def value_text(stat: Statistic, translator: Translator, units: Mapping[str, Unit]) -> Text:
    """The figure with its unit and qualifier, e.g. ``mer än 78 %``, ``5–25 gånger``.

    Every view (sentence, chart label, alt text, table, download) shows a figure
    through this function, so a qualifier the source gave is never dropped in one of them.
    How the unit is written comes from the unit registry (``units.yaml``), never from the
    unit's name. Formatted once per figure and language: a figure appears in its sentence, its
    list entry, its chart, the chart's alt text and table, and the downloads.
    """
    memo = _VALUES.setdefault(translator, {})
    unit = units[stat.unit]
    key = (unit, stat.numbers, stat.currency, stat.value, stat.high, stat.qualifier)
    if key not in memo:
        memo[key] = _value_text(stat, translator, unit)
    return memo[key]


def _value_text(stat: Statistic, translator: Translator, unit: Unit) -> Text:
    """What :func:`value_text` memoizes: the bare value, then its qualifier."""
    return qualified(_bare_value(stat, translator, unit), stat.qualifier, translator)


def qualified(bare: Text, qualifier: str | None, translator: Translator) -> Text:
    """A formatted number with its qualifier (``about 33 %``), worded by each language's catalog."""
    if qualifier is None:
        return bare
    pattern = translator.text(QUALIFIED[qualifier])
    return Text(pattern.value.format(value=bare.value), bare.fallback or pattern.fallback)


def primary_value_text(stat: Statistic, translator: Translator, units: Mapping[str, Unit]) -> Text:
    """The primary source's own number, formatted like the figure's (same unit)."""
    assert stat.primary is not None and stat.primary.value is not None
    shown = stat.model_copy(update={"value": stat.primary.value, "low": None, "high": None,
                                    "qualifier": stat.primary.qualifier})
    return value_text(shown, translator, units)


def _bare_value(stat: Statistic, translator: Translator, unit: Unit) -> Text:
    locale = translator.lang.locale
    numbers = [number(n, locale) for n in stat.numbers]
    shown = numbers[0] if len(numbers) == 1 else translator.text(RANGE).value.format(low=numbers[0], high=numbers[1])
    count = stat.numbers[-1]
    if unit.format == "percent":
        return Text(_percent_pattern(locale).replace("100", shown, 1))
    if unit.format == "currency":
        return _currency(stat, translator)
    if unit.format == "unit":
        # CLDR picks the plural form from the number; the number it printed is then replaced by
        # ours (all decimals, or the range).
        return Text(_cldr_unit(count, unit.cldr or "", locale).replace(format_decimal(count, locale=locale), shown, 1))
    if unit.format == "plural":
        words = translator.plural(unit.forms, count)  # type: ignore[arg-type]
        return Text(words.value.format(n=shown), words.fallback)
    return Text(shown)


def _cldr_unit(value: float, unit: str, locale: str) -> str:
    """A CLDR unit in the locale's longest form it has ("54 minuuttia"; Korean has only short: "54분")."""
    for length in ("long", "short", "narrow"):
        text = format_unit(value, unit, length=length, locale=locale)
        if unit not in text:
            return text
    return text


def unit_name(unit: Unit, locale: str) -> str:
    """CLDR's name of a unit in the locale, capitalized for an axis label ("Minutes", "Minuutit")."""
    for length in ("long", "short", "narrow"):
        name = get_unit_name(unit.cldr or "", length=length, locale=locale)
        if name:
            return name[:1].upper() + name[1:]
    return unit.id


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


def sentence_text(stat: Statistic, translator: Translator, units: Mapping[str, Unit]) -> tuple[Text, Text]:
    """The translated sentence template and the formatted value to put in it."""
    return translator.text(stat.sentence), value_text(stat, translator, units)


def is_old(stat: Statistic, updated: date, old_after_years: int) -> bool:
    """A figure describing a year long before the dataset's last update; shown with a mark everywhere."""
    return isinstance(stat.year, int) and updated.year - stat.year > old_after_years


@dataclass(frozen=True)
class Segment:
    """A piece of a filled text: plain words, a quotation (in its own language) or another figure's value."""

    kind: str  # "text" | "quote" | "figure"
    text: str
    lang: str = ""
    figure: str = ""  # statistic id, for kind "figure"


def fill_segments(template: str, fills: Mapping[str, Fill], translator: Translator,
                  statistics: Mapping[str, Statistic], units: Mapping[str, Unit], own: Union[Statistic, None] = None,
                  quote_lang: str = "") -> list[Segment]:
    """A translated text with its ``{name}`` placeholders filled, as segments the render stage marks up.

    Only ``{name}`` of the record's fills (and ``{value}``/``{primary_value}`` of its own
    figure) are replaced; any other brace stays literal text, so data can never reach
    Python's format machinery.
    """
    known = set(fills) | ({"value", "primary_value"} if own is not None else set())
    segments: list[Segment] = []
    rest = template
    for name in fields_in(template):
        marker = "{" + name + "}"
        before, found, rest = rest.partition(marker)
        if before:
            segments.append(Segment("text", before))
        if name not in known:
            segments.append(Segment("text", marker))
            continue
        segments.append(_fill(name, fills, translator, statistics, units, own, quote_lang))
    if rest:
        segments.append(Segment("text", rest))
    return segments


def _fill(name: str, fills: Mapping[str, Fill], translator: Translator, statistics: Mapping[str, Statistic],
          units: Mapping[str, Unit], own: Union[Statistic, None], quote_lang: str) -> Segment:
    locale = translator.lang.locale
    if name == "value" and own is not None:
        return Segment("figure", value_text(own, translator, units).value, figure=own.id)
    if name == "primary_value" and own is not None:
        return Segment("text", primary_value_text(own, translator, units).value)
    fill = fills[name]
    if fill.quote is not None:
        return Segment("quote", fill.quote, lang=fill.lang or quote_lang)
    if fill.figure is not None:
        return Segment("figure", value_text(statistics[fill.figure], translator, units).value, figure=fill.figure)
    if fill.year is not None:
        return Segment("text", str(fill.year))
    if fill.date is not None:
        return Segment("text", format_date(fill.date, format="long", locale=locale))
    if fill.number is not None:
        return Segment("text", number(fill.number, locale))
    return Segment("text", fill.name or "")


def capitalized(segments: list[Segment]) -> list[Segment]:
    """A sentence that opens with a qualified figure ("mer än 78 %") starts with a capital letter."""
    if segments and segments[0].text[:1].islower():
        first = segments[0]
        return [Segment(first.kind, first.text[:1].upper() + first.text[1:], first.lang, first.figure), *segments[1:]]
    return segments


def plain_text(segments: list[Segment], translator: Translator) -> str:
    """Segments as plain text (downloads, alt text): quotations in the language's quotation marks."""
    marks = translator.text(QUOTED_WORDS).value
    return "".join(marks.format(quote=s.text) if s.kind == "quote" else s.text for s in segments)


def filled_text(template: Text, fills: Mapping[str, Fill], translator: Translator, statistics: Mapping[str, Statistic],
                units: Mapping[str, Unit], own: Union[Statistic, None] = None, quote_lang: str = "") -> Text:
    """A translated text with placeholders filled, as plain text."""
    segments = fill_segments(template.value, fills, translator, statistics, units, own, quote_lang)
    return Text(plain_text(segments, translator), template.fallback)
