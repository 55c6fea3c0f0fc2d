"""Shared fixtures: the real project, scratch copies of it, and one built site per session."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from digest.bench import copy_inputs

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
LANGS = ("sv", "da", "no", "ko")

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def copy_project(target: Path) -> Path:
    """A scratch copy of the project's inputs, with the rendered charts (same bytes, faster tests)."""
    copy_inputs(ROOT, target)
    cache = ROOT / ".cache" / "charts"
    if cache.is_dir():
        shutil.copytree(cache, target / ".cache" / "charts")
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the `digest` command as a user would, capturing what they would see."""
    return subprocess.run([sys.executable, "-m", "digest.cli", "--root", str(root), *args],
                          cwd=root, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "scripts")})


def build(root: Path, site_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    args = ["build"] + (["--site-dir", str(site_dir)] if site_dir else [])
    return run_cli(root, *args)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real project built once (strict) for all tests that read HTML."""
    site = tmp_path_factory.mktemp("built") / "site"
    result = build(ROOT, site)
    assert result.returncode == 0, result.stderr
    return site


def page_paths(site: Path, lang: str) -> list[Path]:
    base = site if lang == LANGS[0] else site / lang
    skip = {l for l in LANGS if l != lang} if lang == LANGS[0] else set()
    return sorted(p for p in base.rglob("index.html") if p.relative_to(base).parts[0] not in skip)


# --- in process: the stages without MkDocs, and a whole build without a subprocess ------------

@pytest.fixture(scope="session")
def inputs(tmp_path_factory: pytest.TempPathFactory):
    """The shipped project's inputs, validated once (catalogs compiled into a scratch cache)."""
    from digest.lint import validate

    return validate(ROOT, tmp_path_factory.mktemp("inputs-cache"))


def make_renderer(inputs, lang: str, root: Path | None = None, updated=None):  # noqa: ANN001, ANN201
    """One language's render stage over validated inputs; charts are planned, not drawn (no matplotlib)."""
    from datetime import date

    from digest.chart import Chart, chart_info, plan_charts
    from digest.render import Renderer, template_environment

    translator = inputs.translators[lang]
    plans = plan_charts(inputs.dataset, {lang: translator})
    charts = {p.spec.chart_id: Chart(p.spec, p.figures, Path("not-drawn.svg"), chart_info(p, inputs.dataset, translator))
              for p in plans}
    return Renderer(inputs.dataset, inputs.config, translator, charts, updated or date(2026, 1, 1), inputs.status,
                    template_environment(root))


def build_in_process(root: Path, site_dir: Path) -> Path:
    """``mkdocs build --strict`` of a project, in this process (as mkdocstrings' tests build)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config as load_mkdocs_config

    config = load_mkdocs_config(str(root / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
    mkdocs_build(config)
    return site_dir
