"""Charts: localized, Hangul-capable, faithful to the data, reproducible, cached by content.

Engine tests on the fixture digest (tests/fixtures/digest): languages, topics and figures
are read from its config and dataset; a feature it lacks (a Hangul language) is added to a
scratch copy.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po
from babel.numbers import format_percent

from conftest import DIGEST, LANGS, copy_project
from digest.chart import SOURCE_LINE, plan_charts, render_charts, render_spec
from digest.config import load_config
from digest.catalogs import catalog_path, load_translators, update_catalogs
from digest.load import load_dataset


def plans_for(root: Path, cache: Path):
    """Dataset, translators, and the chart plans by "lang/chart_id" (for the tests' lookups)."""
    dataset = load_dataset(root / "stats")
    translators, _ = load_translators(root, load_config(root), dataset, cache / "i18n")
    plans = {f"{p.spec.lang}/{p.spec.chart_id}": p for p in plan_charts(dataset, translators)}
    return dataset, translators, plans


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """The fixture digest's chart plans."""
    return plans_for(DIGEST, tmp_path_factory.mktemp("cache"))


def is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3"


@pytest.fixture(scope="module")
def hangul(tmp_path_factory):
    """A scratch copy of the fixture with a Korean language declared with the engine's Hangul font, its catalog
    translating the first topic's chart title and figure labels into (long) Hangul: that chart's plan."""
    root = copy_project(tmp_path_factory.mktemp("hangul") / "digest")
    declaration = root / "site_config" / "digest.yaml"
    declaration.write_text(declaration.read_text(encoding="utf-8").replace(
        "\n# The language the dataset", "  - code: ko\n    locale: ko_KR\n    name: 한국어\n    font: NanumGothic\n"
        "    site_name: 수면과 통근\n    site_description: 수면과 통근에 관한 조사.\n\n# The language the dataset", 1),
        encoding="utf-8")
    config, dataset = load_config(root), load_dataset(root / "stats")
    assert "ko" in config.codes
    update_catalogs(root, config, dataset, only=["ko"])
    topic = dataset.topics_in_order[0]
    words = [topic.chart_title] + [s.label for s in dataset.statistics_of(topic.id)]
    catalog = read_po(catalog_path(root, "ko").open("rb"))
    for i, word in enumerate(words):
        # Hangul, long enough to wrap: "sleep survey N: a national survey of adults' sleep habits and waking at night"
        catalog[word].string = f"수면 조사 {i + 1}: 성인의 수면 습관과 밤중에 깨는 횟수에 관한 전국 조사 결과"
    buffer = BytesIO()
    write_po(buffer, catalog, width=0)
    catalog_path(root, "ko").write_bytes(buffer.getvalue())
    _, _, plans = plans_for(root, tmp_path_factory.mktemp("hangul-cache"))
    return plans[f"ko/{topic.id}"]


def test_hangul_chart_has_every_glyph(hangul):
    """A missing glyph is a matplotlib warning; as an error it fails this test."""
    spec = hangul.spec
    assert spec.fonts == ("NanumGothic",)
    assert any(is_hangul(ch) for ch in spec.title) and all(any(is_hangul(ch) for ch in r.label)
                                                            for p in spec.panels for r in p.rows)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        svg = render_spec(spec)
    assert svg.startswith(b"<?xml") and b"<svg" in svg


def test_the_glyph_check_can_fail(hangul):
    """The same Hangul text in a Latin-only font does warn, so the test above is not vacuous."""
    with pytest.warns(UserWarning, match="missing from font"):
        render_spec(dataclasses.replace(hangul.spec, fonts=("DejaVu Sans",)))


def test_chart_draws_the_dataset_values(planned):
    dataset, _, plans = planned
    for name, plan in plans.items():
        spec, stat_ids = plan.spec, plan.figures
        drawn = sorted(n for panel in spec.panels for row in panel.rows for n in row.numbers)
        wanted = sorted(n for s in stat_ids for n in dataset.statistics[s].numbers)
        assert drawn == wanted, name


def test_every_topic_has_a_chart_in_every_language(planned):
    dataset, translators, plans = planned
    for lang in translators:
        for topic in list(dataset.topics) + ["headline"]:
            assert f"{lang}/{topic}" in plans


def test_chart_text_is_localized(planned):
    """A topic chart whose title the default language translates: title, numbers and source line in each language."""
    dataset, translators, plans = planned
    default, other = LANGS[0], LANGS[1]
    topic = next(t.id for t in dataset.topics_in_order if not translators[default].text(t.chart_title).fallback)
    one, two = plans[f"{default}/{topic}"], plans[f"{other}/{topic}"]
    assert one.spec.title != two.spec.title
    stat = next(dataset.statistics[s] for s in one.figures if dataset.statistics[s].unit == "percent"
                and dataset.statistics[s].value is not None)
    shown = {spec.lang: " | ".join(t for p in spec.panels for r in p.rows for t in r.shown) for spec in (one.spec, two.spec)}
    written = {spec.lang: format_percent(stat.value / 100, locale=spec.locale) for spec in (one.spec, two.spec)}
    assert written[default] != written[other]  # e.g. a space before the sign in one, none in the other
    assert all(written[lang] in shown[lang] for lang in written)
    prefix = translators[default].text(SOURCE_LINE).value.split("{")[0]
    assert prefix and one.spec.source_line.startswith(prefix) and not two.spec.source_line.startswith(prefix)
    source = dataset.sources[stat.source]
    assert f"{source.producer} ({source.year_published})" in one.spec.source_line


def test_same_spec_gives_identical_svg_without_date(planned):
    _, _, plans = planned
    spec = next(iter(plans.values())).spec
    first, second = render_spec(spec), render_spec(spec)
    assert first == second
    assert b"<dc:date>" not in first


def _edit_value(path: Path, stat_id: str) -> None:
    """Give one figure of a statistics.yaml another value (one more, or one less at 100)."""
    text = path.read_text(encoding="utf-8")
    start = text.index(f"- id: {stat_id}\n")
    record = text[start:]
    old = re.search(r"^  value: (\S+)$", record, re.M)
    value = float(old.group(1))
    new = f"  value: {value - 1 if value >= 100 else value + 1:g}"
    path.write_text(text[:start] + record[:old.start()] + new + record[old.end():], encoding="utf-8")


def test_cache_renders_nothing_twice_and_only_what_an_edit_touches(project: Path, tmp_path: Path):
    """Charts of one language for three groups (the topic of a headline figure, the headline chart, another topic):
    a cold cache renders each, a warm one none, an edit of that figure only the two that show it."""
    cache = tmp_path / "cache"
    lang = LANGS[0]
    dataset = load_dataset(project / "stats")
    stat = next(s for s in dataset.statistics.values() if s.headline and s.value is not None)
    other = next(t for t in dataset.topics if t != stat.topic)
    wanted = {f"{lang}/{stat.topic}", f"{lang}/headline", f"{lang}/{other}"}

    def plans_of(root: Path):  # noqa: ANN202
        dataset, translators, plans = plans_for(root, cache)
        return dataset, translators, {name: plan for name, plan in plans.items() if name in wanted}

    dataset, translators, plans = plans_of(project)
    assert set(plans) == wanted
    charts, rendered, reused = render_charts(list(plans.values()), dataset, translators, cache / "charts", workers=1)
    assert (rendered, reused) == (len(wanted), 0)
    assert all(chart.file.is_file() and chart.info.path.endswith(".svg") for chart in charts)
    _, rendered, reused = render_charts(list(plans.values()), dataset, translators, cache / "charts", workers=1)
    assert (rendered, reused) == (0, len(wanted))

    _edit_value(project / "stats" / "statistics.yaml", stat.id)
    dataset, translators, edited = plans_of(project)
    assert dataset.statistics[stat.id].value != stat.value
    touched = {name for name, plan in edited.items() if stat.id in plan.figures}
    assert touched == {f"{lang}/{stat.topic}", f"{lang}/headline"}
    _, rendered, reused = render_charts(list(edited.values()), dataset, translators, cache / "charts", workers=1)
    assert (rendered, reused) == (2, 1)


def test_every_chart_plan_is_keyed_by_everything_it_shows(planned):
    """The cache key changes with any field of the spec: a chart is never reused for different content."""
    _, _, plans = planned
    spec = next(iter(plans.values())).spec
    other_locale = next(p.spec.locale for p in plans.values() if p.spec.locale != spec.locale)
    changed = [dataclasses.replace(spec, title=spec.title + "!"), dataclasses.replace(spec, locale=other_locale),
               dataclasses.replace(spec, source_line=spec.source_line + "."), dataclasses.replace(spec, fonts=("X",))]
    assert len({spec.key(), *(c.key() for c in changed)}) == 1 + len(changed)
    assert len({p.spec.key() for p in plans.values()}) == len(plans)


def test_alt_text_is_one_short_sentence_stating_the_span(planned):
    """Alt text states the finding (highest and lowest figure) in at most 150 characters;
    the data table below the chart holds every number."""
    from digest.chart import ALT_MAX, UNTRANSLATED_MARK, alt_text
    from digest.messages import NOT_TRANSLATED

    dataset, translators, plans = planned
    for name, plan in plans.items():
        spec = plan.spec
        alt = alt_text(spec, translators[spec.lang])
        rows = spec.panels[0].rows
        top = max(rows, key=lambda r: r.numbers[-1]).shown[-1]
        assert len(alt) <= ALT_MAX and alt.startswith(spec.title) and top in alt, (name, alt)
        # A chart with untranslated text (a star) says so after the sentence, as its footnote does.
        note = f" ({UNTRANSLATED_MARK.strip()} {translators[spec.lang].text(NOT_TRANSLATED).value})"
        starred = "\n" + UNTRANSLATED_MARK.strip() in spec.source_line
        assert alt.endswith(note) == starred, (name, alt)
        sentence = alt.removesuffix(note) if starred else alt
        assert sentence.count(". ") == 0 and not sentence.endswith(".."), (name, alt)
    assert any("\n" + UNTRANSLATED_MARK.strip() in p.spec.source_line for p in plans.values())  # both kinds seen
    assert not all("\n" + UNTRANSLATED_MARK.strip() in p.spec.source_line for p in plans.values())


def test_layout_keeps_every_line_inside_the_chart(planned, hangul):
    """Lines are wrapped by an estimate of character widths; measured with the real fonts
    (the advance widths matplotlib lays text out by, which are never narrower than the ink),
    no wrapped line is wider than the chart's inner width."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    from digest.chart import FONT_PT, MARGIN_PT, _setup_matplotlib, layout

    _setup_matplotlib()
    measure = TextToPath().get_text_width_height_descent
    _, _, plans = planned
    for name, plan in [*plans.items(), ("hangul", hangul)]:  # Latin text, and Hangul in its own font
        spec = plan.spec
        box = layout(spec)
        inner = box.width - 2 * MARGIN_PT
        lines = [(t, FONT_PT["title"]) for t in box.title] + [(t, FONT_PT["source"]) for t in box.source]
        lines += [(t, FONT_PT["label"]) for p in box.panels for r in p.rows for t in r.label]
        for text, size in lines:
            width = measure(text, FontProperties(family=spec.fonts[0], size=size), ismath=False)[0]
            assert width <= inner, (name, text, width, inner)
