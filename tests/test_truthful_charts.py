"""Charts and words that cannot mislead (issue 13): one measure per axis, no trend between
figures that are not comparable, qualifiers in every view, no typed numbers in translations.

In process: planning, table, alt text, CSVs and rendering run without drawing or MkDocs.
"""

from __future__ import annotations

import csv
import io
import shutil
from datetime import date
from pathlib import Path

import pytest

from conftest import LANGS, ROOT, make_renderer
from digest.chart import Panel, Row, alt_text, plan_charts, table_rows
from digest.export import CHART_CSV_COLUMNS, chart_csv, downloads
from digest.format import value_text
from digest.lint import lint_catalogs
from digest.shortcodes import PageContext

UPDATED = date(2026, 1, 1)
QUALIFIED = "amex-2011-abandoned-purchase"  # "more than 78 %", from 2011: qualifier and old-data mark


@pytest.fixture(scope="module")
def plans(inputs):
    return plan_charts(inputs.dataset, inputs.translators, UPDATED, inputs.config.old_data_after_years)


def _plan(plans, lang: str, chart_id: str):  # noqa: ANN001, ANN202
    return next(p for p in plans if p.spec.lang == lang and p.spec.chart_id == chart_id)


def test_an_axis_with_two_measures_is_refused_saying_why():
    share = Row("bar", "Would spend more", (70.0,), ("70 %",), ("2011",), measure="share-of-respondents")
    spend = Row("bar", "Average extra spend", (13.0,), ("13 %",), ("2011",), measure="average-extra-spend")
    Panel("percent", "Share of respondents", (share,), "share-of-respondents")  # one measure: fine
    with pytest.raises(ValueError, match=r"a chart axis shows one measure only: the axis of 'share-of-respondents' "
                                         r"was given figures of 'average-extra-spend'; give each measure its own panel"):
        Panel("percent", "Share of respondents", (share, spend), "share-of-respondents")


def test_every_panel_of_every_chart_has_one_measure_and_its_own_axis_label(inputs, plans):
    for plan in plans:
        measures = [panel.measure for panel in plan.spec.panels]
        assert len(measures) == len(set(measures)), plan.spec.chart_id
        for panel in plan.spec.panels:
            assert {row.measure for row in panel.rows} == {panel.measure}
            label = inputs.dataset.measures[panel.measure].axis_label
            assert panel.axis_label == inputs.translators[plan.spec.lang].text(label).value


def test_paying_more_puts_the_average_extra_spend_on_its_own_axis(plans):
    spec = _plan(plans, "sv", "paying-more").spec
    assert [p.measure for p in spec.panels] == ["share-of-respondents", "average-extra-spend"]


def test_every_chart_csv_has_one_measure_per_row_and_a_qualifier_column(inputs, plans):
    for plan in plans:
        tr = inputs.translators[plan.spec.lang]
        stats = [inputs.dataset.statistics[s] for s in plan.figures]
        rows = list(csv.DictReader(io.StringIO(chart_csv(stats, inputs.dataset, tr, plan.old_figures).decode())))
        assert tuple(rows[0]) == CHART_CSV_COLUMNS
        for row, stat in zip(rows, stats):
            assert row["measure"] == stat.measure and row["qualifier"] == (stat.qualifier or "")
            assert row["producer"] and row["source"] == stat.source and row["year"] == str(stat.year)
        assert {r["measure"] for r in rows} == {p.measure for p in plan.spec.panels}


@pytest.mark.parametrize("lang", LANGS)
def test_loyalty_chart_draws_no_arrow_between_american_express_and_forbes(inputs, plans, lang: str):
    spec = _plan(plans, lang, "loyalty-switching").spec
    rows = [row for panel in spec.panels for row in panel.rows]
    assert all(row.kind != "pair" for row in rows), "an arrow joins figures that are not comparable"
    tr = inputs.translators[lang]
    amex, forbes = (inputs.dataset.statistics[i] for i in ("amex-2011-try-new-brand", "forbes-2019-try-new-brand"))
    bars = {row.shown[0]: row for row in rows}
    assert {value_text(amex, tr, inputs.dataset.units).value, value_text(forbes, tr, inputs.dataset.units).value} <= set(bars)
    labels = [row.label for row in rows if tr.text(amex.label).value in row.label]
    assert len(labels) == 2 and len(set(labels)) == 2, "two bars with the same words must say whose each is"


def test_every_bar_shows_its_year_and_old_data_is_marked(inputs, plans):
    spec = _plan(plans, "sv", "loyalty-switching").spec
    notes = {row.label: row.notes[0] for panel in spec.panels for row in panel.rows}
    assert all(notes.values())
    tr = inputs.translators["sv"]
    old = next(row for panel in spec.panels for row in panel.rows if row.shown[0].startswith("mer än"))
    assert old.notes[0] == "2011, gammal uppgift"
    assert any(note == tr.text("year unknown").value for note in notes.values())


@pytest.mark.parametrize("lang", LANGS)
def test_a_qualifier_appears_in_every_view(inputs, plans, lang: str):
    """Sentence, chart label, alt text, data table, chart CSV and dataset download all say 'more than'."""
    dataset, tr = inputs.dataset, inputs.translators[lang]
    stat = dataset.statistics[QUALIFIED]
    shown = value_text(stat, tr, dataset.units).value
    assert shown != value_text(stat.model_copy(update={"qualifier": None}), tr, dataset.units).value  # the qualifier is there
    plan = _plan(plans, lang, "loyalty-switching")
    stats = [dataset.statistics[s] for s in plan.figures]
    assert any(shown in row.shown for panel in plan.spec.panels for row in panel.rows)
    alt = alt_text(plan.spec, tr)  # one sentence, highest and lowest figure: each as the chart shows it
    stated = [row.shown[-1] for panel in plan.spec.panels for row in panel.rows if row.shown[-1] in alt]
    assert stated and all(value_text(dataset.statistics[s], tr, dataset.units).value in stated
                          for s in plan.figures if value_text(dataset.statistics[s], tr, dataset.units).value in alt)
    assert any(row[1].value == shown for row in table_rows(plan.spec, stats, dataset, tr, plan.old_figures))
    chart_rows = list(csv.DictReader(io.StringIO(chart_csv(stats, dataset, tr, plan.old_figures).decode())))
    row = next(r for r in chart_rows if r["id"] == QUALIFIED)
    assert (row["value_shown"], row["qualifier"], row["old_data"]) == (shown, "more_than", "yes")
    files = downloads(dataset, tr)
    data = next(v for k, v in files.items() if k.endswith(".csv")).decode()
    record = next(r for r in csv.DictReader(io.StringIO(data)) if r["id"] == QUALIFIED)
    assert record["formatted_value"] == shown and record["qualifier"] == "more_than"
    assert shown.lower() in record["text"].lower()
    renderer = make_renderer(inputs, lang, updated=UPDATED)
    page = PageContext(lang, "topics/loyalty-switching.md", f"content/{lang}/topics/loyalty-switching.md")
    html = renderer.to_html(f"[[sentence {QUALIFIED}]]", page)
    assert shown.lower() in html.lower()


def test_primary_source_difference_is_shown_beside_the_figure(inputs):
    renderer = make_renderer(inputs, "sv", updated=UPDATED)
    page = PageContext("sv", "topics/loyalty-switching.md", "content/sv/topics/loyalty-switching.md")
    html = renderer.to_html("[[figures loyalty-switching]]", page)
    entry = html[html.index('id="amex-2011-try-new-brand"'):]
    entry = entry[:entry.index("</li>")]
    assert "Artikeln anger" in entry and "<strong>59\xa0%</strong>" in entry
    assert '<span lang="en">three in five Americans (59%)' in entry


def test_shipped_catalogs_carry_no_typed_digit_outside_placeholders():
    assert lint_catalogs(ROOT, LANGS) == []


def test_a_typed_digit_in_a_translation_is_found(tmp_path: Path):
    """The catalog rule can fail: "samma 74 %" typed into a Swedish caveat is reported with its line."""
    folder = tmp_path / "content" / "sv" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    text = (ROOT / "content" / "sv" / "LC_MESSAGES" / "digest.po").read_text(encoding="utf-8")
    marker = 'msgstr "Artikeln anger samma siffra, {try_new_brand},'
    assert marker in text
    (folder / "digest.po").write_text(text.replace(marker, 'msgstr "Artikeln anger samma 74 %,'), encoding="utf-8")
    [problem] = lint_catalogs(tmp_path, ["sv"])
    assert problem.file == "content/sv/LC_MESSAGES/digest.po" and "number typed by hand" in problem.message
    assert problem.line == text[: text.index(marker)].count("\n") + 1


def test_a_new_measure_needs_no_code(tmp_path: Path):
    """A digest adds a kind of quantity in stats/measures.yaml; the validator then accepts figures of it."""
    from digest.load import check_dataset

    stats = tmp_path / "stats"
    shutil.copytree(ROOT / "stats", stats)
    with (stats / "measures.yaml").open("a", encoding="utf-8") as f:
        f.write("\n- id: minutes-waited\n  unit: count\n  axis_label: Minutes waited\n"
                "  description: Minutes a customer waited for an answer.\n")
    text = (stats / "statistics.yaml").read_text(encoding="utf-8")
    text = text.replace("  measure: friends-per-user\n", "  measure: minutes-waited\n", 1)
    (stats / "statistics.yaml").write_text(text, encoding="utf-8")
    dataset, problems = check_dataset(stats)
    assert dataset is not None and [p for p in problems if p.severity == "error"] == []
    assert dataset.statistics["unnamed-facebook-friends"].measure == "minutes-waited"
