"""The sitemap: every page of every language, its real last change, and its translations.

Written only when the site's address is known: a sitemap's addresses must be absolute,
and a local build has none to give.

The translations (hreflang) are declared here, in the sitemap, and not as
``<link rel="alternate" hreflang>`` in each page's head. Material's language selector
fetches ``sitemap.xml`` relative to *every* ``link[rel=alternate]`` of a page, taking
them for language roots; with per-page alternates that is one request that 404s per
language on every page view (squidfunk/mkdocs-material#8576). Search engines read
hreflang from the sitemap as they do from the head (Google documents both as
equivalent), and the switcher's links need no script.

``lastmod`` is the date of the last commit that changed one of the page's inputs:
its Markdown, its language's catalog, or the dataset. It is the same for the same
commit, so builds stay reproducible.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import quoteattr, escape

from ..config import DigestConfig
from ..catalogs import catalog_path
from .ui import language_prefix


@dataclass(frozen=True)
class InputDates:
    """Last commit date of each file under ``stats/`` and ``content/`` (paths relative to the root)."""

    files: dict[str, date]
    fallback: date  # for a file git does not know (not committed yet)

    def newest(self, paths: list[str], folders: tuple[str, ...] = ()) -> date:
        dates = [self.files[p] for p in paths if p in self.files]
        dates += [d for p, d in self.files.items() if p.startswith(folders)] if folders else []
        missing = [p for p in paths if p not in self.files]
        if missing or not dates:
            dates.append(self.fallback)
        return max(dates)


def input_dates(root: Path, fallback: date) -> InputDates:
    """One ``git log`` for the whole history of the inputs; a file's first appearance is its last change.

    Paths relative to ``root`` (``--relative``), also when the digest is a folder inside a larger repository.
    """
    files: dict[str, date] = {}
    try:
        out = subprocess.run(["git", "log", "--format=%x00%cs", "--name-only", "--relative", "--no-renames", "--", "stats", "content"],
                             cwd=root, capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        out = ""
    current: date | None = None
    for line in out.splitlines():
        if line.startswith("\0"):
            current = date.fromisoformat(line[1:].strip())
        elif line.strip() and current is not None:
            files.setdefault(line.strip(), current)
    return InputDates(files, fallback)


def page_url(config: DigestConfig, code: str, page: str) -> str:
    """Site path of a page (``topics/x.md``) in one language, under use_directory_urls."""
    stem = page[:-3] if page.endswith(".md") else page
    if stem == "index" or stem.endswith("/index"):
        stem = stem[: -len("index")]
    else:
        stem += "/"
    return language_prefix(config, code) + stem


def sitemap_xml(config: DigestConfig, pages: list[str], dates: InputDates) -> str:
    """The sitemap of every page in every language, with hreflang alternates and x-default."""
    assert config.site_url, "a sitemap needs the site's address"
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">']
    for page in sorted(pages):
        links = [(lang.html_lang, config.site_url + page_url(config, lang.code, page)) for lang in config.languages]
        links.append(("x-default", config.site_url + page_url(config, config.default.code, page)))
        for lang in config.languages:
            inputs = [f"content/{lang.code}/{page}", catalog_path(Path(), lang.code).as_posix()]
            lastmod = dates.newest(inputs, folders=("stats/",))
            lines.append("  <url>")
            lines.append(f"    <loc>{escape(config.site_url + page_url(config, lang.code, page))}</loc>")
            lines.append(f"    <lastmod>{lastmod.isoformat()}</lastmod>")
            for hreflang, href in links:
                lines.append(f'    <xhtml:link rel="alternate" hreflang={quoteattr(hreflang)} href={quoteattr(href)}/>')
            lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"
