"""Stage 3, chart: one SVG per topic and language, cached by a hash of its content.

Two halves. :func:`plan_charts` runs in the build process and turns the dataset,
already formatted for each locale, into :class:`ChartSpec` values — plain data
holding every string and number the picture shows. :func:`render_spec` turns one
spec into SVG bytes, and is all a worker process needs, so charts render in a
process pool on every core. :func:`render_charts` returns one typed :class:`Chart`
per language and chart id: what later stages (render, export) need of it. The cache key is the spec itself plus the chart
code's version: a second build renders nothing; editing one figure re-renders
only the charts that show it.

Text is drawn as paths (``svg.fonttype = 'path'``): a chart looks the same on
every reader's machine, with or without a Hangul font, at the price of larger
files (about 35 KB); the same words are in the alt text and data table, which
is what screen readers and search engines read.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import textwrap
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Mapping, Sequence

from .format import unknown_or, value_text, year_text
from .load import Dataset
from .messages import N_
from .model import Statistic
from .translate import Translator

CHART_CODE_VERSION = "4"  # bump when the drawing code changes, to invalidate the cache
CHARTED_UNITS = ("percent", "people", "multiplier")  # others are listed on the page, not drawn
PALETTE = {"bar": "#0072B2", "range": "#E69F00", "before": "#999999", "after": "#0072B2", "text": "#222222",
           "grid": "#DDDDDD", "background": "#FFFFFF"}  # Okabe–Ito: distinguishable with colour blindness
WIDTH_IN, ROW_IN, HEAD_IN, FOOT_IN, PANEL_GAP_IN = 8.0, 0.46, 0.75, 0.55, 0.55
CSS_PX_PER_IN = 96

SOURCE_LINE = N_("Source: {sources}")
ALT_TEXT = N_("Chart: {title}. {findings}")
HEADLINE_TITLE = N_("Headline findings")
UNIT_AXIS = {"percent": N_("Per cent"), "people": N_("Number of people"),
             "multiplier": N_("Times as much")}


@dataclass(frozen=True)
class Row:
    """One line of a panel: a bar, a range, or a before/after pair."""

    kind: str  # "bar" | "range" | "pair"
    label: str
    numbers: tuple[float, ...]
    shown: tuple[str, ...]  # formatted values, one per number
    years: tuple[str, ...]


@dataclass(frozen=True)
class Panel:
    unit: str
    axis_label: str
    rows: tuple[Row, ...]


@dataclass(frozen=True)
class ChartSpec:
    """Everything a chart shows; its hash is the cache key."""

    chart_id: str
    lang: str
    title: str
    panels: tuple[Panel, ...]
    source_line: str
    fonts: tuple[str, ...]
    locale: str

    def key(self) -> str:
        payload = json.dumps([CHART_CODE_VERSION, asdict(self)], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]

    @property
    def height_in(self) -> float:
        rows = sum(len(p.rows) for p in self.panels)
        return HEAD_IN + FOOT_IN + rows * ROW_IN + len(self.panels) * PANEL_GAP_IN


@dataclass(frozen=True)
class ChartInfo:
    """What a page shows of a chart: its files, size, alt text and data table."""

    path: str  # relative to the language root, e.g. "charts/word-of-mouth-1a2b3c4d.svg"
    csv_path: str
    width: int
    height: int
    alt: str
    statistics: tuple[str, ...]
    rows: tuple[tuple[str, str, str, str], ...]  # label, value, year, source producer


@dataclass(frozen=True)
class ChartPlan:
    """A chart to draw: its spec, and the ids of the figures it shows (in order)."""

    spec: ChartSpec
    figures: tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    """A drawn chart of one language: spec, figures, the cached SVG file, and what a page shows."""

    spec: ChartSpec
    figures: tuple[str, ...]
    file: Path
    info: ChartInfo

    @property
    def lang(self) -> str:
        return self.spec.lang

    @property
    def chart_id(self) -> str:
        return self.spec.chart_id


# --- planning (build process) ---------------------------------------------------

def _groups(dataset: Dataset) -> list[tuple[str, str, list[Statistic]]]:
    """(chart id, title, charted figures) of every chart the dataset gives, in page order."""
    groups = [(t.id, t.chart_title, dataset.statistics_of(t.id)) for t in dataset.topics_in_order]
    groups.append(("headline", HEADLINE_TITLE, [s for s in dataset.statistics.values() if s.headline]))
    charted = [(chart_id, title, [s for s in stats if s.unit in CHARTED_UNITS]) for chart_id, title, stats in groups]
    return [group for group in charted if group[2]]


def chart_ids(dataset: Dataset) -> list[str]:
    """Ids a page may name in ``[[chart ID]]``: topics with a charted figure, and ``headline``."""
    return [chart_id for chart_id, _, _ in _groups(dataset)]


def plan_charts(dataset: Dataset, translators: Mapping[str, Translator]) -> list[ChartPlan]:
    """Specs for every topic chart and the headline chart, per language, with the figures each shows."""
    groups = _groups(dataset)
    return [ChartPlan(_spec(chart_id, title, shown, dataset, translator), tuple(s.id for s in shown))
            for translator in translators.values() for chart_id, title, shown in groups]


def _spec(chart_id: str, title: str, stats: Sequence[Statistic], dataset: Dataset, tr: Translator) -> ChartSpec:
    panels = []
    for unit in CHARTED_UNITS:
        members = [s for s in stats if s.unit == unit]
        if members:
            panels.append(Panel(unit, tr.text(UNIT_AXIS[unit]).value, tuple(_rows(members, tr))))
    sources = []
    for stat in stats:
        source = dataset.sources[stat.source]
        producer = unknown_or(source.producer, tr, translate=False).value
        year = year_text(source.year_published, tr).value
        entry = f"{producer} ({year})"
        if entry not in sources:
            sources.append(entry)
    fonts = ("NanumGothic",) if tr.lang.code == "ko" else ("DejaVu Sans",)
    return ChartSpec(chart_id, tr.lang.code, tr.text(title).value, tuple(panels),
                     tr.text(SOURCE_LINE).value.format(sources=", ".join(sources)), fonts, tr.lang.locale)


def _rows(stats: Sequence[Statistic], tr: Translator) -> list[Row]:
    """Bars sorted by value; figures of one series from different years become a before/after pair."""
    rows, seen = [], set()
    for stat in stats:
        if stat.id in seen:
            continue
        partners = [s for s in stats if stat.series and s.series == stat.series]
        years = {s.year for s in partners}
        if len(partners) > 1 and len(years) == len(partners) and stat.value is not None:
            partners.sort(key=lambda s: (str(s.year)))
            seen.update(s.id for s in partners)
            rows.append(Row("pair", tr.text(stat.label).value, tuple(s.value for s in partners),  # type: ignore[misc]
                            tuple(value_text(s, tr).value for s in partners),
                            tuple(year_text(s.year, tr).value for s in partners)))
            continue
        seen.add(stat.id)
        kind = "range" if stat.is_range else "bar"
        rows.append(Row(kind, tr.text(stat.label).value, stat.numbers, (value_text(stat, tr).value,),
                        (year_text(stat.year, tr).value,)))
    rows.sort(key=lambda r: -max(r.numbers))
    return rows


def alt_text(spec: ChartSpec, translator: Translator) -> str:
    findings = "; ".join(
        f"{row.label}: " + " → ".join(f"{v} ({y})" for v, y in zip(row.shown, row.years if row.kind == "pair" else row.years * len(row.shown)))
        for panel in spec.panels for row in panel.rows)
    return translator.text(ALT_TEXT).value.format(title=spec.title, findings=findings)


def table_rows(spec: ChartSpec, stats: Sequence[Statistic], dataset: Dataset, tr: Translator) -> tuple[tuple[str, str, str, str], ...]:
    """The chart's numbers as table rows: one per figure it draws."""
    out = []
    for stat in stats:
        producer = unknown_or(dataset.sources[stat.source].producer, tr, translate=False).value
        out.append((tr.text(stat.label).value, value_text(stat, tr).value, year_text(stat.year, tr).value, producer))
    return tuple(out)


# --- rendering (any process) ------------------------------------------------------

def render_charts(plans: Sequence[ChartPlan], dataset: Dataset, translators: Mapping[str, Translator],
                  cache_dir: Path, workers: int | None = None) -> tuple[list[Chart], int, int]:
    """Make sure every planned chart is in the cache; return the charts and how many were (rendered, reused)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    paths = [cache_dir / f"{plan.spec.key()}.svg" for plan in plans]
    missing: dict[Path, ChartSpec] = {}
    for plan, path in zip(plans, paths):
        if not path.exists():
            missing.setdefault(path, plan.spec)
    _render_missing(list(missing.items()), workers)
    charts = [Chart(plan.spec, plan.figures, path, chart_info(plan, dataset, translators[plan.spec.lang]))
              for plan, path in zip(plans, paths)]
    return charts, len(missing), len(plans) - len(missing)


def prepare_drawing() -> None:
    """Set matplotlib up and import pyplot (once per process; a long-lived preview server calls it early)."""
    _setup_matplotlib()
    import matplotlib.pyplot  # noqa: F401 - imported once here, inherited by forked workers


def _render_missing(specs: list[tuple[Path, ChartSpec]], workers: int | None) -> None:
    """Draw the charts not in the cache, in a process pool when there are enough of them."""
    if specs:
        prepare_drawing()
    cores = workers or os.cpu_count() or 1
    if len(specs) > 2 * cores and cores > 1:  # a pool pays off only beyond a few charts
        with ProcessPoolExecutor(max_workers=min(cores, len(specs))) as pool:
            for (path, _), svg in zip(specs, pool.map(render_spec, [s for _, s in specs], chunksize=4)):
                _write_atomic(path, svg)
    else:
        for path, spec in specs:
            _write_atomic(path, render_spec(spec))


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    tmp.write_bytes(data)
    tmp.replace(path)


_FONTS_READY = False


def _setup_matplotlib() -> None:
    """Agg backend, fixed SVG salt, and the NanumGothic file registered (without importing its package)."""
    global _FONTS_READY
    if _FONTS_READY:
        return
    import importlib.util

    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    spec = importlib.util.find_spec("koreanize_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the NanumGothic font is missing: install the project (pip install -e .)")
    font_dir = Path(list(spec.submodule_search_locations)[0]) / "fonts"
    font_manager.fontManager.addfont(str(font_dir / "NanumGothic.ttf"))
    font_manager.fontManager.addfont(str(font_dir / "NanumGothicBold.ttf"))
    matplotlib.rcParams.update({"svg.hashsalt": "digest", "svg.fonttype": "path", "axes.unicode_minus": False})
    _FONTS_READY = True


def render_spec(spec: ChartSpec) -> bytes:
    """Draw one chart as SVG bytes; identical input gives identical bytes."""
    _setup_matplotlib()
    import matplotlib.pyplot as plt

    height = spec.height_in
    fig = plt.figure(figsize=(WIDTH_IN, height), facecolor=PALETTE["background"])
    plt.rcParams["font.family"] = list(spec.fonts)
    fig.text(0.02, 1 - 0.3 / height, spec.title, fontsize=14, fontweight="bold" if spec.fonts[0] == "DejaVu Sans" else 600, color=PALETTE["text"], va="top")
    top = HEAD_IN
    for panel in spec.panels:
        panel_h = len(panel.rows) * ROW_IN
        ax = fig.add_axes((0.40, 1 - (top + panel_h) / height, 0.55, panel_h / height))
        _draw_panel(ax, panel)
        top += panel_h + PANEL_GAP_IN
    wrapped = textwrap.fill(spec.source_line, 120)
    fig.text(0.02, 0.12 / height, wrapped, fontsize=8, color="#555555", va="bottom")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, facecolor=fig.get_facecolor())
    plt.close(fig)
    return buffer.getvalue()


def _draw_panel(ax, panel: Panel) -> None:  # noqa: ANN001 - matplotlib Axes
    rows = panel.rows
    positions = list(range(len(rows)))[::-1]
    top_value = max(max(r.numbers) for r in rows)
    limit = 100.0 if panel.unit == "percent" else top_value * 1.25
    for y, row in zip(positions, rows):
        if row.kind == "bar":
            ax.barh(y, row.numbers[0], height=0.62, color=PALETTE["bar"])
            ax.text(row.numbers[0] + limit * 0.01, y, row.shown[0], va="center", fontsize=9, color=PALETTE["text"])
        elif row.kind == "range":
            low, high = row.numbers
            ax.plot([low, high], [y, y], color=PALETTE["range"], linewidth=7, solid_capstyle="butt")
            ax.plot([low, high], [y, y], "|", color=PALETTE["text"], markersize=14)
            ax.text(high + limit * 0.015, y, row.shown[0], va="center", fontsize=9, color=PALETTE["text"])
        else:
            before, after = row.numbers[0], row.numbers[-1]
            ax.annotate("", xy=(after, y), xytext=(before, y),
                        arrowprops={"arrowstyle": "-|>", "color": PALETTE["after"], "lw": 1.6})
            ax.plot([before], [y], "o", color=PALETTE["before"], markersize=8)
            ax.plot([after], [y], "o", color=PALETTE["after"], markersize=8)
            ax.text(min(before, after) - limit * 0.015, y, f"{row.shown[0]} ({row.years[0]})", va="center",
                    ha="right", fontsize=8, color=PALETTE["text"])
            ax.text(max(before, after) + limit * 0.015, y, f"{row.shown[-1]} ({row.years[-1]})", va="center",
                    fontsize=8, color=PALETTE["text"])
    ax.set_xlim(0, limit * 1.18 if panel.unit != "percent" else 118)
    ax.set_ylim(-0.6, len(rows) - 0.4)
    ax.set_yticks(positions, [textwrap.fill(r.label, 42) for r in rows], fontsize=9, color=PALETTE["text"])
    ticks = [0, 25, 50, 75, 100] if panel.unit == "percent" else None
    if ticks:
        ax.set_xticks(ticks)
    ax.tick_params(axis="x", labelsize=8, colors="#555555")
    ax.tick_params(axis="y", length=0)
    ax.set_xlabel(panel.axis_label, fontsize=8, color="#555555", loc="left")
    ax.grid(axis="x", color=PALETTE["grid"], linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.set_facecolor(PALETTE["background"])


def chart_info(plan: ChartPlan, dataset: Dataset, translator: Translator) -> ChartInfo:
    """What a page needs of one chart: file names (by content hash), size, alt text, table."""
    spec, key = plan.spec, plan.spec.key()
    stats = [dataset.statistics[s] for s in plan.figures]
    return ChartInfo(
        path=f"charts/{spec.chart_id}-{key[:8]}.svg", csv_path=f"charts/{spec.chart_id}-{key[:8]}.csv",
        width=round(WIDTH_IN * CSS_PX_PER_IN), height=round(spec.height_in * CSS_PX_PER_IN),
        alt=alt_text(spec, translator), statistics=plan.figures,
        rows=table_rows(spec, stats, dataset, translator))
