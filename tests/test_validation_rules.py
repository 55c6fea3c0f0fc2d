"""One test per validation rule: a small bad input and the exact message an editor sees."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import MEASURES, SOURCE, STAT, write_minimal_stats
from digest.load import check_dataset

UNITS = ("'percent', 'people', 'multiplier', 'percentage_points', 'count', 'currency', 'seconds', 'minutes', 'hours', 'days', 'weeks', 'months' or 'years'")


def write(tmp_path: Path, **files: str | None) -> Path:
    return write_minimal_stats(tmp_path / "stats", **files)  # type: ignore[arg-type]


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
        "stats/statistics.yaml:13: error: id=stat-a field=id: duplicate statistic id; first used at stats/statistics.yaml:1",
    ]


def test_missing_required_field(tmp_path: Path):
    assert messages(tmp_path, statistics=STAT.replace("  population: adults\n", "")) == [
        "stats/statistics.yaml:1: error: id=stat-a field=population: required field is missing"]


def test_value_not_a_number(tmp_path: Path):
    assert messages(tmp_path, statistics=STAT.replace("value: 50", "value: 50%")) == [
        "stats/statistics.yaml:5: error: id=stat-a field=value: expected a plain number such as 81 or 54.4 (got '50%')"]


def test_percent_outside_0_to_100(tmp_path: Path):
    assert messages(tmp_path, statistics=STAT.replace("value: 50", "value: 150")) == [
        "stats/statistics.yaml:5: error: id=stat-a field=value: a value in unit `percent` must lie between 0 and 100 (got 150)"]


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
        "stats/statistics.yaml:6: error: id=stat-a field=unit: expected " + UNITS + " (got 'procent'); "
        "a new unit goes in stats/units.yaml"]


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
        "stats/statistics.yaml:13: error: id=Stat B field=id: expected an id of lowercase letters, digits and hyphens (got 'Stat B')",
        "stats/statistics.yaml:16: error: id=Stat B field=year: expected a whole number (got 'soon')",
        "stats/statistics.yaml:16: error: id=Stat B field=year: expected 'unknown' (got 'soon')",
    ]


# --- comparability: measures, series, qualifiers, fills (issue 13) -------------------

SOURCE_B = SOURCE.replace("id: source-a", "id: source-b").replace("producer: Producer", "producer: Other producer")


def _stat(stat_id: str, year: int, **fields: str) -> str:
    text = STAT.replace("id: stat-a", f"id: {stat_id}").replace("year: 2018", f"year: {year}")
    for name, value in fields.items():
        text = text.replace(f"  {name}: ", f"  {name}: {value}\n  _old_{name}: ", 1) if f"  {name}: " in text \
            else text + f"  {name}: {value}\n"
    return "\n".join(line for line in text.split("\n") if "_old_" not in line)


def test_a_series_of_one_question_and_producer_in_two_years_is_valid(tmp_path: Path):
    stats = _stat("stat-a", 2017, series="agree-trend") + _stat("stat-b", 2018, series="agree-trend")
    assert messages(tmp_path, statistics=stats) == []


def test_series_across_producers_is_refused_saying_why(tmp_path: Path):
    stats = _stat("stat-a", 2017, series="agree-trend") + _stat("stat-b", 2018, series="agree-trend", source="source-b")
    assert messages(tmp_path, statistics=stats, sources=SOURCE + SOURCE_B) == [
        "stats/statistics.yaml:14: error: id=stat-b field=series: series 'agree-trend' may only join figures of one "
        "producer, question and measure from different years, but its producer (Other producer) differs from "
        "stat-a's (Producer): a trend between them would not be a trend"]


def test_series_across_questions_or_measures_is_refused_saying_why(tmp_path: Path):
    stats = (_stat("stat-a", 2017, series="agree-trend")
             + _stat("stat-b", 2018, series="agree-trend", question="disagree", measure="average-extra-spend"))
    [message] = messages(tmp_path, statistics=stats)
    assert "its question ('disagree') differs from stat-a's ('agree')" in message
    assert "its measure ('average-extra-spend') differs from stat-a's ('share-of-respondents')" in message


def test_series_in_one_year_is_refused(tmp_path: Path):
    stats = _stat("stat-a", 2018, series="agree-trend") + _stat("stat-b", 2018, series="agree-trend")
    [message] = messages(tmp_path, statistics=stats)
    assert "id=stat-b field=series" in message and "it describes the same year as stat-a" in message


def test_unknown_measure_and_unit_that_disagrees_with_its_measure(tmp_path: Path):
    assert messages(tmp_path, statistics=STAT.replace("measure: share-of-respondents", "measure: share")) == [
        "stats/statistics.yaml:11: error: id=stat-a field=measure: unknown measure id 'share'; "
        "declare it in stats/measures.yaml"]
    other = tmp_path / "other"
    other.mkdir()
    bad = STAT.replace("unit: percent", "unit: people")
    assert messages(other, statistics=bad) == [
        "stats/statistics.yaml:6: error: id=stat-a field=unit: unit 'people' differs from the unit of measure "
        "'share-of-respondents' ('percent'); pick the measure that counts what this figure counts"]


def test_qualifier_must_be_one_of_the_known_words(tmp_path: Path):
    [message] = messages(tmp_path, statistics=STAT + "  qualifier: over\n")
    assert "field=qualifier: expected 'more_than', 'at_least', 'about', 'nearly', 'less_than' or 'up_to'" in message


def test_caveat_with_a_typed_number_is_refused(tmp_path: Path):
    [message] = messages(tmp_path, statistics=STAT + '  caveat: The article says "7 of 10".\n')
    assert "number typed by hand" in message and "fills" in message


def test_caveat_placeholders_come_from_fills_and_every_fill_is_used(tmp_path: Path):
    good = STAT + "  caveat: The article says {wording}.\n  fills:\n    wording: {quote: 7 av 10}\n"
    assert messages(tmp_path, statistics=good) == []
    other = tmp_path / "other"
    other.mkdir()
    [missing] = messages(other, statistics=STAT + "  caveat: The article says {wording}.\n")
    assert "`caveat` uses {wording}, which is not in `fills`" in missing
    third = tmp_path / "third"
    third.mkdir()
    [unused] = messages(third, statistics=STAT + "  fills:\n    wording: {quote: 7 av 10}\n")
    assert "`fills` has wording, which no text uses" in unused


def test_fill_referring_to_an_unknown_figure(tmp_path: Path):
    bad = STAT + "  caveat: Compare {other}.\n  fills:\n    other: {figure: stat-z}\n"
    assert messages(tmp_path, statistics=bad) == [
        "stats/statistics.yaml:1: error: id=stat-a field=fills: fill 'other' refers to unknown statistic id 'stat-z'"]


def test_primary_note_needs_the_primary_value_it_names(tmp_path: Path):
    primary = ("  primary:\n    quote: Half of adults agree.\n    url: https://example.org/release\n"
               "    note: The release gives {primary_value}.\n")
    [message] = messages(tmp_path, statistics=STAT + primary)
    assert "`primary.note` uses {primary_value}, but `primary` gives no `value`" in message
    other = tmp_path / "other"
    other.mkdir()
    assert messages(other, statistics=STAT + primary.replace("  primary:\n", "  primary:\n    value: 51\n")) == []


# --- units are data --------------------------------------------------------------------

COURSES = """\
- id: courses
  description: A number of training courses.
  format: plural
  forms: ["{n} course", "{n} courses"]
  min: 0
  chart: {axis: Courses taken}
"""


def _in_unit(unit: str, extra: str = "") -> dict[str, str]:
    """A figure in ``unit`` with a measure of that unit (a measure's unit must be its figures')."""
    measure = f"- id: in-unit\n  unit: {unit}\n  axis_label: In that unit\n  description: A figure in that unit.\n"
    return {"statistics": STAT.replace("unit: percent", f"unit: {unit}{extra}").replace(
        "measure: share-of-respondents", "measure: in-unit"), "measures": MEASURES + measure}


def test_a_digest_adds_a_unit_without_code(tmp_path: Path):
    dataset, problems = check_dataset(write(tmp_path, units=COURSES, **_in_unit("courses")))
    assert problems == [] and dataset is not None
    assert dataset.units["courses"].forms == ("{n} course", "{n} courses")
    assert list(dataset.units)[-1] == "courses"  # after the engine's: its chart panel comes last


def test_time_units_exist_without_a_units_file(tmp_path: Path):
    for unit in ("seconds", "minutes", "hours", "days", "weeks", "months", "years"):
        assert messages(tmp_path / unit, **_in_unit(unit)) == []


def test_a_digest_cannot_redefine_an_engine_unit(tmp_path: Path):
    redefined = COURSES.replace("id: courses", "id: percent")
    assert messages(tmp_path, units=redefined) == [
        "stats/units.yaml:1: error: id=percent field=id: unit 'percent' is already defined by the engine; choose another id"]


def test_a_bad_unit_definition_names_its_line_and_field(tmp_path: Path):
    assert messages(tmp_path, units=COURSES.replace("format: plural", "format: plural\n  cldr: duration-minute")) == [
        "stats/units.yaml:1: error: id=courses: `cldr` is required with `format: unit` and allowed only there"]
    assert messages(tmp_path / "b", units=COURSES.replace('"{n} courses"', '"courses"')) == [
        "stats/units.yaml:4: error: id=courses field=forms: each form needs exactly one `{n}` placeholder and no other braces"]
    cldr = "- id: furlongs\n  description: x\n  format: unit\n  cldr: length-furlongx\n"
    assert messages(tmp_path / "c", units=cldr) == [
        "stats/units.yaml:1: error: id=furlongs: CLDR has no unit 'length-furlongx'; see babel.units, e.g. `duration-minute`"]


def test_bounds_come_from_the_unit(tmp_path: Path):
    minutes = _in_unit("minutes")
    assert messages(tmp_path, **dict(minutes, statistics=minutes["statistics"].replace("value: 50", "value: -3"))) == [
        "stats/statistics.yaml:5: error: id=stat-a field=value: a value in unit `minutes` must be at least 0 (got -3)"]
    points = _in_unit("percentage_points")
    assert messages(tmp_path / "b", **dict(points, statistics=points["statistics"].replace("value: 50", "value: -3"))) == []


def test_currency_rules_follow_the_units_format(tmp_path: Path):
    assert messages(tmp_path, **_in_unit("currency")) == [
        "stats/statistics.yaml:1: error: id=stat-a field=currency: unit `currency` needs a `currency` code such as `USD`"]
    assert messages(tmp_path / "b", **_in_unit("count", "\n  currency: USD")) == [
        "stats/statistics.yaml:7: error: id=stat-a field=currency: `currency` is only allowed with a currency unit such as `currency`"]
