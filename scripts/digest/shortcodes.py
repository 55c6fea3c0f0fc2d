"""Every shortcode in one place: what prose may write between ``[[`` and ``]]``.

Each :class:`Shortcode` is one object — name, one-line doc, block or inline, the
kind of argument it takes, and the handler that makes its HTML — so adding one
is one entry in :data:`REGISTRY` and one template in ``templates/``. The lint
stage reads the names, arguments and block flags from here; the render stage
calls the handlers; CONTRIBUTING's table is checked against the docs by a test.

A handler gets a :class:`Site` (the render stage's view of one language: data,
translator, links, templates) and a :class:`PageContext`, and returns HTML made
by a template, never by string formatting, so every value is escaped once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any, Callable, Collection, Mapping, Protocol, Sequence

from babel.dates import format_date
from markupsafe import Markup, escape

from .chart import Chart, chart_ids
from .cite import Citation, cite_figure, cite_source
from .catalogs import StatusReport
from .config import DigestConfig
from .export import download_names
from .format import (Segment, capitalized, fill_segments, is_old, number, primary_value_text, sentence_text,
                     unknown_or, value_text, year_text)
from .load import Dataset
from .messages import N_, NOT_TRANSLATED, OLD_DATA, QUOTED_WORDS, SOURCE, SOURCES, UNKNOWN_WORD
from .model import UNKNOWN, Fill, Source, Statistic
from .translate import Text, Translator

# [[name]] or [[name argument]]; the argument is an id (lowercase, digits, hyphens).
SHORTCODE = re.compile(r"\[\[\s*([a-z]+)(?:\s+([a-z0-9-]+))?\s*\]\]")


class Labels:
    """Interface strings the templates show, as ``L.NAME``; ``N_`` marks them for the catalogs."""

    CITE = N_("Cite this figure")
    CITE_SOURCE = N_("Cite this source")
    QUOTED = N_("“{title}”")
    CAVEAT = N_("Caveat")
    VIA = N_("Via")
    YEAR = N_("Year")
    FIGURE = N_("Figure")
    VALUE = N_("Value")
    DATA_TABLE = N_("Chart data as a table")
    CHART_DATA_CSV = N_("Chart data (CSV)")
    DOWNLOAD_CSV = N_("Whole dataset (CSV)")
    DOWNLOAD_JSON = N_("Whole dataset (JSON)")
    FIGURES_WORD = N_("Figures")
    PRODUCER = N_("Producer")
    TITLE = N_("Title")
    PUBLISHED = N_("Published")
    FIELDWORK = N_("Fieldwork")
    ADDRESS = N_("Address")
    METHOD = N_("Method")
    SAMPLE = N_("Sample size")
    GEOGRAPHY = N_("Geography")
    POPULATION = N_("Population")
    LICENCE = N_("Licence")
    NOTE = N_("Note")
    ARTICLE = N_("Intermediary article")
    LANGUAGE = N_("Language")
    TRANSLATED = N_("Translated")
    MISSING = N_("Missing")
    OUTDATED = N_("Outdated")
    OLD_DATA_TITLE = N_("This figure describes a year long before the dataset was last updated.")
    NOT_TRANSLATED_TITLE = N_("This text has not been translated yet and is shown in {language}.")
    NOT_TRANSLATED = NOT_TRANSLATED
    OLD_DATA = OLD_DATA
    SOURCE = SOURCE
    SOURCES = SOURCES
    UNKNOWN = UNKNOWN_WORD
    PRIMARY_SOURCE = N_("Primary source")
    PRIMARY_DIFFERS = N_("The article says {value}; {producer} says {primary_value}:")
    PRIMARY_AGREES = N_("{producer}'s own words:")
    PRIMARY_WHERE = N_("read at")


@dataclass(frozen=True)
class PageContext:
    """The page a shortcode stands on."""

    lang: str
    path: str  # relative to the language folder, e.g. "topics/word-of-mouth.md"
    shown: str  # for messages, e.g. "content/sv/topics/word-of-mouth.md"


class Site(Protocol):
    """What a handler may use: the render stage's view of one language (see ``render.Renderer``)."""

    dataset: Dataset
    config: DigestConfig
    translator: Translator
    charts: Mapping[str, Chart]
    updated: date
    status: StatusReport | None

    def template(self, name: str, **values: Any) -> Markup: ...

    def show(self, text: Text) -> Markup: ...

    def link(self, page: PageContext, target_page: str, anchor: str = "") -> str: ...

    def absolute(self, page: PageContext, target_page: str, anchor: str = "") -> str: ...


Handler = Callable[[Site, "str | None", PageContext], str]
# What a shortcode would show nothing of, for this dataset and argument: a message for lint, or None.
Empty = Callable[[Dataset, "str | None"], "str | None"]
COUNTS = ("figures", "sources", "topics", "old-data-years")


class Argument(Enum):
    """What a shortcode's argument names; lint checks it against the dataset."""

    NONE = "none"
    STATISTIC = "ID"
    SOURCE = "SOURCE"
    TOPIC = "TOPIC"
    CHART = "CHART"
    COUNT = "WHAT"

    def ids(self, dataset: Dataset) -> Collection[str]:
        """The arguments this kind accepts for the given dataset (chart ids only when asked: they cost a pass)."""
        if self is Argument.CHART:
            return set(chart_ids(dataset))
        return {
            Argument.NONE: (), Argument.STATISTIC: dataset.statistics, Argument.SOURCE: dataset.sources,
            Argument.TOPIC: dataset.topics, Argument.COUNT: COUNTS,
        }[self]


@dataclass(frozen=True)
class Shortcode:
    """One shortcode: how prose writes it, what it shows, and the handler that makes its HTML."""

    name: str
    doc: str
    block: bool
    argument: Argument
    handler: Handler
    empty: Empty | None = None  # lint refuses a shortcode that would render nothing

    @property
    def usage(self) -> str:
        """How prose writes it, e.g. ``[[stat ID]]``."""
        return f"[[{self.name}]]" if self.argument is Argument.NONE else f"[[{self.name} {self.argument.value}]]"


# --- views: the values a template shows, computed once per figure ------------------

def figure_view(site: Site, stat: Statistic, page: PageContext) -> dict[str, Any]:
    """Everything the figure partials (``_value``, ``_attribution``, ``_sentence``) show of one figure."""
    tr = site.translator
    source = site.dataset.sources[stat.source]
    template, value = sentence_text(stat, tr, site.dataset.units)
    value_href = site.link(page, f"topics/{stat.topic}.md", stat.id)
    lang = _quote_lang(site, stat.source)
    segments = capitalized(fill_segments(template.value, stat.fills, tr, site.dataset.statistics, site.dataset.units, stat, lang))
    return {
        "id": stat.id, "value": value, "value_href": value_href,
        "producer": unknown_or(source.producer, tr, translate=False), "year": year_text(stat.year, tr),
        "source_href": site.link(page, "sources.md", f"source-{source.id}"), "old": _is_old(site, stat),
        "segments": segment_views(site, segments, page), "fallback": template.fallback,
        "caveat": filled_view(site, stat.caveat, stat.fills, page, stat, lang) if stat.caveat else None,
        "primary": _primary_view(site, stat, page) if stat.primary else None,
    }


def _quote_lang(site: Site, source_id: str) -> str:
    """Default language of a quoted wording: that of the first article the source came through."""
    via = site.dataset.sources[source_id].via
    return site.dataset.articles[via[0]].language if via else ""


def segment_views(site: Site, segments: Sequence[Segment], page: PageContext) -> list[dict[str, str]]:
    """Filled text for ``_segments.html``: words, quotations in their own language, other figures linked."""
    before, _, after = site.translator.text(QUOTED_WORDS).value.partition("{quote}")
    views = []
    for seg in segments:
        view = {"kind": seg.kind, "text": seg.text, "lang": seg.lang, "open": before, "close": after, "href": ""}
        if seg.kind == "figure":
            other = site.dataset.statistics[seg.figure]
            view["href"] = site.link(page, f"topics/{other.topic}.md", other.id)
        views.append(view)
    return views


def filled_view(site: Site, message: str, fills: Mapping[str, Fill], page: PageContext,
                own: Statistic | None = None, quote_lang: str = "") -> dict[str, Any]:
    """A translatable data text (caveat, note…) with its placeholders filled, for ``_filled.html``."""
    text = site.translator.text(message)
    segments = fill_segments(text.value, fills, site.translator, site.dataset.statistics, site.dataset.units, own, quote_lang)
    return {"segs": segment_views(site, segments, page), "fallback": text.fallback}


def _primary_view(site: Site, stat: Statistic, page: PageContext) -> dict[str, Any]:
    """The primary source beside the article: both values when they differ, its own words, and our note."""
    tr, primary = site.translator, stat.primary
    assert primary is not None
    producer = unknown_or(site.dataset.sources[stat.source].producer, tr, translate=False).value
    differs = primary.value is not None and ((primary.value, primary.qualifier) != (stat.value, stat.qualifier)
                                             or stat.is_range)
    pattern = tr.text(Labels.PRIMARY_DIFFERS if differs else Labels.PRIMARY_AGREES).value
    parts = {"value": Segment("figure", value_text(stat, tr, site.dataset.units).value, figure=stat.id),
             "producer": Segment("text", producer)}
    if differs:
        parts["primary_value"] = Segment("strong", primary_value_text(stat, tr, site.dataset.units).value)
    pieces = re.split(r"\{([a-z_]+)\}", pattern)
    head = [parts.get(p, Segment("text", "{" + p + "}")) if i % 2 else Segment("text", p)
            for i, p in enumerate(pieces) if p or i % 2]
    before, _, after = tr.text(QUOTED_WORDS).value.partition("{quote}")
    host = primary.url.split("://", 1)[-1].split("/", 1)[0].removeprefix("www.")
    note = (filled_view(site, primary.note, stat.fills, page, stat, _quote_lang(site, stat.source))
            if primary.note else None)
    return {"head": segment_views(site, head, page), "quote": primary.quote, "lang": primary.lang, "open": before,
            "close": after, "url": primary.url, "host": host, "note": note}


def _is_old(site: Site, stat: Statistic) -> bool:
    return is_old(stat, site.updated, site.config.old_data_after_years)


def _figure_list(site: Site, stats: Sequence[Statistic], page: PageContext, anchors: bool) -> Markup:
    figures = [dict(figure_view(site, s, page), citation=_cite_figure(site, s, page) if anchors else None) for s in stats]
    return site.template("figures.html", figures=figures, anchors=anchors)


def _cite_figure(site: Site, stat: Statistic, page: PageContext) -> Citation:
    url = site.absolute(page, f"topics/{stat.topic}.md", stat.id)
    return cite_figure(stat, site.dataset, site.translator, url, not site.config.site_url, site.updated,
                       site.translator.text(site.config.dataset.name).value)


def _cite_source(site: Site, source: Source, page: PageContext) -> Citation:
    url = site.absolute(page, "sources.md", f"source-{source.id}")
    return cite_source(source, site.dataset, site.translator, url, not site.config.site_url, site.updated,
                       site.translator.text(site.config.dataset.name).value)


def _source_view(site: Site, source: Source, page: PageContext) -> dict[str, Any]:
    tr = site.translator
    lang = _quote_lang(site, source.id)

    def filled(text: str | None) -> Markup:
        if text is None or text == UNKNOWN:
            return site.show(unknown_or(text, tr))
        return site.template("_filled.html", x=filled_view(site, text, source.fills, page, quote_lang=lang))

    articles = [{"language": site.config.html_lang_of(a.language), "title_known": a.title != UNKNOWN,
                 "url": "" if a.url == UNKNOWN else a.url,
                 "note": site.template("_filled.html", x=filled_view(site, a.note, a.fills, page, quote_lang=a.language))
                 if a.note else "",
                 "title": unknown_or(a.title, tr, translate=False), "publisher": unknown_or(a.publisher, tr, translate=False)}
                for a in (site.dataset.articles[i] for i in source.via)]
    return {
        "id": source.id, "producer": unknown_or(source.producer, tr, translate=False),
        "title": "" if source.title == UNKNOWN else source.title, "title_text": unknown_or(source.title, tr, translate=False),
        "published": year_text(source.year_published, tr), "fieldwork": filled(source.fieldwork),
        "url": "" if source.url == UNKNOWN else source.url, "method": filled(source.method),
        "sample": unknown_or(source.sample_size, tr, translate=False), "geography": filled(source.geography),
        "population": filled(source.population), "licence": unknown_or(source.licence, tr),
        "note": filled(source.note) if source.note else "", "articles": articles,
        "citation": _cite_source(site, source, page),
        # A source without producer or title is told apart (in its heading and the table of
        # contents) by what it is cited for: the label of its first figure.
        "about": "" if source.producer != UNKNOWN or source.title != UNKNOWN else next(
            (tr.text(s.label).value for s in site.dataset.statistics_from(source.id)), ""),
        "figures": [figure_view(site, s, page) for s in site.dataset.statistics_from(source.id)],
    }


# --- handlers: one per shortcode ----------------------------------------------------

def _stat(site: Site, arg: str | None, page: PageContext) -> str:
    return site.template("stat.html", f=figure_view(site, site.dataset.statistics[arg or ""], page))


def _sentence(site: Site, arg: str | None, page: PageContext) -> str:
    return site.template("sentence.html", f=figure_view(site, site.dataset.statistics[arg or ""], page))


def _source(site: Site, arg: str | None, page: PageContext) -> str:
    source = site.dataset.sources[arg or ""]
    return site.template("source.html", href=site.link(page, "sources.md", f"source-{source.id}"),
                         producer=unknown_or(source.producer, site.translator, translate=False))


def _sample(site: Site, arg: str | None, page: PageContext) -> str:
    return site.show(unknown_or(site.dataset.sources[arg or ""].sample_size, site.translator))


def _count(site: Site, arg: str | None, page: PageContext) -> str:
    data = site.dataset
    n = {"figures": len(data.statistics), "sources": len(data.sources), "topics": len(data.topics),
         "old-data-years": site.config.old_data_after_years}[arg or ""]
    return escape(number(n, site.translator.lang.locale))


def _updated(site: Site, arg: str | None, page: PageContext) -> str:
    shown = format_date(site.updated, format="long", locale=site.translator.lang.locale)
    return site.template("updated.html", iso=site.updated.isoformat(), shown=shown)


def _licence(site: Site, arg: str | None, page: PageContext) -> str:
    return site.template("licence.html", licence=site.config.licence)


def _title(site: Site, arg: str | None, page: PageContext) -> str:
    return site.show(site.translator.text(site.dataset.topics[arg or ""].title))


def _headlines(site: Site, arg: str | None, page: PageContext) -> str:
    return _figure_list(site, [s for s in site.dataset.statistics.values() if s.headline], page, anchors=False)


def _topics(site: Site, arg: str | None, page: PageContext) -> str:
    locale = site.translator.lang.locale
    topics = [{"title": t.title, "href": site.link(page, f"topics/{t.id}.md"),
               "count": number(len(site.dataset.statistics_of(t.id)), locale)} for t in site.dataset.topics_in_order]
    return site.template("topics.html", topics=topics)


def _figures(site: Site, arg: str | None, page: PageContext) -> str:
    return _figure_list(site, site.dataset.statistics_of(arg or ""), page, anchors=True)


def _chart(site: Site, arg: str | None, page: PageContext) -> str:
    chart = site.charts[arg or ""]
    base = site.link(page, "index.md")
    producers = sorted({site.dataset.statistics[s].source for s in chart.figures})
    sources = [{"href": site.link(page, "sources.md", f"source-{sid}"),
                "producer": unknown_or(site.dataset.sources[sid].producer, site.translator, translate=False)}
               for sid in producers]
    return site.template("chart.html", chart_id=arg, info=chart.info, src=base + chart.info.path,
                         csv=base + chart.info.csv_path, sources=sources)


def _sources(site: Site, arg: str | None, page: PageContext) -> str:
    ordered = sorted(site.dataset.sources.values(), key=lambda s: (s.producer == UNKNOWN, s.producer.lower(), s.id))
    return site.template("sources.html", sources=[_source_view(site, s, page) for s in ordered])


def _caveats(site: Site, arg: str | None, page: PageContext) -> str:
    return _figure_list(site, [s for s in site.dataset.statistics.values() if s.caveat], page, anchors=False)


def _downloads(site: Site, arg: str | None, page: PageContext) -> str:
    tr = site.translator
    csv, jsn = download_names(tr.lang.code)
    home = site.absolute(page, "index.md")
    jsonld = {
        "@context": "https://schema.org", "@type": "Dataset",
        "name": tr.text(site.config.dataset.name).value, "description": tr.text(site.config.dataset.description).value,
        "url": site.absolute(page, page.path), "inLanguage": tr.lang.locale.replace("_", "-"),
        "license": site.config.licence.url, "dateModified": site.updated.isoformat(),
        "distribution": [
            {"@type": "DataDownload", "encodingFormat": "text/csv", "contentUrl": home + csv},
            {"@type": "DataDownload", "encodingFormat": "application/json", "contentUrl": home + jsn},
        ],
    }
    # JSON inside <script> is not HTML-escaped; "</" cannot end the element early once written "<\/".
    payload = Markup(json.dumps(jsonld, ensure_ascii=False, sort_keys=True).replace("</", "<\\/"))
    return site.template("downloads.html", base=site.link(page, "index.md"), csv=csv, json=jsn, jsonld=payload)


def _status(site: Site, arg: str | None, page: PageContext) -> str:
    if site.status is None:
        return ""
    locale = site.translator.lang.locale
    languages = [{"name": site.config.language(s.code).name, "translated": number(s.translated, locale),
                  "missing": number(len(s.missing), locale), "outdated": number(len(s.fuzzy), locale)}
                 for s in site.status.languages]
    return site.template("status.html", languages=languages)


# --- what would render nothing --------------------------------------------------------

def _no_headlines(dataset: Dataset, arg: str | None) -> str | None:
    if not any(s.headline for s in dataset.statistics.values()):
        return "nothing to show: no figure has `headline: true` in stats/statistics.yaml"
    return None


def _no_figures(dataset: Dataset, arg: str | None) -> str | None:
    if arg in dataset.topics and not dataset.statistics_of(arg):
        return f"nothing to show: topic {arg!r} has no figures yet"
    return None


def _no_chart(dataset: Dataset, arg: str | None) -> str | None:
    charted = [unit_id for unit_id, unit in dataset.units.items() if unit.charted]
    if arg == "headline":
        if any(s.headline and s.unit in charted for s in dataset.statistics.values()):
            return None
        return ("nothing to draw: no headline figure (`headline: true`) is in a charted unit "
                f"({', '.join(charted)}); remove `[[chart headline]]` or mark a figure as a headline")
    if arg in dataset.topics and not any(s.unit in charted for s in dataset.statistics_of(arg)):
        return (f"nothing to draw: topic {arg!r} has no figure in a charted unit ({', '.join(charted)}); "
                f"remove `[[chart {arg}]]`, its figures are listed by `[[figures {arg}]]`")
    return None


# --- the registry -------------------------------------------------------------------

_ALL = (
    Shortcode("stat", "the figure in the page's locale, its year, and a link to its source", False,
              Argument.STATISTIC, _stat),
    Shortcode("sentence", "the figure's canonical sentence, translated, with the figure in it", False,
              Argument.STATISTIC, _sentence),
    Shortcode("source", "the producer's name, linked to the source on the sources page", False,
              Argument.SOURCE, _source),
    Shortcode("sample", "the number of respondents of a source, in the page's locale", False,
              Argument.SOURCE, _sample),
    Shortcode("count", "how many figures, sources or topics there are (`figures`, `sources`, `topics`), or the age "
              "in years after which a figure is marked as old data (`old-data-years`)", False, Argument.COUNT, _count),
    Shortcode("updated", "the date of the dataset's last change, in the page's locale", False, Argument.NONE, _updated),
    Shortcode("licence", "the licence of the curated dataset, linked to its text", False, Argument.NONE, _licence),
    Shortcode("title", "a topic's title, translated", False, Argument.TOPIC, _title),
    Shortcode("headlines", "the headline figures, each with year and source", True, Argument.NONE, _headlines,
              _no_headlines),
    Shortcode("topics", "links to every topic page with its number of figures", True, Argument.NONE, _topics),
    Shortcode("figures", "every figure of a topic with anchor, year, source, caveat and citation", True,
              Argument.TOPIC, _figures, _no_figures),
    Shortcode("chart", "the chart of a topic (CHART is its id), or of the headline figures (`[[chart headline]]`), with caption, alt text, data table and CSV", True,
              Argument.CHART, _chart, _no_chart),
    Shortcode("sources", "every source with all its metadata and the figures it supports", True,
              Argument.NONE, _sources),
    Shortcode("caveats", "every figure that carries a caveat", True, Argument.NONE, _caveats),
    Shortcode("downloads", "the dataset as CSV and JSON in the page's language, with JSON-LD", True,
              Argument.NONE, _downloads),
    Shortcode("status", "translation status of every language", True, Argument.NONE, _status),
)
REGISTRY: dict[str, Shortcode] = {shortcode.name: shortcode for shortcode in _ALL}


def contributing_table() -> str:
    """The Markdown table of shortcodes for CONTRIBUTING.md; a test checks the file holds it verbatim."""
    rows = ["| Shortcode | Kind | Shows |", "| --- | --- | --- |"]
    rows += [f"| `{s.usage}` | {'block' if s.block else 'inline'} | {s.doc} |" for s in REGISTRY.values()]
    return "\n".join(rows)
