"""Each piece of work is done once: formatting per figure and language (issue 16).

Counted, not timed: a test counts calls into the costly step, so it fails when
work is repeated, on any machine.
"""

from __future__ import annotations

import gettext

import pytest

from conftest import ROOT
from digest import format as fmt
from digest.config import load_config
from digest.translate import Translator
from digest.load import load_dataset


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(ROOT / "stats")


def _translator(index: int) -> Translator:
    return Translator(load_config(ROOT).languages[index], gettext.NullTranslations())


def test_each_figure_is_formatted_once_per_language(dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    formatted: list[str] = []
    real = fmt._value_text
    monkeypatch.setattr(fmt, "_value_text", lambda stat, tr: formatted.append(stat.id) or real(stat, tr))
    swedish, korean = _translator(0), _translator(3)
    stat = next(s for s in dataset.statistics.values() if s.unit == "percent" and s.value == 81)
    first = fmt.value_text(stat, swedish)
    assert fmt.value_text(stat, swedish) == first == real(stat, swedish)
    fmt.sentence_text(stat, swedish)
    assert formatted == [stat.id]
    assert fmt.value_text(stat, korean) == real(stat, korean) != first  # "81 %" vs "81%"
    assert formatted == [stat.id, stat.id]
    other = next(s for s in dataset.statistics.values() if s.unit == "percent" and s.value not in (81, None))
    assert fmt.value_text(other, swedish) != first


def test_babel_formats_a_number_once_per_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple] = []
    real = fmt.format_decimal
    monkeypatch.setattr(fmt, "format_decimal", lambda *a, **k: calls.append(a) or real(*a, **k))
    fmt.number.cache_clear()
    assert fmt.number(1234.5, "sv_SE") == fmt.number(1234.5, "sv_SE") == "1\xa0234,5"
    assert fmt.number(1234.5, "ko_KR") == "1,234.5"
    assert len(calls) == 2


def test_a_memoized_value_is_the_value_of_that_figure(dataset) -> None:
    """Two figures differing only in value, unit or range never share a formatted text."""
    swedish = _translator(0)
    seen: dict[str, str] = {}
    for stat in dataset.statistics.values():
        shown = fmt.value_text(stat, swedish).value
        assert shown == fmt._value_text(stat, swedish).value
        seen.setdefault(shown, stat.id)
    assert len(seen) > 20


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
    assert lint_pages(ROOT, dataset, load_config(ROOT).codes) == []
    pages_with_shortcodes = [p for p in (ROOT / "content").rglob("*.md") if "[[" in p.read_text(encoding="utf-8")]
    assert len(pages_with_shortcodes) > 10 and len(calls) == 1


def test_templates_compile_once_per_build_and_not_at_all_from_a_warm_cache(tmp_path, monkeypatch) -> None:
    from jinja2.sandbox import SandboxedEnvironment

    from conftest import copy_project
    from digest.pipeline import pipeline_for

    compiled: list[str] = []
    real = SandboxedEnvironment.compile
    monkeypatch.setattr(SandboxedEnvironment, "compile",
                        lambda self, source, name=None, *a, **k: compiled.append(name) or real(self, source, name, *a, **k))
    project = copy_project(tmp_path / "project")

    def render_every_page(pipeline) -> None:  # noqa: ANN001
        for lang in pipeline.languages:
            for page in sorted((project / "content" / lang).rglob("*.md")):
                rel = page.relative_to(project / "content" / lang).as_posix()
                pipeline.renderer(lang).to_html(page.read_text(encoding="utf-8"), pipeline.page_context(lang, rel))

    first = pipeline_for(project, project / ".cache")
    render_every_page(first)
    assert compiled and len(compiled) == len(set(compiled))  # each template once, for all four languages
    assert len({id(first.renderer(lang).environment) for lang in first.languages}) == 1
    compiled.clear()
    (project / "stats" / "statistics.yaml").touch()  # new inputs: a new pipeline, a new environment
    second = pipeline_for(project, project / ".cache")
    assert second is not first
    render_every_page(second)
    assert compiled == []  # read compiled from .cache/jinja
