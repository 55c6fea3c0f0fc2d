"""Each piece of work is done once: formatting per figure and language (issue 16).

Counted, not timed: a test counts calls into the costly step, so it fails when
work is repeated, on any machine.
"""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest

from conftest import DIGEST, LANGS
from digest import format as fmt
from digest.config import load_config
from digest.translate import Translator
from digest.load import load_dataset


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(DIGEST / "stats")


def _translator(index: int) -> Translator:
    return Translator(load_config(DIGEST).languages[index], gettext.NullTranslations())


def test_each_figure_is_formatted_once_per_language(dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    formatted: list[str] = []
    real = fmt._value_text
    monkeypatch.setattr(fmt, "_value_text", lambda stat, tr, unit: formatted.append(stat.id) or real(stat, tr, unit))
    one, two = _translator(0), _translator(1)  # two locales that write a percent differently
    stat = next(s for s in dataset.statistics.values() if s.unit == "percent" and s.value is not None)
    units = dataset.units
    first = fmt.value_text(stat, one, units)
    assert fmt.value_text(stat, one, units) == first == real(stat, one, units[stat.unit])
    fmt.sentence_text(stat, one, units)
    assert formatted == [stat.id]
    assert fmt.value_text(stat, two, units) == real(stat, two, units[stat.unit]) != first  # e.g. "62 %" vs "62%"
    assert formatted == [stat.id, stat.id]
    other = next(s for s in dataset.statistics.values() if s.unit == "percent" and s.value not in (stat.value, None))
    assert fmt.value_text(other, one, units) != first


def test_babel_formats_a_number_once_per_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple] = []
    real = fmt.format_decimal
    monkeypatch.setattr(fmt, "format_decimal", lambda *a, **k: calls.append(a) or real(*a, **k))
    one, two = (lang.locale for lang in load_config(DIGEST).languages[:2])
    wanted = {locale: real(1234.5, locale=locale) for locale in (one, two)}  # Babel itself, not counted
    assert wanted[one] != wanted[two]  # e.g. "1 234,5" and "1,234.5"
    fmt.number.cache_clear()
    assert fmt.number(1234.5, one) == fmt.number(1234.5, one) == wanted[one]
    assert fmt.number(1234.5, two) == wanted[two]
    assert len(calls) == 2


def test_a_memoized_value_is_the_value_of_that_figure(dataset) -> None:
    """Two figures differing only in value, unit or range never share a formatted text."""
    translator = _translator(0)
    seen: dict[str, str] = {}
    for stat in dataset.statistics.values():
        shown = fmt.value_text(stat, translator, dataset.units).value
        assert shown == fmt._value_text(stat, translator, dataset.units[stat.unit]).value
        seen.setdefault(shown, stat.id)
    assert len(seen) == len(dataset.statistics)  # the fixture's figures all differ (one value in two units, too)


def test_grouped_figures_are_the_figures_in_file_order(dataset) -> None:
    """The topic and source indexes give what a scan of the dataset gives, in file order."""
    for topic in dataset.topics:
        assert dataset.statistics_of(topic) == [s for s in dataset.statistics.values() if s.topic == topic]
    for source in dataset.sources:
        assert dataset.statistics_from(source) == [s for s in dataset.statistics.values() if s.source == source]
    assert dataset.statistics_of("no-such-topic") == []
    dataset.statistics_of(next(iter(dataset.topics))).clear()  # a caller's copy: the index is untouched
    assert all(dataset.statistics_of(t) for t in dataset.topics)


def test_lint_computes_each_kind_of_id_once_per_build(dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    from digest import shortcodes
    from digest.lint import lint_pages

    calls: list[int] = []
    real = shortcodes.chart_ids
    monkeypatch.setattr(shortcodes, "chart_ids", lambda data: calls.append(1) or real(data))
    assert lint_pages(DIGEST, dataset, load_config(DIGEST)) == []
    pages_with_shortcodes = [p for p in (DIGEST / "content").rglob("*.md") if "[[" in p.read_text(encoding="utf-8")]
    assert {p.relative_to(DIGEST / "content").parts[0] for p in pages_with_shortcodes} == set(LANGS)
    assert len(pages_with_shortcodes) > len(LANGS) and len(calls) == 1


def _pipeline(inputs, cache_dir):  # noqa: ANN001, ANN202
    """A pipeline over validated inputs with charts planned, not drawn (no matplotlib)."""
    from datetime import date

    from digest.chart import Chart, chart_info, plan_charts
    from digest.pipeline import Pipeline

    charts = [Chart(p.spec, p.figures, Path("not-drawn.svg"), chart_info(p, inputs.dataset, inputs.translators[p.spec.lang]))
              for p in plan_charts(inputs.dataset, inputs.translators)]
    return Pipeline(DIGEST, cache_dir, "fingerprint", inputs, charts, date(2026, 1, 1), "test")


def _render_every_page(pipeline) -> None:  # noqa: ANN001
    for lang in pipeline.languages:
        for page in sorted((DIGEST / "content" / lang).rglob("*.md")):
            rel = page.relative_to(DIGEST / "content" / lang).as_posix()
            pipeline.renderer(lang).to_html(page.read_text(encoding="utf-8"), pipeline.page_context(lang, rel))


def test_templates_compile_once_per_build_and_not_at_all_from_a_warm_cache(inputs, tmp_path, monkeypatch) -> None:
    from jinja2.sandbox import SandboxedEnvironment

    compiled: list[str] = []
    real = SandboxedEnvironment.compile
    monkeypatch.setattr(SandboxedEnvironment, "compile",
                        lambda self, source, name=None, *a, **k: compiled.append(name) or real(self, source, name, *a, **k))
    first = _pipeline(inputs, tmp_path / "cache")
    _render_every_page(first)
    assert compiled and len(compiled) == len(set(compiled))  # each template once, for all the languages
    assert len({id(first.renderer(lang).environment) for lang in first.languages}) == 1
    compiled.clear()
    second = _pipeline(inputs, tmp_path / "cache")  # the next build: a new environment, the same cache
    _render_every_page(second)
    assert compiled == []  # read compiled from cache_dir/jinja


def test_a_rebuild_with_unchanged_inputs_renders_no_shortcode_again(inputs, tmp_path, monkeypatch) -> None:
    from dataclasses import replace

    from digest import shortcodes

    rendered: list[str | None] = []
    original = shortcodes.REGISTRY["figures"]
    monkeypatch.setitem(shortcodes.REGISTRY, "figures", replace(
        original, handler=lambda site, arg, page: rendered.append(arg) or original.handler(site, arg, page)))
    # A hand-written topic page that lists its figures, whichever language has one.
    path = next(p for lang in LANGS for p in sorted((DIGEST / "content" / lang / "topics").glob("*.md"))
                if f"[[figures {p.stem}]]" in p.read_text(encoding="utf-8"))
    lang, topic, page = path.parent.parent.name, path.stem, path.read_text(encoding="utf-8")
    pipeline = _pipeline(inputs, tmp_path / "cache")
    context = pipeline.page_context(lang, f"topics/{topic}.md")
    first = pipeline.renderer(lang).to_html(page, context)
    assert rendered == [topic]
    assert pipeline.renderer(lang).to_html(page, context) == first and rendered == [topic]
    other = pipeline.page_context(lang, "sources.md")  # links are relative: another page is another result
    pipeline.renderer(lang).expand("figures", topic, other)
    assert rendered == [topic, topic]
    assert _pipeline(inputs, tmp_path / "cache").renderer(lang).to_html(page, context) == first  # new inputs: anew
    assert len(rendered) == 3


def test_the_theme_templates_are_compiled_into_the_cache(tmp_path) -> None:
    """MkDocs compiles the theme in every language pass of every build; the plugin gives it a bytecode cache."""
    from types import SimpleNamespace

    from jinja2 import DictLoader, Environment

    from digest.site.plugin import DigestPlugin

    plugin = DigestPlugin()
    plugin.load_config({"cache_dir": "cache"})
    config = SimpleNamespace(config_file_path=str(tmp_path / "mkdocs.yml"))
    env = plugin.on_env(Environment(loader=DictLoader({"main.html": "{{ 1 + 1 }}"})), config, None)  # type: ignore[arg-type]
    assert env.get_template("main.html").render() == "2"
    assert list((tmp_path / "cache" / "jinja" / "theme").iterdir())  # compiled once, read from here next time
    again = plugin.on_env(Environment(loader=DictLoader({"main.html": "{{ 1 + 1 }}"})), config, None)  # type: ignore[arg-type]
    compiled: list[str] = []
    again.compile = lambda *a, **k: compiled.append("compiled")  # type: ignore[method-assign]
    assert again.get_template("main.html").render() == "2" and compiled == []


def test_downloads_made_in_a_child_are_the_downloads(inputs, tmp_path) -> None:
    """The child process writes exactly what the build would make itself; the build then only reads them."""
    from digest.export import cached_downloads, downloads, start_downloads

    translators = list(inputs.translators.values())
    child = start_downloads(DIGEST / "stats", tmp_path, inputs.dataset, translators)
    assert child is not None
    child.join()
    assert child.exitcode == 0
    for translator in translators:
        made = {rel: data for rel, data in downloads(inputs.dataset, translator).items()}
        assert cached_downloads(DIGEST / "stats", tmp_path, inputs.dataset, translator) == made
    assert start_downloads(DIGEST / "stats", tmp_path, inputs.dataset, translators) is None  # nothing missing
