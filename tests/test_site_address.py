"""The site's address: relative links without one, absolute hreflang and a real sitemap with one.

On the fixture digest's declaration (its languages read from it); the git history is a scratch
repository's, whose dates the test sets.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
import yaml

from conftest import DIGEST, LANGS, copy_project
from digest.config import SITE_URL_ENV, DigestConfig, load_config
from digest.problems import InputError
from digest.site.sitemap import InputDates, input_dates, sitemap_xml
from digest.site.ui import alternates, relative_url

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
ADDRESS = "https://owner.github.io/digest/"
DEFAULT, *OTHERS = LANGS


def prefix(code: str) -> str:
    """A language's folder on the site: none for the default language."""
    return "" if code == DEFAULT else f"{code}/"


@pytest.fixture
def published(monkeypatch):
    monkeypatch.setenv(SITE_URL_ENV, ADDRESS.rstrip("/"))
    return load_config(DIGEST)


def test_publish_address_comes_from_the_environment(published):
    assert published.site_url == ADDRESS


@pytest.mark.parametrize("url", ["https://example.org/digest/", "http://www.example.com/", "javascript:alert(1)//"])
def test_placeholder_or_unsafe_address_is_refused_naming_the_variable(monkeypatch, url):
    monkeypatch.setenv(SITE_URL_ENV, url)
    with pytest.raises(InputError) as err:
        load_config(DIGEST)
    assert [p.file for p in err.value.problems] == [SITE_URL_ENV]


@pytest.mark.parametrize("target, here, expected", [
    (f"{OTHERS[0]}/topics/x/", "topics/x/", f"../../{OTHERS[0]}/topics/x/"),
    ("", f"{OTHERS[-1]}/", "../"),
    (f"{OTHERS[-1]}/", "", f"{OTHERS[-1]}/"),
    ("topics/x/", "topics/x/", "./"),
])
def test_relative_url(target, here, expected):
    assert relative_url(target, here) == expected


def renamed_last_language(site_url: str | None = None) -> tuple[DigestConfig, str]:
    """The fixture's declaration with its last language given a folder code that is no language's
    (as `no` is for nb_NO): its pages must still say their locale's language."""
    data = yaml.safe_load((DIGEST / "site_config" / "digest.yaml").read_text(encoding="utf-8"))
    last = data["languages"][-1]
    renamed = "x" + last["code"][0]
    data["languages"][-1] = {**last, "code": renamed}
    data["site_url"] = site_url
    return DigestConfig.model_validate(data), renamed


def test_switcher_links_are_relative_and_tagged_with_html_lang():
    """From a translation's page, every language's same page; tagged with each locale's language, which a
    folder code need not be."""
    config, renamed = renamed_last_language()
    codes = [lang.code for lang in config.languages]
    assert config.language(renamed).html_lang == load_config(DIGEST).languages[-1].html_lang != renamed
    links = alternates(config, renamed, f"{renamed}/sources/")
    assert [(a.lang, a.href, a.current) for a in links] == [
        (config.html_lang_of(code), "./" if code == renamed else f"../../{prefix(code)}sources/", code == renamed)
        for code in codes]
    home = alternates(config, DEFAULT, "")
    assert [(a.lang, a.href, a.current) for a in home] == [
        (config.html_lang_of(code), prefix(code) or "./", code == DEFAULT) for code in codes]


def test_sitemap_is_absolute_with_hreflang_x_default_and_each_page_its_own_lastmod(published):
    last = OTHERS[-1]
    dates = {f"content/{code}/about.md": date(2025, 1, 1) for code in LANGS}
    dates |= {f"content/{code}/LC_MESSAGES/digest.po": date(2025, 2, 1) for code in LANGS}
    dates |= {f"content/{last}/about.md": date(2026, 3, 1), "stats/statistics.yaml": date(2025, 6, 1)}
    root = ElementTree.fromstring(sitemap_xml(published, ["about.md"], InputDates(dates, fallback=date(2000, 1, 1))))
    urls = {u.find("s:loc", NS).text: u for u in root.findall("s:url", NS)}
    assert set(urls) == {f"{ADDRESS}{prefix(code)}about/" for code in LANGS}
    lastmod = {loc: u.find("s:lastmod", NS).text for loc, u in urls.items()}
    assert lastmod[f"{ADDRESS}{prefix(last)}about/"] == "2026-03-01"  # its own page changed last
    assert lastmod[f"{ADDRESS}about/"] == "2025-06-01"  # the dataset changed last
    links = {l.get("hreflang"): l.get("href") for l in urls[f"{ADDRESS}{prefix(last)}about/"].findall("x:link", NS)}
    assert links == {**{published.html_lang_of(code): f"{ADDRESS}{prefix(code)}about/" for code in LANGS},
                     "x-default": f"{ADDRESS}about/"}


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_input_dates_come_from_git_history(tmp_path: Path):
    """A digest kept in git: each input's date is its last commit's (not the files' times, not today), also
    when the digest is a folder inside a larger repository (as this repository's test fixture is)."""
    repository = tmp_path / "repository"
    project = copy_project(repository / "digests" / "one")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org"}

    def commit(day: str, *paths: str) -> None:
        dated = {**env, "GIT_AUTHOR_DATE": f"{day}T12:00:00Z", "GIT_COMMITTER_DATE": f"{day}T12:00:00Z"}
        subprocess.run(["git", "add", *paths], cwd=project, env=dated, check=True)
        subprocess.run(["git", "commit", "-qm", day], cwd=project, env=dated, check=True)

    subprocess.run(["git", "init", "-q"], cwd=repository, check=True)
    commit("2021-05-01", ".")
    page = project / "content" / DEFAULT / "about.md"
    page.write_text(page.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    commit("2024-02-03", str(page.relative_to(project)))
    dates = input_dates(project, fallback=date(1999, 1, 1))
    assert dates.files, "the project is a git checkout"
    assert any(p.startswith("stats/") for p in dates.files) and any(p.startswith("content/") for p in dates.files)
    assert dates.files[f"content/{DEFAULT}/about.md"] == date(2024, 2, 3)
    assert {d for p, d in dates.files.items() if p != f"content/{DEFAULT}/about.md"} == {date(2021, 5, 1)}


def test_sitemap_alternates_say_the_locale_language_not_the_folder_code():
    config, renamed = renamed_last_language(ADDRESS)
    root = ElementTree.fromstring(sitemap_xml(config, ["about.md"], InputDates({}, fallback=date(2000, 1, 1))))
    page = next(u for u in root.findall("s:url", NS) if u.find("s:loc", NS).text == f"{ADDRESS}{renamed}/about/")
    hreflangs = {l.get("hreflang"): l.get("href") for l in page.findall("x:link", NS)}
    assert hreflangs[config.language(renamed).html_lang] == f"{ADDRESS}{renamed}/about/"
    assert renamed not in hreflangs
