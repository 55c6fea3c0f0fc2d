"""The built site as readers get it: every language, every page, every figure sourced."""

from __future__ import annotations

import hashlib
import json
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import LANGS, ROOT, build, copy_warm, page_paths
from digest.config import load_config
from digest.format import value_text
from digest.catalogs import load_translators
from digest.load import load_dataset
from digest.lint import expected_pages
from digest.shortcodes import SHORTCODE

DATASET = load_dataset(ROOT / "stats")
CONFIG = load_config(ROOT)
HTML_LANG = {"sv": "sv", "da": "da", "no": "nb", "ko": "ko"}


class Page(HTMLParser):
    """The parts of a page the tests look at: ids, links, images, scripts, text."""

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.path, self.ids, self.links, self.tags, self.text = path, set(), [], [], []
        self.html_lang = None
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_data(self, data):
        self.text.append(data)

    @property
    def body_text(self) -> str:
        return " ".join(self.text)


def lang_root(site: Path, lang: str) -> Path:
    return site if lang == CONFIG.default.code else site / lang


def resolve(page: Path, href: str, site: Path) -> tuple[Path, str] | None:
    """The file and fragment an internal link points to, or None for external links."""
    parts = urlsplit(href)
    if parts.scheme or href.startswith("//") or href.startswith("mailto:"):
        return None
    assert not parts.path.startswith("/"), f"absolute path {href}: the site must work at any address"
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if target.is_dir():
        target = target / "index.html"
    return target, parts.fragment


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
    """Pages say `nb` for Norwegian, and so does every hreflang and lang that names a language."""
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
    assert CONFIG.site_url is None  # the shipped config: the address comes at publish time
    for path in list(pages) + [built_site / "404.html"]:
        html = path.read_text(encoding="utf-8")
        assert not re.search(r'\b(?:href|src|action)="/(?!/)', html), path
        assert "example.org" not in html, path
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
        assert cited and cited <= set(HTML_LANG.values()) | {"en"}, cited


def test_language_switcher_goes_to_the_same_page(built_site: Path, pages: dict[Path, Page]):
    for lang in LANGS:
        for path in page_paths(built_site, lang):
            relative = path.relative_to(lang_root(built_site, lang))
            switcher = [a for t, a in pages[path].tags if t == "a" and a.get("hreflang") and "md-select__link" in a.get("class", "")]
            assert len(switcher) == len(LANGS), path
            for link in switcher:
                target, _ = resolve(path, link["href"], built_site)
                assert target.exists(), (path, link["href"])
                code = {v: k for k, v in HTML_LANG.items()}[link["hreflang"]]
                assert target == (lang_root(built_site, code) / relative).resolve(), (path, link)


def test_internal_links_and_anchors_resolve(built_site: Path, pages: dict[Path, Page]):
    broken = []
    for path, page in pages.items():
        for href in page.links:
            resolved = resolve(path, href, built_site)
            if resolved is None:
                continue
            target, fragment = resolved
            if not target.exists():
                broken.append(f"{path.relative_to(built_site)} → {href} (no file)")
            elif fragment and target.suffix == ".html" and fragment not in pages[target].ids:
                broken.append(f"{path.relative_to(built_site)} → {href} (no anchor)")
    assert broken == []


def test_every_referenced_figure_is_formatted_for_its_locale_and_sourced(built_site: Path, pages: dict[Path, Page]):
    translators, _ = load_translators(ROOT, CONFIG, DATASET, ROOT / ".cache" / "i18n")
    for lang in LANGS:
        for md in sorted((ROOT / "content" / lang).rglob("*.md")):
            rel = md.relative_to(ROOT / "content" / lang).as_posix()
            html_path = lang_root(built_site, lang) / ("" if rel == "index.md" else rel[:-3]) / "index.html"
            html = html_path.read_text(encoding="utf-8")
            for name, stat_id in SHORTCODE.findall(md.read_text(encoding="utf-8")):
                if name not in ("stat", "sentence"):
                    continue
                stat = DATASET.statistics[stat_id]
                shown = value_text(stat, translators[lang], DATASET.units).value
                assert shown in pages[html_path].body_text, (lang, rel, stat_id, shown)
                anchor = f"source-{stat.source}"
                sources_page = lang_root(built_site, lang) / "sources" / "index.html"
                assert anchor in pages[sources_page].ids
                assert f'#{anchor}"' in html


def test_every_figure_has_an_anchor_on_its_topic_page(built_site: Path, pages: dict[Path, Page]):
    for lang in LANGS:
        for stat in DATASET.statistics.values():
            page = pages[lang_root(built_site, lang) / "topics" / stat.topic / "index.html"]
            assert stat.id in page.ids


def test_numbers_in_figure_lists_come_from_the_dataset(built_site: Path):
    """Inside generated figure lists, every number is a dataset value (or a year of the data)."""
    allowed = {f"{n:g}" for s in DATASET.statistics.values() for n in s.numbers}
    allowed |= {str(s.year) for s in DATASET.statistics.values()} | {"62", "620"}
    for lang in LANGS:
        html = (lang_root(built_site, lang) / "topics" / "word-of-mouth" / "index.html").read_text(encoding="utf-8")
        values = re.findall(r'class="digest-value"[^>]*>([^<]+)<', html)
        for value in values:
            for number in re.findall(r"\d+(?:[.,]\d+)?", value):
                assert number.replace(",", ".") in allowed, (lang, value)


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


def test_chart_tables_show_the_dataset_values(built_site: Path):
    translators, _ = load_translators(ROOT, CONFIG, DATASET, ROOT / ".cache" / "i18n")
    for lang in LANGS:
        html = (lang_root(built_site, lang) / "topics" / "loyalty-switching" / "index.html").read_text(encoding="utf-8")
        table = re.search(r'<figure class="digest-chart".*?<tbody>(.*?)</tbody>', html, flags=re.S).group(1)
        rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td>", table)
        shown = {value_text(s, translators[lang], DATASET.units).value for s in DATASET.statistics_of("loyalty-switching")}
        assert rows and {v.replace("&#37;", "%") for _, v in rows} == shown


def test_no_request_leaves_the_site(pages: dict[Path, Page]):
    """No third-party fonts, scripts, styles or images: nothing loads from another host."""
    for path, page in pages.items():
        for tag, attrs in page.tags:
            for name in ("src", "href"):
                url = attrs.get(name, "")
                loads = tag in ("script", "img", "iframe") or (tag == "link" and attrs.get("rel") in ("stylesheet", "preconnect", "preload", "icon"))
                if loads and name in attrs:
                    assert not re.match(r"(https?:)?//", url), (path, tag, url)
        assert "fonts.googleapis" not in path.read_text(encoding="utf-8")


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


def test_search_index_per_language(built_site: Path):
    for lang in LANGS:
        index = json.loads((lang_root(built_site, lang) / "search" / "search_index.json").read_text(encoding="utf-8"))
        assert index["config"]["lang"] == [lang]
        locations = [d["location"] for d in index["docs"]]
        assert locations and not any(loc.split("/")[0] in LANGS for loc in locations)
    korean = (built_site / "ko" / "search" / "search_index.json").read_text(encoding="utf-8")
    # Chart data tables stay out of the index: their cells would run together in snippets.
    table_title = load_translators(ROOT, CONFIG, DATASET, ROOT / ".cache" / "i18n")[0]["ko"].text("Chart data as a table").value
    assert "<details" not in korean and table_title not in korean
    assert "고객" in korean and "undersökningar" not in korean and "undersøgelser" not in korean


def test_old_data_is_marked(built_site: Path):
    html = (built_site / "topics" / "small-business" / "index.html").read_text(encoding="utf-8")
    assert 'class="digest-old"' in html


def test_digest_build_gives_the_same_bytes_in_a_folder_that_does_not_exist_yet(built_site: Path, tmp_path: Path):
    """`digest build` (new processes, atomic swap) reproduces the in-process build byte for byte."""
    again = tmp_path / "new" / "place" / "site"
    result = build(ROOT, again)
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
    import html5lib

    failures = {}
    for path in sorted(built_site.rglob("*.html")):
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(path.read_bytes())
        if parser.errors:
            failures[str(path.relative_to(built_site))] = parser.errors[:3]
    assert failures == {}


def test_a_mkdocs_warning_fails_digest_build(built_project: Path, tmp_path: Path):
    """`digest build` is strict for real (no --quiet, which hides warnings from --strict)."""
    project = copy_warm(built_project, tmp_path / "project")  # only the link is new: the rest is reused
    page = project / "content" / "sv" / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n[Saknas](missing-page.md)\n", encoding="utf-8")
    result = build(project)
    assert result.returncode == 1 and "missing-page.md" in result.stderr, result.stderr
    assert not (project / "site").exists()
def test_downloads_say_which_language_each_text_column_is_in(built_site: Path):
    for lang in LANGS:
        records = json.loads((lang_root(built_site, lang) / "data" / f"digest-{lang}.json").read_text(encoding="utf-8"))
        for record in records:
            assert record["sentence_lang"] == record["label_lang"] == record["population_lang"] == "en"
            assert record["text_lang"] == record["label_translated_lang"] == HTML_LANG[lang]  # catalogs are complete
            assert (record["caveat"] is None) == (record["caveat_lang"] is None)


def test_citations_per_figure_and_source_in_three_forms(built_site: Path, pages: dict[Path, Page]):
    """Text in the page's language, BibTeX with balanced braces, CSL-JSON Zotero can import."""
    translators = load_translators(ROOT, CONFIG, DATASET, ROOT / ".cache" / "i18n")[0]
    for lang in LANGS:
        for page_path, count in ((lang_root(built_site, lang) / "topics" / "loyalty-switching" / "index.html",
                                  len(DATASET.statistics_of("loyalty-switching"))),
                                 (lang_root(built_site, lang) / "sources" / "index.html", len(DATASET.sources))):
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
                assert not item["URL"].startswith("http") and "example.org" not in block
                assert translators[lang].text(
                    "a link relative to this page: the site's address was not known when it was built").value in unescape(text)
