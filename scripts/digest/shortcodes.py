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
from .catalogs import StatusReport
from .config import DigestConfig
from .export import download_names
from .format import number, sentence_text, unknown_or, value_text, year_text
from .load import Dataset
from .messages import N_, NOT_TRANSLATED, OLD_DATA, SOURCE, SOURCES, UNKNOWN_WORD
from .model import UNKNOWN, Source, Statistic
from .translate import Text, Translator

# [[name]] or [[name argument]]; the argument is an id (lowercase, digits, hyphens).
SHORTCODE = re.compile(r"\[\[\s*([a-z]+)(?:\s+([a-z0-9-]+))?\s*\]\]")


class Labels:
    """Interface strings the templates show, as ``L.NAME``; ``N_`` marks them for the catalogs."""

    CITE = N_("Cite this figure")
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
    NOT_TRANSLATED_TITLE = N_("This text has not been translated yet and is shown in English.")
    DATASET_NAME = N_("What surveys say about customer service")
    DATASET_DESCRIPTION = N_("Curated survey figures about customer service, each with its source and year.")
    NOT_TRANSLATED = NOT_TRANSLATED
    OLD_DATA = OLD_DATA
    SOURCE = SOURCE
    SOURCES = SOURCES
    UNKNOWN = UNKNOWN_WORD


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

    def absolute(self, target_page: str, anchor: str = "") -> str: ...


Handler = Callable[[Site, "str | None", PageContext], str]
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

    @property
    def usage(self) -> str:
        """How prose writes it, e.g. ``[[stat ID]]``."""
        return f"[[{self.name}]]" if self.argument is Argument.NONE else f"[[{self.name} {self.argument.value}]]"


# --- views: the values a template shows, computed once per figure ------------------

def figure_view(site: Site, stat: Statistic, page: PageContext) -> dict[str, Any]:
    """Everything the figure partials (``_value``, ``_attribution``, ``_sentence``) show of one figure."""
    tr = site.translator
    source = site.dataset.sources[stat.source]
    template, value = sentence_text(stat, tr)
    before, _, after = template.value.partition("{value}")
    return {
        "id": stat.id, "value": value, "value_href": site.link(page, f"topics/{stat.topic}.md", stat.id),
        "producer": unknown_or(source.producer, tr, translate=False), "year": year_text(stat.year, tr),
        "source_href": site.link(page, "sources.md", f"source-{source.id}"), "old": _is_old(site, stat),
        "before": before, "after": after, "fallback": template.fallback, "caveat": stat.caveat,
    }


def _is_old(site: Site, stat: Statistic) -> bool:
    return isinstance(stat.year, int) and site.updated.year - stat.year > site.config.old_data_after_years


def _citation(site: Site, stat: Statistic) -> str:
    """A reference a reader can paste: producer, title, year, address, and this figure's permanent link."""
    tr = site.translator
    source = site.dataset.sources[stat.source]
    parts = [unknown_or(source.producer, tr, translate=False).value]
    if source.title != UNKNOWN:
        parts.append(tr.text(Labels.QUOTED).value.format(title=source.title))
    parts.append(year_text(source.year_published, tr).value)
    if source.url != UNKNOWN:
        parts.append(source.url)
    via = site.absolute(f"topics/{stat.topic}.md", stat.id)
    return ", ".join(parts) + ". " + tr.text(Labels.VIA).value + ": " + via


def _figure_list(site: Site, stats: Sequence[Statistic], page: PageContext, anchors: bool) -> Markup:
    figures = [dict(figure_view(site, s, page), citation=_citation(site, s) if anchors else "") for s in stats]
    return site.template("figures.html", figures=figures, anchors=anchors)


def _source_view(site: Site, source: Source, page: PageContext) -> dict[str, Any]:
    tr = site.translator
    articles = [{"language": a.language, "url": "" if a.url == UNKNOWN else a.url, "note": a.note,
                 "title": unknown_or(a.title, tr, translate=False), "publisher": unknown_or(a.publisher, tr, translate=False)}
                for a in (site.dataset.articles[i] for i in source.via)]
    return {
        "id": source.id, "producer": unknown_or(source.producer, tr, translate=False),
        "title": "" if source.title == UNKNOWN else source.title, "title_text": unknown_or(source.title, tr, translate=False),
        "published": year_text(source.year_published, tr), "fieldwork": unknown_or(source.fieldwork, tr),
        "url": "" if source.url == UNKNOWN else source.url, "method": unknown_or(source.method, tr),
        "sample": unknown_or(source.sample_size, tr, translate=False), "geography": unknown_or(source.geography, tr),
        "population": unknown_or(source.population, tr), "licence": unknown_or(source.licence, tr),
        "note": source.note, "articles": articles,
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
    return escape(site.config.data_licence)


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
    home = site.absolute("index.md")
    jsonld = {
        "@context": "https://schema.org", "@type": "Dataset",
        "name": tr.text(Labels.DATASET_NAME).value, "description": tr.text(Labels.DATASET_DESCRIPTION).value,
        "url": site.absolute(page.path), "inLanguage": tr.lang.locale.replace("_", "-"),
        "license": site.config.data_licence, "dateModified": site.updated.isoformat(),
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
    Shortcode("licence", "the licence of the curated dataset", False, Argument.NONE, _licence),
    Shortcode("headlines", "the headline figures, each with year and source", True, Argument.NONE, _headlines),
    Shortcode("topics", "links to every topic page with its number of figures", True, Argument.NONE, _topics),
    Shortcode("figures", "every figure of a topic with anchor, year, source, caveat and citation", True,
              Argument.TOPIC, _figures),
    Shortcode("chart", "the chart of a topic (CHART is its id), or of the headline figures (`[[chart headline]]`), with caption, alt text, data table and CSV", True,
              Argument.CHART, _chart),
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
