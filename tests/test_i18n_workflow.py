"""Translators' workflow: catalogs follow the dataset, status tells what to do, fallbacks are visible."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po

from conftest import LANGS, ROOT, build, run_cli
from digest.catalogs import catalog_path, status
from digest.config import load_config
from digest.load import load_dataset

OLD = "{value} of respondents expect the businesses they buy from to offer a self-service portal."
NEW = "{value} of respondents expect a self-service portal from the businesses they buy from."
NEW_STAT = """
- id: test-added-figure
  source: microsoft-2018
  topic: channels-self-service
  year: 2018
  value: 42
  unit: percent
  population: respondents in five countries
  sentence: "{value} of respondents prefer a brand new channel."
  label: Prefer a brand new channel
  quote: 88 prosent av de spurte forventer at virksomheten de er kunde hos har en selvbetjeningsportal.
"""


def test_shipped_catalogs_are_complete_and_strict_mode_passes():
    result = run_cli(ROOT, "i18n", "status", "--strict")
    assert result.returncode == 0, result.stdout + result.stderr
    report = status(ROOT, load_config(ROOT), load_dataset(ROOT / "stats"))
    assert report.complete and all(lang.translated > 0 for lang in report.languages)


def test_strict_mode_fails_on_an_incomplete_language(project: Path):
    path = catalog_path(project, "da")
    text = path.read_text(encoding="utf-8")
    marker = 'msgid "Sources"\nmsgstr "'
    start = text.index(marker) + len(marker)
    path.write_text(text[:start] + text[text.index('"', start):], encoding="utf-8")
    result = run_cli(project, "i18n", "status", "--strict")
    assert result.returncode == 1
    assert "da missing: Sources" in result.stdout


def test_changed_sentence_becomes_outdated_everywhere_and_shows_the_fallback(project: Path, tmp_path: Path):
    stats = project / "stats" / "statistics.yaml"
    stats.write_text(stats.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    assert run_cli(project, "i18n", "update").returncode == 0
    for lang in LANGS:
        catalog = read_po(catalog_path(project, lang).open("rb"))
        message = catalog.get(NEW)
        assert message is not None and message.fuzzy, lang
    result = run_cli(project, "i18n", "status")
    for lang in LANGS:
        assert f"{lang} outdated: {NEW}" in result.stdout
    site = tmp_path / "site"
    assert build(project, site).returncode == 0
    html = (site / "ko" / "topics" / "channels-self-service" / "index.html").read_text(encoding="utf-8")
    assert 'class="digest-untranslated"' in html and "self&#45;service portal from" not in html
    assert "portal from the businesses" in html.replace("&#45;", "-")


def test_added_statistic_reaches_page_chart_and_status(project: Path, tmp_path: Path):
    stats = project / "stats" / "statistics.yaml"
    stats.write_text(stats.read_text(encoding="utf-8") + NEW_STAT, encoding="utf-8")
    result = run_cli(project, "i18n", "status")
    for lang in LANGS:
        assert f"{lang} missing: {{value}} of respondents prefer a brand new channel." in result.stdout
    site = tmp_path / "site"
    assert build(project, site).returncode == 0, "build must not need code changes"
    for lang in LANGS:
        root = site if lang == "sv" else site / lang
        html = (root / "topics" / "channels-self-service" / "index.html").read_text(encoding="utf-8")
        assert 'id="test-added-figure"' in html
        table = html[html.index('<figure class="digest-chart"'):]
        assert "Prefer a brand new channel" in table
    assert run_cli(project, "i18n", "update").returncode == 0
    po = catalog_path(project, "sv").read_text(encoding="utf-8")
    assert 'msgid "{value} of respondents prefer a brand new channel."\nmsgstr ""' in po
