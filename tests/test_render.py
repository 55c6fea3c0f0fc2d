"""Render-stage units: every shortcode through Markdown's extension API, links, escaping, overrides.

Each shortcode is converted with ``Renderer.to_html`` (Markdown + the digest
extension, as MkDocs runs it) over the fixture digest's dataset and catalogs, with charts
planned but not drawn: milliseconds per case, no MkDocs, no subprocess. Languages,
figures, sources and topics are read from the fixture (picked by what a check needs).
"""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import format_date

from conftest import DIGEST, LANGS, make_renderer
from digest.config import INTERFACE_LANGUAGE, load_config
from digest.format import number, value_text
from digest.load import load_dataset
from digest.model import UNKNOWN
from digest.render import page_dir
from digest.shortcodes import REGISTRY, PageContext
from digest.translate import Text, Translator

CONFIG = load_config(DIGEST)
DATASET = load_dataset(DIGEST / "stats", CONFIG.quotes.required)
DEFAULT, OTHER = LANGS[0], LANGS[1]  # the language at the site root, and one in a folder
# A figure with a known year, a known producer and sample size, whose value reads through the
# interface's words (a range: "{low}–{high}").
STAT = next(s.id for s in DATASET.statistics.values()
            if s.is_range and s.year != UNKNOWN
            and DATASET.sources[s.source].producer != UNKNOWN and DATASET.sources[s.source].sample_size != UNKNOWN)
SOURCE = DATASET.statistics[STAT].source
# A charted topic whose figures' sources all have an address (their citations carry it).
TOPIC = next(t.id for t in DATASET.topics_in_order
             if any(DATASET.units[s.unit].charted for s in DATASET.statistics_of(t.id))
             and all(DATASET.sources[s.source].url.startswith("https://") for s in DATASET.statistics_of(t.id)))
# The topic page the shortcodes stand on: not STAT's, so its figure links to another page.
PAGE_TOPIC = next(t.id for t in DATASET.topics_in_order if t.id != DATASET.statistics[STAT].topic)
# A figure whose year is unknown: its attribution shows interface text ("year unknown").
UNDATED = next(s.id for s in DATASET.statistics.values() if s.year == UNKNOWN)

TOPIC_PAGE = PageContext(DEFAULT, f"topics/{PAGE_TOPIC}.md", f"content/{DEFAULT}/topics/{PAGE_TOPIC}.md")
HOME = PageContext(DEFAULT, "index.md", f"content/{DEFAULT}/index.md")


@pytest.fixture(scope="module")
def default(inputs):
    return make_renderer(inputs, DEFAULT)


class Tags(HTMLParser):
    """Start tags with their attributes, and the text, of an HTML fragment."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):  # noqa: ANN001
        self.text.append(data)

    def all(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def html_of(renderer, source: str, page: PageContext = TOPIC_PAGE) -> str:  # noqa: ANN001
    return renderer.to_html(source, page)


# --- one test per shortcode -------------------------------------------------------------

def check_stat(r, html):  # noqa: ANN001
    stat = r.dataset.statistics[STAT]
    tags = Tags(html)
    assert tags.all("span", **{"class": "digest-stat"})
    assert value_text(stat, r.translator, r.dataset.units).value in "".join(tags.text)
    assert tags.all("a", href=f"../{stat.topic}/#{stat.id}")
    assert tags.all("a", href=f"../../sources/#source-{stat.source}")
    assert str(stat.year) in "".join(tags.text)


def check_sentence(r, html):  # noqa: ANN001
    stat = r.dataset.statistics[STAT]
    before = r.translator.text(stat.sentence).value.partition("{value}")[0]
    assert before.strip() in html and value_text(stat, r.translator, r.dataset.units).value in html


def check_source(r, html):  # noqa: ANN001
    assert Tags(html).all("a", href=f"../../sources/#source-{SOURCE}")
    assert r.dataset.sources[SOURCE].producer in html


def check_sample(r, html):  # noqa: ANN001
    size = r.dataset.sources[SOURCE].sample_size
    assert number(size, r.translator.lang.locale) in html


def check_count(r, html):  # noqa: ANN001
    assert f"<p>{number(len(r.dataset.statistics), r.translator.lang.locale)}</p>" == html


def check_updated(r, html):  # noqa: ANN001
    shown = format_date(date(2026, 1, 1), format="long", locale=r.config.language(r.translator.lang.code).locale)
    assert f'<time datetime="2026-01-01">{shown}</time>' in html


def check_licence(r, html):  # noqa: ANN001
    licence = r.config.licence
    assert f'<p><a href="{licence.url}" rel="license">{licence.name}</a></p>' == html


def check_title(r, html):  # noqa: ANN001
    assert html == f"<p>{r.translator.text(r.dataset.topics[TOPIC].title).value}</p>"


def check_headlines(r, html):  # noqa: ANN001
    headlines = [s for s in r.dataset.statistics.values() if s.headline]
    items = Tags(html).all("li", **{"class": "digest-figure"})
    assert len(items) == len(headlines) and not any("id" in item for item in items)


def check_topics(r, html):  # noqa: ANN001
    hrefs = [a["href"] for a in Tags(html).all("a")]
    assert hrefs == ["./" if t.id == PAGE_TOPIC else f"../{t.id}/" for t in r.dataset.topics_in_order]


def check_figures(r, html):  # noqa: ANN001
    tags = Tags(html)
    stats = r.dataset.statistics_of(TOPIC)
    assert [li["id"] for li in tags.all("li", **{"class": "digest-figure"})] == [s.id for s in stats]
    assert len(tags.all("details", **{"class": "digest-cite"})) == len(stats)
    text = "".join(tags.text)
    assert "https://" in text and all(r.dataset.sources[s.source].url in text for s in stats)  # the citations' links


def check_chart(r, html):  # noqa: ANN001
    chart = r.charts[TOPIC]
    tags = Tags(html)
    (img,) = tags.all("img")
    assert img["src"] == "../../" + chart.info.path and img["alt"] == chart.info.alt
    assert len(tags.all("tr")) == 1 + len(chart.figures)  # head row and one per figure
    assert tags.all("a", href="../../" + chart.info.csv_path)


def check_sources(r, html):  # noqa: ANN001
    sections = Tags(html).all("section", **{"class": "digest-source"})
    assert sorted(s["id"] for s in sections) == sorted(f"source-{s}" for s in r.dataset.sources)


def check_caveats(r, html):  # noqa: ANN001
    with_caveat = [s for s in r.dataset.statistics.values() if s.caveat]
    assert with_caveat and len(Tags(html).all("p", **{"class": "digest-caveat"})) == len(with_caveat)


def check_downloads(r, html):  # noqa: ANN001
    code = r.translator.lang.code
    payload = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(payload)
    assert data["@type"] == "Dataset" and data["inLanguage"] == r.config.language(code).locale.replace("_", "-")
    assert [d["contentUrl"].rsplit("/", 1)[1] for d in data["distribution"]] == [f"digest-{code}.csv",
                                                                                  f"digest-{code}.json"]
    assert Tags(html).all("a", href=f"../../data/digest-{code}.csv")


def check_status(r, html):  # noqa: ANN001
    rows = Tags(html).all("tr")
    assert len(rows) == 1 + len(r.config.languages)
    assert all(lang.name in html for lang in r.config.languages)


EXAMPLES = {
    "stat": (f"[[stat {STAT}]]", check_stat),
    "sentence": (f"[[sentence {STAT}]]", check_sentence),
    "source": (f"[[source {SOURCE}]]", check_source),
    "sample": (f"[[sample {SOURCE}]]", check_sample),
    "count": ("[[count figures]]", check_count),
    "updated": ("[[updated]]", check_updated),
    "licence": ("[[licence]]", check_licence),
    "title": (f"[[title {TOPIC}]]", check_title),
    "headlines": ("[[headlines]]", check_headlines),
    "topics": ("[[topics]]", check_topics),
    "figures": (f"[[figures {TOPIC}]]", check_figures),
    "chart": (f"[[chart {TOPIC}]]", check_chart),
    "sources": ("[[sources]]", check_sources),
    "caveats": ("[[caveats]]", check_caveats),
    "downloads": ("[[downloads]]", check_downloads),
    "status": ("[[status]]", check_status),
}


def test_every_shortcode_has_a_unit_test():
    assert set(EXAMPLES) == set(REGISTRY)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_shortcode(default, name: str):
    source, check = EXAMPLES[name]
    html = html_of(default, source)
    assert "[[" not in html and "\x02" not in html
    if REGISTRY[name].block:
        assert not html.startswith("<p>"), "a block shortcode is not wrapped in a paragraph"
    check(default, html)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_shortcode_in_every_language(inputs, name: str):
    """Every language renders every shortcode; one language's numbers and words differ from the other's."""
    source, _ = EXAMPLES[name]
    outputs = {lang: html_of(make_renderer(inputs, lang), source, PageContext(lang, TOPIC_PAGE.path, "x"))
               for lang in LANGS}
    assert all(out and "[[" not in out for out in outputs.values())
    if name not in ("licence", "count", "source"):  # names and counts read the same everywhere
        assert outputs[DEFAULT] != outputs[OTHER]


# --- the extension: stash, not re-parse ------------------------------------------------

def test_inline_shortcode_sits_in_its_paragraph(default):
    html = html_of(default, f"See [[stat {STAT}]] here.")
    assert html.startswith("<p>See <span class=\"digest-stat\">") and html.endswith("</span> here.</p>")


def test_shortcode_in_a_code_span_stays_literal(default):
    assert html_of(default, f"Write `[[stat {STAT}]]`.") == f"<p>Write <code>[[stat {STAT}]]</code>.</p>"


def test_block_shortcode_between_paragraphs(default):
    html = html_of(default, "Before.\n[[topics]]\nAfter.")
    assert html.startswith("<p>Before.</p>\n<ul class=\"digest-topics\">") and html.endswith("</ul>\n\n<p>After.</p>")


def test_what_is_not_a_registered_shortcode_stays_text(default):
    """Render trusts validate, but never turns an unknown name, or a block inside a sentence, into markup."""
    assert html_of(default, "See [[foo bar]] and [[topics]] here.") == "<p>See [[foo bar]] and [[topics]] here.</p>"


class Hostile(Translator):
    """Every string translated into HTML, Markdown and Jinja that must stay text (placeholders kept, as
    the catalog check demands)."""

    PAYLOAD = "<script>alert(1)</script> **b** [x](javascript:alert(1)) <img src=x onerror=alert(2)> &amp;"

    def text(self, message: str) -> Text:
        fields = re.findall(r"\{\w+\}", message)
        return Text(" ".join([self.PAYLOAD, *fields]) if fields else self.PAYLOAD + " {{ config }} {: #y }")


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_translated_text_never_becomes_markup(inputs, name: str):
    import gettext

    renderer = make_renderer(inputs, OTHER)
    renderer.translator = Hostile(renderer.translator.lang, gettext.NullTranslations())
    tags = Tags(html_of(renderer, EXAMPLES[name][0]))
    assert all(a.get("type") == "application/ld+json" for a in tags.all("script"))
    assert not tags.all("img", src="x") and not tags.all("em")
    assert not [a for a in tags.all("a") if (a.get("href") or "").startswith("javascript")]
    assert not tags.all("p", id="y") and not tags.all("li", id="y")
    text = "".join(tags.text)
    if name not in ("count", "licence", "sample", "updated", "source"):  # these show no translated text
        assert "<script>alert(1)</script>" in text or "<script>alert(1)<\\/script>" in text
        assert "**b** [x](javascript:alert(1))" in text  # Markdown left as typed, not bold, not a link


@pytest.mark.parametrize("source", LANGS)
def test_a_fallback_is_marked_in_the_language_it_is_written_in(inputs, source: str):
    """Untranslated dataset text carries the source language's ``lang``, interface text English's,
    each with a note naming that language in the reader's language (here the other declared one's)."""
    import gettext

    from digest.catalogs import build_template

    reader = next(lang for lang in LANGS if lang != source)
    renderer = make_renderer(inputs, reader)
    locale = renderer.translator.lang.locale
    renderer.config = inputs.config.model_copy(update={"source_language": source})
    written_in = build_template(inputs.dataset, renderer.config).written_in(source)
    renderer.translator = Translator(renderer.translator.lang, gettext.NullTranslations(), written_in=written_in)
    # Dataset text (a figure's sentence, a topic's title) and interface text (a figure's "year unknown").
    html = html_of(renderer, f"[[sentence {STAT}]] [[title {TOPIC}]] [[sentence {UNDATED}]]")
    marked = Tags(html).all("span", **{"class": "digest-untranslated"})
    title = inputs.dataset.topics[TOPIC].title
    assert 'class="digest-untranslated" lang="%s">%s</span>' % (source, title) in html.replace(f' title="{renderer.fallback(source).title}"', "")
    named = Locale.parse(source).get_display_name(locale)  # the source language, named in the reader's
    assert renderer.fallback(source).title.endswith(f"{named}.")  # the note itself untranslated here: English
    assert {span.get("lang") for span in marked} == {source, INTERFACE_LANGUAGE}  # the dataset's, the interface's
    interface = [span for span in marked if span.get("lang") == INTERFACE_LANGUAGE]
    english = Locale.parse(INTERFACE_LANGUAGE).get_display_name(locale)
    assert interface and all(span.get("title", "").endswith(f"{english}.") for span in interface if span.get("title"))


def test_a_project_overrides_a_template(inputs, tmp_path: Path):
    folder = tmp_path / "site_config" / "overrides" / "digest"
    folder.mkdir(parents=True)
    (folder / "source.html").write_text('<b class="mine">{{ show(producer) }}</b>\n', encoding="utf-8")
    html = html_of(make_renderer(inputs, DEFAULT, root=tmp_path), f"[[source {SOURCE}]]")
    assert html == f'<p><b class="mine">{inputs.dataset.sources[SOURCE].producer}</b></p>'


def test_override_templates_are_sandboxed(inputs, tmp_path: Path):
    """An override is input from a pull request: it may lay out HTML, not reach Python."""
    from jinja2.exceptions import SecurityError

    folder = tmp_path / "site_config" / "overrides" / "digest"
    folder.mkdir(parents=True)
    (folder / "source.html").write_text("{{ show.__globals__ }}{{ ''.__class__.__mro__[1].__subclasses__() }}\n",
                                        encoding="utf-8")
    with pytest.raises(SecurityError):
        html_of(make_renderer(inputs, DEFAULT, root=tmp_path), f"[[source {SOURCE}]]")


# --- links ---------------------------------------------------------------------------

def test_page_directories_follow_directory_urls():
    assert page_dir("index.md") == ""
    assert page_dir(f"topics/{TOPIC}.md") == f"topics/{TOPIC}"
    assert page_dir("about.md") == "about"


def test_links_are_relative_and_citations_absolute_only_with_a_known_address(default):
    from dataclasses import replace

    assert default.link(TOPIC_PAGE, "sources.md", "source-x") == "../../sources/#source-x"
    assert default.link(HOME, f"topics/{PAGE_TOPIC}.md") == f"topics/{PAGE_TOPIC}/"
    assert default.link(TOPIC_PAGE, f"topics/{PAGE_TOPIC}.md", "a") == "./#a"
    assert default.config.site_url is None  # as declared: the address comes at publish time
    assert default.absolute(TOPIC_PAGE, "topics/x.md", "a") == "../x/#a"
    published = replace(default, config=default.config.model_copy(update={"site_url": "https://owner.github.io/digest/"}))
    assert published.absolute(TOPIC_PAGE, "topics/x.md", "a") == "https://owner.github.io/digest/topics/x/#a"
    assert make_renderer_for(published, OTHER).absolute(HOME, "index.md") == f"https://owner.github.io/digest/{OTHER}/"


def make_renderer_for(renderer, lang: str):  # noqa: ANN001, ANN201
    from dataclasses import replace

    from digest.config import Language

    language: Language = renderer.config.language(lang)
    return replace(renderer, translator=Translator(language, __import__("gettext").NullTranslations()))
