"""Translators' workflow: catalogs follow the dataset, status tells what to do, fallbacks are visible."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import LANGS, ROOT, cli_in_process, make_renderer
from digest.bench import copy_inputs
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
  measure: share-of-respondents
  question: prefer-a-brand-new-channel
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch copy of the inputs (without the drawn charts ``copy_project`` adds: nothing is drawn here)."""
    return copy_inputs(ROOT, tmp_path / "project")


def test_shipped_catalogs_have_no_broken_entry_and_status_passes(tmp_path: Path):
    summary = tmp_path / "summary.md"
    result = cli_in_process(ROOT, "i18n", "status", "--summary", str(summary))
    assert result.returncode == 0, result.stdout + result.stderr
    report = status(ROOT, load_config(ROOT), load_dataset(ROOT / "stats"), tmp_path / "i18n")
    assert all(lang.translated > 0 for lang in report.languages)
    markdown = summary.read_text(encoding="utf-8")
    assert markdown.startswith("## Translation status") and all(f"(`{lang}`)" in markdown for lang in LANGS)


def test_status_reports_but_does_not_fail_on_untranslated_strings(project: Path, tmp_path: Path):
    stats = project / "stats" / "statistics.yaml"
    stats.write_text(stats.read_text(encoding="utf-8") + NEW_STAT, encoding="utf-8")
    assert cli_in_process(project, "i18n", "update").returncode == 0
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    result = cli_in_process(project, "i18n", "status", "--summary", str(summary))
    assert result.returncode == 0, result.stderr
    rows = [line for line in summary.read_text(encoding="utf-8").splitlines() if line.startswith("| Dansk")]
    assert summary.read_text(encoding="utf-8").startswith("earlier step\n")  # appended, as GitHub expects
    assert rows and rows[0].split("|")[3].strip() == "2"  # sentence and label missing in Danish
    assert cli_in_process(project, "i18n", "status", "--strict").returncode == 1


def test_status_fails_on_a_broken_placeholder_and_names_the_msgstr_line(project: Path):
    path = catalog_path(project, "da")
    text = path.read_text(encoding="utf-8")
    start = text.index('msgid "{value} of respondents expect the businesses')
    msgstr = text.index("msgstr", start)
    end = text.index("\n", msgstr)
    line = text[:msgstr].count("\n") + 1
    path.write_text(text[:msgstr] + 'msgstr "{valeur} forventer en selvbetjeningsportal."' + text[end:], encoding="utf-8")
    result = cli_in_process(project, "i18n", "status")
    assert result.returncode == 1
    assert f"content/da/LC_MESSAGES/digest.po:{line}: error:" in result.stderr, result.stderr
    assert "valeur" in result.stderr


def test_strict_mode_fails_on_an_incomplete_language(project: Path):
    path = catalog_path(project, "da")
    text = path.read_text(encoding="utf-8")
    marker = 'msgid "Sources"\nmsgstr "'
    start = text.index(marker) + len(marker)
    path.write_text(text[:start] + text[text.index('"', start):], encoding="utf-8")
    result = cli_in_process(project, "i18n", "status", "--strict")
    assert result.returncode == 1
    assert "da missing: Sources" in result.stdout


def validated(root: Path):  # noqa: ANN201
    """A project's inputs, validated as the build validates them (catalogs compiled into its cache)."""
    from digest.lint import validate

    return validate(root, root / ".cache")


def page_html(inputs, root: Path, lang: str, page: str) -> str:  # noqa: ANN001
    """One page of a project as the build renders it: its validated inputs, its language's render stage, Markdown
    (charts planned, not drawn: the page shows their files, alt text and tables)."""
    from digest.shortcodes import PageContext

    renderer = make_renderer(inputs, lang)
    markdown = (root / "content" / lang / page).read_text(encoding="utf-8")
    return renderer.to_html(markdown, PageContext(lang, page, f"content/{lang}/{page}"))


def test_changed_sentence_becomes_outdated_everywhere_and_shows_the_fallback(project: Path):
    stats = project / "stats" / "statistics.yaml"
    stats.write_text(stats.read_text(encoding="utf-8").replace(OLD, NEW), encoding="utf-8")
    assert cli_in_process(project, "i18n", "update").returncode == 0
    for lang in LANGS:
        catalog = read_po(catalog_path(project, lang).open("rb"))
        message = catalog.get(NEW)
        assert message is not None and message.fuzzy, lang
    result = cli_in_process(project, "i18n", "status")
    for lang in LANGS:
        assert f"{lang} outdated: {NEW}" in result.stdout
    html = page_html(validated(project), project, "ko", "topics/channels-self-service.md")
    assert 'class="digest-untranslated"' in html and "self-service portal from the businesses" in html


def test_added_statistic_reaches_page_chart_and_status(project: Path):
    stats = project / "stats" / "statistics.yaml"
    stats.write_text(stats.read_text(encoding="utf-8") + NEW_STAT, encoding="utf-8")
    result = cli_in_process(project, "i18n", "status")
    for lang in LANGS:
        assert f"{lang} missing: {{value}} of respondents prefer a brand new channel." in result.stdout
    inputs = validated(project)
    for lang in LANGS:  # no code change needed: the page lists it, the chart draws it and tabulates it
        html = page_html(inputs, project, lang, "topics/channels-self-service.md")
        assert 'id="test-added-figure"' in html
        table = html[html.index('<figure class="digest-chart"'):]
        assert "Prefer a brand new channel" in table
    assert cli_in_process(project, "i18n", "update").returncode == 0
    po = catalog_path(project, "sv").read_text(encoding="utf-8")
    assert 'msgid "{value} of respondents prefer a brand new channel."\nmsgstr ""' in po
