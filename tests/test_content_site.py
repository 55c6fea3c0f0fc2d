"""Content tests: the site this repository publishes, built from its own inputs, and its editors' guide.

The engine's tests build the fixture digest (test_site and others); these check what this
digest's readers get: its site passes the allowlist, its Norwegian pages say ``nb``, its
catalogs are complete in the downloads. And an editor's pull request, as CONTRIBUTING.md
tells it for this digest (its example records name this digest's topic and measure, and
count the strings its languages gain), passes this repository's pull-request workflow.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from conftest import (ROOT, SHIPPED, SHIPPED_LANGS, Page, broken_links, cli_in_process, copy_shipped, html_errors,
                      offsite_loads, page_paths)
from digest.allowlist import check_folder
from digest.config import load_config

SHIPPED_CONFIG = load_config(SHIPPED)


def test_the_shipped_site_passes_the_allowlist(shipped_site: Path) -> None:
    assert check_folder(shipped_site) == []


def test_the_shipped_site_links_resolve_nothing_loads_from_elsewhere_and_every_page_parses(shipped_site: Path) -> None:
    """The engine's site checks (test_site), on this digest's hand-written pages: a broken `#source-…`
    anchor or a parse error in a page written here would pass the strict MkDocs build."""
    pages = {path: Page(path) for path in shipped_site.rglob("*.html")}
    assert len(pages) >= 4 * 11
    assert broken_links(shipped_site, pages) == []
    assert offsite_loads(pages) == []
    assert html_errors(shipped_site) == {}


def _lang_root(site: Path, code: str) -> Path:
    return site if code == SHIPPED_CONFIG.default.code else site / code


def test_a_language_whose_code_is_not_its_language_says_its_language(shipped_site: Path) -> None:
    """This digest's Norwegian (code `no`, locale nb_NO): its pages say `nb` in <html lang>, and every switcher's
    hreflang and lang name the languages as their locales do, never by folder code."""
    renamed = [lang for lang in SHIPPED_CONFIG.languages if lang.code != lang.html_lang]
    assert renamed, "this digest declares a language whose code is not its locale's language"
    html_langs = {lang.html_lang for lang in SHIPPED_CONFIG.languages}
    for lang in SHIPPED_CONFIG.languages:
        for path in page_paths(shipped_site, lang.code, SHIPPED_LANGS):
            html = path.read_text(encoding="utf-8")
            assert re.search(rf'<html lang="{lang.html_lang}"', html), path
            switcher = re.findall(r'<a [^>]*class="md-select__link"[^>]*>', html)
            hreflangs = {re.search(r'hreflang="([^"]+)"', a).group(1) for a in switcher}
            assert hreflangs == html_langs, path
            assert all(re.search(r'hreflang="([^"]+)"', a).group(1) == re.search(r' lang="([^"]+)"', a).group(1)
                       for a in switcher), path


def test_the_catalogs_are_complete_so_every_downloaded_text_is_in_its_language(shipped_site: Path) -> None:
    """The engine's rule (test_site): a translated column is in the page's language where the catalog translates it.
    This digest's catalogs translate everything its figures say, so every column is."""
    for lang in SHIPPED_CONFIG.languages:
        data = _lang_root(shipped_site, lang.code) / "data" / f"digest-{lang.code}.json"
        records = json.loads(data.read_text(encoding="utf-8"))
        assert records
        for record in records:
            assert record["sentence_lang"] == record["label_lang"] == SHIPPED_CONFIG.source_language
            assert record["text_lang"] == record["label_translated_lang"] == lang.html_lang, (lang.code, record["id"])


# --- an editor's pull request, as CONTRIBUTING.md tells it ------------------------------------
# The records added are the very YAML examples of CONTRIBUTING.md (a figure from a brand-new source
# and article, under one of this digest's topics), so the guide and the tools cannot drift apart.
# Then every ``run:`` step of the workflow's pull-request job runs in a copy of this repository, as
# CI would — except the step that runs this test suite, which would run this test again. The copy
# starts with the charts the build of the shipped digest drew (``shipped_site``): the chart cache is
# keyed by each chart's whole spec, so the charts the new figure changes are drawn anew, in the
# build's worker processes, and the others are reused.

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


def checkout(tmp_path: Path) -> Path:
    """A copy of the repository as CI checks it out (its charts already drawn), with the shared virtual
    environment standing in for .venv."""
    project = copy_shipped(tmp_path / "project")
    for name in CHECKOUT_FILES:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, project / name)
    (project / ".venv").mkdir()
    (project / ".venv" / "bin").symlink_to(VENV / "bin")
    (project / ".venv" / ".installed").touch()  # newer than pyproject.toml: make keeps this environment
    return project


@pytest.mark.skipif(shutil.which("make") is None or not (VENV / "bin" / "digest").exists(),
                    reason="needs make and the project's .venv (make test creates it)")
def test_a_figure_from_a_new_source_and_article_passes_the_pull_request_workflow(tmp_path: Path, shipped_site: Path):
    examples = contributing_examples()
    assert [path for path, _ in examples] == ["stats/articles.yaml", "stats/sources.yaml", "stats/statistics.yaml"]
    project = checkout(tmp_path)  # after shipped_site: the shipped digest's charts are drawn
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
    for lang in SHIPPED_LANGS:  # one figure from a new source and article: four new strings per language
        row = next(line for line in summary.splitlines() if f"(`{lang}`)" in line)
        assert row.split("|")[3].strip() == "4", row

    site = project / "site"
    for lang in SHIPPED_LANGS:
        page = (site if lang == SHIPPED_LANGS[0] else site / lang) / "topics" / figure["topic"] / "index.html"
        html = page.read_text(encoding="utf-8")
        start = html.index(f'id="{figure["id"]}"')
        entry = html[start:html.index("</li>", start)] if "</li>" in html[start:] else html[start:start + 3000]
        assert 'class="digest-untranslated"' in entry, f"{lang}: the new figure is not marked untranslated"
        assert "online shoppers expect an answer within the hour" in entry.replace("&#45;", "-"), lang
