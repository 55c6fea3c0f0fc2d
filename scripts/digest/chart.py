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
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Mapping, Sequence

from .cache import parse_svg, read_entry, write_entry
from .format import is_old, unknown_or, value_text, year_text
from .load import Dataset
from .messages import N_, NOT_TRANSLATED
from .model import Statistic
from .translate import Text, Translator
from .units import Unit

CHART_CODE_VERSION = "8"  # bump when the drawing code changes, to invalidate the cache
PALETTE = {"bar": "#0072B2", "range": "#E69F00", "before": "#999999", "after": "#0072B2", "text": "#222222",
           "grid": "#DDDDDD", "background": "#FFFFFF"}  # Okabe–Ito: distinguishable with colour blindness
CSS_PX_PER_IN = 96

SOURCE_LINE = N_("Source: {sources}")
ALT_SPAN_NAMED = N_("{title}: highest {high} ({high_label}), lowest {low} ({low_label}).")
ALT_SPAN = N_("{title}: figures from {low} to {high}; the table below gives each.")
ALT_ONE = N_("{title}: {value}, {label}.")
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
    axis_max: float | None = None  # fixed end of the axis (percent: 100), else from the data
    ticks: tuple[float, ...] | None = None

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
        return layout(self).height / PT_PER_IN


@dataclass(frozen=True)
class ChartInfo:
    """What a page shows of a chart: its files, size, alt text and data table."""

    path: str  # relative to the language root, e.g. "charts/word-of-mouth-1a2b3c4d.svg"
    csv_path: str
    width: int
    height: int
    alt: str
    statistics: tuple[str, ...]
    rows: tuple[tuple[Text, Text, Text, Text], ...]  # label, value (with qualifier), year (with old-data mark), producer


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
    charted_units = {unit_id for unit_id, unit in dataset.units.items() if unit.charted}
    charted = [(chart_id, title, [s for s in stats if s.unit in charted_units]) for chart_id, title, stats in groups]
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
        unit = dataset.units.get(measure.unit)
        if members and unit is not None and unit.chart is not None:
            rows = _rows(members, tr, dataset.units, age, _labels(members, dataset, tr))
            panels.append(Panel(unit.id, marked(tr.text(measure.axis_label)), tuple(rows), measure.id,
                                unit.chart.max, unit.chart.ticks))
    sources = []
    for stat in stats:
        source = dataset.sources[stat.source]
        producer = marked(unknown_or(source.producer, tr, translate=False))
        year = marked(year_text(source.year_published, tr))
        entry = f"{producer} ({year})"
        if entry not in sources:
            sources.append(entry)
    fonts = (tr.lang.font,)
    title_shown = marked(tr.text(title))
    source_template = tr.text(SOURCE_LINE)
    source_line = marked(Text(source_template.value.format(sources=", ".join(sources)), source_template.fallback))
    untranslated = UNTRANSLATED_MARK in title_shown or UNTRANSLATED_MARK in source_line or any(
        UNTRANSLATED_MARK in text for panel in panels
        for text in (panel.axis_label, *(part for row in panel.rows for part in (row.label, *row.shown, *row.years))))
    if untranslated:  # a chart holds no markup: a star and a footnote mark what is not translated
        source_line += f"\n{UNTRANSLATED_MARK.strip()} {tr.text(NOT_TRANSLATED).value}"
    return ChartSpec(chart_id, tr.lang.code, title_shown, tuple(panels), source_line, fonts, tr.lang.locale)


UNTRANSLATED_MARK = " *"


def marked(text: Text) -> str:
    """Text for a chart, where no markup can go: an untranslated string ends in a star (see the footnote)."""
    return text.value + UNTRANSLATED_MARK if text.fallback else text.value


def _annotation(stat: Statistic, tr: Translator, units: Mapping[str, Unit], age: _Age) -> str:
    """Value (with qualifier), year, and the old-data mark: what a bar says beside itself."""
    pattern = VALUE_YEAR_OLD if age.is_old(stat) else VALUE_YEAR
    return tr.text(pattern).value.format(value=marked(value_text(stat, tr, units)), year=marked(year_text(stat.year, tr)))


def _labels(stats: Sequence[Statistic], dataset: Dataset, tr: Translator) -> dict[str, str]:
    """Chart labels; two bars with the same words say whose figure each is, so they never read as one series."""
    labels = {s.id: marked(tr.text(s.label)) for s in stats}
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
    year = marked(year_text(stat.year, tr))
    return tr.text(YEAR_OLD_NOTE).value.format(year=year) if age.is_old(stat) else year


def _rows(stats: Sequence[Statistic], tr: Translator, units: Mapping[str, Unit], age: _Age = _Age(None, None),
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
            rows.append(Row("pair", marked(tr.text(stat.label)), tuple(s.value for s in partners),  # type: ignore[misc]
                            tuple(marked(value_text(s, tr, units)) for s in partners),
                            tuple(marked(year_text(s.year, tr)) for s in partners),
                            tuple(_annotation(s, tr, units, age) for s in partners),
                            tuple(_note(s, tr, age) for s in partners), stat.measure))
            continue
        seen.add(stat.id)
        kind = "range" if stat.is_range else "bar"
        label = labels[stat.id] if labels else marked(tr.text(stat.label))
        rows.append(Row(kind, label, stat.numbers, (marked(value_text(stat, tr, units)),),
                        (marked(year_text(stat.year, tr)),), (_annotation(stat, tr, units, age),), (_note(stat, tr, age),),
                        stat.measure))
    rows.sort(key=lambda r: -max(r.numbers))
    return rows


ALT_MAX = 150


def alt_text(spec: ChartSpec, translator: Translator) -> str:
    """One sentence stating the finding (at most 150 characters); the data table holds every number.

    The finding is the span of the chart's main measure: its highest and lowest figure,
    named when the sentence stays short, else just their values.
    """
    rows = spec.panels[0].rows
    high = max(rows, key=lambda r: (r.numbers[-1], r.label))
    low = min(rows, key=lambda r: (r.numbers[-1], r.label))
    candidates = []
    if high is low:
        candidates.append(translator.text(ALT_ONE).value.format(title=spec.title, label=high.label, value=high.shown[-1]))
    else:
        candidates.append(translator.text(ALT_SPAN_NAMED).value.format(
            title=spec.title, high=high.shown[-1], high_label=high.label, low=low.shown[-1], low_label=low.label))
        candidates.append(translator.text(ALT_SPAN).value.format(title=spec.title, high=high.shown[-1], low=low.shown[-1]))
    if "\n" + UNTRANSLATED_MARK.strip() in spec.source_line:  # the chart's footnote, in words
        note = f" ({UNTRANSLATED_MARK.strip()} {translator.text(NOT_TRANSLATED).value})"
        candidates = [c + note for c in candidates]
    fitting = [c for c in candidates if len(c) <= ALT_MAX]
    return fitting[0] if fitting else candidates[-1][: ALT_MAX - 1].rstrip() + "…"


def table_rows(spec: ChartSpec, stats: Sequence[Statistic], dataset: Dataset, tr: Translator,
               old_figures: Sequence[str] = ()) -> tuple[tuple[Text, Text, Text, Text], ...]:
    """The chart's numbers as table rows: one per figure it draws, value with qualifier, year with old-data mark;
    the page marks untranslated cells."""
    out = []
    for stat in stats:
        producer = unknown_or(dataset.sources[stat.source].producer, tr, translate=False)
        year = year_text(stat.year, tr)
        if stat.id in old_figures:
            pattern = tr.text(YEAR_OLD)
            year = Text(pattern.value.format(year=year.value), year.fallback or pattern.fallback)
        out.append((tr.text(stat.label), value_text(stat, tr, dataset.units), year, producer))
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


def prepare_drawing() -> None:
    """Set matplotlib up and import pyplot (once per process; a long-lived preview server calls it early)."""
    _setup_matplotlib()
    import matplotlib.pyplot  # noqa: F401 - imported once here, inherited by forked workers


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
BUNDLED_FONTS = {"DejaVu Sans", "NanumGothic"}  # matplotlib's default, and the one _setup_matplotlib registers


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


# --- drawing: sizes and layout ----------------------------------------------------
#
# Legible on a phone: the chart is drawn 4.5 in (432 CSS px) wide, one row per figure
# with its label *above* its bar, so labels get the whole width instead of a third of
# it. At 390 px a phone shows it about 358 px wide (scale 0.83); the smallest text,
# 11.5 pt (15.3 CSS px at full size), is then 12.7 CSS px. On a desktop it is shown at
# its own width. Lines are wrapped by an estimate of each character's width (no font
# needed), generous so that no line overflows.

PT_PER_IN = 72
WIDTH_IN = 4.5
MARGIN_PT = 10.0
FONT_PT = {"title": 13.5, "label": 11.5, "value": 11.5, "axis": 11.5, "source": 11.5}
MIN_FONT_PT = min(FONT_PT.values())
LINE = 1.28  # line height, in font sizes
BAR_PT, ROW_GAP_PT, PANEL_GAP_PT = 11.0, 9.0, 12.0
MUTED = "#4D4D4D"  # 8.6:1 on white


def text_width_pt(text: str, size: float) -> float:
    """A generous estimate of a line's width: Hangul and CJK are square, Latin narrower."""
    width = 0.0
    for ch in text:
        if ord(ch) >= 0x1100 and (0x1100 <= ord(ch) <= 0x11FF or 0x2E80 <= ord(ch) <= 0xD7FF or 0xF900 <= ord(ch) <= 0xFFDC):
            width += 1.0
        elif ch == " ":
            width += 0.33
        elif ch.isupper() or ch in "%&@#mwMW—–":
            width += 0.76
        elif ch.isdigit():
            width += 0.64
        else:
            width += 0.58
    return width * size


def wrap(text: str, width_pt: float, size: float) -> list[str]:
    """Greedy word wrap by estimated width; a word longer than a line stands alone."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width_pt(lines[-1] + " " + word, size) <= width_pt:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


@dataclass(frozen=True)
class RowBox:
    row: Row
    top: float  # points from the top of the figure
    label: tuple[str, ...]
    value_line: str | None  # a before/after pair's values, on their own line
    bar_y: float  # centre of the bar


@dataclass(frozen=True)
class PanelBox:
    panel: Panel
    top: float
    header: tuple[str, ...]
    rows: tuple[RowBox, ...]
    ticks_y: float
    bar_left: float
    bar_right: float
    limit: float


@dataclass(frozen=True)
class Layout:
    width: float  # points
    height: float
    title: tuple[str, ...]
    panels: tuple[PanelBox, ...]
    source: tuple[str, ...]
    source_top: float


def _pair_text(row: Row) -> str:
    """A before/after pair's values, each with its year (and old-data mark)."""
    return " → ".join(row.annotations or tuple(f"{v} ({y})" for v, y in zip(row.shown, row.years)))


def _label_text(row: Row) -> str:
    """A bar's label with how old it is (year, old-data mark): every bar shows its year."""
    return f"{row.label} ({row.notes[0]})" if row.notes and row.kind != "pair" else row.label


def layout(spec: ChartSpec) -> Layout:
    """Where everything goes, in points from the top left; the same for the same spec."""
    width = WIDTH_IN * PT_PER_IN
    inner = width - 2 * MARGIN_PT
    y = MARGIN_PT
    title = tuple(wrap(spec.title, inner, FONT_PT["title"]))
    y += len(title) * FONT_PT["title"] * LINE + PANEL_GAP_PT * 0.6
    panels = []
    for panel in spec.panels:
        header = tuple(wrap(panel.axis_label, inner, FONT_PT["axis"]))
        top = y
        y += len(header) * FONT_PT["axis"] * LINE + 4
        widest = max(text_width_pt(r.shown[-1], FONT_PT["value"]) for r in panel.rows if r.kind != "pair") \
            if any(r.kind != "pair" for r in panel.rows) else 0.0
        bar_left, bar_right = MARGIN_PT, width - MARGIN_PT - widest - 6
        top_value = max(max(r.numbers) for r in panel.rows)
        limit = panel.axis_max if panel.axis_max is not None else top_value
        rows = []
        for row in panel.rows:
            label = tuple(wrap(_label_text(row), inner, FONT_PT["label"]))
            row_top = y
            y += len(label) * FONT_PT["label"] * LINE
            value_line = None
            if row.kind == "pair":
                value_line = _pair_text(row)
                y += FONT_PT["value"] * LINE
            y += 3
            rows.append(RowBox(row, row_top, label, value_line, y + BAR_PT / 2))
            y += BAR_PT + ROW_GAP_PT
        ticks_y = y
        y += FONT_PT["axis"] * LINE + PANEL_GAP_PT
        panels.append(PanelBox(panel, top, header, tuple(rows), ticks_y, bar_left, bar_right, limit))
    source = tuple(line for part in spec.source_line.split("\n") for line in wrap(part, inner, FONT_PT["source"]))
    source_top = y
    y += len(source) * FONT_PT["source"] * LINE + MARGIN_PT
    return Layout(width, y, title, tuple(panels), source, source_top)


def _ticks(limit: float, fixed: tuple[float, ...] | None) -> list[float]:
    if fixed:
        return list(fixed)
    step = next(s for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 10 ** 9) if limit / s <= 4)
    return [i * step for i in range(int(limit // step) + 1)]
def missing_fonts(families: Sequence[str]) -> list[str]:
    """The chart fonts a digest declares that this machine cannot draw with (matplotlib would
    silently fall back to another font, one that may lack the language's script)."""
    wanted = sorted(set(families) - BUNDLED_FONTS)
    if not wanted:
        return []  # matplotlib's own and the engine's fonts are always there: no need to load matplotlib
    _setup_matplotlib()
    from matplotlib import font_manager

    missing = []
    for family in wanted:
        try:
            font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        except ValueError:
            missing.append(family)
    return missing


def render_spec(spec: ChartSpec) -> bytes:
    """Draw one chart as SVG bytes; identical input gives identical bytes."""
    _setup_matplotlib()
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    box = layout(spec)
    fig = plt.figure(figsize=(box.width / PT_PER_IN, box.height / PT_PER_IN), facecolor=PALETTE["background"])
    plt.rcParams["font.family"] = list(spec.fonts)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, box.width)
    ax.set_ylim(box.height, 0)  # points from the top
    ax.set_axis_off()
    bold = "bold" if spec.fonts[0] == "DejaVu Sans" else 600

    def lines(x: float, top: float, texts: Sequence[str], size: float, **style) -> None:
        for i, text in enumerate(texts):
            ax.text(x, top + i * size * LINE, text, fontsize=size, va="top", ha="left", **style)

    lines(MARGIN_PT, MARGIN_PT, box.title, FONT_PT["title"], fontweight=bold, color=PALETTE["text"])
    for pbox in box.panels:
        lines(MARGIN_PT, pbox.top, pbox.header, FONT_PT["axis"], color=MUTED)

        def x_of(value: float, pbox: PanelBox = pbox) -> float:
            return pbox.bar_left + (pbox.bar_right - pbox.bar_left) * value / pbox.limit

        first = pbox.rows[0].top
        for tick in _ticks(pbox.limit, pbox.panel.ticks):
            ax.plot([x_of(tick)] * 2, [first, pbox.ticks_y - ROW_GAP_PT / 2], color=PALETTE["grid"], linewidth=0.6, zorder=0)
            ax.text(x_of(tick), pbox.ticks_y, f"{tick:g}", fontsize=FONT_PT["axis"], color=MUTED, va="top",
                    ha="left" if tick == 0 else "center")
        for rbox in pbox.rows:
            row = rbox.row
            lines(MARGIN_PT, rbox.top, rbox.label, FONT_PT["label"], color=PALETTE["text"])
            y = rbox.bar_y
            if row.kind == "bar":
                ax.add_patch(Rectangle((x_of(0), y - BAR_PT / 2), x_of(row.numbers[0]) - x_of(0), BAR_PT, color=PALETTE["bar"]))
                ax.text(x_of(row.numbers[0]) + 4, y, row.shown[0], fontsize=FONT_PT["value"], va="center",
                        fontweight=bold, color=PALETTE["text"])
            elif row.kind == "range":
                low, high = row.numbers
                ax.add_patch(Rectangle((x_of(low), y - BAR_PT / 2), x_of(high) - x_of(low), BAR_PT, color=PALETTE["range"]))
                for end in (low, high):
                    ax.plot([x_of(end)] * 2, [y - BAR_PT * 0.8, y + BAR_PT * 0.8], color=PALETTE["text"], linewidth=1.2)
                ax.text(x_of(high) + 4, y, row.shown[0], fontsize=FONT_PT["value"], va="center",
                        fontweight=bold, color=PALETTE["text"])
            else:
                before, after = row.numbers[0], row.numbers[-1]
                lines(MARGIN_PT, rbox.top + len(rbox.label) * FONT_PT["label"] * LINE, [rbox.value_line or ""],
                      FONT_PT["value"], fontweight=bold, color=PALETTE["text"])
                ax.annotate("", xy=(x_of(after), y), xytext=(x_of(before), y),
                            arrowprops={"arrowstyle": "-|>", "color": PALETTE["after"], "lw": 1.6, "shrinkA": 0, "shrinkB": 4})
                ax.plot([x_of(before)], [y], "o", color=PALETTE["before"], markersize=7)
                ax.plot([x_of(after)], [y], "o", color=PALETTE["after"], markersize=7)
    lines(MARGIN_PT, box.source_top, box.source, FONT_PT["source"], color=MUTED)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, facecolor=fig.get_facecolor())
    plt.close(fig)
    return buffer.getvalue()


def chart_info(plan: ChartPlan, dataset: Dataset, translator: Translator) -> ChartInfo:
    """What a page needs of one chart: file names (by content hash), size, alt text, table."""
    spec, key = plan.spec, plan.spec.key()
    stats = [dataset.statistics[s] for s in plan.figures]
    return ChartInfo(
        path=f"charts/{spec.chart_id}-{key[:8]}.svg", csv_path=f"charts/{spec.chart_id}-{key[:8]}.csv",
        width=round(WIDTH_IN * CSS_PX_PER_IN), height=round(spec.height_in * CSS_PX_PER_IN),
        alt=alt_text(spec, translator), statistics=plan.figures,
        rows=table_rows(spec, stats, dataset, translator, plan.old_figures))
