"""Translators' workflow: catalogs follow the dataset, status tells what to do, fallbacks are visible.

Engine tests on scratch copies of the fixture digest (``project``): the language that
translates is the one whose locale does not speak the dataset's source language, read from
the fixture's config; figures are picked by property. (That this digest's own catalogs are
sound is a content test: test_content_i18n.py.)
"""

from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

from babel.messages.pofile import read_po, write_po

from conftest import DIGEST, LANGS, cli_in_process, make_renderer
from digest.catalogs import catalog_path, status
from digest.config import load_config
from digest.load import load_dataset
from digest.messages import SOURCES

CONFIG = load_config(DIGEST)
TRANSLATING = [lang.code for lang in CONFIG.languages if not lang.speaks(CONFIG.source_language)]
LANG = TRANSLATING[0]  # a language that translates the dataset (the other speaks its source language)


def complete(project: Path, lang: str = LANG) -> None:
    """Give every untranslated entry of a language's catalog a translation (its original), as a translator
    who finished would, after `digest i18n update`: the language's strings are then complete."""
    assert cli_in_process(project, "i18n", "update", "--lang", lang).returncode == 0
    path = catalog_path(project, lang)
    catalog = read_po(path.open("rb"))
    for message in catalog:
        if message.id and not all(message.string if isinstance(message.string, tuple) else (message.string,)):
            message.string = tuple(message.id) if isinstance(message.id, tuple) else message.id
    buffer = BytesIO()
    write_po(buffer, catalog, width=0, include_previous=True, sort_output=False, include_lineno=False)
    path.write_bytes(buffer.getvalue())


def add_figure(project: Path) -> tuple[str, str, str, str]:
    """A new figure, made from one whose article text is not kept (its quote is not checked), with new words:
    its id, sentence, label and topic."""
    dataset = load_dataset(project / "stats")
    base = next(s for s in dataset.statistics.values() if not s.series and not s.headline
                and not any(dataset.articles[a].file for a in dataset.sources[s.source].via))
    path = project / "stats" / "statistics.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index(f"- id: {base.id}\n")
    end = text.find("\n- id: ", start)
    record = text[start:] if end < 0 else text[start:end + 1]
    new_id, sentence, label = "test-added-figure", "{value} is a brand new figure.", "A brand new figure"
    record = record.replace(f"- id: {base.id}\n", f"- id: {new_id}\n", 1)
    record = re.sub(r"^  sentence: .*$", f'  sentence: "{sentence}"', record, count=1, flags=re.M)
    record = re.sub(r"^  label: .*$", f"  label: {label}", record, count=1, flags=re.M)
    record = re.sub(r"^  question: .*$", "  question: a-brand-new-figure", record, count=1, flags=re.M)
    path.write_text(text.rstrip("\n") + "\n\n" + record.rstrip("\n") + "\n", encoding="utf-8")
    return new_id, sentence, label, base.topic


def _summary_row(summary: Path, lang: str) -> list[str]:
    name = CONFIG.language(lang).name
    rows = [line for line in summary.read_text(encoding="utf-8").splitlines() if line.startswith(f"| {name} ")]
    assert len(rows) == 1, summary.read_text(encoding="utf-8")
    return [cell.strip() for cell in rows[0].split("|")]


def test_status_passes_and_sums_up_every_language(project: Path, tmp_path: Path):
    summary = tmp_path / "summary.md"
    result = cli_in_process(project, "i18n", "status", "--summary", str(summary))
    assert result.returncode == 0, result.stdout + result.stderr
    report = status(project, CONFIG, load_dataset(project / "stats"), tmp_path / "i18n")
    assert [lang.code for lang in report.languages] == list(LANGS)
    assert all(lang.translated > 0 for lang in report.languages if lang.code in TRANSLATING)
    markdown = summary.read_text(encoding="utf-8")
    assert markdown.startswith("## Translation status") and all(f"(`{lang}`)" in markdown for lang in LANGS)


def test_status_reports_but_does_not_fail_on_untranslated_strings(project: Path, tmp_path: Path):
    complete(project)
    assert cli_in_process(project, "i18n", "status", "--strict", "--lang", LANG).returncode == 0
    add_figure(project)
    assert cli_in_process(project, "i18n", "update").returncode == 0
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    result = cli_in_process(project, "i18n", "status", "--summary", str(summary))
    assert result.returncode == 0, result.stderr
    assert summary.read_text(encoding="utf-8").startswith("earlier step\n")  # appended, as GitHub expects
    assert _summary_row(summary, LANG)[3] == "2"  # sentence and label missing
    assert cli_in_process(project, "i18n", "status", "--strict", "--lang", LANG).returncode == 1


def test_status_fails_on_a_broken_placeholder_and_names_the_msgstr_line(project: Path):
    path = catalog_path(project, LANG)
    text = path.read_text(encoding="utf-8")
    # A translated entry with a {value} placeholder.
    found = re.search(r'^msgid "(\{value\}[^"\n]*)"\nmsgstr "([^"\n]+)"$', text, re.M)
    assert found, "the fixture's catalog translates a sentence"
    msgstr = found.start(2) - len('msgstr "')
    end = text.index("\n", msgstr)
    line = text[:msgstr].count("\n") + 1
    path.write_text(text[:msgstr] + 'msgstr "{valeur} on rikki."' + text[end:], encoding="utf-8")
    result = cli_in_process(project, "i18n", "status")
    assert result.returncode == 1
    assert f"content/{LANG}/LC_MESSAGES/digest.po:{line}: error:" in result.stderr, result.stderr
    assert "valeur" in result.stderr


def test_strict_mode_fails_on_an_incomplete_language(project: Path):
    complete(project)
    assert cli_in_process(project, "i18n", "status", "--strict", "--lang", LANG).returncode == 0
    path = catalog_path(project, LANG)
    text = path.read_text(encoding="utf-8")
    marker = f'msgid "{SOURCES}"\nmsgstr "'
    start = text.index(marker) + len(marker)
    path.write_text(text[:start] + text[text.index('"', start):], encoding="utf-8")
    result = cli_in_process(project, "i18n", "status", "--strict", "--lang", LANG)
    assert result.returncode == 1
    assert f"{LANG} missing: {SOURCES}" in result.stdout


def validated(root: Path):  # noqa: ANN201
    """A project's inputs, validated as the build validates them (catalogs compiled into its cache)."""
    from digest.lint import validate

    return validate(root, root / ".cache")


def topic_html(inputs, root: Path, lang: str, topic: str) -> str:  # noqa: ANN001
    """A topic page of a project as the build renders it: its validated inputs, its language's render stage,
    the page as written or else as generated (charts planned, not drawn: the page shows their files, alt text and
    tables)."""
    from digest.pages import topic_page
    from digest.shortcodes import PageContext

    renderer = make_renderer(inputs, lang)
    page = f"topics/{topic}.md"
    written = root / "content" / lang / page
    markdown = (written.read_text(encoding="utf-8") if written.exists()
                else topic_page(inputs.dataset.topics[topic], inputs.dataset))
    return renderer.to_html(markdown, PageContext(lang, page, f"content/{lang}/{page}"))


def test_changed_sentence_becomes_outdated_everywhere_and_shows_the_fallback(project: Path):
    for lang in TRANSLATING:
        complete(project, lang)  # every string translated: a mark on the page is the change's
    dataset = load_dataset(project / "stats")
    translated = read_po(catalog_path(project, LANG).open("rb"))
    stat = next(s for s in dataset.statistics.values()
                if translated.get(s.sentence) is not None and translated.get(s.sentence).string)
    old, new = stat.sentence, stat.sentence.removesuffix(".") + ", as the survey found."
    stats = project / "stats" / "statistics.yaml"
    text = stats.read_text(encoding="utf-8")
    assert text.count(old) == 1
    assert 'class="digest-untranslated"' not in topic_html(validated(project), project, LANG, stat.topic)
    stats.write_text(text.replace(old, new), encoding="utf-8")
    assert cli_in_process(project, "i18n", "update").returncode == 0
    for lang in TRANSLATING:
        message = read_po(catalog_path(project, lang).open("rb")).get(new)
        assert message is not None and message.fuzzy, lang
    result = cli_in_process(project, "i18n", "status")
    for lang in TRANSLATING:
        assert f"{lang} outdated: {new}" in result.stdout
    html = topic_html(validated(project), project, LANG, stat.topic)
    marked = html[html.index('class="digest-untranslated"'):]
    assert ", as the survey found." in marked[:marked.index("</p>")]  # the new original, marked as such


def test_added_statistic_reaches_page_chart_and_status(project: Path):
    for lang in TRANSLATING:
        complete(project, lang)  # translators had caught up: the status lists what is new
    new_id, sentence, label, topic = add_figure(project)
    result = cli_in_process(project, "i18n", "status")
    for lang in TRANSLATING:
        assert f"{lang} missing: {sentence}" in result.stdout
    inputs = validated(project)
    for lang in LANGS:  # no code change needed: the page lists it, the chart draws it and tabulates it
        html = topic_html(inputs, project, lang, topic)
        assert f'id="{new_id}"' in html
        table = html[html.index('<figure class="digest-chart"'):]
        assert label in table
    assert cli_in_process(project, "i18n", "update").returncode == 0
    po = catalog_path(project, LANG).read_text(encoding="utf-8")
    assert f'msgid "{sentence}"\nmsgstr ""' in po
