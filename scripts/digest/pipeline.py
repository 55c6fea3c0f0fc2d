"""The pipeline in one object: load → format → chart → render, run once per set of inputs.

Any site builder can drive it (the MkDocs plugin does); it imports no site
framework. A :class:`Pipeline` is cached by a fingerprint of its inputs, so the
per-language passes of one build, and unchanged rebuilds under ``mkdocs serve``,
reuse it instead of loading and validating again.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path

from .chart import ChartInfo, chart_files, chart_infos, plan_charts, render_charts
from .config import DigestConfig, load_config
from .format import sentence_text, unknown_or, value_text, year_text
from .i18n import StatusReport, Translator, load_translators
from .load import Dataset, load_dataset, to_frame
from .problems import InputError
from .render import PageContext, Renderer, check_content

_PIPELINES: dict[Path, "Pipeline"] = {}


@dataclass
class Pipeline:
    root: Path
    cache_dir: Path
    fingerprint: str
    config: DigestConfig
    dataset: Dataset
    translators: dict[str, Translator]
    status: StatusReport
    charts: dict[str, ChartInfo]
    chart_cache: dict[str, Path]
    plans: dict
    updated: date
    renderers: dict[str, Renderer] = field(default_factory=dict)
    pages_checked: bool = False
    written: set[tuple[str, str]] = field(default_factory=set)

    @property
    def languages(self) -> list[str]:
        return self.config.codes

    def check_pages(self) -> None:
        """Lint all prose once per set of inputs; raise listing every problem."""
        if self.pages_checked:
            return
        problems = check_content(self.root, self.dataset, self.languages)
        if problems:
            raise InputError(problems)
        self.pages_checked = True

    def renderer(self, lang: str) -> Renderer:
        if lang not in self.renderers:
            self.renderers[lang] = Renderer(self.dataset, self.config, self.translators[lang], self.charts,
                                            self.updated, self.status)
        return self.renderers[lang]

    def render_page(self, markdown: str, lang: str, path: str) -> str:
        return self.renderer(lang).render(markdown, PageContext(lang, path, f"content/{lang}/{path}"))

    def write_language_files(self, site_dir: Path, lang: str) -> None:
        """Charts (SVG and CSV) and the dataset downloads of one language."""
        prefix = site_dir if lang == self.config.default.code else site_dir / lang
        for rel, data in chart_files(self.plans, self.charts, self.chart_cache, self.dataset, self.translators[lang]):
            _write(prefix / rel, data)
        for rel, data in self.downloads(lang).items():
            _write(prefix / rel, data)

    def downloads(self, lang: str) -> dict[str, bytes]:
        """The dataset files of one language, cached by the content of their inputs.

        Warm builds then skip pandas altogether; its import alone costs more than the rest
        of a warm build's own work.
        """
        digest = hashlib.sha256(self.translators[lang].key.encode())
        for path in sorted((self.root / "stats").rglob("*.yaml")):
            digest.update(path.read_bytes())
        folder = self.cache_dir / "downloads" / f"{lang}-{digest.hexdigest()[:20]}"
        names = [f"data/digest-{lang}.csv", f"data/digest-{lang}.json"]
        if not all((folder / name).exists() for name in names):
            for rel, data in downloads(self.dataset, self.translators[lang]).items():
                _write(folder / rel, data)
        return {name: (folder / name).read_bytes() for name in names}


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def pipeline_for(root: Path, cache_dir: Path, workers: int | None = None) -> Pipeline:
    """The pipeline for the current inputs: cached if nothing changed, else run anew."""
    fingerprint = input_fingerprint(root)
    cached = _PIPELINES.get(root)
    if cached is not None and cached.fingerprint == fingerprint:
        return cached
    config = load_config(root)
    dataset = load_dataset(root / "stats")
    translators, status = load_translators(root, config, dataset, cache_dir / "i18n")
    plans = plan_charts(dataset, translators)
    chart_cache, rendered, reused = render_charts(plans, cache_dir / "charts", workers)
    print(f"digest: {dataset.summary()}; charts: {rendered} rendered, {reused} reused", file=sys.stderr)
    pipeline = Pipeline(root, cache_dir, fingerprint, config, dataset, translators, status,
                        chart_infos(plans, dataset, translators), chart_cache, plans, last_updated(root))
    _PIPELINES[root] = pipeline
    return pipeline


def input_fingerprint(root: Path) -> str:
    """Names, sizes and modification times of every input file: cheap, and changes with any edit."""
    digest = hashlib.sha256()
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


def downloads(dataset: Dataset, translator: Translator) -> dict[str, bytes]:
    """The whole dataset in the reader's language, as CSV and JSON."""
    frame = to_frame(dataset)
    stats = [dataset.statistics[i] for i in frame["id"]]
    frame.insert(1, "text", [_sentence(s, translator, dataset) for s in stats])
    frame.insert(2, "formatted_value", [value_text(s, translator, dataset.units).value for s in stats])
    frame["topic_title"] = [translator.text(dataset.topics[s.topic].title).value for s in stats]
    frame["year_shown"] = [year_text(s.year, translator).value for s in stats]
    frame["source_title"] = [unknown_or(dataset.sources[s.source].title, translator, translate=False).value for s in stats]
    frame["source_url"] = [dataset.sources[s.source].url for s in stats]
    frame["caveat"] = [translator.text(s.caveat).value if s.caveat else None for s in stats]
    code = translator.lang.code
    records = json.loads(frame.to_json(orient="records", force_ascii=False))
    return {
        f"data/digest-{code}.csv": frame.to_csv(index=False, lineterminator="\n").encode("utf-8"),
        f"data/digest-{code}.json": json.dumps(records, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"),
    }


def _sentence(stat, translator: Translator, dataset: Dataset) -> str:  # noqa: ANN001
    template, value = sentence_text(stat, translator, dataset.units)
    return template.value.replace("{value}", value.value)
