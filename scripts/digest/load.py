"""Stage 1, load: files in ``stats/`` → a typed, validated :class:`Dataset` → pandas.

Why YAML lists: editors change the dataset by hand in pull requests, and a list of
small mappings diffs line by line, takes comments and multi-line sentences, and
keeps a figure's source, caveat and quote next to its value. Each record's line
numbers are kept so that every problem points at the line an editor must fix.

All problems are collected before anything is reported: an editor fixes a file
in one round trip, not one error per CI run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import yaml
from pydantic import ValidationError

from .guard import yaml_problems
from .model import RECORD_TYPES, UNKNOWN, Article, Measure, Source, Statistic, Topic
from .problems import InputError, Problem, errors_only
from .units import DIGEST_UNITS_FILE, Unit, engine_units_text

KINDS = tuple(RECORD_TYPES)  # measures, articles, sources, topics, statistics

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader that remembers each key's line and refuses duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
        lines: dict[str, int] = {"": node.start_mark.line + 1}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise yaml.constructor.ConstructorError(
                    None, None, "a field name must be plain text", key_node.start_mark)
            key = key_node.value
            if key in lines and key:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r}", key_node.start_mark
                )
            lines[str(key)] = key_node.start_mark.line + 1
        mapping = super().construct_mapping(node, deep=True)
        mapping["__lines__"] = lines
        return mapping


# Dates stay strings until pydantic parses them: YAML's own date guessing would
# turn `2011-2012` look-alikes into surprises.
_LineLoader.yaml_implicit_resolvers = {
    key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


@dataclass(frozen=True)
class Located:
    """A record with the place it came from."""

    record: Any
    file: str
    line: int
    lines: Mapping[str, int] = field(default_factory=dict)  # line of each field, for messages

    def at(self, field_name: str) -> int:
        """The line of a field, so a message points where the editor types (the record's line if unknown)."""
        return self.lines.get(field_name, self.line)


@dataclass(frozen=True)
class Dataset:
    """The validated dataset; the only thing later stages see of ``stats/``."""

    measures: Mapping[str, Measure]
    articles: Mapping[str, Article]
    sources: Mapping[str, Source]
    topics: Mapping[str, Topic]
    statistics: Mapping[str, Statistic]
    warnings: tuple[Problem, ...] = field(default=())
    units: Mapping[str, Unit] = field(default_factory=lambda: engine_units())
    places: Mapping[str, tuple[str, int]] = field(default_factory=dict)  # "statistics/<id>" → (file, line)

    @cached_property
    def topics_in_order(self) -> list[Topic]:
        return sorted(self.topics.values(), key=lambda t: (t.order, t.id))

    def statistics_of(self, topic_id: str) -> list[Statistic]:
        """Figures of a topic in file order, which editors control."""
        return list(self._by_topic.get(topic_id, ()))

    def statistics_from(self, source_id: str) -> list[Statistic]:
        """Figures of a source in file order."""
        return list(self._by_source.get(source_id, ()))

    @cached_property
    def _by_topic(self) -> dict[str, list[Statistic]]:
        """Figures grouped once: a scan per topic and page made a 10,000-figure build quadratic."""
        return _group(self.statistics.values(), lambda s: s.topic)

    @cached_property
    def _by_source(self) -> dict[str, list[Statistic]]:
        return _group(self.statistics.values(), lambda s: s.source)

    def summary(self) -> str:
        return (
            f"{len(self.statistics)} figures, {len(self.sources)} sources, "
            f"{len(self.topics)} topics, {len(self.articles)} intermediary articles"
        )


def _group(stats: Iterable[Statistic], key: Callable[[Statistic], str]) -> dict[str, list[Statistic]]:
    groups: dict[str, list[Statistic]] = {}
    for stat in stats:
        groups.setdefault(key(stat), []).append(stat)
    return groups


def load_dataset(stats_dir: Path, require_quotes: bool = True) -> Dataset:
    """Load and validate; raise :class:`InputError` listing every error found."""
    dataset, problems = check_dataset(stats_dir, require_quotes)
    if dataset is None:
        raise InputError(errors_only(problems))
    return dataset


def check_dataset(stats_dir: Path, require_quotes: bool = True) -> tuple[Dataset | None, list[Problem]]:
    """Return the dataset (None if any error) and all problems, warnings included.

    ``require_quotes`` is the digest's quotes policy (``quotes.required`` in its config).
    """
    problems: list[Problem] = []
    located: dict[str, list[Located]] = {}
    invalid: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for kind in KINDS:
        located[kind] = list(_read_kind(stats_dir, kind, problems, invalid[kind]))
    units = _read_units(stats_dir, problems)
    problems += _cross_check(located, invalid, units)
    problems += _check_units(located["statistics"], units)
    if require_quotes:
        problems += [Problem(item.file, item.line, item.record.id, "quote",
                             "required field is missing (this digest's policy: `quotes.required` in site_config/digest.yaml)")
                     for item in located["statistics"] if item.record.quote is None]
    problems.sort(key=lambda p: (p.file, p.line or 0))
    if errors_only(problems):
        return None, problems
    by_id = {kind: {item.record.id: item.record for item in items} for kind, items in located.items()}
    warnings = tuple(p for p in problems if p.severity == "warning")
    places = {f"{kind}/{item.record.id}": (item.file, item.line) for kind, items in located.items() for item in items}
    return Dataset(**by_id, warnings=warnings, units=units, places=places), problems


def dataset_files(stats_dir: Path, kind: str) -> list[Path]:
    """``stats/<kind>.yaml`` plus any ``stats/<kind>/*.yaml``, so a large dataset can be split."""
    files = [stats_dir / f"{kind}.yaml"]
    files += sorted((stats_dir / kind).glob("*.yaml")) if (stats_dir / kind).is_dir() else []
    return [f for f in files if f.exists()]


def _read_kind(stats_dir: Path, kind: str, problems: list[Problem], invalid: set[str]) -> Iterator[Located]:
    """Valid records of one kind; ids of invalid ones go to ``invalid`` so they cause no second error."""
    files = dataset_files(stats_dir, kind)
    if not files:
        problems.append(Problem(f"{stats_dir.name}/{kind}.yaml", None, None, None, "file is missing"))
    for path in files:
        shown = _display(path, stats_dir)
        for raw, line in _read_list(path, shown, problems):
            lines = dict(raw.get("__lines__", {}))
            record = _validate_record(kind, raw, shown, line, problems)
            if record is not None:
                yield Located(record, shown, line, lines)
            elif isinstance(raw.get("id"), str):
                invalid.add(raw["id"])


def _display(path: Path, stats_dir: Path) -> str:
    return (Path(stats_dir.name) / path.relative_to(stats_dir)).as_posix()


def _read_list(path: Path, shown: str, problems: list[Problem]) -> Iterator[tuple[dict[str, Any], int]]:
    try:
        raw_bytes = path.read_bytes()
        if raw_bytes.startswith(b"\xef\xbb\xbf"):
            problems.append(Problem(shown, 1, None, None, "file starts with a byte-order mark; save as UTF-8 without BOM"))
            return
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw_bytes[: err.start].count(b"\n") + 1
        problems.append(Problem(shown, line, None, None, f"not valid UTF-8 (byte {err.start}); save the file as UTF-8"))
        return
    shape = yaml_problems(raw_bytes, shown)  # anchors, aliases, tags, depth: before anything is built
    if shape:
        problems += shape
        return
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        problems.append(Problem(shown, line, None, None, f"YAML syntax: {err.problem or err}"))
        return
    except yaml.YAMLError as err:
        problems.append(Problem(shown, None, None, None, f"YAML syntax: {str(err)[:200]}"))
        return
    except (ValueError, OverflowError):  # e.g. an integer of more than 4300 digits
        problems.append(Problem(shown, None, None, None, "a value cannot be read (a number far too long?)"))
        return
    if data is None:
        problems.append(Problem(shown, None, None, None, "file is empty; expected a list of records (`- id: …`)"))
        return
    if not isinstance(data, list):
        problems.append(Problem(shown, 1, None, None, "expected a list of records, each starting with `- id:`"))
        return
    for index, item in enumerate(data):
        if not isinstance(item, dict):
            problems.append(Problem(shown, _item_line(text, index), None, None,
                                    f"item {index + 1}: expected a mapping of field: value"))
            continue
        yield dict(item), item["__lines__"][""]  # a copy: YAML aliases repeat the very same mapping


def _item_line(text: str, index: int) -> int | None:
    """Line of the index-th list item, read again only on this error path."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        return node.value[index].start_mark.line + 1
    except (yaml.YAMLError, AttributeError, IndexError):
        return None


def _without_lines(value: Any) -> Any:
    """Nested mappings (fills, primary, a unit's `chart`) without the loader's line bookkeeping."""
    if isinstance(value, dict):
        return {k: _without_lines(v) for k, v in value.items() if k != "__lines__"}
    if isinstance(value, list):
        return [_without_lines(v) for v in value]
    return value


def _validate_record(kind: str, raw: dict[str, Any], shown: str, line: int, problems: list[Problem]) -> Any:
    lines: dict[str, int] = raw.pop("__lines__", {"": line})
    raw = _without_lines(raw)
    record_id = raw.get("id") if isinstance(raw.get("id"), str) else None
    try:
        return RECORD_TYPES[kind].model_validate(raw)
    except ValidationError as err:
        for error in err.errors(include_url=False):
            field_name = str(error["loc"][0]) if error["loc"] else None
            cause = (error.get("ctx") or {}).get("error")
            field_name = getattr(cause, "field", None) or field_name  # a record rule that names its field
            problems.append(
                Problem(shown, lines.get(field_name or "", line), record_id, field_name, _explain(error))
            )
        return None


_EXPECTED = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field; check the spelling against stats/schema",
    "float_parsing": "expected a plain number such as 81 or 54.4",
    "float_type": "expected a plain number such as 81 or 54.4",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "string_type": "expected text",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "date_from_datetime_parsing": "expected a date written YYYY-MM-DD",
    "date_parsing": "expected a date written YYYY-MM-DD",
    "date_type": "expected a date written YYYY-MM-DD",
    "list_type": "expected a list",
    "string_pattern_mismatch": "has characters that are not allowed",
}


def _explain(error: Mapping[str, Any]) -> str:
    """Turn pydantic's wording into what an editor should type."""
    kind = error["type"]
    got = error.get("input")
    shown = "" if kind == "missing" or not isinstance(got, (str, int, float, bool)) else f" (got {_clip(got)!r})"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "literal_error":
        return f"expected {error['ctx']['expected']}{shown}"
    if kind == "string_pattern_mismatch" and error["loc"] and error["loc"][-1] in ("id", "source", "topic", "via"):
        return f"expected an id of lowercase letters, digits and hyphens{shown}"
    if kind in _EXPECTED:
        return _EXPECTED[kind] + shown
    return f"{error['msg']}{shown}"


def _clip(value: str | int | float | bool) -> str:
    """At most 60 characters of a scalar, without ever building the whole string of a huge one."""
    if isinstance(value, str):
        return value[:60]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**60:
        return "a number of more than sixty digits"
    return str(value)[:60]


def _cross_check(located: dict[str, list[Located]], invalid: dict[str, set[str]],
                 units: Mapping[str, Unit]) -> list[Problem]:
    """Rules that need more than one record: ids, references, years, unused sources.

    A reference to a record that exists but has errors of its own is not reported again.
    """
    problems: list[Problem] = []
    for kind, items in located.items():
        first: dict[str, Located] = {}
        for item in items:  # one problem per repeated record, pointing back at the first
            earlier = first.setdefault(item.record.id, item)
            if earlier is not item:
                problems.append(Problem(item.file, item.at("id"), item.record.id, "id",
                                        f"duplicate {kind[:-1]} id; first used at {earlier.file}:{earlier.at('id')}"))
    ids = {kind: {item.record.id for item in items} | invalid[kind] for kind, items in located.items()}
    sources = {item.record.id: item.record for item in located["sources"]}
    for item in located["sources"]:
        for article in item.record.via:
            if article not in ids["articles"]:
                problems.append(Problem(item.file, item.at("via"), item.record.id, "via", f"unknown article id {article!r}"))
    for item in located["statistics"]:
        stat = item.record
        if stat.source not in ids["sources"]:
            problems.append(Problem(item.file, item.at("source"), stat.id, "source", f"unknown source id {stat.source!r}"))
        if stat.topic not in ids["topics"]:
            problems.append(Problem(item.file, item.at("topic"), stat.id, "topic", f"unknown topic id {stat.topic!r}"))
        source = sources.get(stat.source)
        if source and isinstance(stat.year, int) and isinstance(source.year_published, int):
            if stat.year > source.year_published:
                problems.append(
                    Problem(item.file, item.at("year"), stat.id, "year",
                            f"year {stat.year} is after the source was published ({source.year_published})")
                )
    problems += _check_measures_and_fills(located, ids, units)
    problems += _check_series(located["statistics"], sources)
    used = {item.record.source for item in located["statistics"]}
    for item in located["sources"]:
        if item.record.id not in used and not invalid["statistics"]:
            problems.append(Problem(item.file, item.line, item.record.id, None, "source is not used by any statistic",
                                    severity="warning"))
    return problems


def _check_measures_and_fills(located: dict[str, list[Located]], ids: dict[str, set[str]],
                              units: Mapping[str, Unit]) -> list[Problem]:
    """A figure's measure exists and has its unit; a fill's figure exists."""
    problems = []
    measures = {item.record.id: item.record for item in located["measures"]}
    for item in located["statistics"]:
        stat = item.record
        measure = measures.get(stat.measure)
        if stat.measure not in ids["measures"]:
            problems.append(Problem(item.file, item.at("measure"), stat.id, "measure",
                                    f"unknown measure id {stat.measure!r}; declare it in stats/measures.yaml"))
        elif measure is not None and measure.unit != stat.unit and stat.unit in units:  # unknown: said once, below
            problems.append(Problem(item.file, item.at("unit"), stat.id, "unit",
                                    f"unit {stat.unit!r} differs from the unit of measure {stat.measure!r} "
                                    f"({measure.unit!r}); pick the measure that counts what this figure counts"))
    for kind in ("statistics", "sources", "articles"):
        for item in located[kind]:
            for name, fill in item.record.fills.items():
                if fill.figure is not None and fill.figure not in ids["statistics"]:
                    problems.append(Problem(item.file, item.line, item.record.id, "fills",
                                            f"fill {name!r} refers to unknown statistic id {fill.figure!r}"))
    return problems


def _check_series(items: list[Located], sources: Mapping[str, Source]) -> list[Problem]:
    """A series (a before/after arrow) joins only the same question, measure and producer in different years.

    Anything else would draw a trend between figures that are not comparable.
    """
    problems = []
    by_series: dict[str, list[Located]] = {}
    for item in items:
        if item.record.series:
            by_series.setdefault(item.record.series, []).append(item)
    for series, members in by_series.items():
        first = members[0].record
        if len(members) == 1:
            problems.append(Problem(members[0].file, members[0].line, first.id, "series",
                                    f"series {series!r} has only this figure; a series compares figures from "
                                    "different years, so leave `series` out"))
            continue
        years: dict[object, str] = {}
        for item in members:
            stat = item.record
            why = []
            if _producer(stat, sources) != _producer(first, sources):
                why.append(f"its producer ({_producer(stat, sources)}) differs from {first.id}'s "
                           f"({_producer(first, sources)})")
            if stat.question != first.question:
                why.append(f"its question ({stat.question!r}) differs from {first.id}'s ({first.question!r})")
            if stat.measure != first.measure:
                why.append(f"its measure ({stat.measure!r}) differs from {first.id}'s ({first.measure!r})")
            if stat.year == UNKNOWN:
                why.append("its year is unknown, so it cannot be placed before or after another")
            elif stat.year in years:
                why.append(f"it describes the same year as {years[stat.year]}")
            else:
                years[stat.year] = stat.id
            if why:
                problems.append(Problem(
                    item.file, item.line, stat.id, "series",
                    f"series {series!r} may only join figures of one producer, question and measure from different "
                    f"years, but " + "; ".join(why) + ": a trend between them would not be a trend"))
    return problems


def _producer(stat: Statistic, sources: Mapping[str, Source]) -> str:
    source = sources.get(stat.source)
    if source is None or source.producer == UNKNOWN:
        return f"source {stat.source}"  # unknown producers are never the same producer
    return source.producer


def to_frame(dataset: Dataset) -> "pandas.DataFrame":  # noqa: F821 - imported lazily
    """One row per statistic, joined with its source, with explicit dtypes for later stages."""
    import pandas as pd

    rows = []
    for stat in dataset.statistics.values():
        source = dataset.sources[stat.source]
        rows.append(
            {
                "id": stat.id, "topic": stat.topic, "source": stat.source,
                "year": None if stat.year == UNKNOWN else stat.year,
                "value": stat.value, "low": stat.low, "high": stat.high, "qualifier": stat.qualifier,
                "unit": stat.unit, "measure": stat.measure, "question": stat.question, "currency": stat.currency, "population": stat.population,
                "sentence": stat.sentence, "label": stat.label, "caveat": stat.caveat, "headline": stat.headline,
                "producer": source.producer,
                "source_year": None if source.year_published == UNKNOWN else source.year_published,
                "primary_value": stat.primary.value if stat.primary else None,
                "primary_qualifier": stat.primary.qualifier if stat.primary else None,
                "primary_quote": stat.primary.quote if stat.primary else None,
                "primary_url": stat.primary.url if stat.primary else None,
            }
        )
    frame = pd.DataFrame(rows, columns=list(_FRAME_DTYPES))
    return frame.astype(_FRAME_DTYPES)


_FRAME_DTYPES = {
    "id": "string", "topic": "category", "source": "category", "year": "Int64",
    "value": "Float64", "low": "Float64", "high": "Float64", "qualifier": "string", "unit": "category",
    "measure": "category", "question": "string", "currency": "string",
    "population": "string", "sentence": "string", "label": "string", "caveat": "string", "headline": "bool",
    "producer": "string", "source_year": "Int64",
    "primary_value": "Float64", "primary_qualifier": "string", "primary_quote": "string", "primary_url": "string",
}


# --- units -----------------------------------------------------------------------------

def engine_units() -> dict[str, Unit]:
    """The engine's unit registry (package data); a broken one is a bug, not an input error."""
    return {unit.id: unit for unit in _engine_units()}


@lru_cache(maxsize=1)
def _engine_units() -> tuple[Unit, ...]:
    return tuple(Unit.model_validate(item) for item in yaml.safe_load(engine_units_text()))


def _read_units(stats_dir: Path, problems: list[Problem]) -> dict[str, Unit]:
    """The engine's units plus the digest's own ``stats/units.yaml``, if it has one."""
    units = engine_units()
    path = stats_dir / DIGEST_UNITS_FILE
    if not path.exists():
        return units
    shown = _display(path, stats_dir)
    for raw, line in _read_list(path, shown, problems):
        lines: dict[str, int] = raw.pop("__lines__", {"": line})
        unit_id = raw.get("id") if isinstance(raw.get("id"), str) else None
        try:
            unit = Unit.model_validate(_without_lines(raw))
        except ValidationError as err:
            for error in err.errors(include_url=False):
                name = str(error["loc"][0]) if error["loc"] else None
                problems.append(Problem(shown, lines.get(name or "", line), unit_id, name, _explain(error)))
            continue
        if unit.id in units:
            where = "the engine" if unit.id in engine_units() else "this file"
            problems.append(Problem(shown, line, unit.id, "id", f"unit {unit.id!r} is already defined by {where}; "
                                    "choose another id"))
            continue
        units[unit.id] = unit
    return units


def _check_units(statistics: list[Located], units: Mapping[str, Unit]) -> list[Problem]:
    """Each figure's unit exists, its numbers respect the unit's bounds, money names its currency."""
    problems = []
    for item in statistics:
        stat = item.record
        unit = units.get(stat.unit)
        if unit is None:
            known = [f"'{u}'" for u in units]
            problems.append(Problem(item.file, item.at("unit"), stat.id, "unit",
                                    f"expected {', '.join(known[:-1])} or {known[-1]} (got {stat.unit!r}); "
                                    "a new unit goes in stats/units.yaml"))
            continue
        for name in ("value", "low", "high"):
            number = getattr(stat, name)
            if number is None:
                continue
            if (unit.min is not None and number < unit.min) or (unit.max is not None and number > unit.max):
                bounds = (f"lie between {unit.min:g} and {unit.max:g}" if unit.min is not None and unit.max is not None
                          else f"be at least {unit.min:g}" if unit.min is not None else f"be at most {unit.max:g}")
                problems.append(Problem(item.file, item.at(name), stat.id, name,
                                        f"a value in unit `{unit.id}` must {bounds} (got {number:g})"))
        if unit.format == "currency" and not stat.currency:
            problems.append(Problem(item.file, item.at("currency"), stat.id, "currency",
                                    f"unit `{unit.id}` needs a `currency` code such as `USD`"))
        if unit.format != "currency" and stat.currency:
            problems.append(Problem(item.file, item.at("currency"), stat.id, "currency",
                                    "`currency` is only allowed with a currency unit such as `currency`"))
    return problems
