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
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

import yaml
from pydantic import ValidationError

from .model import RECORD_TYPES, UNKNOWN, Article, Source, Statistic, Topic
from .problems import InputError, Problem, errors_only

KINDS = tuple(RECORD_TYPES)  # articles, sources, topics, statistics

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

    articles: Mapping[str, Article]
    sources: Mapping[str, Source]
    topics: Mapping[str, Topic]
    statistics: Mapping[str, Statistic]
    warnings: tuple[Problem, ...] = field(default=())

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


def load_dataset(stats_dir: Path) -> Dataset:
    """Load and validate; raise :class:`InputError` listing every error found."""
    dataset, problems = check_dataset(stats_dir)
    if dataset is None:
        raise InputError(errors_only(problems))
    return dataset


def check_dataset(stats_dir: Path) -> tuple[Dataset | None, list[Problem]]:
    """Return the dataset (None if any error) and all problems, warnings included."""
    problems: list[Problem] = []
    located: dict[str, list[Located]] = {}
    invalid: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for kind in KINDS:
        located[kind] = list(_read_kind(stats_dir, kind, problems, invalid[kind]))
    problems += _cross_check(located, invalid)
    problems.sort(key=lambda p: (p.file, p.line or 0))
    if errors_only(problems):
        return None, problems
    by_id = {kind: {item.record.id: item.record for item in items} for kind, items in located.items()}
    warnings = tuple(p for p in problems if p.severity == "warning")
    return Dataset(**by_id, warnings=warnings), problems


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
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        problems.append(Problem(shown, line, None, None, f"YAML syntax: {err.problem or err}"))
        return
    except yaml.YAMLError as err:
        problems.append(Problem(shown, None, None, None, f"YAML syntax: {err}"))
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


def _validate_record(kind: str, raw: dict[str, Any], shown: str, line: int, problems: list[Problem]) -> Any:
    lines: dict[str, int] = raw.pop("__lines__", {"": line})
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
    shown = "" if isinstance(got, dict) or kind == "missing" else f" (got {str(got)[:60]!r})"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind == "literal_error":
        return f"expected {error['ctx']['expected']}{shown}"
    if kind == "string_pattern_mismatch" and error["loc"] and error["loc"][-1] in ("id", "source", "topic", "via"):
        return f"expected an id of lowercase letters, digits and hyphens{shown}"
    if kind in _EXPECTED:
        return _EXPECTED[kind] + shown
    return f"{error['msg']}{shown}"


def _cross_check(located: dict[str, list[Located]], invalid: dict[str, set[str]]) -> list[Problem]:
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
    used = {item.record.source for item in located["statistics"]}
    for item in located["sources"]:
        if item.record.id not in used and not invalid["statistics"]:
            problems.append(Problem(item.file, item.line, item.record.id, None, "source is not used by any statistic",
                                    severity="warning"))
    return problems


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
                "value": stat.value, "low": stat.low, "high": stat.high,
                "unit": stat.unit, "currency": stat.currency, "population": stat.population,
                "sentence": stat.sentence, "label": stat.label, "caveat": stat.caveat, "headline": stat.headline,
                "producer": source.producer,
                "source_year": None if source.year_published == UNKNOWN else source.year_published,
            }
        )
    frame = pd.DataFrame(rows, columns=list(_FRAME_DTYPES))
    return frame.astype(_FRAME_DTYPES)


_FRAME_DTYPES = {
    "id": "string", "topic": "category", "source": "category", "year": "Int64",
    "value": "Float64", "low": "Float64", "high": "Float64", "unit": "category", "currency": "string",
    "population": "string", "sentence": "string", "label": "string", "caveat": "string", "headline": "bool",
    "producer": "string", "source_year": "Int64",
}
