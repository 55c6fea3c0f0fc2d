"""Content tests: this digest's catalogs, and what its charts and words say about its own figures.

The engine's rules (status, catalogs, charts that cannot mislead, Hangul in charts) are
tested on the fixture digest (test_i18n_workflow.py, test_truthful_charts.py,
test_charts.py); these check this repository's digest: its catalogs are sound and free of
typed numbers, its Korean chart draws every glyph, and its own figures that once misled
(two producers' answers to one question, a 2011 figure, an article that rounds its
source) are shown as they should be.
"""

from __future__ import annotations

import warnings
from datetime import date
from pathlib import Path

import pytest

from conftest import SHIPPED, SHIPPED_LANGS, cli_in_process, make_renderer
from digest.catalogs import load_translators, status
from digest.chart import plan_charts, render_spec
from digest.config import load_config
from digest.format import value_text
from digest.lint import lint_catalogs
from digest.load import load_dataset
from digest.shortcodes import PageContext

UPDATED = date(2026, 1, 1)


@pytest.fixture(scope="module")
def shipped_inputs(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The shipped digest's inputs, validated once (catalogs compiled into a scratch cache)."""
    from digest.lint import validate

    return validate(SHIPPED, tmp_path_factory.mktemp("shipped-inputs"))


@pytest.fixture(scope="module")
def plans(shipped_inputs):  # noqa: ANN001, ANN201
    return plan_charts(shipped_inputs.dataset, shipped_inputs.translators, UPDATED,
                       shipped_inputs.config.old_data_after_years)


def _plan(plans, lang: str, chart_id: str):  # noqa: ANN001, ANN202
    return next(p for p in plans if p.spec.lang == lang and p.spec.chart_id == chart_id)


# --- the catalogs ------------------------------------------------------------------------------

def test_shipped_catalogs_have_no_broken_entry_and_status_passes(tmp_path: Path):
    summary = tmp_path / "summary.md"
    result = cli_in_process(SHIPPED, "i18n", "status", "--summary", str(summary))
    assert result.returncode == 0, result.stdout + result.stderr
    report = status(SHIPPED, load_config(SHIPPED), load_dataset(SHIPPED / "stats"), tmp_path / "i18n")
    assert all(lang.translated > 0 for lang in report.languages)
    markdown = summary.read_text(encoding="utf-8")
    assert markdown.startswith("## Translation status") and all(f"(`{lang}`)" in markdown for lang in SHIPPED_LANGS)


def test_shipped_catalogs_carry_no_typed_digit_outside_placeholders():
    assert lint_catalogs(SHIPPED, SHIPPED_LANGS) == []


def test_the_korean_chart_has_every_glyph(tmp_path: Path):
    """This digest's Korean translations, in the font it declares for Korean: a missing glyph is a matplotlib
    warning, here an error."""
    dataset = load_dataset(SHIPPED / "stats")
    translators, _ = load_translators(SHIPPED, load_config(SHIPPED), dataset, tmp_path / "i18n")
    spec = _plan(plan_charts(dataset, {"ko": translators["ko"]}), "ko", "loyalty-switching").spec
    assert any("\uac00" <= ch <= "\ud7a3" for ch in spec.title + "".join(r.label for p in spec.panels for r in p.rows))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        svg = render_spec(spec)
    assert svg.startswith(b"<?xml") and b"<svg" in svg


# --- this digest's figures that once misled ----------------------------------------------------

def test_paying_more_puts_the_average_extra_spend_on_its_own_axis(plans):
    spec = _plan(plans, "sv", "paying-more").spec
    assert [p.measure for p in spec.panels] == ["share-of-respondents", "average-extra-spend"]


@pytest.mark.parametrize("lang", SHIPPED_LANGS)
def test_loyalty_chart_draws_no_arrow_between_american_express_and_forbes(shipped_inputs, plans, lang: str):
    inputs = shipped_inputs
    spec = _plan(plans, lang, "loyalty-switching").spec
    rows = [row for panel in spec.panels for row in panel.rows]
    assert all(row.kind != "pair" for row in rows), "an arrow joins figures that are not comparable"
    tr = inputs.translators[lang]
    amex, forbes = (inputs.dataset.statistics[i] for i in ("amex-2011-try-new-brand", "forbes-2019-try-new-brand"))
    bars = {row.shown[0]: row for row in rows}
    assert {value_text(amex, tr, inputs.dataset.units).value, value_text(forbes, tr, inputs.dataset.units).value} <= set(bars)
    labels = [row.label for row in rows if tr.text(amex.label).value in row.label]
    assert len(labels) == 2 and len(set(labels)) == 2, "two bars with the same words must say whose each is"


def test_the_2011_figures_are_marked_old_in_swedish(shipped_inputs, plans):
    spec = _plan(plans, "sv", "loyalty-switching").spec
    notes = {row.label: row.notes[0] for panel in spec.panels for row in panel.rows}
    assert all(notes.values())
    tr = shipped_inputs.translators["sv"]
    old = next(row for panel in spec.panels for row in panel.rows if row.shown[0].startswith("mer än"))
    assert old.notes[0] == "2011, gammal uppgift"
    assert any(note == tr.text("year unknown").value for note in notes.values())


def test_the_article_and_american_express_differ_beside_the_figure(shipped_inputs):
    renderer = make_renderer(shipped_inputs, "sv", updated=UPDATED)
    page = PageContext("sv", "topics/loyalty-switching.md", "content/sv/topics/loyalty-switching.md")
    html = renderer.to_html("[[figures loyalty-switching]]", page)
    entry = html[html.index('id="amex-2011-try-new-brand"'):]
    entry = entry[:entry.index("</li>")]
    assert "Artikeln anger" in entry and "<strong>59\xa0%</strong>" in entry
    assert '<span lang="en">three in five Americans (59%)' in entry
