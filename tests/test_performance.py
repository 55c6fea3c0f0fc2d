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
