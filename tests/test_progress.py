"""Translation progress: reported per language, and the publishing decision it drives.

A declaration of its own (three languages that are neither the fixture's nor the shipped digest's):
the source language, a published translation, and a new language still being translated.
"""

from __future__ import annotations

from digest.config import DigestConfig
from digest.catalogs import LanguageStatus
from digest.progress import build_report, publishable
from digest.tracking import PageState

_NAMES = {"site_name": "Digest", "site_description": "A digest."}
SOURCE, KEPT, NEW = "de", "nl", "et"
CONFIG = DigestConfig.model_validate({
    "licence": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "dataset": {"name": "A digest", "description": "Figures."}, "project": "a-digest",
    "languages": [{"code": SOURCE, "locale": "de_DE", "name": "Deutsch", "publish_threshold": 1.0, **_NAMES},
                  {"code": KEPT, "locale": "nl_NL", "name": "Nederlands", "publish_threshold": 0.9, **_NAMES},
                  {"code": NEW, "locale": "et_EE", "name": "Eesti", "publish_threshold": 0.9, **_NAMES}]})


def _strings(code: str, translated: int, missing: int = 0, fuzzy: int = 0) -> LanguageStatus:
    return LanguageStatus(code, translated, [f"m{i}" for i in range(missing)], [f"f{i}" for i in range(fuzzy)])


def _pages(code: str, **states: int) -> list[PageState]:
    return [PageState(code, f"{state}-{i}.md", SOURCE, state) for state, n in states.items() for i in range(n)]  # type: ignore[arg-type]


def test_a_new_figure_keeps_a_language_published_and_a_new_language_waits():
    report = build_report(CONFIG, [_strings(SOURCE, 196, missing=4), _strings(KEPT, 196, missing=4),
                                   _strings(NEW, 20, missing=180)],
                          _pages(KEPT, current=10, outdated=1) + _pages(NEW, current=1, missing=10))
    kept, new = report.languages[1], report.languages[2]
    assert round(kept.share, 3) == round(206 / 211, 3) and kept.published
    assert not new.published and new.share < 0.9
    assert publishable(report) == [SOURCE, KEPT]  # the source language is published whatever its strings say
    assert not report.complete


def test_the_job_summary_lists_counts_and_every_page_that_needs_work():
    report = build_report(CONFIG, [_strings(SOURCE, 10), _strings(KEPT, 8, missing=1, fuzzy=1), _strings(NEW, 10)],
                          _pages(KEPT, current=1, outdated=1, untracked=1) + _pages(NEW, missing=1))
    markdown = report.as_markdown()
    row = next(line for line in markdown.splitlines() if line.startswith(f"| {CONFIG.language(KEPT).name}"))
    assert [cell.strip() for cell in row.split("|")[2:9]] == ["8", "1", "1", "1", "0", "2", "69.2%"]  # (8 + 1) / (10 + 3)
    assert f"- `content/{KEPT}/outdated-0.md`: outdated (content/{SOURCE}/outdated-0.md changed since)" in markdown
    assert f"- `content/{NEW}/missing-0.md`: missing (content/{SOURCE}/missing-0.md has no translation yet)" in markdown
    assert f"content/{KEPT}/current-0.md" not in markdown
    text = report.as_text()
    assert f"content/{KEPT}/untracked-0.md: untracked" in text and f"  {KEPT} missing: m0" in text
