"""Charts and words that cannot mislead (issue 13): one measure per axis, no trend between
figures that are not comparable, qualifiers in every view, no typed numbers in translations.

Engine tests on the fixture digest (tests/fixtures/digest). What it lacks is added to a
scratch copy (``truthful``): a qualifier on its oldest figure (old data on the date the
tests pass), a second producer's figure worded like one of its own, and a primary source
that gives another number. Everything is picked by property and read from the dataset.
In process: planning, table, alt text, CSVs and rendering run without drawing or MkDocs.
"""

from __future__ import annotations

import csv
import html
import io
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import DIGEST, LANGS, copy_project, make_renderer
from digest.catalogs import catalog_path
from digest.chart import YEAR_OLD_NOTE, Panel, Row, alt_text, marked, plan_charts, table_rows
from digest.export import CHART_CSV_COLUMNS, chart_csv, downloads
from digest.format import value_text, year_text
from digest.lint import lint_catalogs
from digest.load import check_dataset, load_dataset
from digest.messages import OLD_DATA, YEAR_UNKNOWN
from digest.shortcodes import Labels, PageContext


@dataclass(frozen=True)
class Truthful:
    """The scratch copy, validated, and the ids of what was added to it."""

    root: Path
    inputs: Any
    updated: date  # the dataset's last update, as the tests pass it: the qualified figure is old data by then
    qualified: str  # the oldest figure, given `qualifier: more_than`
    original: str  # a figure of one producer, given a primary source with another number
    twin: str  # another producer's figure with the original's words, measure and question, another year


def _insert(text: str, stat_id: str, lines: str) -> str:
    """Add fields to one record of a statistics.yaml, right after its id."""
    head = f"- id: {stat_id}\n"
    assert head in text, stat_id
    return text.replace(head, head + lines, 1)


@pytest.fixture(scope="module")
def truthful(tmp_path_factory: pytest.TempPathFactory) -> Truthful:
    from digest.lint import validate

    root = copy_project(tmp_path_factory.mktemp("truthful") / "digest")
    dataset = load_dataset(root / "stats")
    old_after = validate(root, root / ".cache").config.old_data_after_years
    known = [s for s in dataset.statistics.values() if isinstance(s.year, int) and s.value is not None]
    qualified = min(known, key=lambda s: s.year)
    original = next(s for s in known if not s.series and s.id != qualified.id)
    unread = next(a for a in dataset.articles.values() if not a.file)  # its quotes are not machine-checked

    stats = root / "stats" / "statistics.yaml"
    text = _insert(stats.read_text(encoding="utf-8"), qualified.id, "  qualifier: more_than\n")
    text = _insert(text, original.id, f"  primary:\n    value: {original.value + 1:g}\n"
                                      "    quote: the primary source gives its own number here\n"
                                      "    url: https://example.org/primary-source\n")
    twin = {"id": f"{original.id}-elsewhere", "source": "another-producer-survey", "year": original.year - 2,
            "value": int(original.value) + 10,
            **original.model_dump(mode="json", include={"topic", "unit", "population", "sentence", "label",
                                                        "measure", "question", "quote"})}
    (root / "stats" / "statistics.yaml").write_text(text + "\n" + yaml.safe_dump([twin], sort_keys=False,
                                                                                  allow_unicode=True),
                                                    encoding="utf-8")
    source = {"id": "another-producer-survey", "producer": "Another Producer", "title": "Another survey",
              "year_published": original.year, "url": "https://example.org/another-survey", "method": "unknown",
              "sample_size": "unknown", "geography": "unknown", "population": "unknown", "via": [unread.id]}
    sources = root / "stats" / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8") + "\n" + yaml.safe_dump([source], sort_keys=False),
                       encoding="utf-8")
    inputs = validate(root, root / ".cache")  # raises if the additions do not validate
    return Truthful(root, inputs, date(qualified.year + old_after + 1, 1, 1), qualified.id, original.id, twin["id"])


@pytest.fixture(scope="module")
def plans(truthful: Truthful):
    inputs = truthful.inputs
    return plan_charts(inputs.dataset, inputs.translators, truthful.updated, inputs.config.old_data_after_years)


def _plan(plans, lang: str, chart_id: str):  # noqa: ANN001, ANN202
    return next(p for p in plans if p.spec.lang == lang and p.spec.chart_id == chart_id)


def test_an_axis_with_two_measures_is_refused_saying_why():
    first, second = list(load_dataset(DIGEST / "stats").measures.values())[:2]
    one = Row("bar", "One", (70.0,), ("70",), ("2023",), measure=first.id)
    two = Row("bar", "Two", (13.0,), ("13",), ("2023",), measure=second.id)
    Panel(first.unit, first.axis_label, (one,), first.id)  # one measure: fine
    with pytest.raises(ValueError) as err:
        Panel(first.unit, first.axis_label, (one, two), first.id)
    assert str(err.value) == (f"a chart axis shows one measure only: the axis of {first.id!r} was given figures of "
                              f"{second.id!r}; give each measure its own panel")


def test_every_panel_of_every_chart_has_one_measure_and_its_own_axis_label(truthful, plans):
    inputs = truthful.inputs
    for plan in plans:
        measures = [panel.measure for panel in plan.spec.panels]
        assert len(measures) == len(set(measures)), plan.spec.chart_id
        for panel in plan.spec.panels:
            assert {row.measure for row in panel.rows} == {panel.measure}
            label = inputs.dataset.measures[panel.measure].axis_label
            assert panel.axis_label == marked(inputs.translators[plan.spec.lang].text(label))


def test_a_chart_of_several_measures_gives_each_its_own_axis_in_declared_order(truthful, plans):
    dataset = truthful.inputs.dataset
    for plan in plans:
        shown = {dataset.statistics[s].measure for s in plan.figures}
        assert [p.measure for p in plan.spec.panels] == [m for m in dataset.measures if m in shown], plan.spec.chart_id
    assert any(len(plan.spec.panels) > 1 for plan in plans)  # the fixture has such a chart


def test_every_chart_csv_has_one_measure_per_row_and_a_qualifier_column(truthful, plans):
    inputs = truthful.inputs
    qualifiers = set()
    for plan in plans:
        tr = inputs.translators[plan.spec.lang]
        stats = [inputs.dataset.statistics[s] for s in plan.figures]
        rows = list(csv.DictReader(io.StringIO(chart_csv(stats, inputs.dataset, tr, plan.old_figures).decode())))
        assert tuple(rows[0]) == CHART_CSV_COLUMNS
        for row, stat in zip(rows, stats):
            assert row["measure"] == stat.measure and row["qualifier"] == (stat.qualifier or "")
            assert row["producer"] and row["source"] == stat.source and row["year"] == str(stat.year)
            qualifiers.add(row["qualifier"])
        assert {r["measure"] for r in rows} == {p.measure for p in plan.spec.panels}
    assert qualifiers == {"", "more_than"}


@pytest.mark.parametrize("lang", LANGS)
def test_no_arrow_joins_two_producers_figures_and_each_bar_says_whose(truthful, plans, lang: str):
    """Two producers' figures with the same words, measure and question, in different years: two bars, no trend."""
    inputs = truthful.inputs
    original, twin = (inputs.dataset.statistics[i] for i in (truthful.original, truthful.twin))
    assert (original.label, original.measure, original.question) == (twin.label, twin.measure, twin.question)
    assert original.year != twin.year
    assert inputs.dataset.sources[original.source].producer != inputs.dataset.sources[twin.source].producer
    spec = _plan(plans, lang, original.topic).spec
    rows = [row for panel in spec.panels for row in panel.rows]
    tr = inputs.translators[lang]
    shown = {value_text(s, tr, inputs.dataset.units).value for s in (original, twin)}
    joined = [row for row in rows if shown & {v.removesuffix(" *") for v in row.shown}]
    assert len(joined) == 2 and all(row.kind == "bar" and len(row.shown) == 1 for row in joined), \
        "an arrow joins figures that are not comparable"
    labels = [row.label for row in joined]
    assert all(tr.text(original.label).value in label for label in labels)
    assert len(set(labels)) == 2, "two bars with the same words must say whose each is"


def test_a_series_across_producers_is_refused(truthful, tmp_path: Path):
    """The validator guards the charts: an arrow between those two figures cannot even be asked for."""
    stats = Path(shutil.copytree(truthful.root / "stats", tmp_path / "stats"))
    path = stats / "statistics.yaml"
    text = path.read_text(encoding="utf-8")
    for stat_id in (truthful.original, truthful.twin):
        text = _insert(text, stat_id, "  series: one-question-two-producers\n")
    path.write_text(text, encoding="utf-8")
    dataset, problems = check_dataset(stats)
    assert dataset is None
    assert [p.field for p in problems if p.severity == "error"] == ["series"]
    assert "may only join figures of one producer" in next(p.message for p in problems if p.field == "series")


def test_every_bar_shows_its_year_and_old_data_is_marked(truthful, plans):
    inputs, lang = truthful.inputs, LANGS[0]
    tr = inputs.translators[lang]
    notes = [note for plan in plans if plan.spec.lang == lang for panel in plan.spec.panels for row in panel.rows
             for note in row.notes]
    assert notes and all(notes)
    qualified = inputs.dataset.statistics[truthful.qualified]
    shown = marked(value_text(qualified, tr, inputs.dataset.units))
    spec = _plan(plans, lang, qualified.topic).spec
    row = next(row for panel in spec.panels for row in panel.rows if shown in row.shown)
    old = row.notes[row.shown.index(shown)]
    assert old == tr.text(YEAR_OLD_NOTE).value.format(year=qualified.year)
    assert str(qualified.year) in old and tr.text(OLD_DATA).value in old
    recent = [s for s in inputs.dataset.statistics.values()
              if isinstance(s.year, int) and s.year >= qualified.year + 1]  # one year younger: not old data yet
    assert recent and all(marked(year_text(s.year, tr)) in notes for s in recent)
    assert marked(tr.text(YEAR_UNKNOWN)) in notes


@pytest.mark.parametrize("lang", LANGS)
def test_a_qualifier_appears_in_every_view(truthful, plans, lang: str):
    """Sentence, chart label, alt text, data table, chart CSV and dataset download all say 'more than'."""
    inputs = truthful.inputs
    dataset, tr = inputs.dataset, inputs.translators[lang]
    stat = dataset.statistics[truthful.qualified]
    shown = value_text(stat, tr, dataset.units).value
    assert shown != value_text(stat.model_copy(update={"qualifier": None}), tr, dataset.units).value  # the qualifier is there
    plan = _plan(plans, lang, stat.topic)
    stats = [dataset.statistics[s] for s in plan.figures]
    assert any(shown in v for panel in plan.spec.panels for row in panel.rows for v in row.shown)
    alt = alt_text(plan.spec, tr)  # one sentence, highest and lowest figure: each as the chart shows it
    stated = [row.shown[-1] for panel in plan.spec.panels for row in panel.rows if row.shown[-1] in alt]
    assert stated and all(value_text(dataset.statistics[s], tr, dataset.units).value in stated
                          for s in plan.figures if value_text(dataset.statistics[s], tr, dataset.units).value in alt)
    assert any(row[1].value == shown for row in table_rows(plan.spec, stats, dataset, tr, plan.old_figures))
    chart_rows = list(csv.DictReader(io.StringIO(chart_csv(stats, dataset, tr, plan.old_figures).decode())))
    row = next(r for r in chart_rows if r["id"] == stat.id)
    assert (row["value_shown"], row["qualifier"], row["old_data"]) == (shown, "more_than", "yes")
    files = downloads(dataset, tr)
    data = next(v for k, v in files.items() if k.endswith(".csv")).decode()
    record = next(r for r in csv.DictReader(io.StringIO(data)) if r["id"] == stat.id)
    assert record["formatted_value"] == shown and record["qualifier"] == "more_than"
    assert shown.lower() in record["text"].lower()
    renderer = make_renderer(inputs, lang, updated=truthful.updated)
    page = PageContext(lang, f"topics/{stat.topic}.md", f"content/{lang}/topics/{stat.topic}.md")
    page_html = renderer.to_html(f"[[sentence {stat.id}]]", page)
    assert shown.lower() in page_html.lower()


def test_primary_source_difference_is_shown_beside_the_figure(truthful):
    inputs, lang = truthful.inputs, LANGS[0]
    stat = inputs.dataset.statistics[truthful.original]
    primary, tr = stat.primary, inputs.translators[lang]
    renderer = make_renderer(inputs, lang, updated=truthful.updated)
    page = PageContext(lang, f"topics/{stat.topic}.md", f"content/{lang}/topics/{stat.topic}.md")
    page_html = renderer.to_html(f"[[figures {stat.topic}]]", page)
    entry = page_html[page_html.index(f'id="{stat.id}"'):]
    entry = entry[:entry.index("</li>")]
    says = tr.text(Labels.PRIMARY_DIFFERS).value.split("{")[0].strip()
    theirs = value_text(stat.model_copy(update={"value": primary.value}), tr, inputs.dataset.units).value
    assert primary.value != stat.value and says and html.escape(says, quote=False) in entry
    assert f"<strong>{theirs}</strong>" in entry
    assert f'<span lang="{primary.lang}">{html.escape(primary.quote, quote=False)}' in entry


def test_fixture_catalogs_carry_no_typed_digit_outside_placeholders():
    assert any(catalog_path(DIGEST, lang).exists() for lang in LANGS)
    assert lint_catalogs(DIGEST, LANGS) == []


def test_a_typed_digit_in_a_translation_is_found(tmp_path: Path):
    """The catalog rule can fail: a number typed in place of a translated entry's placeholder is reported with
    its line."""
    lang = next(lang for lang in LANGS if catalog_path(DIGEST, lang).exists())
    text = catalog_path(DIGEST, lang).read_text(encoding="utf-8")
    marker = next(line for line in text.split("\n") if line.startswith('msgstr "') and "{value}" in line)
    folder = tmp_path / "content" / lang / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "digest.po").write_text(text.replace(marker, marker.replace("{value}", "74 %"), 1), encoding="utf-8")
    [problem] = lint_catalogs(tmp_path, [lang])
    assert problem.file == f"content/{lang}/LC_MESSAGES/digest.po" and "number typed by hand" in problem.message
    assert problem.line == text[: text.index(marker)].count("\n") + 1


def test_a_new_measure_needs_no_code(tmp_path: Path):
    """A digest adds a kind of quantity in stats/measures.yaml; the validator then accepts figures of it."""
    stats = Path(shutil.copytree(DIGEST / "stats", tmp_path / "stats"))
    stat = next(s for s in load_dataset(stats).statistics.values() if s.unit == "count")
    with (stats / "measures.yaml").open("a", encoding="utf-8") as f:
        f.write("\n- id: minutes-waited\n  unit: count\n  axis_label: Minutes waited\n"
                "  description: Minutes a customer waited for an answer.\n")
    text = (stats / "statistics.yaml").read_text(encoding="utf-8")
    start = text.index(f"- id: {stat.id}\n")
    record = text[start:].replace(f"  measure: {stat.measure}\n", "  measure: minutes-waited\n", 1)
    (stats / "statistics.yaml").write_text(text[:start] + record, encoding="utf-8")
    dataset, problems = check_dataset(stats)
    assert dataset is not None and [p for p in problems if p.severity == "error"] == []
    assert dataset.statistics[stat.id].measure == "minutes-waited"
