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
import multiprocessing
import os
import textwrap
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Mapping, Sequence

from .cache import parse_svg, read_entry, write_entry
from .format import is_old, unknown_or, value_text, year_text
from .load import Dataset
from .messages import N_
from .model import Statistic
from .translate import Translator

CHART_CODE_VERSION = "6"  # bump when the drawing code changes, to invalidate the cache
CHARTED_UNITS = ("percent", "people", "multiplier")  # others are listed on the page, not drawn
PALETTE = {"bar": "#0072B2", "range": "#E69F00", "before": "#999999", "after": "#0072B2", "text": "#222222",
           "grid": "#DDDDDD", "background": "#FFFFFF"}  # Okabe–Ito: distinguishable with colour blindness
WIDTH_IN, ROW_IN, HEAD_IN, FOOT_IN, PANEL_GAP_IN = 8.0, 0.46, 0.75, 0.55, 0.55
CSS_PX_PER_IN = 96

SOURCE_LINE = N_("Source: {sources}")
ALT_TEXT = N_("Chart: {title}. {findings}")
HEADLINE_TITLE = N_("Headline findings")
VALUE_YEAR = N_("{value} ({year})")
VALUE_YEAR_OLD = N_("{value} ({year}, old data)")
YEAR_OLD = N_("{year} (old data)")
YEAR_OLD_NOTE = N_("{year}, old data")
LABEL_PRODUCER = N_("{label} ({producer})")


@dataclass(frozen=True)
class Row:
    """One line of a panel: a bar, a range, or a before/after pair."""

    kind: str  # "bar" | "range" | "pair"
    label: str
    numbers: tuple[float, ...]
    shown: tuple[str, ...]  # formatted values with their qualifier, one per figure
    years: tuple[str, ...]
    annotations: tuple[str, ...] = ()  # value, qualifier, year and old-data mark together (alt text, pairs)
    notes: tuple[str, ...] = ()  # year and old-data mark, printed in a column right of the axis
    measure: str = ""  # what the row's figures count (measures.yaml)


@dataclass(frozen=True)
class Panel:
    """One axis: figures of one measure only (a share of respondents never beside an average extra spend)."""

    unit: str
    axis_label: str
    rows: tuple[Row, ...]
    measure: str = ""

    def __post_init__(self) -> None:
        others = sorted({row.measure for row in self.rows if row.measure and row.measure != self.measure})
        if others:
            raise ValueError(f"a chart axis shows one measure only: the axis of {self.measure!r} was given figures "
                             f"of {', '.join(map(repr, others))}; give each measure its own panel")


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
    rows: tuple[tuple[str, str, str, str], ...]  # label, value (with qualifier), year (with old-data mark), producer


@dataclass(frozen=True)
class ChartPlan:
    """A chart to draw: its spec, and the ids of the figures it shows (in order)."""

    spec: ChartSpec
    figures: tuple[str, ...]
    old_figures: tuple[str, ...] = ()  # ids of figures marked as old data


@dataclass(frozen=True)
class Chart:
    """A drawn chart of one language: spec, figures, the cached SVG file, and what a page shows."""

    spec: ChartSpec
    figures: tuple[str, ...]
    file: Path
    info: ChartInfo
    old_figures: tuple[str, ...] = ()

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


def plan_charts(dataset: Dataset, translators: Mapping[str, Translator], updated: date | None = None,
                old_after_years: int | None = None) -> list[ChartPlan]:
    """Specs for every topic chart and the headline chart, per language, with the figures each shows.

    ``updated`` and ``old_after_years`` decide which bars carry the old-data mark (as the pages do).
    """
    groups = _groups(dataset)
    age = _Age(updated, old_after_years)
    return [ChartPlan(_spec(chart_id, title, shown, dataset, translator, age), tuple(s.id for s in shown),
                      tuple(s.id for s in shown if age.is_old(s)))
            for translator in translators.values() for chart_id, title, shown in groups]


@dataclass(frozen=True)
class _Age:
    updated: date | None
    old_after_years: int | None

    def is_old(self, stat: Statistic) -> bool:
        if self.updated is None or self.old_after_years is None:
            return False
        return is_old(stat, self.updated, self.old_after_years)


def _spec(chart_id: str, title: str, stats: Sequence[Statistic], dataset: Dataset, tr: Translator,
          age: _Age = _Age(None, None)) -> ChartSpec:
    """One panel per measure, in the order measures are declared: one axis never mixes two quantities."""
    panels = []
    for measure in dataset.measures.values():
        members = [s for s in stats if s.measure == measure.id]
        if members:
            rows = _rows(members, tr, age, _labels(members, dataset, tr))
            panels.append(Panel(measure.unit, tr.text(measure.axis_label).value, tuple(rows), measure.id))
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


def _annotation(stat: Statistic, tr: Translator, age: _Age) -> str:
    """Value (with qualifier), year, and the old-data mark: what a bar says beside itself."""
    pattern = VALUE_YEAR_OLD if age.is_old(stat) else VALUE_YEAR
    return tr.text(pattern).value.format(value=value_text(stat, tr).value, year=year_text(stat.year, tr).value)


def _labels(stats: Sequence[Statistic], dataset: Dataset, tr: Translator) -> dict[str, str]:
    """Chart labels; two bars with the same words say whose figure each is, so they never read as one series."""
    labels = {s.id: tr.text(s.label).value for s in stats}
    counts: dict[str, int] = {}
    for label in labels.values():
        counts[label] = counts.get(label, 0) + 1
    for stat in stats:
        if counts[labels[stat.id]] > 1 and not stat.series:
            producer = unknown_or(dataset.sources[stat.source].producer, tr, translate=False).value
            labels[stat.id] = tr.text(LABEL_PRODUCER).value.format(label=labels[stat.id], producer=producer)
    return labels


def _note(stat: Statistic, tr: Translator, age: _Age) -> str:
    """The year a bar describes, with the old-data mark: every bar shows how old it is."""
    year = year_text(stat.year, tr).value
    return tr.text(YEAR_OLD_NOTE).value.format(year=year) if age.is_old(stat) else year


def _rows(stats: Sequence[Statistic], tr: Translator, age: _Age = _Age(None, None),
          labels: Mapping[str, str] | None = None) -> list[Row]:
    """Bars sorted by value; figures of one series become a before/after pair.

    The validator lets a series join only one producer's answers to one question in different
    years, so every arrow drawn here is a trend its sources support.
    """
    rows, seen = [], set()
    for stat in stats:
        if stat.id in seen:
            continue
        partners = [s for s in stats if stat.series and s.series == stat.series]
        if len(partners) > 1 and all(s.value is not None for s in partners):
            partners.sort(key=lambda s: (str(s.year)))
            seen.update(s.id for s in partners)
            rows.append(Row("pair", tr.text(stat.label).value, tuple(s.value for s in partners),  # type: ignore[misc]
                            tuple(value_text(s, tr).value for s in partners),
                            tuple(year_text(s.year, tr).value for s in partners),
                            tuple(_annotation(s, tr, age) for s in partners),
                            tuple(_note(s, tr, age) for s in partners), stat.measure))
            continue
        seen.add(stat.id)
        kind = "range" if stat.is_range else "bar"
        label = labels[stat.id] if labels else tr.text(stat.label).value
        rows.append(Row(kind, label, stat.numbers, (value_text(stat, tr).value,),
                        (year_text(stat.year, tr).value,), (_annotation(stat, tr, age),), (_note(stat, tr, age),),
                        stat.measure))
    rows.sort(key=lambda r: -max(r.numbers))
    return rows


def alt_text(spec: ChartSpec, translator: Translator) -> str:
    """Every row as the chart prints it (value with qualifier, year, old-data mark), panel by panel."""
    findings = "; ".join(
        f"{panel.axis_label} — " + "; ".join(f"{row.label}: " + " → ".join(row.annotations) for row in panel.rows)
        for panel in spec.panels)
    return translator.text(ALT_TEXT).value.format(title=spec.title, findings=findings)


def table_rows(spec: ChartSpec, stats: Sequence[Statistic], dataset: Dataset, tr: Translator,
               old_figures: Sequence[str] = ()) -> tuple[tuple[str, str, str, str], ...]:
    """The chart's numbers as table rows: one per figure it draws, value with qualifier, year with old-data mark."""
    out = []
    for stat in stats:
        producer = unknown_or(dataset.sources[stat.source].producer, tr, translate=False).value
        year = year_text(stat.year, tr).value
        if stat.id in old_figures:
            year = tr.text(YEAR_OLD).value.format(year=year)
        out.append((tr.text(stat.label).value, value_text(stat, tr).value, year, producer))
    return tuple(out)


# --- rendering (any process) ------------------------------------------------------

def render_charts(plans: Sequence[ChartPlan], dataset: Dataset, translators: Mapping[str, Translator],
                  cache_dir: Path, workers: int | None = None) -> tuple[list[Chart], int, int]:
    """Make sure every planned chart is in the cache; return the charts and how many were (rendered, reused)."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    paths = [cache_dir / f"{plan.spec.key()}.svg" for plan in plans]
    missing: dict[Path, ChartSpec] = {}
    for plan, path in zip(plans, paths):
        if path not in missing and read_entry(path, parse_svg) is None:  # a damaged entry is drawn again
            missing[path] = plan.spec
    _render_missing(list(missing.items()), workers)
    charts = [Chart(plan.spec, plan.figures, path, chart_info(plan, dataset, translators[plan.spec.lang]),
                    plan.old_figures) for plan, path in zip(plans, paths)]
    return charts, len(missing), len(plans) - len(missing)


def _render_missing(specs: list[tuple[Path, ChartSpec]], workers: int | None) -> None:
    """Draw the charts not in the cache in worker processes, even one chart.

    The build process never imports matplotlib: its modules and fonts would stay in
    the build's memory to the end, beside every page MkDocs holds (the peak of a large
    build). Each worker imports it once; they work in parallel, so a build waits about
    as long as it would for one import in its own process.
    """
    if not specs:
        return
    cores = workers or os.cpu_count() or 1
    chunk = max(1, min(4, len(specs) // cores))
    with ProcessPoolExecutor(max_workers=min(cores, len(specs)), mp_context=multiprocessing.get_context("fork")) as pool:
        for (path, _), svg in zip(specs, pool.map(render_spec, [s for _, s in specs], chunksize=chunk)):
            _write_atomic(path, svg)


def _write_atomic(path: Path, data: bytes) -> None:
    write_entry(path, data)


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
    # text.parse_math off: labels and titles come from data and catalogs, where "$5 to $10"
    # is money, not TeX (mathtext would draw it as italic math, or fail on unbalanced $).
    matplotlib.rcParams.update({"svg.hashsalt": "digest", "svg.fonttype": "path", "axes.unicode_minus": False,
                                "text.parse_math": False})
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
        ax = fig.add_axes((0.40, 1 - (top + panel_h) / height, 0.40, panel_h / height))
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
            ax.text(min(before, after) - limit * 0.015, y, row.annotations[0], va="center",
                    ha="right", fontsize=8, color=PALETTE["text"])
            ax.text(max(before, after) + limit * 0.015, y, row.annotations[-1], va="center",
                    fontsize=8, color=PALETTE["text"])
        if row.kind != "pair" and row.notes:  # the year column: how old each bar is
            ax.text(1.03, y, row.notes[0], transform=ax.get_yaxis_transform(), va="center", fontsize=8,
                    color="#555555")
    ax.set_xlim(0, limit * 1.3 if panel.unit != "percent" else 130)
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
        rows=table_rows(spec, stats, dataset, translator, plan.old_figures))
