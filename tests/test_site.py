"""The built site as readers get it: every language, every page, every figure sourced.

Built from the fixture digest (tests/fixtures/digest); languages, topics and figures are read from
its declaration and dataset. What this digest's own site shows is checked in test_content_site.
"""

from __future__ import annotations

import hashlib
import json
import re
from html import unescape
from pathlib import Path

import pytest
from babel.numbers import get_decimal_symbol, get_group_symbol, parse_decimal

from conftest import (DIGEST, LANGS, Page, broken_links, build, build_in_process, copy_project, copy_warm, html_errors,
                      offsite_loads, page_paths, resolve)
from digest.config import load_config
from digest.format import is_old, value_text
from digest.load import load_dataset
from digest.lint import expected_pages
from digest.pipeline import last_updated
from digest.shortcodes import SHORTCODE

CONFIG = load_config(DIGEST)
DATASET = load_dataset(DIGEST / "stats", CONFIG.quotes.required)
HTML_LANG = {code: CONFIG.html_lang_of(code) for code in LANGS}  # the locale's language, which a code need not be
# The addresses the dataset itself gives (its sources' and articles'): the only absolute ones a local build may hold.
DATASET_URLS = sorted({r.url for r in (*DATASET.sources.values(), *DATASET.articles.values()) if r.url.startswith("http")},
                      key=len, reverse=True)


def without_dataset_urls(text: str) -> str:
    for url in DATASET_URLS:
        text = text.replace(url, "")
    return text


def lang_root(site: Path, lang: str) -> Path:
    return site if lang == CONFIG.default.code else site / lang


@pytest.fixture(scope="module")
def pages(built_site: Path) -> dict[Path, Page]:
    return {p: Page(p) for p in built_site.rglob("*.html")}


def test_every_page_exists_in_every_language(built_site: Path):
    declared = expected_pages(CONFIG) + [f"topics/{t.id}.md" for t in DATASET.topics_in_order]
    wanted = {"" if p == "index.md" else p[:-3] + "/" for p in declared}
    for lang in LANGS:
        root = lang_root(built_site, lang)
        have = {str(p.parent.relative_to(root)) + "/" if p.parent != root else "" for p in page_paths(built_site, lang)}
        assert wanted <= have, f"{lang} lacks {sorted(wanted - have)}"


def test_html_lang_and_switcher_languages_agree(built_site: Path, pages: dict[Path, Page]):
    """Pages say their locale's language (`nb` for a code `no`), and so does every hreflang and lang that names a
    language (the shipped digest's Norwegian, whose code is not its language: test_content_site)."""
    for lang in LANGS:
        for path in page_paths(built_site, lang):
            page = pages[path]
            assert page.html_lang == HTML_LANG[lang], path
            switcher = [a for t, a in page.tags if t == "a" and "md-select__link" in a.get("class", "")]
            assert {a["hreflang"] for a in switcher} == set(HTML_LANG.values()), path
            assert all(a["lang"] == a["hreflang"] for a in switcher), path


def test_no_absolute_path_and_no_head_alternates_without_a_site_url(built_site: Path, pages: dict[Path, Page]):
    """Built without an address, the site works at any: every link is relative, and there is no
    sitemap or hreflang (both need absolute addresses; Material would also fetch sitemap.xml
    under every <link rel=alternate>, one 404 per language per page)."""
    assert CONFIG.site_url is None  # the fixture's config: the address comes at publish time
    for path in list(pages) + [built_site / "404.html"]:
        html = path.read_text(encoding="utf-8")
        assert not re.search(r'\b(?:href|src|action)="/(?!/)', html), path
        assert "example.org" not in without_dataset_urls(html), path  # no placeholder address either
        assert '<link rel="alternate"' not in html, path
    assert not (built_site / "sitemap.xml").exists()
    assert not any(built_site.glob("*/sitemap.xml"))


def test_sources_page_has_a_table_of_contents_and_each_article_title_its_language(built_site: Path, pages: dict[Path, Page]):
    for lang in LANGS:
        page = pages[lang_root(built_site, lang) / "sources" / "index.html"]
        for tag, attrs in page.tags:
            if tag == "li" and "lang" in attrs:
                raise AssertionError(f"{lang}: a list item carries lang={attrs['lang']}, but holds text in the page's language")
        cited = {a["lang"] for t, a in page.tags if t == "cite" and "lang" in a}
        assert cited and cited <= {CONFIG.html_lang_of(a.language) for a in DATASET.articles.values()}, cited


def test_language_switcher_goes_to_the_same_page(built_site: Path, pages: dict[Path, Page]):
    for lang in LANGS:
        for path in page_paths(built_site, lang):
            relative = path.relative_to(lang_root(built_site, lang))
            switcher = [a for t, a in pages[path].tags if t == "a" and a.get("hreflang") and "md-select__link" in a.get("class", "")]
            assert len(switcher) == len(LANGS), path
            for link in switcher:
                target, _ = resolve(path, link["href"], built_site)
                assert target.exists(), (path, link["href"])
                code = next(c for c in LANGS if HTML_LANG[c] == link["hreflang"])
                assert target == (lang_root(built_site, code) / relative).resolve(), (path, link)


def test_internal_links_and_anchors_resolve(built_site: Path, pages: dict[Path, Page]):
    assert broken_links(built_site, pages) == []


def test_every_referenced_figure_is_formatted_for_its_locale_and_sourced(built_site: Path, pages: dict[Path, Page],
                                                                         inputs):
    translators = inputs.translators
    referenced = 0
    for lang in LANGS:
        for md in sorted((DIGEST / "content" / lang).rglob("*.md")):
            rel = md.relative_to(DIGEST / "content" / lang).as_posix()
            html_path = lang_root(built_site, lang) / ("" if rel == "index.md" else rel[:-3]) / "index.html"
            html = html_path.read_text(encoding="utf-8")
            for name, stat_id in SHORTCODE.findall(md.read_text(encoding="utf-8")):
                if name not in ("stat", "sentence"):
                    continue
                stat = DATASET.statistics[stat_id]
                referenced += 1
                shown = value_text(stat, translators[lang], DATASET.units).value
                assert shown in pages[html_path].body_text, (lang, rel, stat_id, shown)
                anchor = f"source-{stat.source}"
                sources_page = lang_root(built_site, lang) / "sources" / "index.html"
                assert anchor in pages[sources_page].ids
                assert f'#{anchor}"' in html
    assert referenced >= len(LANGS)  # every language's pages name figures


def test_every_figure_has_an_anchor_on_its_topic_page(built_site: Path, pages: dict[Path, Page]):
    for lang in LANGS:
        for stat in DATASET.statistics.values():
            page = pages[lang_root(built_site, lang) / "topics" / stat.topic / "index.html"]
            assert stat.id in page.ids


def test_numbers_in_figure_lists_come_from_the_dataset(built_site: Path):
    """Inside generated figure lists, every number is a dataset value (or a year of the data), read as the
    page's locale writes numbers; a large value may be shown in thousands, millions or billions."""
    numbers = [n for s in DATASET.statistics.values() for n in s.numbers if n is not None]
    allowed = {round(n / scale, 6) for n in numbers for scale in (1, 1e3, 1e6, 1e9)}
    allowed |= {s.year for s in DATASET.statistics.values() if isinstance(s.year, int)}
    checked = 0
    for lang in LANGS:
        locale = CONFIG.language(lang).locale
        number = re.compile(rf"\d+(?:[{re.escape(get_group_symbol(locale) + get_decimal_symbol(locale))}]\d+)*")
        for topic in DATASET.topics:
            html = (lang_root(built_site, lang) / "topics" / topic / "index.html").read_text(encoding="utf-8")
            for value in re.findall(r'class="digest-value"[^>]*>([^<]+)<', html):
                for found in number.findall(value):
                    checked += 1
                    assert round(float(parse_decimal(found, locale)), 6) in allowed, (lang, topic, value)
    assert checked >= len(LANGS) * len(DATASET.statistics)


def test_charts_sit_in_captioned_figures_with_alt_text_and_tables(built_site: Path, pages: dict[Path, Page]):
    count = 0
    for path, page in pages.items():
        html = path.read_text(encoding="utf-8")
        for figure in re.findall(r'<figure class="digest-chart".*?</figure>', html, flags=re.S):
            count += 1
            img = re.search(r'<img src="([^"]+)" width="(\d+)" height="(\d+)" alt="([^"]+)"', figure)
            assert img, figure[:200]
            assert (path.parent / img.group(1)).resolve().exists()
            caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, flags=re.S).group(1)
            source_links = re.findall(r'href="([^"]*#source-[a-z0-9-]+)"', caption)
            assert source_links, caption
            for href in source_links:
                target, fragment = resolve(path, href, built_site)
                assert fragment in pages[target].ids
            assert "<table>" in figure and "<details" in figure
    assert count >= len(LANGS) * (len(DATASET.topics) + 1)


def test_chart_tables_show_the_dataset_values(built_site: Path, inputs):
    """The first topic whose every figure is charted (its units all draw): its chart's table shows each value."""
    translators = inputs.translators
    topic = next(t.id for t in DATASET.topics_in_order
                 if all(DATASET.units[s.unit].chart is not None for s in DATASET.statistics_of(t.id)))
    for lang in LANGS:
        html = (lang_root(built_site, lang) / "topics" / topic / "index.html").read_text(encoding="utf-8")
        table = re.search(r'<figure class="digest-chart".*?<tbody>(.*?)</tbody>', html, flags=re.S).group(1)
        rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td>", table)
        shown = {value_text(s, translators[lang], DATASET.units).value for s in DATASET.statistics_of(topic)}
        assert rows and {v.replace("&#37;", "%") for _, v in rows} == shown


def test_no_request_leaves_the_site(pages: dict[Path, Page]):
    """No third-party fonts, scripts, styles or images: nothing loads from another host."""
    assert offsite_loads(pages) == []


def test_dataset_jsonld_is_valid_and_points_at_downloads(built_site: Path):
    for lang in LANGS:
        html = (lang_root(built_site, lang) / "about" / "index.html").read_text(encoding="utf-8")
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)
        assert len(blocks) == 1
        data = json.loads(blocks[0])
        assert data["@type"] == "Dataset" and data["license"] and data["distribution"]
        for dist in data["distribution"]:
            rel = dist["contentUrl"]  # relative to the page when the site's address is not known
            assert (built_site / "about" / rel if lang == LANGS[0] else built_site / lang / "about" / rel).resolve().exists(), rel


def test_downloads_hold_every_figure(built_site: Path):
    for lang in LANGS:
        records = json.loads((lang_root(built_site, lang) / "data" / f"digest-{lang}.json").read_text(encoding="utf-8"))
        assert {r["id"] for r in records} == set(DATASET.statistics)
        assert all(r["producer"] and r["source_url"] for r in records)


def home_title(lang: str) -> str:
    """The heading of a language's hand-written home page, as its author wrote it."""
    text = (DIGEST / "content" / lang / "index.md").read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", text, flags=re.M).group(1).strip()


def test_search_index_per_language(built_site: Path, inputs):
    for lang in LANGS:
        index = json.loads((lang_root(built_site, lang) / "search" / "search_index.json").read_text(encoding="utf-8"))
        assert index["config"]["lang"] == [lang]
        locations = [d["location"] for d in index["docs"]]
        assert locations and not any(loc.split("/")[0] in LANGS for loc in locations)
    for lang in LANGS:
        text = (lang_root(built_site, lang) / "search" / "search_index.json").read_text(encoding="utf-8")
        # Chart data tables stay out of the index: their cells would run together in snippets.
        table_title = inputs.translators[lang].text("Chart data as a table").value
        assert "<details" not in text and table_title not in text, lang
        # Each language's index holds its own pages, and none of another language's.
        assert home_title(lang) in text, lang
        assert not [other for other in LANGS if other != lang and home_title(other) in text], lang


def test_old_data_is_marked(built_project: Path, tmp_path: Path):
    """With `old_data_after_years` set so the fixture's oldest figure is old, its entries carry the mark, in every
    language, and a recent figure's do not."""
    project = copy_warm(built_project, tmp_path / "project")
    updated = last_updated(project)
    dated = sorted((s for s in DATASET.statistics.values() if isinstance(s.year, int)), key=lambda s: s.year)
    years = updated.year - dated[0].year - 1
    assert years >= 0 and dated[-1].year > dated[0].year, "the fixture needs figures of two years"
    config = project / "site_config" / "digest.yaml"
    text, found = re.subn(r"(?m)^old_data_after_years: .*$", f"old_data_after_years: {years}",
                          config.read_text(encoding="utf-8"))
    assert found == 1
    config.write_text(text, encoding="utf-8")
    site = build_in_process(project, tmp_path / "site")
    old = [s for s in dated if is_old(s, updated, years)]
    recent = [s for s in dated if not is_old(s, updated, years)]
    assert old and recent
    for lang in LANGS:
        for stat, marked in [(s, True) for s in old] + [(s, False) for s in recent]:
            html = (lang_root(site, lang) / "topics" / stat.topic / "index.html").read_text(encoding="utf-8")
            start = html.index(f'<li id="{stat.id}"')
            entry = html[start:html.index("</p>", start)]
            assert ('class="digest-old"' in entry) == marked, (lang, stat.id)


def test_digest_build_gives_the_same_bytes_in_a_folder_that_does_not_exist_yet(built_site: Path, tmp_path: Path):
    """`digest build` (new processes, atomic swap, charts drawn anew) reproduces the in-process build byte for byte."""
    again = tmp_path / "new" / "place" / "site"
    result = build(copy_project(tmp_path / "project"), again)
    output = result.stdout + result.stderr
    assert result.returncode == 0 and "Traceback" not in output, output[-2000:]
    assert (again / ".built").is_file() and not [p for p in again.parent.iterdir() if p.name.startswith(".site-")]
    (again / ".built").unlink()  # the atomic build's completion marker

    def digest_of(site: Path) -> dict[str, str]:
        return {str(p.relative_to(site)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(site.rglob("*")) if p.is_file()}

    first, second = digest_of(built_site), digest_of(again)
    assert first.keys() == second.keys()
    assert [k for k in first if first[k] != second[k]] == []


def test_every_page_parses_without_html_errors(built_site: Path):
    """html5lib reports every parse error of the HTML standard's algorithm; there must be none."""
    assert html_errors(built_site) == {}


def test_a_mkdocs_warning_fails_digest_build(built_project: Path, tmp_path: Path):
    """`digest build` is strict for real (no --quiet, which hides warnings from --strict)."""
    project = copy_warm(built_project, tmp_path / "project")  # only the link is new: the rest is reused
    page = project / "content" / LANGS[0] / CONFIG.hand_written_pages()[-1]
    page.write_text(page.read_text(encoding="utf-8") + "\n[Missing](missing-page.md)\n", encoding="utf-8")
    result = build(project)
    assert result.returncode == 1 and "missing-page.md" in result.stderr, result.stderr
    assert not (project / "site").exists()


def test_downloads_say_which_language_each_text_column_is_in(built_site: Path, inputs):
    """Originals are in the dataset's source language; a translated column is in the page's language where the
    catalog translates it, else in the source language (the fixture's catalog is partial: both occur)."""
    source = CONFIG.source_language
    seen = set()

    def lang_of(lang: str, message: str) -> str:
        return source if inputs.translators[lang].text(message).fallback else HTML_LANG[lang]

    for lang in LANGS:
        records = json.loads((lang_root(built_site, lang) / "data" / f"digest-{lang}.json").read_text(encoding="utf-8"))
        assert {r["id"] for r in records} == set(DATASET.statistics)
        for record in records:
            stat = DATASET.statistics[record["id"]]
            assert record["sentence_lang"] == record["label_lang"] == record["population_lang"] == source
            assert record["text_lang"] == lang_of(lang, stat.sentence), (lang, stat.id)
            assert record["label_translated_lang"] == lang_of(lang, stat.label), (lang, stat.id)
            assert (record["caveat"] is None) == (record["caveat_lang"] is None)
            seen |= {(lang, record["text_lang"]), (lang, record["label_translated_lang"])}
    assert any(lang != source and (lang, HTML_LANG[lang]) in seen and (lang, source) in seen for lang in LANGS), \
        "the fixture should have a language with translated and untranslated figures"


def test_citations_per_figure_and_source_in_three_forms(built_site: Path, pages: dict[Path, Page], inputs):
    """Text in the page's language, BibTeX with balanced braces, CSL-JSON Zotero can import."""
    translators = inputs.translators
    for lang in LANGS:
        topic_pages = [(lang_root(built_site, lang) / "topics" / t / "index.html", len(DATASET.statistics_of(t)))
                       for t in DATASET.topics]
        for page_path, count in (*topic_pages, (lang_root(built_site, lang) / "sources" / "index.html", len(DATASET.sources))):
            html = page_path.read_text(encoding="utf-8")
            blocks = re.findall(r'<details class="digest-cite"[^>]*>(.*?)</details>', html, flags=re.S)
            assert len(blocks) == count, (page_path, len(blocks))
            for block in blocks:
                text = re.search(r'<p class="digest-cite-text">(.*?)</p>', block, flags=re.S).group(1)
                bibtex, csl = (unescape(c) for c in re.findall(r"<pre><code>(.*?)</code></pre>", block, flags=re.S))
                assert bibtex.startswith("@") and bibtex.count("{") - bibtex.count("\\{") == bibtex.count("}") - bibtex.count("\\}")
                item = json.loads(csl)[0]
                assert {"id", "type", "title", "URL", "accessed", "container-title"} <= set(item)
                assert item["accessed"]["date-parts"][0][0] >= 2020
                # No address is invented for a local build: the link is relative, and the text says so.
                assert not item["URL"].startswith("http") and "example.org" not in without_dataset_urls(block)
                assert translators[lang].text(
                    "a link relative to this page: the site's address was not known when it was built").value in unescape(text)
