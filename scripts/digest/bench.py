"""``digest bench``: how much the generator costs on top of MkDocs, and how it scales.

Method (why it is fair):

- Every build runs in its own process (imports and caches are paid as a user pays
  them), timed with a monotonic clock, WITHOUT ``--quiet``: MkDocs' ``--quiet`` sets
  its logger to ERROR, so ``--strict`` would never see a warning. A warning fails
  the benchmark as it fails CI.
- The *baseline* is a plain ``mkdocs build`` of the very same pages, already
  rendered, with the same charts and downloads as plain files and the digest plugin
  off: the framework's floor for that site.
- Runs are **interleaved in rounds**: each round builds baseline, cold, warm and
  one-figure edit once (odd rounds in reverse order, so a drift in machine load
  hits both sides alike), and each ratio is taken against the *same round's*
  baseline. Reported: the median of those paired ratios and their spread (min–max).
- The shipped site gets ``--pairs`` rounds (default 5); each synthetic size
  (√n topics, n/10 sources, four complete catalogs) gets its own baseline and its
  own number of rounds (``--scales 100:3,1000:2,10000:1``: fewer where a build takes minutes).
- Cold target per round: (baseline + charts × single-chart time ÷ cores) × 1.3,
  the single-chart time measured in process on a sample of that site's charts.
- Peak memory is the largest resident set of any process of a build (the build or
  a chart worker); compared at each size with the baseline's.

Results go to ``bench.json`` and the README's performance table (between the
``<!-- bench:start -->`` / ``<!-- bench:end -->`` markers) is rendered from it
(:func:`readme_table`), so the two cannot disagree; a test checks that they do not.
"""

from __future__ import annotations

import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

import yaml

INPUTS = ("mkdocs.yml", "stats", "content", "site_config")
DEFAULT_PAIRS = 5
DEFAULT_SCALES = "100:3,1000:2,10000:1"
COLD_SLACK = 1.3
# Targets of issue 16, as ratios to plain MkDocs of the same pages.
TARGETS = {"warm_over_baseline": 1.15, "edit_over_baseline": 1.25, "cold_over_target": 1.0,
           "peak_rss_over_baseline": 1.5}
VARIANTS = ("cold", "warm", "edit")  # digest builds compared with the baseline, in round order
README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


@dataclass(frozen=True)
class Run:
    """One build: wall seconds and the peak resident set (KiB) of its largest process."""

    seconds: float
    rss_kb: int


Builder = Callable[[Path, bool], Run]  # (project, clear_cache) -> Run

# More timed rows of the shipped site, e.g. issue 12's ``preview``: name -> (function, target ratio).
# Each is run once per round after the builds, paired with that round's plain build, and reported
# as ``ratios.<name>_over_baseline``. The function gets the project folder and must leave its inputs
# as it found them.
EXTRA_ROWS: dict[str, tuple[Callable[[Path], Run], float]] = {}


def _preview(project: Path) -> Run:
    """Issue 12's ``preview`` row: save a one-figure edit, time until `digest serve --lang da` serves the page."""
    from .preview_timing import preview_run

    times, rss_kb = preview_run(project, "da", edits=1)
    return Run(times[0], rss_kb)


EXTRA_ROWS["preview"] = (_preview, 0.6)  # target: preview ≤ 0.6 × the plain-MkDocs full build


@dataclass
class Subject:
    """A site under test: the digest project, its plain-MkDocs twin, and what the cold target needs."""

    name: str
    project: Path
    baseline: Path
    charts: int
    single_chart_s: float
    pages: int
    figures: int
    runs: dict[str, list[Run]] = field(default_factory=lambda: {name: [] for name in ("baseline", *VARIANTS)})
    extras: dict[str, Callable[[Path], Run]] = field(default_factory=dict)


# --- the run ------------------------------------------------------------------------

def run_benchmark(root: Path, pairs: int = DEFAULT_PAIRS, scales: dict[int, int] | None = None,
                  output: Path | None = None, readme: Path | None = None, builder: Builder | None = None,
                  log: Callable[[str], None] | None = None) -> dict:
    """Measure the shipped site and each synthetic size; write bench.json (and the README table)."""
    scales = parse_scales(DEFAULT_SCALES) if scales is None else scales
    build = builder or timed_build
    say = log or (lambda line: print(line, file=sys.stderr, flush=True))
    started, clock = datetime.now(timezone.utc), time.monotonic()
    results: dict = {"complete": False, "started": started.strftime("%Y-%m-%dT%H:%M:%SZ"),
                     "command": _command(pairs, scales),
                     "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                                 "load_before": _load()},
                     "targets": TARGETS, "cold_slack": COLD_SLACK}
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as scratch:
        work = Path(scratch)
        shipped = prepare_subject("shipped", copy_inputs(root, work / "shipped"), work / "shipped-baseline")
        shipped.extras = {name: row for name, (row, _) in EXTRA_ROWS.items()}
        results["shipped"] = measure(shipped, pairs, build, say)
        results["weights"] = _page_weights(shipped.project / "site", shipped.project)
        shutil.rmtree(work / "shipped", ignore_errors=True)
        results["scale"] = {}
        for size, rounds in scales.items():
            say(f"bench: preparing a synthetic project of {size:,} figures")
            project = synthetic_project(root, work / f"scale-{size}", size)
            subject = prepare_subject(f"scale {size}", project, work / f"scale-{size}-baseline")
            results["scale"][str(size)] = measure(subject, rounds, build, say)
            shutil.rmtree(project, ignore_errors=True)
            shutil.rmtree(work / f"scale-{size}-baseline", ignore_errors=True)
    results["machine"]["load_after"] = _load()
    results["duration_s"] = round(time.monotonic() - clock, 1)
    results["ratios"], results["spread"] = flat_ratios(results)
    results["complete"] = True
    if output is not None:
        output.write_text(json.dumps(results, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    if readme is not None and readme.exists():
        update_readme(readme, results)
    print(readme_table(results))
    return results


def parse_scales(text: str, default_pairs: int = 3) -> dict[int, int]:
    """``"100:3,1000:2,10000:1"`` (or ``"100,1000"``) → {size: rounds}."""
    scales = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        size, _, rounds = item.partition(":")
        scales[int(size)] = int(rounds) if rounds else default_pairs
        if scales[int(size)] < 1 or int(size) < 1:
            raise ValueError(f"--scales: sizes and rounds must be positive, got {item!r}")
    return scales


def _command(pairs: int, scales: dict[int, int]) -> str:
    return f"digest bench --pairs {pairs} --scales " + ",".join(f"{n}:{r}" for n, r in scales.items())


def _load() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:  # pragma: no cover - not on Linux
        return []


def prepare_subject(name: str, project: Path, baseline_dir: Path) -> Subject:
    """Render the baseline twin and measure what the cold target needs, before any timed build."""
    from .pipeline import pipeline_for

    pipeline = pipeline_for(project, project / ".cache")
    baseline = baseline_project(project, baseline_dir)
    specs = chart_specs(pipeline)
    pages = sum(1 for lang in pipeline.languages for _ in (project / "content" / lang).rglob("*.md"))
    return Subject(name, project, baseline, len(specs), single_chart_time(specs), pages,
                   len(pipeline.inputs.dataset.statistics))


def round_order(index: int) -> tuple[str, ...]:
    """Baseline, cold, warm, edit; every other round reversed, so drift in load cancels out.

    Each order is valid as a sequence of builds: *warm* always follows a build of
    the same inputs, *edit* always follows a build whose cache it can reuse.
    """
    order = ("baseline", *VARIANTS)
    return order if index % 2 == 0 else tuple(reversed(order))


def measure(subject: Subject, rounds: int, build: Builder, say: Callable[[str], None]) -> dict:
    """Interleaved rounds on one subject; paired ratios against each round's own baseline."""
    edit = FigureEdit(subject.project / "stats" / "statistics.yaml")
    for index in range(rounds):
        for variant in round_order(index):
            if variant == "edit":
                edit.apply()
            target = subject.baseline if variant == "baseline" else subject.project
            run = build(target, variant == "cold")
            subject.runs[variant].append(run)
            say(f"bench: {subject.name} round {index + 1}/{rounds} {variant}: {run.seconds:.2f} s, "
                f"{run.rss_kb / 1024:.0f} MB")
        for name, row in subject.extras.items():
            run = row(subject.project)
            subject.runs.setdefault(name, []).append(run)
            say(f"bench: {subject.name} round {index + 1}/{rounds} {name}: {run.seconds:.2f} s")
    edit.restore()
    return summarize(subject)


def summarize(subject: Subject) -> dict:
    """Per-variant times and memory, and per-round ratios with their median and spread."""
    cores = os.cpu_count() or 1
    base = [r.seconds for r in subject.runs["baseline"]]
    chart_share = subject.charts * subject.single_chart_s / cores
    targets = [(b + chart_share) * COLD_SLACK for b in base]
    paired = {
        "warm_over_baseline": [w.seconds / b for w, b in zip(subject.runs["warm"], base)],
        "edit_over_baseline": [e.seconds / b for e, b in zip(subject.runs["edit"], base)],
        "cold_over_baseline": [c.seconds / b for c, b in zip(subject.runs["cold"], base)],
        "cold_over_target": [c.seconds / t for c, t in zip(subject.runs["cold"], targets)],
    }
    for name in subject.extras:
        paired[f"{name}_over_baseline"] = [x.seconds / b for x, b in zip(subject.runs[name], base)]
    peak = {name: max(r.rss_kb for r in runs) / 1024 for name, runs in subject.runs.items()}
    paired["peak_rss_over_baseline"] = [max(subject.runs[v][i].rss_kb for v in VARIANTS) / b.rss_kb
                                        for i, b in enumerate(subject.runs["baseline"])]
    return {
        "figures": subject.figures, "pages": subject.pages, "pairs": len(base), "charts": subject.charts,
        "single_chart_s": round(subject.single_chart_s, 4), "cold_target_s": _r(statistics.median(targets)),
        "runs": {name: {"runs_s": [_r(r.seconds) for r in runs], "median_s": _r(statistics.median(r.seconds for r in runs)),
                        "peak_rss_mb": round(peak[name], 1)} for name, runs in subject.runs.items()},
        "ratios": {name: _spread(values) for name, values in paired.items()},
    }


def _spread(values: list[float]) -> dict[str, float]:
    return {"median": round(statistics.median(values), 2), "min": round(min(values), 2), "max": round(max(values), 2)}


def _r(seconds: float) -> float:
    return round(seconds, 3)


def flat_ratios(results: dict) -> tuple[dict[str, float], dict[str, list[float]]]:
    """``ratios.<name>`` (shipped site) and ``ratios.scale_<n>_<name>``: medians; ``spread``: [min, max]."""
    ratios, spread = {}, {}
    subjects = [("", results["shipped"])] + [(f"scale_{n}_", row) for n, row in results["scale"].items()]
    for prefix, row in subjects:
        for name, value in row["ratios"].items():
            if name == "peak_rss_over_baseline" and not prefix:
                continue  # the memory target is about scale; the shipped site's is in its row
            ratios[prefix + name] = value["median"]
            spread[prefix + name] = [value["min"], value["max"]]
    return ratios, spread


# --- building -----------------------------------------------------------------------

_PROBE = ("import resource, subprocess, sys, time; t = time.monotonic(); "
          "r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
          "print(time.monotonic() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
          "sys.stderr.write(r.stderr[-4000:] if r.returncode else ''); sys.exit(r.returncode)")


def timed_build(project: Path, clear_cache: bool = False) -> Run:
    """One strict ``mkdocs build`` in a fresh process: (wall seconds, peak RSS of its largest process)."""
    if clear_cache:
        shutil.rmtree(project / ".cache", ignore_errors=True)
    shutil.rmtree(project / "site", ignore_errors=True)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "0"}
    result = subprocess.run([sys.executable, "-c", _PROBE, sys.executable, "-m", "mkdocs", "build", "--strict"],
                            cwd=project, capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise RuntimeError(f"benchmark build failed in {project}:\n{result.stderr}")
    seconds, rss = result.stdout.split()
    return Run(float(seconds), int(rss))


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


class FigureEdit:
    """Gives the first figure a value it never had before, so every *edit* build is a real edit.

    A value seen before would find its charts in the content-addressed cache and
    measure a cheaper build than an editor's; so each edit moves the value by
    another hundredth (81 → 81.01 → 81.02 …, downwards for 100 %).
    """

    _VALUE = re.compile(r"^(  value: )(-?[0-9.]+)$", re.MULTILINE)

    def __init__(self, path: Path) -> None:
        self.path = path
        self.original = path.read_text(encoding="utf-8")
        match = self._VALUE.search(self.original)
        if match is None:
            raise ValueError(f"{path}: no `value:` line to edit")
        self.span, self.value, self.count = match.span(2), float(match.group(2)), 0

    def apply(self) -> None:
        self.count += 1
        step = self.count / 100 if self.value + 1 <= 100 else -self.count / 100
        start, end = self.span
        self.path.write_text(f"{self.original[:start]}{self.value + step:.2f}{self.original[end:]}", encoding="utf-8")

    def restore(self) -> None:
        self.path.write_text(self.original, encoding="utf-8")


def baseline_project(project: Path, target: Path) -> Path:
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


def chart_specs(pipeline: "Pipeline") -> list:  # noqa: F821
    """Every chart the site draws, as the specs the chart stage renders."""
    return [chart.spec for chart in pipeline.charts]


def single_chart_time(specs: list, sample: int = 5) -> float:
    """Median time to draw one chart, on up to ``sample`` charts spread over the site's charts."""
    from .chart import render_spec

    if not specs:
        return 0.0
    step = max(1, len(specs) // sample)
    chosen = specs[::step][:sample]
    render_spec(chosen[0])  # imports and fonts, paid once per worker in a real build
    times = []
    for spec in chosen:
        start = time.monotonic()
        render_spec(spec)
        times.append(time.monotonic() - start)
    return statistics.median(times)


def _page_weights(site: Path, project: Path) -> dict:
    """Bytes a reader downloads per page type (HTML, images, CSS, JS; search index apart)."""
    from .config import load_config
    from .load import load_dataset

    config = load_config(project)
    first_topic = load_dataset(project / "stats", config.quotes.required).topics_in_order[0].id
    weights = {}
    pages = {"home": site / "index.html", "topic": site / "topics" / first_topic / "index.html",
             "sources": site / "sources" / "index.html", "about": site / "about" / "index.html"}
    for name, page in pages.items():
        if not page.exists():
            continue
        html = page.read_text(encoding="utf-8")
        assets = set(re.findall(r'(?:src|href)="([^"]+\.(?:css|js|svg))"', html))
        total = page.stat().st_size
        for asset in assets:
            path = (page.parent / asset.split("?")[0]).resolve()
            if path.exists() and "search_index" not in path.name:
                total += path.stat().st_size
        weights[name + "_kb"] = round(total / 1024, 1)
    for code in config.codes:
        index = (site if code == config.default.code else site / code) / "search" / "search_index.json"
        if index.exists():
            weights[f"search_index_{code}_kb"] = round(index.stat().st_size / 1024, 1)
    return weights


# --- profiling ------------------------------------------------------------------------

# Profile lines the README's before/after table follows: framework floor and the digest's own work.
KEY_PROFILE_LINES = (r"commands/build\.py:\d+\(build\)|search/plugin\.py:\d+\(on_page_context\)|jinja2/loaders\.py:\d+\(load\)"
                     r"|digest/render\.py:\d+\(run\)|digest/render\.py:\d+\(template\)|format\.py:\d+\(value_text\)"
                     r"|format\.py:\d+\(_value_text\)|pipeline\.py:\d+\(pipeline_for\)|load\.py:\d+\(statistics_of\)"
                     r"|files\.py:\d+\(add_files_from_theme\)|markdown/core\.py:\d+\(convert\)")


def profile_warm_build(root: Path, size: int, top: int = 40) -> str:
    """cProfile of a warm build (after one cold build) of a synthetic project; the top entries as text.

    ``size`` 0 profiles the shipped site. The profile runs in its own process, as a
    user's build would; its times are inflated by the profiler, so read the shares.
    """
    import io
    import pstats

    with tempfile.TemporaryDirectory(prefix="digest-profile-") as scratch:
        work = Path(scratch)
        project = copy_inputs(root, work / "project") if size == 0 else synthetic_project(root, work / "project", size)
        timed_build(project, clear_cache=True)
        shutil.rmtree(project / "site", ignore_errors=True)
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "0"}
        subprocess.run([sys.executable, "-m", "cProfile", "-o", str(work / "warm.prof"), "-m", "mkdocs", "build",
                        "--strict"], cwd=project, capture_output=True, text=True, env=env, check=True)
        out = io.StringIO()
        stats = pstats.Stats(str(work / "warm.prof"), stream=out)
        stats.sort_stats("cumulative").print_stats(top)
        stats.sort_stats("tottime").print_stats(top // 2)
        stats.sort_stats("cumulative").print_stats("digest", top // 2)
        out.write("\nKey lines (the README's table):\n")
        stats.sort_stats("cumulative").print_stats(KEY_PROFILE_LINES)
    what = "the shipped site" if size == 0 else f"a synthetic project of {size:,} figures"
    text = re.sub(r"\S*/(?:site-packages|scripts|python3\.\d+)/", "", out.getvalue())  # shorter paths
    return f"# cProfile of a warm `mkdocs build --strict` of {what}; load average {_loads(_load())}\n{text}"


# --- the README table -------------------------------------------------------------------

def readme_table(results: dict) -> str:
    """The performance table of the README, rendered from bench.json (a test checks they agree)."""
    if not results.get("complete"):
        return "_No complete benchmark run in `bench.json` yet: run `make bench`._"
    rows = [("shipped site", results["shipped"])] + [(f"synthetic, {int(n):,} figures", row)
                                                     for n, row in results["scale"].items()]
    lines = [
        f"Run `{results['command']}`, started {results['started']}, {results['duration_s']:.0f} s; "
        f"{results['machine']['cores']} cores, Python {results['machine']['python']}, load average before "
        f"{_loads(results['machine']['load_before'])}, after {_loads(results['machine'].get('load_after', []))}.",
        "Ratios: median of the paired per-round ratios, (min–max) in brackets; ✗ marks a missed target.",
        "",
        *_busy_warning(results["machine"]),
        *_partial_warning(results["command"]),
        "| site | figures | pages | rounds | plain MkDocs (s) | cold (s) | warm (s) | edit (s) "
        "| warm ÷ plain | edit ÷ plain | cold ÷ target | peak RSS digest / plain (MB) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, row in rows:
        runs, ratios = row["runs"], row["ratios"]
        digest_peak = max(runs[v]["peak_rss_mb"] for v in VARIANTS)
        lines.append(
            f"| {name} | {row['figures']:,} | {row['pages']:,} | {row['pairs']} | {runs['baseline']['median_s']:.2f} "
            f"| {runs['cold']['median_s']:.2f} | {runs['warm']['median_s']:.2f} | {runs['edit']['median_s']:.2f} "
            f"| {_ratio(ratios['warm_over_baseline'], TARGETS['warm_over_baseline'])} "
            f"| {_ratio(ratios['edit_over_baseline'], TARGETS['edit_over_baseline'])} "
            f"| {_ratio(ratios['cold_over_target'], TARGETS['cold_over_target'])} "
            f"| {digest_peak:.0f} / {runs['baseline']['peak_rss_mb']:.0f} |")
    lines += ["", "| target | result |", "| --- | --- |"]
    for name, row in rows:
        cold = row["ratios"]["cold_over_target"]["median"]
        lines.append(f"| {name}: cold ≤ (plain + {row['charts']} charts × {row['single_chart_s']:.3f} s ÷ "
                     f"{results['machine']['cores']} cores) × {COLD_SLACK} = {row['cold_target_s']:.2f} s "
                     f"| {row['runs']['cold']['median_s']:.2f} s, {_verdict(cold, 1.0)} |")
    for name, (_, target) in EXTRA_ROWS.items():
        value = results["shipped"]["ratios"].get(f"{name}_over_baseline")
        if value is not None:
            lines.append(f"| shipped site: {name} ≤ {target} × plain | {_ratio(value, target)} |")
    largest = max((int(n) for n in results["scale"]), default=None)
    if largest is not None:
        mem = results["scale"][str(largest)]["ratios"]["peak_rss_over_baseline"]["median"]
        lines.append(f"| peak memory at {largest:,} figures ≤ {TARGETS['peak_rss_over_baseline']} × plain "
                     f"| {mem:.2f} ×, {_verdict(mem, TARGETS['peak_rss_over_baseline'])} |")
    weights = results.get("weights", {})
    if weights:
        order = ["home_kb", "topic_kb", "sources_kb", "about_kb"]  # bench.json keeps its keys sorted: fix the order here
        pages = ", ".join(f"{k[:-3]} {weights[k]:.0f} KB" for k in order + sorted(set(weights) - set(order))
                          if k in weights and not k.startswith("search_index"))
        index = [v for k, v in weights.items() if k.startswith("search_index")]
        lines += ["", f"Page weight of the shipped site (HTML + CSS + JS + charts, search index apart): {pages}; "
                      f"search index per language {min(index):.0f}–{max(index):.0f} KB." if index else ""]
    return "\n".join(lines).rstrip("\n")


def _busy_warning(machine: dict) -> list[str]:
    """A run on a busy machine says so in the table itself: its numbers are noise, not a measurement."""
    busy = (machine.get("load_before") or [0.0])[0]  # after a run the load is the benchmark's own
    if busy <= 0.5 * (machine.get("cores") or 1):
        return []
    return [f"**The machine was busy during this run (1-minute load average {busy:.1f} on "
            f"{machine.get('cores')} cores): these numbers are noise, not a measurement. Run `make bench` on a "
            "quiet machine.**", ""]


def _partial_warning(command: str) -> list[str]:
    """A run with fewer rounds or other sizes than ``make bench`` says so: it checks the code, it measures little."""
    if command == _command(DEFAULT_PAIRS, parse_scales(DEFAULT_SCALES)):
        return []
    return [f"**A development run, not `make bench` ({_command(DEFAULT_PAIRS, parse_scales(DEFAULT_SCALES))}): "
            "too few rounds or other sizes to compare with the targets.**", ""]


def _ratio(value: dict, target: float) -> str:
    mark = "" if value["median"] <= target else " ✗"
    return f"{value['median']:.2f}{mark} ({value['min']:.2f}–{value['max']:.2f})"


def _verdict(value: float, target: float) -> str:
    return "met" if value <= target else f"**missed by {(value / target - 1) * 100:.0f} %**"


def _loads(values: Iterable[float]) -> str:
    return "/".join(f"{v:.2f}" for v in values) or "unknown"


def update_readme(readme: Path, results: dict) -> None:
    """Replace the text between the bench markers of the README by :func:`readme_table`."""
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        raise ValueError(f"{readme}: markers {README_START} … {README_END} not found")
    body = f"{README_START}\n{readme_table(results)}\n{README_END}"
    readme.write_text(text[:start] + body + text[end + len(README_END):], encoding="utf-8")


def readme_block(readme_text: str) -> str:
    """What is between the bench markers of the README (for the agreement test)."""
    start, end = readme_text.find(README_START), readme_text.find(README_END)
    return readme_text[start + len(README_START):end].strip("\n")


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
              "quote": "unknown", "measure": "share-of-respondents", "question": f"statement-{i}",
              "headline": i < 5} for i in range(size)]
    for name, records in (("topics", topics), ("sources", sources), ("statistics", stats)):
        (stats_dir / f"{name}.yaml").write_text(yaml.safe_dump(records, allow_unicode=True, sort_keys=False), encoding="utf-8")
    config = load_config(project)
    template = build_template(load_dataset(stats_dir, config.quotes.required), config)
    for lang in config.languages:
        _synthetic_pages(project / "content" / lang.code, topics, config.hand_written_pages())
        catalog = Catalog(locale=lang.language, domain="digest")
        for message in template.needed_by(lang):
            if message.id:
                text = message.id if isinstance(message.id, str) else message.id
                catalog.add(text, string=text if isinstance(text, str) else (text[0], text[1]))
        with catalog_path(project, lang.code).open("wb") as handle:
            write_po(handle, catalog, width=0)
    return project


def _synthetic_pages(folder: Path, topics: list[dict], pages: list[str]) -> None:
    """Hand-written topic pages (as a digest would have) and the declared pages with little prose."""
    shutil.rmtree(folder / "topics", ignore_errors=True)
    (folder / "topics").mkdir(parents=True)
    for topic in topics:
        (folder / "topics" / f"{topic['id']}.md").write_text(
            f"# {topic['title']}\n\n[[chart {topic['id']}]]\n\n[[figures {topic['id']}]]\n", encoding="utf-8")
    special = {"index.md": "# Home\n\n[[headlines]]\n\n[[topics]]\n", "sources.md": "# Sources\n\n[[sources]]\n",
               "about.md": "# About\n\n[[downloads]]\n\n[[status]]\n"}
    for page in pages:
        (folder / page).parent.mkdir(parents=True, exist_ok=True)
        (folder / page).write_text(special.get(page, "# Page\n\nText.\n"), encoding="utf-8")


def _words(n: int) -> str:
    """Digits spelled as letters: synthetic sentences must pass the no-typed-numbers rule."""
    return "".join("abcdefghij"[int(d)] for d in str(n))
