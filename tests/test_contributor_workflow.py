"""An editor's pull request, as CONTRIBUTING.md tells it, passes the pull-request workflow.

The records added are the very YAML examples of CONTRIBUTING.md (a figure from a
brand-new source and article), so the guide and the tools cannot drift apart. Then
every ``run:`` step of the workflow's pull-request job runs in the copy, as CI would —
except the step that runs this test suite, which would run this test again. The copy starts
with the charts a build of the shipped project drew (``copy_project`` does the same): the
chart cache is keyed by each chart's whole spec, so the charts the new figure changes are
drawn anew, in the build's worker processes, and the others are reused.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import LANGS, ROOT, cli_in_process, copy_project

CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
VENV = Path(sys.prefix)  # the environment running the tests, which has the `digest` command
CHECKOUT_FILES = ("Makefile", "pyproject.toml", "requirements.lock", ".github", ".ci")


def contributing_examples() -> list[tuple[str, str]]:
    """(dataset file, YAML block) for each example record of the editors' section, in order."""
    editors = CONTRIBUTING[CONTRIBUTING.index("## Editors"):CONTRIBUTING.index("## Translators")]
    found = re.findall(r"`(stats/\w+\.yaml)`[^\n`]*:\n\n( *)```yaml\n(.*?)\n *```", editors, flags=re.S)
    return [(path, textwrap.dedent(block)) for path, indent, block in found]


def pull_request_steps() -> list[dict]:
    """The steps with ``run:`` of every workflow job that runs on pull requests."""
    steps = []
    for path in sorted((ROOT / ".github" / "workflows").glob("*.y*ml")):
        workflow = yaml.safe_load(path.read_text(encoding="utf-8"))
        triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
        if "pull_request" not in (triggers or {}):
            continue
        for job in workflow["jobs"].values():
            if "if" in job and "pull_request" not in str(job["if"]) and "refs/heads/main" in str(job["if"]):
                continue  # a main-only job (publishing)
            steps += [step for step in job.get("steps", []) if "run" in step]
    return steps


def _runs_the_test_suite(step: dict) -> bool:
    return ".ci/run" in step["run"] or "make test" in step["run"] or "pytest" in step["run"]


def checkout(tmp_path: Path, charts: Path) -> Path:
    """A copy of the repository as CI checks it out, with the shared virtual environment standing in for .venv
    (and the charts already drawn in ``charts``)."""
    project = copy_project(tmp_path / "project")
    shutil.copytree(charts, project / ".cache" / "charts", dirs_exist_ok=True)
    for name in CHECKOUT_FILES:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
    (project / ".venv").mkdir()
    (project / ".venv" / "bin").symlink_to(VENV / "bin")
    (project / ".venv" / ".installed").touch()  # newer than pyproject.toml: make keeps this environment
    return project


@pytest.mark.skipif(shutil.which("make") is None or not (VENV / "bin" / "digest").exists(),
                    reason="needs make and the project's .venv (make test creates it)")
def test_a_figure_from_a_new_source_and_article_passes_the_pull_request_workflow(tmp_path: Path, built_project: Path):
    examples = contributing_examples()
    assert [path for path, _ in examples] == ["stats/articles.yaml", "stats/sources.yaml", "stats/statistics.yaml"]
    project = checkout(tmp_path, built_project / ".cache" / "charts")
    for path, block in examples:
        target = project / path
        target.write_text(target.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + block + "\n", encoding="utf-8")
    figure = yaml.safe_load(examples[-1][1])[0]

    env = {**os.environ, "PYTHONPATH": str(ROOT / "scripts"), "CI": "true",
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md")}
    update = cli_in_process(project, "i18n", "update")  # the editor's step (CONTRIBUTING.md), before the pull request
    assert update.returncode == 0, update.stderr

    steps = pull_request_steps()
    skipped = [step for step in steps if _runs_the_test_suite(step)]
    assert len(skipped) == 1, "exactly one step runs the test suite (it would run this test again)"
    for step in steps:
        if step in skipped:
            continue
        result = subprocess.run(["bash", "-eo", "pipefail", "-c", step["run"]], cwd=project, env=env,
                                capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"step {step.get('name', step['run'])!r} failed:\n{result.stdout}\n{result.stderr}"

    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    for lang in LANGS:  # one figure from a new source and article: four new strings per language
        row = next(line for line in summary.splitlines() if f"(`{lang}`)" in line)
        assert row.split("|")[3].strip() == "4", row

    site = project / "site"
    for lang in LANGS:
        page = (site if lang == LANGS[0] else site / lang) / "topics" / figure["topic"] / "index.html"
        html = page.read_text(encoding="utf-8")
        start = html.index(f'id="{figure["id"]}"')
        entry = html[start:html.index("</li>", start)] if "</li>" in html[start:] else html[start:start + 3000]
        assert 'class="digest-untranslated"' in entry, f"{lang}: the new figure is not marked untranslated"
        assert "online shoppers expect an answer within the hour" in entry.replace("&#45;", "-"), lang
