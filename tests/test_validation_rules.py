"""One test per validation rule: a small bad input and the exact message an editor sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.load import check_dataset

ARTICLES = """\
- id: seed-a
  title: An article
  language: sv
  publisher: unknown
  url: unknown
"""
TOPICS = """\
- id: topic-a
  title: Topic A
  chart_title: Chart A
  order: 1
"""
SOURCE = """\
- id: source-a
  producer: Producer
  title: unknown
  year_published: 2018
  url: https://example.org/report
  method: survey
  sample_size: 100
  geography: Sweden
  population: adults
  via: [seed-a]
"""
STAT = """\
- id: stat-a
  source: source-a
  topic: topic-a
  year: 2018
  value: 50
  unit: percent
  population: adults
  sentence: "{value} of adults agree."
  label: Agree
  quote: Half agree.
"""


def write(tmp_path: Path, statistics: str = STAT, sources: str = SOURCE) -> Path:
    stats = tmp_path / "stats"
    stats.mkdir()
    (stats / "articles.yaml").write_text(ARTICLES, encoding="utf-8")
    (stats / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (stats / "sources.yaml").write_text(sources, encoding="utf-8")
    (stats / "statistics.yaml").write_text(statistics, encoding="utf-8")
    return stats


def messages(tmp_path: Path, **files: str) -> list[str]:
    """The errors an editor sees (warnings are tested on their own)."""
    _, problems = check_dataset(write(tmp_path, **files))
    return [str(p) for p in problems if p.severity == "error"]


def test_the_minimal_dataset_is_valid(tmp_path: Path):
    assert messages(tmp_path) == []


def test_unknown_source_id(tmp_path: Path):
    assert messages(tmp_path, statistics=STAT.replace("source: source-a", "source: source-b")) == [
        "stats/statistics.yaml:2: error: id=stat-a field=source: unknown source id 'source-b'",
    ]


def test_duplicate_id(tmp_path: Path):
    assert messages(tmp_path, statistics=STAT + STAT) == [
        "stats/statistics.yaml:11: error: id=stat-a field=id: duplicate statistic id; first used at stats/statistics.yaml:1",
    ]


def test_missing_required_field(tmp_path: Path):
    assert messages(tmp_path, statistics=STAT.replace("  population: adults\n", "")) == [
        "stats/statistics.yaml:1: error: id=stat-a field=population: required field is missing"]


def test_value_not_a_number(tmp_path: Path):
    assert messages(tmp_path, statistics=STAT.replace("value: 50", "value: 50%")) == [
        "stats/statistics.yaml:5: error: id=stat-a field=value: expected a plain number such as 81 or 54.4 (got '50%')"]


def test_percent_outside_0_to_100(tmp_path: Path):
    assert messages(tmp_path, statistics=STAT.replace("value: 50", "value: 150")) == [
        "stats/statistics.yaml:5: error: id=stat-a field=value: a percent must lie between 0 and 100 (got 150)"]


def test_range_with_low_above_high(tmp_path: Path):
    assert messages(tmp_path, statistics=STAT.replace("value: 50", "low: 30\n  high: 20")) == [
        "stats/statistics.yaml:5: error: id=stat-a field=low: range has low (30) greater than high (20)"]


def test_year_in_the_future(tmp_path: Path):
    assert messages(tmp_path, statistics=STAT.replace("year: 2018", "year: 2999")) == [
        "stats/statistics.yaml:4: error: id=stat-a field=year: expected a year between 1900 and "
        f"{__import__('datetime').date.today().year}, got 2999"]


def test_year_after_the_source_was_published(tmp_path: Path):
    assert messages(tmp_path, statistics=STAT.replace("year: 2018", "year: 2019")) == [
        "stats/statistics.yaml:4: error: id=stat-a field=year: year 2019 is after the source was published (2018)"]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,x", "file:///etc/passwd", "ftp://x.org/a"])
def test_non_http_url(tmp_path: Path, url: str):
    assert messages(tmp_path, sources=SOURCE.replace("https://example.org/report", url)) == [
        f"stats/sources.yaml:5: error: id=source-a field=url: expected an http(s) URL or `unknown`, got {url!r}"]


def test_unknown_unit(tmp_path: Path):
    assert messages(tmp_path, statistics=STAT.replace("unit: percent", "unit: procent")) == [
        "stats/statistics.yaml:6: error: id=stat-a field=unit: expected 'percent', 'percentage_points', "
        "'multiplier', 'people', 'count' or 'currency' (got 'procent')"]


def test_unknown_topic(tmp_path: Path):
    assert messages(tmp_path, statistics=STAT.replace("topic: topic-a", "topic: topic-b")) == [
        "stats/statistics.yaml:3: error: id=stat-a field=topic: unknown topic id 'topic-b'"]


def test_unused_source_is_a_warning_not_an_error(tmp_path: Path):
    extra = SOURCE.replace("id: source-a", "id: source-b")
    dataset, problems = check_dataset(write(tmp_path, sources=SOURCE + extra))
    assert dataset is not None
    assert [str(p) for p in problems] == ["stats/sources.yaml:11: warning: id=source-b: source is not used by any statistic"]


def test_several_mistakes_give_one_message_each(tmp_path: Path):
    bad = (STAT.replace("value: 50", "value: fifty").replace("unit: percent", "unit: percnt")
           + STAT.replace("id: stat-a", "id: Stat B").replace("year: 2018", "year: soon"))
    found = messages(tmp_path, statistics=bad)
    assert found == [
        "stats/statistics.yaml:5: error: id=stat-a field=value: expected a plain number such as 81 or 54.4 (got 'fifty')",
        "stats/statistics.yaml:6: error: id=stat-a field=unit: expected 'percent', 'percentage_points', 'multiplier', "
        "'people', 'count' or 'currency' (got 'percnt')",
        "stats/statistics.yaml:11: error: id=Stat B field=id: expected an id of lowercase letters, digits and hyphens (got 'Stat B')",
        "stats/statistics.yaml:14: error: id=Stat B field=year: expected a whole number (got 'soon')",
        "stats/statistics.yaml:14: error: id=Stat B field=year: expected 'unknown' (got 'soon')",
    ]
