"""The dataset's typed model: the single definition of what a valid figure is.

Every field carries a description written for editors (what to put there, a good
example, a bad one); the JSON Schema in ``stats/schema/`` is exported from these
classes, so the editor's manual and the validator can never disagree.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from datetime import date as date_type
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

UNKNOWN = "unknown"
Unknown = Literal["unknown"]


SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
Slug = Annotated[
    str,
    Field(
        pattern=SLUG_PATTERN,
        min_length=2,
        max_length=80,
        description=(
            "Stable identifier: lowercase letters, digits and single hyphens. It becomes a URL "
            "anchor and a file name, so never rename a published id. "
            "Good: `microsoft-2018-switched-brand`. Bad: `Stat 12`, `../x`, `ms_2018`."
        ),
    ),
]
PLACEHOLDER = "{value}"
# Babel and matplotlib fail on magnitudes near 1e27; no survey figure comes close to this.
MAX_MAGNITUDE = 1e15
StrictInt = Annotated[int, Field(strict=True)]  # `yes` is YAML for true, never the number 1
NUMBER_CATEGORIES = ("Nd", "Nl", "No")  # digits of every script, Roman numerals, superscripts, fractions


def first_number_character(text: str) -> int | None:
    """Index of the first character Unicode calls a number (``8``, ``٨``, ``²``, ``Ⅻ``, ``½``), or None.

    ``\\d`` alone misses superscripts, Roman numerals and vulgar fractions, which a
    reader reads as numbers all the same.
    """
    for index, char in enumerate(text):
        if unicodedata.category(char) in NUMBER_CATEGORIES:
            return index
    return None
PRIMARY_PLACEHOLDER = "{primary_value}"
FILL_NAME_PATTERN = r"^[a-z][a-z_]{0,30}$"
_FIELD = re.compile(r"\{([a-z][a-z_]{0,30})\}")
"""A placeholder in translatable text: ``{name}``. Anything else in braces stays literal text."""

QUALIFIERS = ("more_than", "at_least", "about", "nearly", "less_than", "up_to")
Qualifier = Literal["more_than", "at_least", "about", "nearly", "less_than", "up_to"]


def fields_in(text: str) -> list[str]:
    """The ``{name}`` placeholders of a translatable text, in order."""
    return _FIELD.findall(text)


def typed_digits(text: str) -> str | None:
    """The first digit typed by hand outside ``{name}`` placeholders, with some context, or None.

    Numbers in translatable text would not follow an edit of the data, and translators
    would copy them with the wrong spacing; they come from placeholders instead.
    """
    stripped = _FIELD.sub(" ", text)
    start = first_number_character(stripped)
    if start is None:
        return None
    return stripped[max(0, start - 15): start + 15].strip()


def _no_typed_digits(text: str | None) -> str | None:
    if text is not None:
        found = typed_digits(text)
        if found is not None:
            raise ValueError(
                f"number typed by hand ({found!r}); put numbers in `fills` and write `{{name}}` "
                "(or `{value}`), or write them as words")
    return text


def current_year() -> int:
    """The latest year a figure may describe; a function so tests can reason about it."""
    return date.today().year


class _Record(BaseModel):
    """Shared settings: unknown fields are errors, so a typo never silently drops data."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True, allow_inf_nan=False)


class Fill(_Record):
    """What one ``{name}`` placeholder of a caveat, note or sentence stands for: exactly one field."""

    quote: Union[str, None] = Field(
        default=None, min_length=1,
        description=(
            "Words quoted exactly from an article or a source, shown as a quotation in its own language "
            "(never translated). Good: `7 av 10 amerikaner`. Bad: `seven in ten` (a paraphrase: write it in "
            "the text itself)."
        ),
    )
    lang: Union[str, None] = Field(
        default=None, pattern=r"^[a-z]{2}$",
        description="Language of `quote` (ISO 639-1); default: the language of the first article in the source's `via`.",
    )
    figure: Union[Slug, None] = Field(
        default=None,
        description=(
            "Id of another statistic: its value is shown, formatted for the reader, with its qualifier. "
            "Good: `forbes-2019-spend-more`. Bad: `74 %` (typed by hand: it would not follow an edit)."
        ),
    )
    year: Union[int, None] = Field(
        default=None, ge=1900, le=2100,
        description="A year, shown as such (no digit grouping). Good: `2011`. Bad: `'2011'` or `2 011`.")
    date: Union["date_type", None] = Field(
        default=None, description="A date `YYYY-MM-DD`, shown in the reader's locale. Good: `2011-05-03`. Bad: `3 May 2011`.")
    number: Union[float, None] = Field(
        default=None, strict=True,
        description="A plain number, shown in the reader's locale. Good: `18` (as in 18+). Bad: `'18+'` (write the plus in the text)."
    )
    name: Union[str, None] = Field(
        default=None, min_length=1,
        description="A proper name with digits in it, shown as written. Good: `24/7 Wall St.`. Bad: `Comcast` (no digits: write it in the text).",
    )

    @model_validator(mode="after")
    def _exactly_one(self) -> "Fill":
        given = [name for name in ("quote", "figure", "year", "date", "number", "name") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(f"a fill has exactly one of quote, figure, year, date, number, name (got {given or 'none'})")
        if self.lang is not None and self.quote is None:
            raise ValueError("`lang` goes only with `quote`")
        return self

    @property
    def kind(self) -> str:
        return next(n for n in ("quote", "figure", "year", "date", "number", "name") if getattr(self, n) is not None)


FillName = Annotated[str, Field(pattern=FILL_NAME_PATTERN)]
Fills = dict[FillName, Fill]
_FILLS_DESCRIPTION = (
    "Values for the `{name}` placeholders of this record's translatable texts (sentence, caveat, note, "
    "fieldwork…), so that no number or quoted wording is typed into text that translators copy. "
    "Names: lowercase letters and underscores. Good: `caveat: The article gives this as {wording}.` with "
    "`fills: {wording: {quote: 7 av 10 amerikaner}}`. Bad: `caveat: The article gives this as \"7 of 10\".`"
)


class _Fillable(_Record):
    """A record whose translatable texts may hold ``{name}`` placeholders filled from ``fills``."""

    fills: Fills = Field(default_factory=dict, description=_FILLS_DESCRIPTION)

    def _check_fills(self, texts: dict[str, Union[str, None]], reserved: tuple[str, ...] = ()) -> None:
        used: set[str] = set()
        for field_name, text in texts.items():
            if not text:
                continue
            for name in fields_in(text):
                if name not in self.fills and name not in reserved:
                    raise ValueError(f"`{field_name}` uses {{{name}}}, which is not in `fills`"
                                     + (f" (nor one of {', '.join(reserved)})" if reserved else ""))
                used.add(name)
            _no_typed_digits(text)
        unused = sorted(set(self.fills) - used)
        if unused:
            raise ValueError(f"`fills` has {', '.join(unused)}, which no text uses")


class Measure(_Record):
    """What a figure counts. Figures of one measure can share a chart axis; others cannot.

    Add one for a new kind of quantity: no code changes, the axis label is translated in the catalogs.
    """

    id: Slug
    unit: str = Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        description="The unit every figure of this measure has (see statistics `unit`). Good: `percent` for a share of respondents. Bad: `people` for a share (that is a count).")
    axis_label: str = Field(
        min_length=1, max_length=60,
        description=(
            "Canonical English axis label, translated in the catalogs; no digits. "
            "Good: `Share of respondents`. Bad: `Per cent` (says the unit, not what is counted)."
        ),
    )
    description: str = Field(
        min_length=1,
        description=(
            "For editors: what is counted, and what does not belong here. Good: `Share of the people asked who "
            "gave an answer (a percent of respondents); not how much more they spend.`"
        ),
    )

    @field_validator("axis_label")
    @classmethod
    def _axis_digits(cls, text: str) -> str:
        return _no_typed_digits(text)  # type: ignore[return-value]


class PrimaryCheck(_Record):
    """What the primary source itself says, read beside the article that quoted it."""

    value: Union[float, None] = Field(
        default=None, strict=True,
        description="The primary source's own number for this figure, if it gives one. Good: `59`. Leave out when it gives none.",
    )
    qualifier: Union[Qualifier, None] = Field(
        default=None, description="The primary source's own qualifier (see the statistic's `qualifier`), if any."
    )
    quote: str = Field(
        min_length=1,
        description=(
            "The primary source's words for this figure, copied exactly, in its language. "
            "Good: `three in five Americans (59%) would try a new brand or company for a better service experience`."
        ),
    )
    lang: str = Field(default="en", pattern=r"^[a-z]{2}$", description="Language of `quote` (ISO 639-1). Good: `en`. Bad: `English`.")
    url: str = Field(
        description=(
            "http(s) address where the quoted words were read (a press release, a report, or a reprint of it when "
            "the original is cut off; say so in `note`). Good: `https://www.businesswire.com/news/home/…`. Bad: `unknown`."
        ))
    note: Union[str, None] = Field(
        default=None,
        description=(
            "English, translated: how the primary source differs from the article, and what we did about it. "
            "May use `{value}`, `{primary_value}` and the statistic's `fills`; no digits typed by hand. "
            "Good: `The release asks whether businesses have increased their focus on service, a nearby "
            "question; the article's wording is not in it.`"
        ),
    )

    @field_validator("url")
    @classmethod
    def _http_only(cls, url: str) -> str:
        if url == UNKNOWN:
            raise ValueError("a primary check needs the address where its words were read")
        return check_url(url)


class Article(_Fillable):
    """An intermediary article: the text through which we know a figure (a seed article)."""

    id: Slug
    title: Union[str, Unknown] = Field(
        description="Title as printed in the article, or `unknown`. Good: `Småföretag ger bättre service`.",
    )
    language: str = Field(
        pattern=r"^[a-z]{2}$", description="ISO 639-1 code of the article's language. Good: `sv`. Bad: `Swedish`."
    )
    publisher: Union[str, Unknown] = Field(
        description="Who published the article; `unknown` when the text does not say. Never guess."
    )
    url: Union[str, Unknown] = Field(description="http(s) address of the article, or `unknown`.")
    file: Union[str, None] = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="File name of the article's text in the digest's `quotes.texts` folder, if you have it; "
        "`digest validate` then checks every quote against it. Good: `000_8307cedd1a389eb0.txt`. Bad: `../x.txt`.",
    )
    note: Union[str, None] = Field(
        default=None,
        description="Anything a reader should know about this article; English, translated. Digits go in `fills`.",
    )

    @field_validator("url")
    @classmethod
    def _http_only(cls, url: str) -> str:
        return check_url(url)

    @model_validator(mode="after")
    def _fills_used(self) -> "Article":
        self._check_fills({"note": self.note})
        return self


class Source(_Fillable):
    """The organisation and publication that produced a figure (the primary source)."""

    id: Slug
    producer: Union[str, Unknown] = Field(
        description=(
            "The organisation that ran the survey, not the article that quoted it. "
            "Good: `Microsoft`. Bad: `Business News Daily` (that is the intermediary, see `via`)."
        )
    )
    title: Union[str, Unknown] = Field(
        description="Title of the report or survey; `unknown` if the intermediary does not name it."
    )
    year_published: Union[StrictInt, Unknown] = Field(
        description="Year the source was published, or `unknown`. Good: `2018`. Bad: `2018?`, `circa 2018`."
    )
    fieldwork: Union[str, None] = Field(
        default=None,
        description=(
            "When the survey was in the field, if known; English, translated, dates as `fills`. "
            "Good: `{start} to {end}, United States sample` with `fills: {start: {date: 2011-02-02}, end: {date: 2011-02-10}}`. "
            "Bad: `2–10 February 2011`."
        ),
    )
    url: Union[str, Unknown] = Field(
        description="http(s) address of the source itself, or `unknown`. `javascript:`, `data:`, `file:` are refused."
    )
    accessed: Union[date, None] = Field(default=None, description="Date the URL was last checked, `YYYY-MM-DD`.")
    method: Union[str, Unknown] = Field(description="How the data was collected. Good: `online survey`.")
    sample_size: Union[Annotated[int, Field(strict=True, ge=1, le=10_000_000_000)], Unknown] = Field(
        description="Number of respondents (a whole number, at least 1), or `unknown`. Good: `5000`. Bad: `yes`, `-5`.")
    geography: Union[str, Unknown] = Field(description="Where the respondents are. Good: `Brazil, Germany, Japan, United Kingdom, United States`.")
    population: Union[str, Unknown] = Field(
        description="Who was asked; English, translated. Good: `consumers aged {age} or older` with `fills: {age: {number: 18}}`."
    )
    licence: Union[str, Unknown] = Field(default=UNKNOWN, description="Licence of the source's data, if stated.")
    via: list[Slug] = Field(
        min_length=1,
        description="Ids of the intermediary articles (see articles.yaml) through which we know this source.",
    )
    note: Union[str, None] = Field(
        default=None, description="Caveats about the source as a whole; English, translated. Digits go in `fills`."
    )

    @field_validator("url")
    @classmethod
    def _http_only(cls, url: str) -> str:
        return check_url(url)

    @model_validator(mode="after")
    def _fills_used(self) -> "Source":
        texts = {name: getattr(self, name) for name in ("fieldwork", "method", "geography", "population", "note")}
        self._check_fills({k: (None if v == UNKNOWN else v) for k, v in texts.items()})
        return self

    @field_validator("year_published")
    @classmethod
    def _not_future(cls, year: Union[int, str]) -> Union[int, str]:
        if isinstance(year, int) and not 1900 <= year <= current_year():
            raise ValueError(f"expected a year between 1900 and {current_year()}, got {year}")
        return year


class Topic(_Record):
    """A group of figures that gets its own page and chart."""

    id: Slug
    title: str = Field(min_length=1, description="Canonical English title; translated in the catalogs.")
    chart_title: str = Field(min_length=1, description="Canonical English chart title; translated in the catalogs.")
    order: StrictInt = Field(ge=0, description="Position in the navigation; lower comes first.")

    @field_validator("title", "chart_title")
    @classmethod
    def _title_digits(cls, text: str) -> str:
        return _no_typed_digits(text)  # type: ignore[return-value]


class FieldError(ValueError):
    """A rule about the whole record that one field breaks: the message then points at that field's line."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class Statistic(_Fillable):
    """One figure as a source states it, with the words that frame it."""

    id: Slug
    source: Slug = Field(description="Id of the source (sources.yaml) that produced the figure.")
    topic: Slug = Field(description="Id of the topic (topics.yaml) the figure belongs to.")
    measure: Slug = Field(
        description=(
            "Id of what the figure counts (measures.yaml); its unit must be the figure's unit. Figures of one "
            "measure may share a chart axis, others never do. Good: `share-of-respondents` for \"81 % of "
            "consumers\", `average-extra-spend` for \"spend on average 13 % more\". Bad: `share-of-respondents` "
            "for a 13 % price premium (a percent, but not of people)."
        ),
    )
    question: Slug = Field(
        description=(
            "Key of the question asked or claim made, shared by figures that answer the very same question "
            "(only those may form a `series`). Good: `try-new-brand-for-better-service`. Bad: `loyalty` "
            "(a topic, not a question)."
        ),
    )
    year: Union[StrictInt, Unknown] = Field(
        description="Year the figure describes (fieldwork year), or `unknown`. Not the year an article repeated it."
    )
    value: Union[float, None] = Field(
        default=None, strict=True, description="The figure, as a plain number. Good: `81`, `54.4`. Bad: `81%`, `'81'`, `8l`."
    )
    low: Union[float, None] = Field(default=None, strict=True, description="Lower end of a range (with `high`, instead of `value`).")
    high: Union[float, None] = Field(default=None, strict=True, description="Upper end of a range (with `low`).")
    qualifier: Union[Qualifier, None] = Field(
        default=None,
        description=(
            "How the article bounds the number, shown with it everywhere (sentences, charts, tables, downloads): "
            "more_than, at_least, about, nearly, less_than, up_to. Good: `more_than` with `value: 78` for "
            "\"more than 78 %\"; `nearly` with `value: 67` for \"nearly two thirds\"; `about` with `value: 33` for "
            "\"one third\". Bad: `value: 67` alone for \"nearly two thirds\" (reads as exact). Leave out for an exact figure; "
            "then do not write \"more than\" in the sentence either, the qualifier says it."
        ),
    )
    unit: str = Field(
        pattern=r"^[a-z][a-z0-9_]*$",
        description=(
            "A unit of the registry (scripts/digest/units.yaml, plus the digest's stats/units.yaml): "
            "percent (0–100), percentage_points, multiplier (`5` means five times), people (persons), "
            "count (things), currency (needs `currency`), seconds, minutes, hours, days, weeks, months, years."
        ),
    )
    currency: Union[str, None] = Field(
        default=None, pattern=r"^[A-Z]{3}$", description="ISO 4217 code when the unit is a currency. Good: `USD`."
    )
    population: str = Field(min_length=1, description="Who the figure is about. Good: `US consumers`.")
    sentence: str = Field(
        min_length=1,
        description=(
            "Canonical English sentence with `{value}` where the figure goes (its qualifier comes with it); "
            "translators translate it. Other `{name}` placeholders come from `fills`. "
            "Good: `{value} of respondents expect a self-service portal.` Bad: `88% of respondents …` (number typed "
            "by hand), `More than {value} of …` (write `qualifier: more_than` instead)."
        ),
    )
    label: str = Field(
        min_length=1, max_length=70,
        description=(
            "Short English label for charts. It names what respondents said, not a fact about the world. "
            "Good: `Expect a self-service portal`, `Think companies take them for granted`. "
            "Bad: `Companies take their clients for granted` (reads as a fact, not a belief)."
        ),
    )
    quote: Union[str, None] = Field(
        default=None,
        min_length=1,
        description="The words of the intermediary article that state the figure, copied exactly. Required when "
        "the digest's quotes policy says so (`quotes.required` in site_config/digest.yaml).",
    )
    caveat: Union[str, None] = Field(
        default=None,
        description=(
            "What a reader must know: vague wording, a garbled translation, a contradiction. English, translated; "
            "no digits: `{value}` is this figure, other numbers and quoted wordings come from `fills`. "
            "Good: `The article gives this as {wording}.` Bad: `The article gives this as \"7 of 10\".`"
        ),
    )
    primary: Union[PrimaryCheck, None] = Field(
        default=None,
        description=(
            "The primary source read beside the article: its own value and words. The dataset keeps the article's "
            "value unless the caveat argues otherwise; the page shows both. Leave out when the primary source "
            "could not be read."
        ),
    )
    headline: bool = Field(default=False, description="Show on the home page among the headline findings.")
    series: Union[Slug, None] = Field(
        default=None,
        description=(
            "Figures that answer the same question (same `question`, `measure` and source) in different years "
            "share a series id and are charted as before/after. Good: `try-new-brand-for-better-service` for two "
            "waves of one survey. Bad: joining American Express 2011 and Forbes 2019 (two producers, two questions: "
            "the validator refuses it). Leave out when there is no comparison."
        ),
    )

    @field_validator("sentence")
    @classmethod
    def _one_placeholder(cls, sentence: str) -> str:
        if sentence.count(PLACEHOLDER) != 1:
            raise ValueError("expected exactly one `{value}` placeholder")
        if re.search(r"\{(?![a-z][a-z_]{0,30}\})", sentence):
            raise ValueError("expected `{value}` and `{name}` placeholders only, no other braces")
        if typed_digits(sentence) is not None:
            raise ValueError("expected no digits outside `{value}`: numbers come from `value`, write others as words")
        return sentence

    @model_validator(mode="after")
    def _fills_used(self) -> "Statistic":
        note = self.primary.note if self.primary else None
        reserved = ("value", "primary_value") if self.primary else ("value",)
        self._check_fills({"sentence": self.sentence, "caveat": self.caveat, "primary.note": note}, reserved)
        for name, text in (("caveat", self.caveat), ("primary.note", note)):
            if "primary_value" in fields_in(text or "") and (self.primary is None or self.primary.value is None):
                raise ValueError(f"`{name}` uses {{primary_value}}, but `primary` gives no `value`")
        if any(self.fills[n].figure == self.id for n in self.fills):
            raise ValueError("a fill refers to the statistic itself; use `{value}`")
        return self

    @field_validator("year")
    @classmethod
    def _not_future(cls, year: Union[int, str]) -> Union[int, str]:
        if isinstance(year, int) and not 1900 <= year <= current_year():
            raise ValueError(f"expected a year between 1900 and {current_year()}, got {year}")
        return year

    @model_validator(mode="after")
    def _value_shape(self) -> "Statistic":
        has_range = self.low is not None or self.high is not None
        if self.value is None and not has_range:
            raise ValueError("field `value` (or `low` and `high`) is required")
        if self.value is not None and has_range:
            raise ValueError("give either `value` or `low` and `high`, not both")
        if has_range and (self.low is None or self.high is None):
            raise ValueError("a range needs both `low` and `high`")
        if any(abs(n) > MAX_MAGNITUDE for n in self.numbers if n is not None):
            raise ValueError(f"a figure larger than {MAX_MAGNITUDE:.0e} in size is not allowed; check the value")
        if has_range and self.low > self.high:  # type: ignore[operator]
            raise FieldError("low", f"range has low ({self.low:g}) greater than high ({self.high:g})")
        return self

    @property
    def numbers(self) -> tuple[float, ...]:
        """The one or two numbers the figure consists of, for checks and charts."""
        return (self.value,) if self.value is not None else (self.low, self.high)  # type: ignore[return-value]

    @property
    def is_range(self) -> bool:
        return self.value is None


def check_url(url: str) -> str:
    """Only http(s) may become a link: anything else could run script in a reader's browser."""
    if url == UNKNOWN:
        return url
    if not re.match(r"^https?://[^\s/$.?#][^\s<>\"']*$", url, flags=re.IGNORECASE):
        raise ValueError(f"expected an http(s) URL or `unknown`, got {url[:60]!r}")
    return url


RECORD_TYPES: dict[str, type[_Record]] = {
    "measures": Measure,
    "articles": Article,
    "sources": Source,
    "topics": Topic,
    "statistics": Statistic,
}
