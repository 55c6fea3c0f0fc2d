"""Property tests: whatever an outsider types, the checks answer with problems, never a crash.

(a) ``check_dataset`` on arbitrary text, bytes, YAML-ish fragments and YAML dumped
from arbitrary structures in ``stats/statistics.yaml``: a dataset or problems, never
an exception; every problem names a file and prints as ``file:line: severity: message``.
(b) ``lint_prose`` and ``check_references`` on arbitrary text: a list of problems, never an
exception; and whatever the lint passes renders to HTML with every shortcode expanded
(if ``validate`` passes an input, the build must succeed on it). Shortcodes name the
fixture digest's figures and topics, read from its dataset.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import DIGEST, LANGS, make_renderer, write_minimal_stats
from digest.config import load_config
from digest.load import check_dataset, load_dataset
from digest.model import RECORD_TYPES
from digest.lint import check_references, lint_prose
from digest.problems import Problem
from digest.render import Renderer
from digest.shortcodes import REGISTRY, PageContext

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Structures dumped to YAML and loaded back cost ~50 ms an example: fewer, smaller ones.
STRUCTURE_SETTINGS = settings(SETTINGS, max_examples=100)
DATASET = load_dataset(DIGEST / "stats", load_config(DIGEST).quotes.required)
PAGE = f"content/{LANGS[0]}/x.md"


@pytest.fixture(scope="module")
def stats_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The minimal dataset, whose statistics.yaml each example overwrites (small: each example reads it all)."""
    return write_minimal_stats(tmp_path_factory.mktemp("fuzz") / "stats")


@pytest.fixture(scope="module")
def dataset():
    return DATASET


def assert_answers(stats: Path) -> None:
    """The property: a dataset, or problems that each name a file; never an exception."""
    try:
        result, problems = check_dataset(stats)
    except Exception as err:  # noqa: BLE001 - the property is "never raises"
        text = (stats / "statistics.yaml").read_bytes()[:400]
        raise AssertionError(f"check_dataset raised {type(err).__name__}: {err}\ninput: {text!r}") from err
    assert isinstance(problems, list)
    assert all(isinstance(p, Problem) for p in problems)
    assert all(p.file and p.file.startswith("stats/") for p in problems), [str(p) for p in problems]
    assert all(p.line is None or p.line >= 1 for p in problems)
    printed = re.compile(r"^stats/[^:\s]+(:\d+)?: (error|warning): (id=\S+ )?(field=\S+: )?\S")
    assert all(printed.match(str(p)) and p.message.strip() for p in problems), [str(p) for p in problems]
    if result is None:
        assert any(p.severity == "error" for p in problems)
    else:
        assert not any(p.severity == "error" for p in problems)


# --- (a) the dataset loader --------------------------------------------------------------

@SETTINGS
@given(st.text())
def test_check_dataset_on_arbitrary_text(stats_dir: Path, text: str) -> None:
    (stats_dir / "statistics.yaml").write_text(text, encoding="utf-8")
    assert_answers(stats_dir)


@SETTINGS
@given(st.binary())
def test_check_dataset_on_arbitrary_bytes(stats_dir: Path, data: bytes) -> None:
    (stats_dir / "statistics.yaml").write_bytes(data)
    assert_answers(stats_dir)


FIELDS = sorted({name for record in RECORD_TYPES.values() for name in record.model_fields} | {"__lines__", "", "1"})
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["unknown", "{value} of people agree.", "percent", "currency", "USD", "2018?", "81%",
                     "../x", "javascript:alert(1)", "https://example.org/", "topic-a", "source-a", "seed-a"]),
    st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 1, 1)).map(str),
)
structures = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8),
                                                                      children, max_size=6),
    max_leaves=12,
)
# A statistic's own fields, and a few that belong elsewhere or nowhere.
STAT_FIELDS = sorted(set(RECORD_TYPES["statistics"].model_fields) | {"producer", "via", "__lines__", ""})
record = st.fixed_dictionaries(
    {"id": st.sampled_from(["zz-fuzz", "zz-fuzz-2", "stat-a"]) | st.text(max_size=10)},
    # Field values as editors write them (scalars, short lists, a small mapping); deep nesting is the test above's.
    optional={name: scalars | st.lists(scalars, max_size=3) | st.dictionaries(st.sampled_from(FIELDS), scalars, max_size=2)
              for name in STAT_FIELDS if name != "id"},
)


def dump(data: object) -> str:
    """YAML as an editor's tool would write it (libyaml's dumper when there: the test's cost, not the loader's)."""
    return yaml.dump(data, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper), allow_unicode=True)


@STRUCTURE_SETTINGS
@given(structures)
def test_check_dataset_on_arbitrary_structures(stats_dir: Path, data: object) -> None:
    (stats_dir / "statistics.yaml").write_text(dump(data), encoding="utf-8")
    assert_answers(stats_dir)


@STRUCTURE_SETTINGS
@given(st.lists(record, max_size=4))
def test_check_dataset_on_record_like_lists(stats_dir: Path, records: list) -> None:
    (stats_dir / "statistics.yaml").write_text(dump(records), encoding="utf-8")
    assert_answers(stats_dir)


# YAML that hand-editing produces, and that a dumper never writes: anchors, aliases,
# complex keys, merge keys, tags, documents, tabs, flow collections.
FRAGMENTS = [
    "- id: zz-fuzz", "  value: 5", "  value: 81%", "  unit: percent", "  year: 2018", "  year: 2018?",
    "- &a", "- *a", "  <<: *a", "  <<: {value: 5}", "- ? [a, b]", "  : c", "  ? {x: 1}", "  : y",
    "- !!python/object/apply:os.system [echo]", "  value: !!binary aGVsbG8=", "  value: !!float nan",
    "  value: .inf", "  value: 0x1F", "  value: 1_000", "---", "...", "\t- id: x", "  - nested", "-",
    "- [1, 2, {a: b}]", "- {id: zz, value: 1}", "  sentence: \"{value} of x\"", "  sentence: '{value}{value}'",
    "  id: &b zz-alias", "  source: *b", "  : novalue", "  ? ", "- \"", "# comment", "", "  via: [a, *a]",
    "%YAML 1.1", "%TAG ! tag:x,2000:", "  value: !custom 5", "- &x [*x]", "  '': empty key", "  __lines__: 3",
]


@SETTINGS
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12))
def test_check_dataset_on_hand_edited_yaml(stats_dir: Path, lines: list[str]) -> None:
    (stats_dir / "statistics.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert_answers(stats_dir)


@pytest.mark.parametrize("text", [
    "- ? [a, b]\n  : c\n",  # a complex key: legal YAML, unhashable in Python
    "- &a\n  id: zz-a\n  value: 5\n- *a\n",  # the same record twice, through an alias
], ids=["complex-key", "aliased-record"])
def test_check_dataset_on_known_crashers(stats_dir: Path, text: str) -> None:
    """Examples hypothesis found (kept so they are always tried, even with a cold example database)."""
    (stats_dir / "statistics.yaml").write_text(text, encoding="utf-8")
    assert_answers(stats_dir)


# --- (b) prose ------------------------------------------------------------------------------

names = st.sampled_from(sorted(REGISTRY) + ["foo", "Stat", "stats", ""])
ids = st.sampled_from(["", next(iter(DATASET.topics)), "headline", "figures", "nope", next(iter(DATASET.statistics)),
                       next(iter(DATASET.sources)), "../x", "A", "a b"])
shortcode = st.builds(lambda n, i, a, b: f"[[{a}{n}{(' ' + i) if i else ''}{b}]]", names, ids,
                      st.sampled_from(["", " ", "  "]), st.sampled_from(["", " ", "\t"]))
prose_piece = st.one_of(
    st.text(max_size=40), shortcode,
    st.sampled_from(["[[", "]]", "[", "]", "](", "](javascript:x)", "](<a.md>)", "](#top)", "<b>", "< b", "<!--",
                     "1. ", "12) ", "---", "\n", "\n\n", "---\n", "`", "{: #x }", "&lt;", "\r\n", "\x00", "\u2028"]),
)
prose = st.lists(prose_piece, max_size=15).map("".join)


@SETTINGS
@given(prose)
def test_lint_prose_answers_with_problems(text: str) -> None:
    problems = lint_prose(text, PAGE)
    assert isinstance(problems, list) and all(isinstance(p, Problem) for p in problems)
    assert all(p.file == PAGE and (p.line is None or p.line >= 1) for p in problems)


@SETTINGS
@given(prose)
def test_check_references_answers_with_problems(dataset, text: str) -> None:
    problems = check_references(text, PAGE, dataset)
    assert isinstance(problems, list) and all(isinstance(p, Problem) for p in problems)
    assert all(p.file == PAGE for p in problems)


@pytest.fixture(scope="module")
def renderer(inputs) -> Renderer:  # noqa: ANN001
    """The default language's render stage over the fixture's dataset and catalogs (charts planned, not drawn)."""
    return make_renderer(inputs, inputs.config.default.code)


@SETTINGS
@given(prose)
def test_what_the_lint_passes_renders_with_every_shortcode_expanded(renderer: Renderer, text: str) -> None:
    lang = renderer.translator.lang.code
    page = PageContext(lang, "topics/x.md", f"content/{lang}/topics/x.md")
    if lint_prose(text, page.shown) + check_references(text, page.shown, renderer.dataset):
        return  # the build refuses it before rendering
    html = renderer.to_html(text, page)
    assert "\x02" not in html and "\x03" not in html, "a stashed shortcode was not put back"
    shown = re.sub(r"<code>.*?</code>", "", html, flags=re.S)  # code spans keep shortcodes as written
    assert not re.search(r"\[\[\s*(" + "|".join(REGISTRY) + r")\b", shown), html
