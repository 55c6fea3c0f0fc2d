"""Property tests: whatever an outsider types, the checks answer with problems, never a crash.

(a) ``check_dataset`` on arbitrary text, bytes, YAML-ish fragments and YAML dumped
from arbitrary structures in ``stats/statistics.yaml``: a dataset or problems, never
an exception; every problem names a file and prints as ``file:line: severity: message``.
(b) ``lint_prose`` and ``check_references`` on arbitrary text: a list of problems, never an
exception; and whatever the lint passes renders to HTML with every shortcode expanded
(if ``validate`` passes an input, the build must succeed on it).
"""

from __future__ import annotations

import re
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from digest.config import load_config
from digest.load import check_dataset, load_dataset
from digest.model import RECORD_TYPES
from digest.lint import check_references, lint_prose
from digest.problems import Problem
from digest.render import Renderer
from digest.shortcodes import REGISTRY, PageContext

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def stats_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of stats/ whose statistics.yaml each example overwrites."""
    target = tmp_path_factory.mktemp("fuzz") / "stats"
    shutil.copytree(ROOT / "stats", target)
    return target


@pytest.fixture(scope="module")
def dataset():
    return load_dataset(ROOT / "stats")


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
                     "../x", "javascript:alert(1)", "https://example.org/", "small-business", "seed-000"]),
    st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 1, 1)).map(str),
)
structures = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8),
                                                                      children, max_size=6),
    max_leaves=25,
)
record = st.fixed_dictionaries(
    {"id": st.sampled_from(["zz-fuzz", "zz-fuzz-2", "amex-2011-small-business-better"]) | st.text(max_size=10)},
    optional={name: structures for name in FIELDS if name != "id"},
)


@SETTINGS
@given(structures)
def test_check_dataset_on_arbitrary_structures(stats_dir: Path, data: object) -> None:
    (stats_dir / "statistics.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert_answers(stats_dir)


@SETTINGS
@given(st.lists(record, max_size=5))
def test_check_dataset_on_record_like_lists(stats_dir: Path, records: list) -> None:
    (stats_dir / "statistics.yaml").write_text(yaml.safe_dump(records, allow_unicode=True), encoding="utf-8")
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
ids = st.sampled_from(["", "small-business", "headline", "figures", "nope", "amex-2011-small-business-better",
                       "../x", "A", "a b"])
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
    problems = lint_prose(text, "content/sv/x.md")
    assert isinstance(problems, list) and all(isinstance(p, Problem) for p in problems)
    assert all(p.file == "content/sv/x.md" and (p.line is None or p.line >= 1) for p in problems)


@SETTINGS
@given(prose)
def test_check_references_answers_with_problems(dataset, text: str) -> None:
    problems = check_references(text, "content/sv/x.md", dataset)
    assert isinstance(problems, list) and all(isinstance(p, Problem) for p in problems)
    assert all(p.file == "content/sv/x.md" for p in problems)


@pytest.fixture(scope="module")
def renderer(tmp_path_factory: pytest.TempPathFactory, dataset) -> Renderer:
    """A Swedish renderer over the real dataset and catalogs (charts from a real pipeline)."""
    from digest.pipeline import pipeline_for

    cache = tmp_path_factory.mktemp("fuzz-cache")
    charts = ROOT / ".cache" / "charts"
    if charts.is_dir():
        shutil.copytree(charts, cache / "charts")
    pipeline = pipeline_for(ROOT, cache, workers=1)
    return pipeline.renderer(load_config(ROOT).default.code)


@SETTINGS
@given(prose)
def test_what_the_lint_passes_renders_with_every_shortcode_expanded(renderer: Renderer, text: str) -> None:
    page = PageContext(renderer.translator.lang.code, "topics/x.md", "content/sv/topics/x.md")
    if lint_prose(text, page.shown) + check_references(text, page.shown, renderer.dataset):
        return  # the build refuses it before rendering
    html = renderer.to_html(text, page)
    assert "\x02" not in html and "\x03" not in html, "a stashed shortcode was not put back"
    shown = re.sub(r"<code>.*?</code>", "", html, flags=re.S)  # code spans keep shortcodes as written
    assert not re.search(r"\[\[\s*(" + "|".join(REGISTRY) + r")\b", shown), html
