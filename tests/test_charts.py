"""Charts: localized, Hangul-capable, faithful to the data, reproducible, cached by content."""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

import pytest

from conftest import ROOT
from digest.chart import plan_charts, render_charts, render_spec
from digest.config import load_config
from digest.catalogs import load_translators
from digest.load import load_dataset


def plans_for(root: Path, cache: Path):
    """Dataset, translators, and the chart plans by "lang/chart_id" (for the tests' lookups)."""
    dataset = load_dataset(root / "stats")
    translators, _ = load_translators(root, load_config(root), dataset, cache / "i18n")
    plans = {f"{p.spec.lang}/{p.spec.chart_id}": p for p in plan_charts(dataset, translators)}
    return dataset, translators, plans


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    return plans_for(ROOT, tmp_path_factory.mktemp("cache"))


def test_korean_chart_has_every_glyph(shipped):
    """A missing glyph is a matplotlib warning; as an error it fails this test."""
    _, _, plans = shipped
    spec = plans["ko/loyalty-switching"].spec
    assert any("\uac00" <= ch <= "\ud7a3" for ch in spec.title + "".join(r.label for p in spec.panels for r in p.rows))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        svg = render_spec(spec)
    assert svg.startswith(b"<?xml") and b"<svg" in svg


def test_the_glyph_check_can_fail(shipped):
    """The same Korean text in a Latin-only font does warn, so the test above is not vacuous."""
    _, _, plans = shipped
    spec = plans["ko/loyalty-switching"].spec
    with pytest.warns(UserWarning, match="missing from font"):
        render_spec(dataclasses.replace(spec, fonts=("DejaVu Sans",)))


def test_chart_draws_the_dataset_values(shipped):
    dataset, _, plans = shipped
    for name, plan in plans.items():
        spec, stat_ids = plan.spec, plan.figures
        drawn = sorted(n for panel in spec.panels for row in panel.rows for n in row.numbers)
        wanted = sorted(n for s in stat_ids for n in dataset.statistics[s].numbers)
        assert drawn == wanted, name


def test_every_topic_has_a_chart_in_every_language(shipped):
    dataset, translators, plans = shipped
    for lang in translators:
        for topic in list(dataset.topics) + ["headline"]:
            assert f"{lang}/{topic}" in plans


def test_chart_text_is_localized(shipped):
    _, _, plans = shipped
    sv, ko = plans["sv/word-of-mouth"].spec, plans["ko/word-of-mouth"].spec
    assert sv.title != ko.title
    assert "\u00a0%" in " ".join(r.shown[0] for p in sv.panels for r in p.rows)
    assert sv.source_line.startswith("Källa") and "American Express (2011)" in sv.source_line


def test_same_spec_gives_identical_svg_without_date(shipped):
    _, _, plans = shipped
    spec = plans["da/cost-of-service"].spec
    first, second = render_spec(spec), render_spec(spec)
    assert first == second
    assert b"<dc:date>" not in first


def test_cache_renders_nothing_twice_and_only_what_an_edit_touches(project: Path, tmp_path: Path):
    """Swedish charts of three topics (one the edit touches, the headline chart, one it does not): a cold cache
    renders each, a warm one none, an edit only the two that show the edited figure."""
    cache = tmp_path / "cache"
    wanted = {"sv/small-business", "sv/headline", "sv/word-of-mouth"}

    def plans_of(root: Path):  # noqa: ANN202
        dataset, translators, plans = plans_for(root, cache)
        return dataset, translators, {name: plan for name, plan in plans.items() if name in wanted}

    dataset, translators, plans = plans_of(project)
    charts, rendered, reused = render_charts(list(plans.values()), dataset, translators, cache / "charts", workers=1)
    assert (rendered, reused) == (len(wanted), 0)
    assert all(chart.file.is_file() and chart.info.path.endswith(".svg") for chart in charts)
    _, rendered, reused = render_charts(list(plans.values()), dataset, translators, cache / "charts", workers=1)
    assert (rendered, reused) == (0, len(wanted))

    path = project / "stats" / "statistics.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  value: 81\n", "  value: 82\n", 1), encoding="utf-8")
    dataset, translators, edited = plans_of(project)
    touched = {name for name, plan in edited.items() if "amex-2011-small-business-better" in plan.figures}
    assert touched == {"sv/small-business", "sv/headline"}
    _, rendered, reused = render_charts(list(edited.values()), dataset, translators, cache / "charts", workers=1)
    assert (rendered, reused) == (2, 1)


def test_every_chart_plan_is_keyed_by_everything_it_shows(shipped):
    """The cache key changes with any field of the spec: a chart is never reused for different content."""
    _, _, plans = shipped
    spec = plans["sv/small-business"].spec
    changed = [dataclasses.replace(spec, title=spec.title + "!"), dataclasses.replace(spec, locale="da_DK"),
               dataclasses.replace(spec, source_line=spec.source_line + "."), dataclasses.replace(spec, fonts=("X",))]
    assert len({spec.key(), *(c.key() for c in changed)}) == 1 + len(changed)
    assert len({p.spec.key() for p in plans.values()}) == len(plans)


def test_alt_text_is_one_short_sentence_stating_the_span(shipped):
    """Alt text states the finding (highest and lowest figure) in at most 150 characters;
    the data table below the chart holds every number."""
    from digest.chart import ALT_MAX, alt_text

    dataset, translators, plans = shipped
    for name, plan in plans.items():
        spec = plan.spec
        alt = alt_text(spec, translators[spec.lang])
        rows = spec.panels[0].rows
        top = max(rows, key=lambda r: r.numbers[-1]).shown[-1]
        assert len(alt) <= ALT_MAX and alt.startswith(spec.title) and top in alt, (name, alt)
        assert alt.count(". ") == 0 and not alt.endswith(".."), (name, alt)


def test_layout_keeps_every_line_inside_the_chart(shipped):
    """Lines are wrapped by an estimate of character widths; measured with the real fonts
    (the advance widths matplotlib lays text out by, which are never narrower than the ink),
    no wrapped line is wider than the chart's inner width."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    from digest.chart import FONT_PT, MARGIN_PT, _setup_matplotlib, layout

    _setup_matplotlib()
    measure = TextToPath().get_text_width_height_descent
    _, _, plans = shipped
    for name, plan in plans.items():
        spec = plan.spec
        box = layout(spec)
        inner = box.width - 2 * MARGIN_PT
        lines = [(t, FONT_PT["title"]) for t in box.title] + [(t, FONT_PT["source"]) for t in box.source]
        lines += [(t, FONT_PT["label"]) for p in box.panels for r in p.rows for t in r.label]
        for text, size in lines:
            width = measure(text, FontProperties(family=spec.fonts[0], size=size), ismath=False)[0]
            assert width <= inner, (name, text, width, inner)
