"""Stage 4, render: a page's Markdown with shortcodes → Markdown with escaped HTML.

Prose refers to figures by id; numbers are never typed by hand. The shortcodes,
each a one-line extension point (see :data:`SHORTCODES`)::

    [[stat ID]]        inline: the figure, its year and a link to its source
    [[sentence ID]]    inline: the figure's whole sentence, translated
    ...

Everything taken from data or catalogs passes through :func:`esc`, which makes
it inert both as HTML and as Markdown. Prose itself may hold no raw HTML, no
non-http(s) link, and no digit outside a shortcode (bar ordered-list markers):
:func:`lint_prose` reports each with file and line.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable, Mapping, Sequence

from babel.dates import format_date

from .chart import ChartInfo
from .config import DigestConfig
from .format import number, sentence_text, unknown_or, value_text, year_text
from .i18n import StatusReport, Text, Translator
from .load import Dataset
from .messages import N_, NOT_TRANSLATED, OLD_DATA, SOURCE, SOURCES, UNKNOWN
from .model import Source, Statistic
from .problems import InputError, Problem
from .tracking import check_tracking, exempt_line

SHORTCODES: dict[str, str] = {
    "stat": "`[[stat ID]]` inline: the figure in the page's locale, its year, and a link to its source.",
    "sentence": "`[[sentence ID]]` inline: the figure's canonical sentence, translated, with the figure in it.",
    "source": "`[[source ID]]` inline: the producer's name, linked to the source on the sources page.",
    "sample": "`[[sample ID]]` inline: the number of respondents of a source, in the page's locale.",
    "count": "`[[count figures]]`, `[[count sources]]`, `[[count topics]]`, `[[count old-data-years]]` inline: "
             "how many there are; the last is the age after which a figure is marked as old data.",
    "updated": "`[[updated]]` inline: the date of the dataset's last change, in the page's locale.",
    "licence": "`[[licence]]` inline: the licence of the curated dataset.",
    "headlines": "`[[headlines]]` block: the headline figures, each with year and source.",
    "topics": "`[[topics]]` block: links to every topic page with its number of figures.",
    "figures": "`[[figures TOPIC]]` block: every figure of a topic with anchor, year, source, caveat and citation.",
    "chart": "`[[chart TOPIC]]` or `[[chart headline]]` block: the chart with caption, alt text and data table.",
    "sources": "`[[sources]]` block: every source with all its metadata and the figures it supports.",
    "caveats": "`[[caveats]]` block: every figure that carries a caveat.",
    "downloads": "`[[downloads]]` block: the dataset as CSV and JSON in the page's language, with JSON-LD.",
    "status": "`[[status]]` block: translation status of every language.",
}
BLOCK = {"headlines", "topics", "figures", "chart", "sources", "caveats", "downloads", "status"}
_NEEDS_ARG = {"stat", "sentence", "source", "sample", "count", "figures", "chart"}

SHORTCODE = re.compile(r"\[\[\s*([a-z]+)(?:\s+([a-z0-9-]+))?\s*\]\]")
_OPEN = re.compile(r"\[\[")
_LIST_MARKER = re.compile(r"^\s{0,3}\d{1,3}[.)]\s")
_RAW_HTML = re.compile(r"<\s*[/!?a-zA-Z]")
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)")
_REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]*)")
_SAFE_LINK = re.compile(r"^(https?://|#|[a-z0-9][a-z0-9_./-]*\.md(#[a-z0-9-]*)?$)", re.IGNORECASE)
# One pass over the text: HTML's special characters and Markdown's active ones become
# entities together (two passes would escape the first pass's own "&#").
_INERT = str.maketrans({**{c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+!|~^=:$"},
                        "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})

PAGES = ("index.md", "good-and-bad-service.md", "sources.md", "about.md")  # plus topics/<id>.md

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


def esc(text: str) -> str:
    """Make text inert: HTML-escaped, and with Markdown's active characters as entities."""
    return text.translate(_INERT)


@dataclass(frozen=True)
class PageContext:
    lang: str
    path: str  # relative to the language folder, e.g. "topics/word-of-mouth.md"
    shown: str  # for messages, e.g. "content/sv/topics/word-of-mouth.md"


@dataclass
class Renderer:
    """Expands shortcodes for one language; holds the stages' results, computes nothing twice."""

    dataset: Dataset
    config: DigestConfig
    translator: Translator
    charts: Mapping[str, ChartInfo]
    updated: date
    status: StatusReport | None = None
    _handlers: dict[str, Callable[[str | None, PageContext], str]] = field(init=False)

    def __post_init__(self) -> None:
        self._handlers = {name: getattr(self, f"_sc_{name}") for name in SHORTCODES}

    # --- entry point -------------------------------------------------------------
    def render(self, markdown: str, ctx: PageContext) -> str:
        problems = lint_prose(markdown, ctx.shown) + self._check_references(markdown, ctx)
        if problems:
            raise InputError(problems)
        lines = markdown.split("\n")
        return "\n".join(self._render_line(line, ctx) for line in lines)

    def _render_line(self, line: str, ctx: PageContext) -> str:
        def replace(match: re.Match[str]) -> str:
            name, arg = match.group(1), match.group(2)
            out = self._handlers[name](arg, ctx)
            return f"\n\n{out}\n\n" if name in BLOCK else out

        return SHORTCODE.sub(replace, line)

    def _check_references(self, markdown: str, ctx: PageContext) -> list[Problem]:
        return check_references(markdown, ctx.shown, self.dataset)

    # --- links ---------------------------------------------------------------------
    def link(self, ctx: PageContext, target_page: str, anchor: str = "") -> str:
        """Relative URL from the current page to another page of the same language."""
        here = _page_dir(ctx.path)
        there = _page_dir(target_page)
        rel = posixpath.relpath(there or ".", here or ".")
        url = "" if rel == "." else rel + "/"
        url = url or "./"
        return url + (f"#{anchor}" if anchor else "")

    def absolute(self, target_page: str, anchor: str = "") -> str:
        prefix = "" if self.translator.lang.code == self.config.default.code else f"{self.translator.lang.code}/"
        return self.config.site_url + prefix + _page_dir(target_page) + ("/" if _page_dir(target_page) else "") + (
            f"#{anchor}" if anchor else "")

    # --- text helpers ------------------------------------------------------------
    def t(self, message: str) -> str:
        return self.show(self.translator.text(message))

    def show(self, text: Text) -> str:
        """Escaped text; a fallback to English is marked so the reader sees it."""
        if not text.fallback:
            return esc(text.value)
        note = self.translator.text(NOT_TRANSLATED)
        title = self.translator.text(NOT_TRANSLATED_TITLE).value
        return (f'<span class="digest-untranslated" lang="en" title="{esc(title)}">{esc(text.value)}</span>'
                f' <small class="digest-untranslated-note">({esc(note.value)})</small>')

    def is_old(self, stat: Statistic) -> bool:
        return isinstance(stat.year, int) and self.updated.year - stat.year > self.config.old_data_after_years

    def _old_marker(self, stat: Statistic) -> str:
        if not self.is_old(stat):
            return ""
        title = esc(self.translator.text(OLD_DATA_TITLE).value)
        return f', <span class="digest-old" title="{title}">{self.t(OLD_DATA)}</span>'

    def _value_html(self, stat: Statistic, ctx: PageContext) -> str:
        value = value_text(stat, self.translator)
        href = self.link(ctx, f"topics/{stat.topic}.md", stat.id)
        return f'<a class="digest-value" href="{href}">{self.show(value)}</a>'

    def _attribution(self, stat: Statistic, ctx: PageContext) -> str:
        source = self.dataset.sources[stat.source]
        producer = self.show(unknown_or(source.producer, self.translator, translate=False))
        year = self.show(year_text(stat.year, self.translator))
        href = self.link(ctx, "sources.md", f"source-{source.id}")
        return (f'<span class="digest-attribution">(<a href="{href}">{producer}</a>, '
                f'<span class="digest-year">{year}</span>{self._old_marker(stat)})</span>')

    def _sentence_html(self, stat: Statistic, ctx: PageContext) -> str:
        template, _ = sentence_text(stat, self.translator)
        before, _, after = template.value.partition("{value}")
        body = esc(before) + self._value_html(stat, ctx) + esc(after)
        if template.fallback:
            note = self.translator.text(NOT_TRANSLATED)
            body = (f'<span class="digest-untranslated" lang="en">{body}</span>'
                    f' <small class="digest-untranslated-note">({esc(note.value)})</small>')
        return f"{body} {self._attribution(stat, ctx)}"

    # --- inline shortcodes ------------------------------------------------------
    def _sc_stat(self, arg: str | None, ctx: PageContext) -> str:
        stat = self.dataset.statistics[arg or ""]
        return f'<span class="digest-stat">{self._value_html(stat, ctx)} {self._attribution(stat, ctx)}</span>'

    def _sc_sentence(self, arg: str | None, ctx: PageContext) -> str:
        return self._sentence_html(self.dataset.statistics[arg or ""], ctx)

    def _sc_source(self, arg: str | None, ctx: PageContext) -> str:
        source = self.dataset.sources[arg or ""]
        href = self.link(ctx, "sources.md", f"source-{source.id}")
        return f'<a href="{href}">{self.show(unknown_or(source.producer, self.translator, translate=False))}</a>'

    def _sc_sample(self, arg: str | None, ctx: PageContext) -> str:
        return self.show(unknown_or(self.dataset.sources[arg or ""].sample_size, self.translator))

    def _sc_count(self, arg: str | None, ctx: PageContext) -> str:
        n = {"figures": len(self.dataset.statistics), "sources": len(self.dataset.sources),
             "topics": len(self.dataset.topics), "old-data-years": self.config.old_data_after_years}[arg or ""]
        return esc(number(n, self.translator.lang.locale))

    def _sc_licence(self, arg: str | None, ctx: PageContext) -> str:
        return esc(self.config.data_licence)

    def _sc_updated(self, arg: str | None, ctx: PageContext) -> str:
        shown = format_date(self.updated, format="long", locale=self.translator.lang.locale)
        return f'<time datetime="{self.updated.isoformat()}">{esc(shown)}</time>'

    # --- block shortcodes -------------------------------------------------------
    def _sc_headlines(self, arg: str | None, ctx: PageContext) -> str:
        items = [s for s in self.dataset.statistics.values() if s.headline]
        return self._figure_list(items, ctx, anchors=False)

    def _sc_topics(self, arg: str | None, ctx: PageContext) -> str:
        rows = []
        for topic in self.dataset.topics_in_order:
            count = len(self.dataset.statistics_of(topic.id))
            href = self.link(ctx, f"topics/{topic.id}.md")
            rows.append(f'<li><a href="{href}">{self.t(topic.title)}</a> '
                        f'<span class="digest-count">({esc(number(count, self.translator.lang.locale))})</span></li>')
        return '<ul class="digest-topics">\n' + "\n".join(rows) + "\n</ul>"

    def _sc_figures(self, arg: str | None, ctx: PageContext) -> str:
        return self._figure_list(self.dataset.statistics_of(arg or ""), ctx, anchors=True)

    def _figure_list(self, stats: Sequence[Statistic], ctx: PageContext, anchors: bool) -> str:
        items = []
        for stat in stats:
            attrs = f' id="{stat.id}"' if anchors else ""
            extra = ""
            if stat.caveat:
                extra += f'<p class="digest-caveat"><strong>{self.t(CAVEAT)}:</strong> {self.t(stat.caveat)}</p>'
            if anchors:
                extra += self._citation(stat)
            items.append(f'<li{attrs} class="digest-figure"><p>{self._sentence_html(stat, ctx)}</p>{extra}</li>')
        return '<ul class="digest-figures">\n' + "\n".join(items) + "\n</ul>"

    def _citation(self, stat: Statistic) -> str:
        source = self.dataset.sources[stat.source]
        parts = [unknown_or(source.producer, self.translator, translate=False).value]
        if source.title != UNKNOWN:
            parts.append(self.translator.text(QUOTED).value.format(title=source.title))
        parts.append(year_text(source.year_published, self.translator).value)
        if source.url != UNKNOWN:
            parts.append(source.url)
        cite = ", ".join(parts) + ". " + self.translator.text(VIA).value + ": " + self.absolute(
            f"topics/{stat.topic}.md", stat.id)
        return (f'<details class="digest-cite"><summary>{self.t(CITE)}</summary>'
                f'<p><code>{esc(cite)}</code></p></details>')

    def _sc_chart(self, arg: str | None, ctx: PageContext) -> str:
        key = f"{self.translator.lang.code}/{arg}"
        chart = self.charts.get(key)
        if chart is None:
            raise InputError([Problem(ctx.shown, None, arg, "chart", "no chart was rendered for this id")])
        src = self.link(ctx, "index.md") + chart.path
        csv = self.link(ctx, "index.md") + chart.csv_path
        sources = sorted({self.dataset.statistics[s].source for s in chart.statistics})
        links = ", ".join(
            f'<a href="{self.link(ctx, "sources.md", f"source-{sid}")}">'
            f'{self.show(unknown_or(self.dataset.sources[sid].producer, self.translator, translate=False))}</a>' for sid in sources)
        head = f"<tr><th scope=\"col\">{self.t(FIGURE)}</th><th scope=\"col\">{self.t(VALUE)}</th>" \
               f"<th scope=\"col\">{self.t(YEAR)}</th><th scope=\"col\">{self.t(SOURCE)}</th></tr>"
        body = "".join(f"<tr><td>{esc(a)}</td><td>{esc(b)}</td><td>{esc(c)}</td><td>{esc(d)}</td></tr>"
                       for a, b, c, d in chart.rows)
        return (
            f'<figure class="digest-chart" id="chart-{esc(arg or "")}">\n'
            f'<img src="{src}" width="{chart.width}" height="{chart.height}" alt="{esc(chart.alt)}" loading="lazy" decoding="async">\n'
            f'<figcaption>{self.t(SOURCES)}: {links}. <a href="{csv}" download>{self.t(CHART_DATA_CSV)}</a></figcaption>\n'
            f'<details class="digest-table"><summary>{self.t(DATA_TABLE)}</summary>\n'
            f'<table><thead>{head}</thead><tbody>{body}</tbody></table>\n</details>\n</figure>'
        )

    def _sc_sources(self, arg: str | None, ctx: PageContext) -> str:
        blocks = [self._source_block(source, ctx) for source in
                  sorted(self.dataset.sources.values(), key=lambda s: (s.producer == UNKNOWN, s.producer.lower(), s.id))]
        return '<div class="digest-sources">\n' + "\n".join(blocks) + "\n</div>"

    def _source_block(self, source: Source, ctx: PageContext) -> str:
        tr = self.translator
        url = (f'<a href="{esc(source.url)}" rel="nofollow noopener">{esc(source.url)}</a>'
               if source.url != UNKNOWN else self.t(UNKNOWN))
        rows = [
            (PRODUCER, self.show(unknown_or(source.producer, tr, translate=False))),
            (TITLE, self.show(unknown_or(source.title, tr, translate=False))),
            (PUBLISHED, self.show(year_text(source.year_published, tr))),
            (FIELDWORK, self.show(unknown_or(source.fieldwork, tr))),
            (ADDRESS, url),
            (METHOD, self.show(unknown_or(source.method, tr))),
            (SAMPLE, self.show(unknown_or(source.sample_size, tr, translate=False))),
            (GEOGRAPHY, self.show(unknown_or(source.geography, tr))),
            (POPULATION, self.show(unknown_or(source.population, tr))),
            (LICENCE, self.show(unknown_or(source.licence, tr))),
        ]
        if source.note:
            rows.append((NOTE, self.t(source.note)))
        articles = []
        for article_id in source.via:
            article = self.dataset.articles[article_id]
            title = self.show(unknown_or(article.title, tr, translate=False))
            title = f'<a href="{esc(article.url)}" rel="nofollow noopener">{title}</a>' if article.url != UNKNOWN else title
            publisher = self.show(unknown_or(article.publisher, tr, translate=False))
            note = f" — {self.t(article.note)}" if article.note else ""
            articles.append(f'<li lang="{esc(article.language)}">{title} ({publisher}){note}</li>')
        rows.append((ARTICLE, "<ul>" + "".join(articles) + "</ul>"))
        figures = "".join(f"<li>{self._sentence_html(stat, ctx)}</li>" for stat in self.dataset.statistics_from(source.id))
        rows.append((FIGURES_WORD, f"<ul>{figures}</ul>"))
        table = "".join(f"<tr><th scope=\"row\">{self.t(label)}</th><td>{value}</td></tr>" for label, value in rows)
        heading = self.show(unknown_or(source.producer, tr, translate=False))
        if source.title != UNKNOWN:
            heading += f": {esc(source.title)}"
        return (f'<section class="digest-source" id="source-{source.id}">\n<h2>{heading}</h2>\n'
                f'<table class="digest-meta">{table}</table>\n</section>')

    def _sc_caveats(self, arg: str | None, ctx: PageContext) -> str:
        items = [s for s in self.dataset.statistics.values() if s.caveat]
        return self._figure_list(items, ctx, anchors=False)

    def _sc_downloads(self, arg: str | None, ctx: PageContext) -> str:
        code = self.translator.lang.code
        base = self.link(ctx, "index.md")
        csv, jsn = f"data/digest-{code}.csv", f"data/digest-{code}.json"
        jsonld = {
            "@context": "https://schema.org", "@type": "Dataset",
            "name": self.translator.text(N_("What surveys say about customer service")).value,
            "description": self.translator.text(N_("Curated survey figures about customer service, each with its source and year.")).value,
            "url": self.absolute(ctx.path), "inLanguage": self.translator.lang.locale.replace("_", "-"),
            "license": self.config.data_licence, "dateModified": self.updated.isoformat(),
            "distribution": [
                {"@type": "DataDownload", "encodingFormat": "text/csv", "contentUrl": self.absolute("index.md") + csv},
                {"@type": "DataDownload", "encodingFormat": "application/json", "contentUrl": self.absolute("index.md") + jsn},
            ],
        }
        # "</" cannot end the script element early once escaped as "<\/".
        payload = json.dumps(jsonld, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")
        return (f'<ul class="digest-downloads"><li><a href="{base}{csv}" download>{self.t(DOWNLOAD_CSV)}</a></li>'
                f'<li><a href="{base}{jsn}" download>{self.t(DOWNLOAD_JSON)}</a></li></ul>\n'
                f'<script type="application/ld+json">{payload}</script>')

    def _sc_status(self, arg: str | None, ctx: PageContext) -> str:
        if self.status is None:
            return ""
        head = (f"<tr><th scope=\"col\">{self.t(LANGUAGE)}</th><th scope=\"col\">{self.t(TRANSLATED)}</th>"
                f"<th scope=\"col\">{self.t(MISSING)}</th><th scope=\"col\">{self.t(OUTDATED)}</th></tr>")
        locale = self.translator.lang.locale
        rows = "".join(
            f"<tr><td>{esc(self.config.language(s.code).name)}</td><td>{number(s.translated, locale)}</td>"
            f"<td>{number(len(s.missing), locale)}</td><td>{number(len(s.fuzzy), locale)}</td></tr>"
            for s in self.status.languages)
        return f'<table class="digest-status"><thead>{head}</thead><tbody>{rows}</tbody></table>'


def _page_dir(path: str) -> str:
    """Directory URL of a page under use_directory_urls: topics/x.md → topics/x, index.md → ''."""
    stem = path[:-3] if path.endswith(".md") else path
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")].rstrip("/")
    return stem


def check_references(markdown: str, shown: str, dataset: Dataset) -> list[Problem]:
    """Shortcodes that name an unknown id, lack one, or share a line with prose when they are blocks."""
    problems = []
    for lineno, line in enumerate(markdown.split("\n"), start=1):
        for match in SHORTCODE.finditer(line):
            name, arg = match.group(1), match.group(2)
            problem = _reference_problem(name, arg, dataset)
            if problem:
                problems.append(Problem(shown, lineno, arg, name, problem))
            elif name in BLOCK and line.strip() != match.group(0):
                problems.append(Problem(shown, lineno, arg, name, f"`[[{name}]]` must stand alone on its line"))
    return problems


def _reference_problem(name: str, arg: str | None, dataset: Dataset) -> str | None:
    if name not in SHORTCODES:
        return f"unknown shortcode `{name}`; expected one of: {', '.join(SHORTCODES)}"
    if name in _NEEDS_ARG and not arg:
        return f"`[[{name} …]]` needs an id"
    if name not in _NEEDS_ARG and arg:
        return f"`[[{name}]]` takes no id"
    known = {
        "stat": dataset.statistics, "sentence": dataset.statistics, "source": dataset.sources,
        "sample": dataset.sources,
        "figures": dataset.topics, "chart": {**dataset.topics, "headline": None},
        "count": {"figures": 0, "sources": 0, "topics": 0, "old-data-years": 0},
    }.get(name)
    if known is not None and arg not in known:
        return f"unknown id {arg!r} for `[[{name}]]`"
    return None


def expected_pages(dataset: Dataset) -> list[str]:
    """Every page each language must have: the fixed ones and one per topic."""
    return list(PAGES) + [f"topics/{topic.id}.md" for topic in dataset.topics_in_order]


def check_content(root: Path, dataset: Dataset, codes: Sequence[str]) -> list[Problem]:
    """Lint every page of every language, and report pages missing in a language."""
    problems = []
    wanted = expected_pages(dataset)
    for code in codes:
        folder = root / "content" / code
        for page in wanted:
            if not (folder / page).exists():
                problems.append(Problem(f"content/{code}/{page}", None, None, None,
                                        "page is missing; every language has the same pages"))
        for path in sorted(folder.rglob("*.md")):
            shown = f"content/{code}/{path.relative_to(folder).as_posix()}"
            data = path.read_bytes()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as err:
                line = data[: err.start].count(b"\n") + 1
                problems.append(Problem(shown, line, None, None, "not valid UTF-8; save the page as UTF-8"))
                continue
            problems += lint_prose(text, shown) + check_references(text, shown, dataset)
    return problems + check_tracking(root, codes, codes[0])


def lint_prose(markdown: str, shown: str) -> list[Problem]:
    """Digits, raw HTML, unsafe links and broken shortcodes in hand-written prose.

    Front matter is prose too: MkDocs puts its ``title`` into ``<title>`` and the
    navigation without escaping, so it passes the same checks.
    """
    problems = []
    record = exempt_line(markdown)  # the translation-tracking hash (see tracking.py) is not prose
    for lineno, line in enumerate(markdown.split("\n"), start=1):
        if line.strip() == "---" or lineno == record:
            continue
        definition = _REFERENCE_DEFINITION.match(line)
        if definition and not _SAFE_LINK.match(definition.group(1)):
            problems.append(Problem(shown, lineno, None, "link",
                                    f"link target {definition.group(1)[:50]!r} not allowed; use a page.md or an http(s) address"))
        prose = SHORTCODE.sub(" ", line)
        if _OPEN.search(prose) or "]]" in prose:
            problems.append(Problem(shown, lineno, None, "shortcode",
                                    "malformed or unclosed shortcode; expected e.g. `[[stat some-id]]`"))
            prose = prose.replace("[[", " ").replace("]]", " ")
        prose = _LIST_MARKER.sub("", prose)
        for target in _LINK_TARGET.findall(prose):
            if not _SAFE_LINK.match(target):
                problems.append(Problem(shown, lineno, None, "link",
                                        f"link target {target[:50]!r} not allowed; use a page.md or an http(s) address"))
        prose = _LINK_TARGET.sub("](", prose)
        prose = _REFERENCE_DEFINITION.sub("[]:", prose)
        if _RAW_HTML.search(prose):
            problems.append(Problem(shown, lineno, None, "html", "raw HTML is not allowed in pages; use Markdown"))
        digit = re.search(r"\d", prose)
        if digit:
            problems.append(Problem(shown, lineno, None, "number",
                                    f"number typed by hand ({prose[max(0, digit.start() - 15):digit.start() + 15].strip()!r}); "
                                    "refer to a statistic with [[stat ID]] or write the number as a word"))
    return problems
