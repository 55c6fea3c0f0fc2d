"""The pipeline in one object: validate → chart → render, run once per set of inputs.

Any site builder can drive it (the MkDocs plugin does); it imports no site
framework. A :class:`Pipeline` is cached by a fingerprint of its inputs, so the
per-language passes of one build, and unchanged rebuilds under ``mkdocs serve``,
reuse it instead of loading and validating again.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import Any, Sequence

from jinja2.sandbox import SandboxedEnvironment

from .chart import Chart, plan_charts, render_charts
from .export import cached_downloads, chart_files, start_downloads, write_file
from .config import SITE_URL_ENV

from .lint import Inputs, validate
from .render import Renderer, template_environment
from .shortcodes import PageContext

_PIPELINES: dict[Path, "Pipeline"] = {}
DOWNLOADS_WAIT_S = 300  # far beyond a 10,000-figure dataset's few seconds


@dataclass
class Pipeline:
    """The stages' results for one set of inputs, and what the site stage asks of them."""

    root: Path
    cache_dir: Path
    fingerprint: str
    inputs: Inputs
    charts: list[Chart]
    updated: date
    summary: str  # one line for the build log: what was loaded, what was drawn
    renderers: dict[str, Renderer] = field(default_factory=dict)
    downloads_job: Any = None  # the child process making missing downloads (export.start_downloads), if any

    @property
    def languages(self) -> list[str]:
        return self.inputs.config.codes

    @property
    def default_language(self) -> str:
        return self.inputs.config.default.code

    def renderer(self, lang: str) -> Renderer:
        """The render stage for one language (made once, with the project's template overrides)."""
        if lang not in self.renderers:
            charts = {chart.chart_id: chart for chart in self.charts if chart.lang == lang}
            self.renderers[lang] = Renderer(self.inputs.dataset, self.inputs.config, self.inputs.translators[lang],
                                            charts, self.updated, self.inputs.status, self.templates)
        return self.renderers[lang]

    @cached_property
    def templates(self) -> SandboxedEnvironment:
        """One template environment for every language: each template compiled once, or read compiled from the cache."""
        return template_environment(self.root, self.cache_dir / "jinja" / "digest")

    def page_context(self, lang: str, path: str) -> PageContext:
        return PageContext(lang, path, f"content/{lang}/{path}")

    def write_language_files(self, site_dir: Path, lang: str, at_root: bool | None = None) -> None:
        """Charts (SVG and CSV) and the dataset downloads of one language (at the site root: the default's)."""
        at_root = lang == self.default_language if at_root is None else at_root
        prefix = site_dir if at_root else site_dir / lang
        dataset, translator = self.inputs.dataset, self.inputs.translators[lang]
        for rel, data in chart_files(self.charts, dataset, translator):
            write_file(prefix / rel, data)
        if self.downloads_job is not None:  # made beside the page building; wait for it once
            self.downloads_job.join(timeout=DOWNLOADS_WAIT_S)
            if self.downloads_job.is_alive():  # stuck (e.g. forked from a threaded `serve`): make them here
                self.downloads_job.terminate()
            self.downloads_job = None
        for rel, data in cached_downloads(self.root / "stats", self.cache_dir, dataset, translator).items():
            write_file(prefix / rel, data)


def pipeline_for(root: Path, cache_dir: Path, workers: int | None = None,
                 languages: Sequence[str] | None = None) -> Pipeline:
    """The pipeline for the current inputs: cached if nothing changed, else validated and run anew.

    ``languages`` limits the charts to those languages (a one-language preview draws
    only its own); every input is validated whatever it says.
    """
    fingerprint = input_fingerprint(root) + (f"|{','.join(languages)}" if languages else "")
    cached = _PIPELINES.get(root)
    if cached is not None and cached.fingerprint == fingerprint:
        return cached
    inputs = validate(root, cache_dir)
    updated = last_updated(root)
    charted = {code: tr for code, tr in inputs.translators.items() if languages is None or code in languages}
    plans = plan_charts(inputs.dataset, charted, updated, inputs.config.old_data_after_years)
    charts, rendered, reused = render_charts(plans, inputs.dataset, inputs.translators, cache_dir / "charts", workers)
    summary = f"{inputs.dataset.summary()}; charts: {rendered} rendered, {reused} reused"
    pipeline = Pipeline(root, cache_dir, fingerprint, inputs, charts, updated, summary)
    pipeline.downloads_job = start_downloads(root / "stats", cache_dir, inputs.dataset, inputs.translators.values())
    _PIPELINES[root] = pipeline
    return pipeline


def input_fingerprint(root: Path) -> str:
    """Names, sizes and modification times of every input file: cheap, and changes with any edit."""
    digest = hashlib.sha256()
    digest.update(os.environ.get(SITE_URL_ENV, "").encode() + b"\0")  # the publish-time address is an input too
    for folder in ("stats", "site_config", "content"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                stat = path.stat()
                digest.update(f"{path.relative_to(root)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def last_updated(root: Path) -> date:
    """Date of the last commit that touched the data or the pages; reproducible for a given commit."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%cs", "--", "stats", "content"], cwd=root,
                             capture_output=True, text=True, timeout=10, check=False).stdout.strip()
        if out:
            return date.fromisoformat(out)
    except (OSError, ValueError, subprocess.SubprocessError):
        pass
    newest = max((p.stat().st_mtime for p in (root / "stats").rglob("*.yaml")), default=0)
    return datetime.fromtimestamp(newest, tz=timezone.utc).date()
