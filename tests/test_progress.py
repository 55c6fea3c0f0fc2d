"""Translation progress: reported per language, and the publishing decision it drives."""

from __future__ import annotations

from digest.config import DigestConfig
from digest.catalogs import LanguageStatus
from digest.progress import build_report, publishable
from digest.tracking import PageState

_NAMES = {"site_name": "Digest", "site_description": "A digest."}
CONFIG = DigestConfig.model_validate({
    "licence": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "dataset": {"name": "A digest", "description": "Figures."}, "project": "a-digest",
    "languages": [{"code": "sv", "locale": "sv_SE", "name": "Svenska", "publish_threshold": 1.0, **_NAMES},
                  {"code": "da", "locale": "da_DK", "name": "Dansk", "publish_threshold": 0.9, **_NAMES},
                  {"code": "fi", "locale": "fi_FI", "name": "Suomi", "publish_threshold": 0.9, **_NAMES}]})


def _strings(code: str, translated: int, missing: int = 0, fuzzy: int = 0) -> LanguageStatus:
    return LanguageStatus(code, translated, [f"m{i}" for i in range(missing)], [f"f{i}" for i in range(fuzzy)])


def _pages(code: str, **states: int) -> list[PageState]:
    return [PageState(code, f"{state}-{i}.md", "sv", state) for state, n in states.items() for i in range(n)]  # type: ignore[arg-type]


def test_a_new_figure_keeps_a_language_published_and_a_new_language_waits():
    report = build_report(CONFIG, [_strings("sv", 196, missing=4), _strings("da", 196, missing=4),
                                   _strings("fi", 20, missing=180)],
                          _pages("da", current=10, outdated=1) + _pages("fi", current=1, missing=10))
    da, fi = report.languages[1], report.languages[2]
    assert round(da.share, 3) == round(206 / 211, 3) and da.published
    assert not fi.published and fi.share < 0.9
    assert publishable(report) == ["sv", "da"]  # the source language is published whatever its strings say
    assert not report.complete


def test_the_job_summary_lists_counts_and_every_page_that_needs_work():
    report = build_report(CONFIG, [_strings("sv", 10), _strings("da", 8, missing=1, fuzzy=1), _strings("fi", 10)],
                          _pages("da", current=1, outdated=1, untracked=1) + _pages("fi", missing=1))
    markdown = report.as_markdown()
    row = next(line for line in markdown.splitlines() if line.startswith("| Dansk"))
    assert [cell.strip() for cell in row.split("|")[2:9]] == ["8", "1", "1", "1", "0", "2", "69.2%"]  # (8 + 1) / (10 + 3)
    assert "- `content/da/outdated-0.md`: outdated (content/sv/outdated-0.md changed since)" in markdown
    assert "- `content/fi/missing-0.md`: missing (content/sv/missing-0.md has no translation yet)" in markdown
    assert "content/da/current-0.md" not in markdown
    text = report.as_text()
    assert "content/da/untracked-0.md: untracked" in text and "  da missing: m0" in text
