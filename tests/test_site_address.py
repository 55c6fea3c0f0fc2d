"""The site's address: relative links without one, absolute hreflang and a real sitemap with one."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest

from conftest import ROOT
from digest.config import SITE_URL_ENV, load_config
from digest.problems import InputError
from digest.site.sitemap import InputDates, input_dates, sitemap_xml
from digest.site.ui import alternates, relative_url

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


@pytest.fixture
def published(monkeypatch):
    monkeypatch.setenv(SITE_URL_ENV, "https://owner.github.io/digest")
    return load_config(ROOT)


def test_publish_address_comes_from_the_environment(published):
    assert published.site_url == "https://owner.github.io/digest/"


@pytest.mark.parametrize("url", ["https://example.org/digest/", "http://www.example.com/", "javascript:alert(1)//"])
def test_placeholder_or_unsafe_address_is_refused_naming_the_variable(monkeypatch, url):
    monkeypatch.setenv(SITE_URL_ENV, url)
    with pytest.raises(InputError) as err:
        load_config(ROOT)
    assert [p.file for p in err.value.problems] == [SITE_URL_ENV]


@pytest.mark.parametrize("target, here, expected", [
    ("da/topics/x/", "topics/x/", "../../da/topics/x/"),
    ("", "ko/", "../"),
    ("ko/", "", "ko/"),
    ("topics/x/", "topics/x/", "./"),
])
def test_relative_url(target, here, expected):
    assert relative_url(target, here) == expected


def test_switcher_links_are_relative_and_tagged_with_html_lang():
    config = load_config(ROOT)
    links = alternates(config, "no", "no/sources/")
    assert [(a.lang, a.href, a.current) for a in links] == [
        ("sv", "../../sources/", False), ("da", "../../da/sources/", False), ("nb", "./", True), ("ko", "../../ko/sources/", False)]


def test_sitemap_is_absolute_with_hreflang_x_default_and_each_page_its_own_lastmod(published):
    dates = InputDates({"content/da/about.md": date(2026, 3, 1), "content/sv/about.md": date(2025, 1, 1),
                        "content/sv/LC_MESSAGES/digest.po": date(2025, 2, 1), "content/da/LC_MESSAGES/digest.po": date(2025, 2, 1),
                        "content/no/about.md": date(2025, 1, 1), "content/ko/about.md": date(2025, 1, 1),
                        "content/no/LC_MESSAGES/digest.po": date(2025, 1, 1), "content/ko/LC_MESSAGES/digest.po": date(2025, 1, 1),
                        "stats/statistics.yaml": date(2025, 6, 1)}, fallback=date(2000, 1, 1))
    root = ElementTree.fromstring(sitemap_xml(published, ["about.md"], dates))
    urls = {u.find("s:loc", NS).text: u for u in root.findall("s:url", NS)}
    assert set(urls) == {f"https://owner.github.io/digest/{p}about/" for p in ("", "da/", "no/", "ko/")}
    lastmod = {loc: u.find("s:lastmod", NS).text for loc, u in urls.items()}
    assert lastmod["https://owner.github.io/digest/da/about/"] == "2026-03-01"  # its own page changed last
    assert lastmod["https://owner.github.io/digest/about/"] == "2025-06-01"  # the dataset changed last
    links = {l.get("hreflang"): l.get("href") for l in urls["https://owner.github.io/digest/ko/about/"].findall("x:link", NS)}
    assert links == {"sv": "https://owner.github.io/digest/about/", "da": "https://owner.github.io/digest/da/about/",
                     "nb": "https://owner.github.io/digest/no/about/", "ko": "https://owner.github.io/digest/ko/about/",
                     "x-default": "https://owner.github.io/digest/about/"}


def test_input_dates_come_from_git_history():
    dates = input_dates(ROOT, fallback=date(1999, 1, 1))
    assert dates.files, "the project is a git checkout"
    assert all(d > date(2020, 1, 1) for d in dates.files.values())
    assert any(p.startswith("stats/") for p in dates.files) and any(p.startswith("content/") for p in dates.files)
