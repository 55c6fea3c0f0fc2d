"""Render-stage units: every shortcode through Markdown's extension API, links, escaping, overrides.

Each shortcode is converted with ``Renderer.to_html`` (Markdown + the digest
extension, as MkDocs runs it) over the real dataset and catalogs, with charts
planned but not drawn: milliseconds per case, no MkDocs, no subprocess.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import make_renderer
from digest.format import number, value_text
from digest.render import page_dir
from digest.shortcodes import REGISTRY, PageContext
from digest.translate import Text, Translator

TOPIC_PAGE = PageContext("sv", "topics/word-of-mouth.md", "content/sv/topics/word-of-mouth.md")
HOME = PageContext("sv", "index.md", "content/sv/index.md")


@pytest.fixture(scope="module")
def sv(inputs):
    return make_renderer(inputs, "sv")


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
    stat = r.dataset.statistics["amex-2011-small-business-better"]
    tags = Tags(html)
    assert tags.all("span", **{"class": "digest-stat"})
    assert value_text(stat, r.translator, r.dataset.units).value in "".join(tags.text)
    assert tags.all("a", href=f"../{stat.topic}/#{stat.id}")
    assert tags.all("a", href=f"../../sources/#source-{stat.source}")
    assert str(stat.year) in "".join(tags.text)


def check_sentence(r, html):  # noqa: ANN001
    stat = r.dataset.statistics["amex-2011-small-business-better"]
    before = r.translator.text(stat.sentence).value.partition("{value}")[0]
    assert before.strip() in html and value_text(stat, r.translator, r.dataset.units).value in html


def check_source(r, html):  # noqa: ANN001
    assert Tags(html).all("a", href="../../sources/#source-amex-2011-barometer")
    assert "American Express" in html


def check_sample(r, html):  # noqa: ANN001
    size = r.dataset.sources["amex-2011-barometer"].sample_size
    assert number(size, "sv_SE") in html


def check_count(r, html):  # noqa: ANN001
    assert f"<p>{number(len(r.dataset.statistics), 'sv_SE')}</p>" == html


def check_updated(r, html):  # noqa: ANN001
    assert '<time datetime="2026-01-01">1 januari 2026</time>' in html


def check_licence(r, html):  # noqa: ANN001
    licence = r.config.licence
    assert f'<p><a href="{licence.url}" rel="license">{licence.name}</a></p>' == html


def check_title(r, html):  # noqa: ANN001
    assert html == f"<p>{r.translator.text(r.dataset.topics['word-of-mouth'].title).value}</p>"


def check_headlines(r, html):  # noqa: ANN001
    headlines = [s for s in r.dataset.statistics.values() if s.headline]
    items = Tags(html).all("li", **{"class": "digest-figure"})
    assert len(items) == len(headlines) and not any("id" in item for item in items)


def check_topics(r, html):  # noqa: ANN001
    hrefs = [a["href"] for a in Tags(html).all("a")]
    assert hrefs == ["./" if t.id == "word-of-mouth" else f"../{t.id}/" for t in r.dataset.topics_in_order]


def check_figures(r, html):  # noqa: ANN001
    tags = Tags(html)
    assert [li["id"] for li in tags.all("li", **{"class": "digest-figure"})] == [
        s.id for s in r.dataset.statistics_of("word-of-mouth")]
    assert len(tags.all("details", **{"class": "digest-cite"})) == len(r.dataset.statistics_of("word-of-mouth"))
    assert "https://" in "".join(tags.text)  # the citation's permanent link


def check_chart(r, html):  # noqa: ANN001
    chart = r.charts["word-of-mouth"]
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
    assert len(Tags(html).all("p", **{"class": "digest-caveat"})) == len(with_caveat)


def check_downloads(r, html):  # noqa: ANN001
    payload = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(payload)
    assert data["@type"] == "Dataset" and data["inLanguage"] == "sv-SE"
    assert [d["contentUrl"].rsplit("/", 1)[1] for d in data["distribution"]] == ["digest-sv.csv", "digest-sv.json"]
    assert Tags(html).all("a", href="../../data/digest-sv.csv")


def check_status(r, html):  # noqa: ANN001
    rows = Tags(html).all("tr")
    assert len(rows) == 1 + len(r.config.languages)
    assert all(lang.name in html for lang in r.config.languages)


EXAMPLES = {
    "stat": ("[[stat amex-2011-small-business-better]]", check_stat),
    "sentence": ("[[sentence amex-2011-small-business-better]]", check_sentence),
    "source": ("[[source amex-2011-barometer]]", check_source),
    "sample": ("[[sample amex-2011-barometer]]", check_sample),
    "count": ("[[count figures]]", check_count),
    "updated": ("[[updated]]", check_updated),
    "licence": ("[[licence]]", check_licence),
    "title": ("[[title word-of-mouth]]", check_title),
    "headlines": ("[[headlines]]", check_headlines),
    "topics": ("[[topics]]", check_topics),
    "figures": ("[[figures word-of-mouth]]", check_figures),
    "chart": ("[[chart word-of-mouth]]", check_chart),
    "sources": ("[[sources]]", check_sources),
    "caveats": ("[[caveats]]", check_caveats),
    "downloads": ("[[downloads]]", check_downloads),
    "status": ("[[status]]", check_status),
}


def test_every_shortcode_has_a_unit_test():
    assert set(EXAMPLES) == set(REGISTRY)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_shortcode(sv, name: str):
    source, check = EXAMPLES[name]
    html = html_of(sv, source)
    assert "[[" not in html and "\x02" not in html
    if REGISTRY[name].block:
        assert not html.startswith("<p>"), "a block shortcode is not wrapped in a paragraph"
    check(sv, html)


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_shortcode_in_every_language(inputs, name: str):
    """Every language renders every shortcode; Korean numbers and words differ from Swedish ones."""
    source, _ = EXAMPLES[name]
    outputs = {lang: html_of(make_renderer(inputs, lang), source, PageContext(lang, TOPIC_PAGE.path, "x"))
               for lang in inputs.config.codes}
    assert all(out and "[[" not in out for out in outputs.values())
    if name not in ("licence", "count", "source"):  # names and counts read the same everywhere
        assert outputs["sv"] != outputs["ko"]


# --- the extension: stash, not re-parse ------------------------------------------------

def test_inline_shortcode_sits_in_its_paragraph(sv):
    html = html_of(sv, "Se [[stat amex-2011-small-business-better]] här.")
    assert html.startswith("<p>Se <span class=\"digest-stat\">") and html.endswith("</span> här.</p>")


def test_shortcode_in_a_code_span_stays_literal(sv):
    assert html_of(sv, "Skriv `[[stat amex-2011-small-business-better]]`.") == \
        "<p>Skriv <code>[[stat amex-2011-small-business-better]]</code>.</p>"


def test_block_shortcode_between_paragraphs(sv):
    html = html_of(sv, "Före.\n[[topics]]\nEfter.")
    assert html.startswith("<p>Före.</p>\n<ul class=\"digest-topics\">") and html.endswith("</ul>\n\n<p>Efter.</p>")


def test_what_is_not_a_registered_shortcode_stays_text(sv):
    """Render trusts validate, but never turns an unknown name, or a block inside a sentence, into markup."""
    assert html_of(sv, "Se [[foo bar]] och [[topics]] här.") == "<p>Se [[foo bar]] och [[topics]] här.</p>"


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

    renderer = make_renderer(inputs, "da")
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


@pytest.mark.parametrize("source, named", [("en", "engelsk"), ("fi", "finsk")])
def test_a_fallback_is_marked_in_the_language_it_is_written_in(inputs, source: str, named: str):
    """Untranslated dataset text carries the source language's ``lang``, interface text English's,
    each with a note naming that language in the reader's language."""
    import gettext

    from digest.catalogs import build_template

    renderer = make_renderer(inputs, "da")
    renderer.config = inputs.config.model_copy(update={"source_language": source})
    written_in = build_template(inputs.dataset, renderer.config).written_in(source)
    renderer.translator = Translator(renderer.translator.lang, gettext.NullTranslations(), written_in=written_in)
    html = html_of(renderer, "[[sentence amex-2011-small-business-better]] [[title small-business]]")
    marked = Tags(html).all("span", **{"class": "digest-untranslated"})
    title = inputs.dataset.topics["small-business"].title
    assert 'class="digest-untranslated" lang="%s">%s</span>' % (source, title) in html.replace(f' title="{renderer.fallback(source).title}"', "")
    assert renderer.fallback(source).title.endswith(f"{named}.")  # the note itself untranslated here: English
    assert {span.get("lang") for span in marked} == {source, "en"}  # the dataset's language, the interface's
    interface = [span for span in marked if span.get("lang") == "en"]
    assert interface and all(span.get("title", "").endswith("engelsk.") for span in interface if span.get("title"))


def test_a_project_overrides_a_template(inputs, tmp_path: Path):
    folder = tmp_path / "site_config" / "overrides" / "digest"
    folder.mkdir(parents=True)
    (folder / "source.html").write_text('<b class="mine">{{ show(producer) }}</b>\n', encoding="utf-8")
    html = html_of(make_renderer(inputs, "sv", root=tmp_path), "[[source amex-2011-barometer]]")
    assert html == '<p><b class="mine">American Express</b></p>'


def test_override_templates_are_sandboxed(inputs, tmp_path: Path):
    """An override is input from a pull request: it may lay out HTML, not reach Python."""
    from jinja2.exceptions import SecurityError

    folder = tmp_path / "site_config" / "overrides" / "digest"
    folder.mkdir(parents=True)
    (folder / "source.html").write_text("{{ show.__globals__ }}{{ ''.__class__.__mro__[1].__subclasses__() }}\n",
                                        encoding="utf-8")
    with pytest.raises(SecurityError):
        html_of(make_renderer(inputs, "sv", root=tmp_path), "[[source amex-2011-barometer]]")


# --- links ---------------------------------------------------------------------------

def test_page_directories_follow_directory_urls():
    assert page_dir("index.md") == ""
    assert page_dir("topics/word-of-mouth.md") == "topics/word-of-mouth"
    assert page_dir("about.md") == "about"


def test_links_are_relative_and_citations_absolute_only_with_a_known_address(sv):
    from dataclasses import replace

    assert sv.link(TOPIC_PAGE, "sources.md", "source-x") == "../../sources/#source-x"
    assert sv.link(HOME, "topics/word-of-mouth.md") == "topics/word-of-mouth/"
    assert sv.link(TOPIC_PAGE, "topics/word-of-mouth.md", "a") == "./#a"
    assert sv.config.site_url is None  # shipped: the address comes at publish time
    assert sv.absolute(TOPIC_PAGE, "topics/x.md", "a") == "../x/#a"
    published = replace(sv, config=sv.config.model_copy(update={"site_url": "https://owner.github.io/digest/"}))
    assert published.absolute(TOPIC_PAGE, "topics/x.md", "a") == "https://owner.github.io/digest/topics/x/#a"
    assert make_renderer_for(published, "da").absolute(HOME, "index.md") == "https://owner.github.io/digest/da/"


def make_renderer_for(renderer, lang: str):  # noqa: ANN001, ANN201
    from dataclasses import replace

    from digest.config import Language

    language: Language = renderer.config.language(lang)
    return replace(renderer, translator=Translator(language, __import__("gettext").NullTranslations()))
