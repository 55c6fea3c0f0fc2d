"""The dataset's typed model: the single definition of what a valid figure is.

Every field carries a description written for editors (what to put there, a good
example, a bad one); the JSON Schema in ``stats/schema/`` is exported from these
classes, so the editor's manual and the validator can never disagree.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

UNKNOWN = "unknown"
Unknown = Literal["unknown"]

UNITS = ("percent", "percentage_points", "multiplier", "people", "count", "currency")
Unit = Literal["percent", "percentage_points", "multiplier", "people", "count", "currency"]

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


def current_year() -> int:
    """The latest year a figure may describe; a function so tests can reason about it."""
    return date.today().year


class _Record(BaseModel):
    """Shared settings: unknown fields are errors, so a typo never silently drops data."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True, allow_inf_nan=False)


class Article(_Record):
    """An intermediary article: the text through which we know a figure (a seed article)."""

    id: Slug
    title: Union[str, Unknown] = Field(
        description="Title as printed in the article, or `unknown`. Good: `Småföretag erbjuder den bästa kundservicen`.",
    )
    language: str = Field(
        pattern=r"^[a-z]{2}$", description="ISO 639-1 code of the article's language. Good: `sv`. Bad: `Swedish`."
    )
    publisher: Union[str, Unknown] = Field(
        description="Who published the article; `unknown` when the text does not say. Never guess."
    )
    url: Union[str, Unknown] = Field(description="http(s) address of the article, or `unknown`.")
    file: Union[str, None] = Field(
        default=None, description="File name of the seed in `shared/seeds/` that holds its text, if any."
    )
    note: Union[str, None] = Field(default=None, description="Anything a reader should know about this article.")

    @field_validator("url")
    @classmethod
    def _http_only(cls, url: str) -> str:
        return check_url(url)


class Source(_Record):
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
    year_published: Union[int, Unknown] = Field(
        description="Year the source was published, or `unknown`. Good: `2018`. Bad: `2018?`, `circa 2018`."
    )
    fieldwork: Union[str, None] = Field(default=None, description="When the survey was in the field, if known.")
    url: Union[str, Unknown] = Field(
        description="http(s) address of the source itself, or `unknown`. `javascript:`, `data:`, `file:` are refused."
    )
    accessed: Union[date, None] = Field(default=None, description="Date the URL was last checked, `YYYY-MM-DD`.")
    method: Union[str, Unknown] = Field(description="How the data was collected. Good: `online survey`.")
    sample_size: Union[int, Unknown] = Field(description="Number of respondents, or `unknown`. Good: `5000`.")
    geography: Union[str, Unknown] = Field(description="Where the respondents are. Good: `Brazil, Germany, Japan, United Kingdom, United States`.")
    population: Union[str, Unknown] = Field(description="Who was asked. Good: `consumers aged 18+`.")
    licence: Union[str, Unknown] = Field(default=UNKNOWN, description="Licence of the source's data, if stated.")
    via: list[Slug] = Field(
        min_length=1,
        description="Ids of the intermediary articles (see articles.yaml) through which we know this source.",
    )
    note: Union[str, None] = Field(default=None, description="Caveats about the source as a whole.")

    @field_validator("url")
    @classmethod
    def _http_only(cls, url: str) -> str:
        return check_url(url)

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
    order: int = Field(ge=0, description="Position in the navigation; lower comes first.")


class FieldError(ValueError):
    """A rule about the whole record that one field breaks: the message then points at that field's line."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class Statistic(_Record):
    """One figure as a source states it, with the words that frame it."""

    id: Slug
    source: Slug = Field(description="Id of the source (sources.yaml) that produced the figure.")
    topic: Slug = Field(description="Id of the topic (topics.yaml) the figure belongs to.")
    year: Union[int, Unknown] = Field(
        description="Year the figure describes (fieldwork year), or `unknown`. Not the year an article repeated it."
    )
    value: Union[float, None] = Field(
        default=None, strict=True, description="The figure, as a plain number. Good: `81`, `54.4`. Bad: `81%`, `'81'`, `8l`."
    )
    low: Union[float, None] = Field(default=None, strict=True, description="Lower end of a range (with `high`, instead of `value`).")
    high: Union[float, None] = Field(default=None, strict=True, description="Upper end of a range (with `low`).")
    unit: Unit = Field(
        description=(
            "One of: percent (0–100), percentage_points, multiplier (`5` means five times), "
            "people (persons), count (things), currency (needs `currency`)."
        )
    )
    currency: Union[str, None] = Field(
        default=None, pattern=r"^[A-Z]{3}$", description="ISO 4217 code when unit is currency. Good: `USD`."
    )
    population: str = Field(min_length=1, description="Who the figure is about. Good: `US consumers`.")
    sentence: str = Field(
        min_length=1,
        description=(
            "Canonical English sentence with `{value}` where the figure goes; translators translate it. "
            "Good: `{value} of respondents expect a self-service portal.` Bad: `88% of respondents …` (number typed by hand)."
        ),
    )
    label: str = Field(
        min_length=1, max_length=70, description="Short English label for charts. Good: `Expect a self-service portal`."
    )
    quote: str = Field(
        min_length=1, description="The words of the intermediary article that state the figure, copied exactly."
    )
    caveat: Union[str, None] = Field(
        default=None, description="What a reader must know: vague wording, a garbled translation, a contradiction."
    )
    headline: bool = Field(default=False, description="Show on the home page among the headline findings.")
    series: Union[Slug, None] = Field(
        default=None,
        description=(
            "Figures that answer the same question in different years share a series id and are charted "
            "as before/after. Good: `try-new-brand-for-better-service`. Leave out when there is no comparison."
        ),
    )

    @field_validator("sentence")
    @classmethod
    def _one_placeholder(cls, sentence: str) -> str:
        if sentence.count(PLACEHOLDER) != 1 or re.search(r"\{(?!value\})", sentence):
            raise ValueError("expected exactly one `{value}` placeholder and no other braces")
        if re.search(r"\d", sentence.replace(PLACEHOLDER, "")):
            raise ValueError("expected no digits outside `{value}`: numbers come from `value`, write others as words")
        return sentence

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
        if has_range and self.low > self.high:  # type: ignore[operator]
            raise FieldError("low", f"range has low ({self.low:g}) greater than high ({self.high:g})")
        if self.unit == "percent":
            for name in ("value", "low", "high"):
                number = getattr(self, name)
                if number is not None and not 0 <= number <= 100:
                    raise FieldError(name, f"a percent must lie between 0 and 100 (got {number:g})")
        if self.unit == "currency" and not self.currency:
            raise ValueError("unit `currency` needs a `currency` code such as `USD`")
        if self.unit != "currency" and self.currency:
            raise ValueError("`currency` is only allowed with unit `currency`")
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
    "articles": Article,
    "sources": Source,
    "topics": Topic,
    "statistics": Statistic,
}
