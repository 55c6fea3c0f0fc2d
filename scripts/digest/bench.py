"""``digest bench``: how much the generator costs on top of MkDocs, and how it scales.

Everything runs in scratch copies under a temporary folder, each build in its own
process (so imports and caches are paid as a user pays them), timed with a
monotonic clock; peak memory is the largest resident set of any process of the
build. Results print as a table and go to ``bench.json`` to compare with the next run.

Rows: *cold* (empty chart cache), *warm* (nothing changed), *edit* (one figure's
value changed), *baseline* (plain ``mkdocs build`` of the very same generated
Markdown and images, with the digest plugin off: the framework's floor), and
*scale* (synthetic datasets of growing size, four complete languages).
"""

from __future__ import annotations

import json
import math
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import yaml

INPUTS = ("mkdocs.yml", "stats", "content", "site_config")


def run_benchmark(root: Path, repeat: int, scales: list[int], output: Path) -> dict:
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as scratch:
        work = Path(scratch)
        project = copy_inputs(root, work / "project")
        baseline = _baseline_project(project, work / "baseline")
        results: dict = {"machine": {"cores": os.cpu_count(), "python": platform.python_version()}, "repeat": repeat}
        results["cold"] = _measure(repeat, lambda: _build(project, clean_cache=True))
        results["warm"] = _measure(repeat, lambda: _build(project))
        results["edit"] = _measure(repeat, lambda: (_edit_one_figure(project), _build(project))[1])
        results["baseline"] = _measure(repeat, lambda: _build(baseline))
        results["single_chart_s"] = _single_chart_time(project)
        results["charts"] = _chart_count(project)
        results["weights"] = _page_weights(project / "site")
        results["scale"] = {}
        for size in scales:
            synthetic = synthetic_project(root, work / f"synthetic-{size}", size)
            results["scale"][str(size)] = _measure(1, lambda: _build(synthetic, clean_cache=True))
            shutil.rmtree(synthetic, ignore_errors=True)
    results["ratios"] = _ratios(results)
    output.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(_table(results))
    return results


# --- measuring -------------------------------------------------------------------

def _measure(repeat: int, action: Callable[[], tuple[float, int]]) -> dict:
    runs = [action() for _ in range(repeat)]
    times = [t for t, _ in runs]
    return {"median_s": round(statistics.median(times), 3), "runs_s": [round(t, 3) for t in times],
            "peak_rss_mb": round(max(m for _, m in runs) / 1024, 1)}


_PROBE = ("import resource, subprocess, sys, time; t = time.monotonic(); "
          "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
          "print(time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
          "sys.stderr.write(r.stderr[-3000:] if r.returncode else ''); sys.exit(r.returncode)")


def _build(project: Path, clean_cache: bool = False) -> tuple[float, int]:
    """One `mkdocs build` in a fresh process; (seconds, peak RSS in KiB of its largest process)."""
    if clean_cache:
        shutil.rmtree(project / ".cache", ignore_errors=True)
    shutil.rmtree(project / "site", ignore_errors=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "0"}
    result = subprocess.run([sys.executable, "-c", _PROBE, sys.executable, "-m", "mkdocs", "build", "--quiet", "--strict"],
                            cwd=project, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"benchmark build failed in {project}:\n{result.stderr}")
    seconds, rss = result.stdout.split()
    return float(seconds), int(rss)


def copy_inputs(root: Path, target: Path) -> Path:
    """A scratch copy of everything an editor or translator can change (no .venv, site or cache)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in INPUTS:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("*.mo", "__pycache__"))
        else:
            shutil.copy2(source, target / name)
    return target


_EDIT_TOGGLE = [False]


def _edit_one_figure(project: Path) -> None:
    """Change one figure's value (alternating, so every repetition is a real edit)."""
    path = project / "stats" / "statistics.yaml"
    text = path.read_text(encoding="utf-8")
    old, new = ("  value: 81\n", "  value: 82\n") if not _EDIT_TOGGLE[0] else ("  value: 82\n", "  value: 81\n")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    _EDIT_TOGGLE[0] = not _EDIT_TOGGLE[0]


def _baseline_project(project: Path, target: Path) -> Path:
    """The same pages, already rendered, with charts and downloads as plain files; no digest plugin."""
    from .pipeline import pipeline_for

    pipeline = pipeline_for(project, project / ".cache")
    target.mkdir(parents=True)
    shutil.copytree(project / "site_config", target / "site_config")
    for lang in pipeline.languages:
        source_dir, docs = project / "content" / lang, target / "content" / lang
        for page in sorted(source_dir.rglob("*.md")):
            rel = page.relative_to(source_dir).as_posix()
            out = docs / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            markdown = page.read_text(encoding="utf-8")
            out.write_text(_expanded(pipeline, markdown, lang, rel), encoding="utf-8")
        pipeline.write_language_files(docs, lang)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"\n  - digest:\n(      .*\n)*", "\n", config)
    (target / "mkdocs.yml").write_text(config.replace("  anchors: warn", "  anchors: info"), encoding="utf-8")
    return target


def _expanded(pipeline: "Pipeline", markdown: str, lang: str, rel: str) -> str:  # noqa: F821
    """A page with each shortcode replaced by its HTML: what stock MkDocs builds for the baseline.

    Only for timing: Markdown re-reads this HTML, which the digest's own build never lets it do.
    """
    from .shortcodes import REGISTRY, SHORTCODE

    renderer, page = pipeline.renderer(lang), pipeline.page_context(lang, rel)

    def replace(match: re.Match[str]) -> str:
        html = renderer.expand(match.group(1), match.group(2), page)
        return f"\n\n{html}\n\n" if REGISTRY[match.group(1)].block else html

    return SHORTCODE.sub(replace, markdown)


def _chart_count(project: Path) -> int:
    from .pipeline import pipeline_for

    return len(pipeline_for(project, project / ".cache").charts)


def _single_chart_time(project: Path) -> float:
    from .chart import render_spec
    from .pipeline import pipeline_for

    charts = pipeline_for(project, project / ".cache").charts
    spec = next(c.spec for c in charts if c.lang == "sv" and c.chart_id == "loyalty-switching")
    render_spec(spec)  # warm up imports and fonts
    times = []
    for _ in range(5):
        start = time.monotonic()
        render_spec(spec)
        times.append(time.monotonic() - start)
    return round(statistics.median(times), 4)


def _page_weights(site: Path) -> dict:
    """Bytes a reader downloads per page type (HTML, images, CSS, JS; search index apart)."""
    weights = {}
    pages = {"home": site / "index.html", "topic": site / "topics" / "loyalty-switching" / "index.html",
             "sources": site / "sources" / "index.html", "about": site / "about" / "index.html"}
    for name, page in pages.items():
        html = page.read_text(encoding="utf-8")
        assets = set(re.findall(r'(?:src|href)="([^"]+\.(?:css|js|svg))"', html))
        total = page.stat().st_size
        for asset in assets:
            path = (page.parent / asset.split("?")[0]).resolve()
            if path.exists() and "search_index" not in path.name:
                total += path.stat().st_size
        weights[name + "_kb"] = round(total / 1024, 1)
    for lang_dir in [site] + [site / code for code in ("da", "no", "ko")]:
        index = lang_dir / "search" / "search_index.json"
        if index.exists():
            weights[f"search_index_{lang_dir.name if lang_dir != site else 'sv'}_kb"] = round(index.stat().st_size / 1024, 1)
    return weights


def _ratios(results: dict) -> dict:
    base = results["baseline"]["median_s"]
    cores = results["machine"]["cores"] or 1
    cold_target = base + results["charts"] * results["single_chart_s"] / cores * 1.3
    ratios = {
        "warm_over_baseline": round(results["warm"]["median_s"] / base, 2),
        "edit_over_baseline": round(results["edit"]["median_s"] / base, 2),
        "cold_s": results["cold"]["median_s"], "cold_target_s": round(cold_target, 2),
        "cold_over_target": round(results["cold"]["median_s"] / cold_target, 2),
    }
    scale = results["scale"]
    if "1000" in scale and "10000" in scale:
        ratios["scale_10000_over_1000"] = round(scale["10000"]["median_s"] / scale["1000"]["median_s"], 2)
        ratios["peak_rss_10000_mb"] = scale["10000"]["peak_rss_mb"]
    return ratios


def _table(results: dict) -> str:
    lines = ["| run | median (s) | peak RSS (MB) |", "| --- | ---: | ---: |"]
    for name in ("cold", "warm", "edit", "baseline"):
        lines.append(f"| {name} | {results[name]['median_s']} | {results[name]['peak_rss_mb']} |")
    for size, row in results["scale"].items():
        lines.append(f"| scale {size} figures (cold) | {row['median_s']} | {row['peak_rss_mb']} |")
    lines.append("")
    lines += [f"- {k}: {v}" for k, v in results["ratios"].items()]
    lines += [f"- single chart: {results['single_chart_s']} s; charts in the shipped site: {results['charts']}"]
    lines += [f"- weight {k}: {v}" for k, v in results["weights"].items()]
    return "\n".join(lines)


# --- synthetic datasets --------------------------------------------------------------

def synthetic_project(root: Path, target: Path, size: int) -> Path:
    """A project with `size` figures, sqrt(size) topics, size/10 sources, four complete catalogs."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from .config import load_config
    from .catalogs import build_template, catalog_path
    from .load import load_dataset

    project = copy_inputs(root, target)
    n_topics, n_sources = max(3, round(math.sqrt(size))), max(1, size // 10)
    stats_dir = project / "stats"
    for name in ("statistics.yaml", "topics.yaml", "sources.yaml"):
        (stats_dir / name).unlink()
    topics = [{"id": f"topic-{t}", "title": f"Topic {_words(t)}", "chart_title": f"Chart of topic {_words(t)}",
               "order": t} for t in range(n_topics)]
    sources = [{"id": f"source-{s}", "producer": f"Producer {_words(s)}", "title": "unknown", "year_published": 2020,
                "url": f"https://example.org/report/{s}", "method": "survey", "sample_size": 1000,
                "geography": "unknown", "population": "adults", "via": ["seed-000"]} for s in range(n_sources)]
    stats = [{"id": f"figure-{i}", "source": f"source-{i % n_sources}", "topic": f"topic-{i % n_topics}",
              "year": 2015 + i % 5, "value": float(i % 97 + 1), "unit": "percent", "population": "adults",
              "sentence": f"{{value}} of adults agree with statement {_words(i)}.", "label": f"Statement {_words(i)}",
              "quote": "unknown"} for i in range(size)]
    for name, records in (("topics", topics), ("sources", sources), ("statistics", stats)):
        (stats_dir / f"{name}.yaml").write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
    config = load_config(project)
    template = build_template(load_dataset(stats_dir))
    for lang in config.languages:
        _synthetic_pages(project / "content" / lang.code, topics)
        catalog = Catalog(locale="nb" if lang.code == "no" else lang.code, domain="digest")
        for message in template:
            if message.id:
                text = message.id if isinstance(message.id, str) else message.id
                catalog.add(text, string=text if isinstance(text, str) else (text[0], text[1]))
        with catalog_path(project, lang.code).open("wb") as handle:
            write_po(handle, catalog, width=0)
    mkdocs = (project / "mkdocs.yml").read_text(encoding="utf-8")
    nav = "nav:\n  - index.md\n  - Topics:\n" + "".join(f"      - topics/{t['id']}.md\n" for t in topics) + \
          "  - good-and-bad-service.md\n  - sources.md\n  - about.md\n"
    mkdocs = re.sub(r"\nnav:\n(  .*\n)+", "\n" + nav, mkdocs)
    (project / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")
    return project


def _synthetic_pages(folder: Path, topics: list[dict]) -> None:
    shutil.rmtree(folder / "topics", ignore_errors=True)
    (folder / "topics").mkdir(parents=True)
    for topic in topics:
        (folder / "topics" / f"{topic['id']}.md").write_text(
            f"# {topic['title']}\n\n[[chart {topic['id']}]]\n\n[[figures {topic['id']}]]\n", encoding="utf-8")
    (folder / "index.md").write_text("# Home\n\n[[headlines]]\n\n[[topics]]\n", encoding="utf-8")
    (folder / "good-and-bad-service.md").write_text("# Service\n\nText.\n", encoding="utf-8")
    (folder / "sources.md").write_text("# Sources\n\n[[sources]]\n", encoding="utf-8")
    (folder / "about.md").write_text("# About\n\n[[downloads]]\n\n[[status]]\n", encoding="utf-8")


def _words(n: int) -> str:
    """Digits spelled as letters: synthetic sentences must pass the no-typed-numbers rule."""
    return "".join("abcdefghij"[int(d)] for d in str(n))
