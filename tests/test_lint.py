"""Lint-stage units: the prose rules, the shortcode references, and validate() as one entry point.

Run against the fixture digest (its languages, figures and topics read from it).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from conftest import DIGEST, LANGS, ROOT, copy_project
from digest.chart import chart_ids
from digest.config import load_config
from digest.lint import check_references, lint_page, lint_prose
from digest.load import load_dataset

CONFIG = load_config(DIGEST)
DATASET = load_dataset(DIGEST / "stats", CONFIG.quotes.required)
STAT = next(iter(DATASET.statistics))  # any figure
CHART = next(c for c in chart_ids(DATASET) if c in DATASET.topics)  # a topic's chart


def test_lint_names_each_problem_with_its_line():
    text = "# Title\n\n1. fine list item\nWe saw 81 % growth.\n<b>x</b>\n[x](javascript:alert(1))\n[[stat oops\n"
    found = [(p.line, p.field) for p in lint_prose(text, f"content/{LANGS[0]}/x.md")]
    assert found == [(4, "number"), (5, "html"), (6, "link"), (7, "shortcode")]


def test_references_are_checked_against_the_registry_and_dataset(inputs):
    text = (f"[[stat {STAT}]] [[stat nope]]\n[[foo]]\n[[updated x]]\n[[figures]]\n"
            f"Text [[topics]]\n[[chart {CHART}]]\n[[chart nope]]\n[[count figures]] [[count nope]]\n")
    found = [(p.line, p.field, p.message.split(";")[0]) for p in check_references(text, "x.md", inputs.dataset)]
    assert found == [
        (1, "stat", "unknown id 'nope' for `[[stat]]`"),
        (2, "foo", "unknown shortcode `foo`"),
        (3, "updated", "`[[updated]]` takes no id"),
        (4, "figures", "`[[figures …]]` needs an id"),
        (5, "topics", "`[[topics]]` must stand alone on its line"),
        (7, "chart", "unknown id 'nope' for `[[chart]]`"),
        (8, "count", "unknown id 'nope' for `[[count]]`"),
    ]


def test_a_topic_without_a_charted_figure_has_no_chart(inputs, tmp_path: Path):
    """What lint accepts, render can draw: `[[chart X]]` needs a chart, not just a topic.

    On the fixture, and on a copy given a topic whose only figure is in a unit that is not charted.
    """
    root = copy_project(tmp_path / "project")
    units = inputs.dataset.units
    stat = next(s for s in inputs.dataset.statistics.values() if not units[s.unit].charted)
    topic = {"id": "zz-uncharted", "title": "Uncharted", "chart_title": "Uncharted", "order": 99}
    records = yaml.safe_load((root / "stats" / "statistics.yaml").read_text(encoding="utf-8"))
    figure = {**next(r for r in records if r["id"] == stat.id), "id": "zz-uncharted-figure", "topic": topic["id"],
              "question": "zz-uncharted"}  # the same figure, alone in a topic of its own
    for name, record in (("topics", topic), ("statistics", figure)):
        with (root / "stats" / f"{name}.yaml").open("a", encoding="utf-8") as f:
            f.write("\n" + yaml.safe_dump([record], allow_unicode=True, sort_keys=False))
    with_uncharted = load_dataset(root / "stats", CONFIG.quotes.required)
    for dataset in (inputs.dataset, with_uncharted):
        uncharted = [t for t in dataset.topics if not any(units[s.unit].charted for s in dataset.statistics_of(t))]
        assert set(chart_ids(dataset)) == (set(dataset.topics) - set(uncharted)) | {"headline"}
    assert "zz-uncharted" in with_uncharted.topics and "zz-uncharted" not in chart_ids(with_uncharted)


def test_a_page_that_is_not_utf8_is_named_with_its_line(inputs):
    (problem,) = lint_page(b"# Title\n\nS\xe5dan.\n", f"content/{LANGS[-1]}/about.md", inputs.dataset)
    assert (problem.line, problem.message) == (3, "not valid UTF-8; save the page as UTF-8")


def test_the_fixture_validates(inputs):
    assert inputs.dataset.statistics and set(inputs.translators) == set(inputs.config.codes)
    assert not [w for w in inputs.warnings if w.severity == "error"]


def test_cli_and_plugin_share_one_validate():
    """`digest validate` and the pipeline (the plugin's entry) call the same function; nothing else composes checks."""
    import ast

    for module in ("cli.py", "pipeline.py"):
        tree = ast.parse((ROOT / "scripts" / "digest" / module).read_text(encoding="utf-8"))
        called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        assert "validate" in called, module
        assert not called & {"check_dataset", "check_catalog", "lint_pages", "lint_prose"}, module
