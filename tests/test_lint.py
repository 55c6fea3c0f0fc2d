"""Lint-stage units: the prose rules, the shortcode references, and validate() as one entry point."""

from __future__ import annotations

from conftest import ROOT
from digest.lint import check_references, lint_page, lint_prose


def test_lint_names_each_problem_with_its_line():
    text = "# Title\n\n1. fine list item\nWe saw 81 % growth.\n<b>x</b>\n[x](javascript:alert(1))\n[[stat oops\n"
    found = [(p.line, p.field) for p in lint_prose(text, "content/sv/x.md")]
    assert found == [(4, "number"), (5, "html"), (6, "link"), (7, "shortcode")]


def test_references_are_checked_against_the_registry_and_dataset(inputs):
    text = ("[[stat amex-2011-small-business-better]] [[stat nope]]\n[[foo]]\n[[updated x]]\n[[figures]]\n"
            "Text [[topics]]\n[[chart word-of-mouth]]\n[[chart nope]]\n[[count figures]] [[count nope]]\n")
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


def test_a_topic_without_a_charted_figure_has_no_chart(inputs):
    """What lint accepts, render can draw: `[[chart X]]` needs a chart, not just a topic."""
    from digest.chart import CHARTED_UNITS, chart_ids

    uncharted = [t for t in inputs.dataset.topics
                 if not any(s.unit in CHARTED_UNITS for s in inputs.dataset.statistics_of(t))]
    assert set(chart_ids(inputs.dataset)) == (set(inputs.dataset.topics) - set(uncharted)) | {"headline"}


def test_a_page_that_is_not_utf8_is_named_with_its_line(inputs):
    (problem,) = lint_page(b"# Title\n\nS\xe5dan.\n", "content/da/about.md", inputs.dataset)
    assert (problem.line, problem.message) == (3, "not valid UTF-8; save the page as UTF-8")


def test_the_shipped_project_validates(inputs):
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
