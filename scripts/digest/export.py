"""Stage 4, export: the files a reader downloads — charts (SVG, CSV) and the whole dataset (CSV, JSON).

Each language gets its own copies, with labels, sentences and numbers in its
language. The dataset files are cached by the content of their inputs, so a warm
build never imports pandas (its import alone costs more than the rest of a warm
build's own work).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import multiprocessing
import multiprocessing.process
import os
from pathlib import Path
from typing import Iterable, Sequence

from .cache import read_entry, write_atomic, write_entry
from .chart import Chart
from .format import sentence_text, unknown_or, value_text, year_text
from .load import Dataset, to_frame
from .model import Statistic
from .translate import Translator


def chart_files(charts: Iterable[Chart], dataset: Dataset, translator: Translator) -> Iterable[tuple[str, bytes]]:
    """(path under the language root, bytes) of every chart file of the translator's language."""
    for chart in charts:
        if chart.lang != translator.lang.code:
            continue
        yield chart.info.path, chart.file.read_bytes()
        stats = [dataset.statistics[s] for s in chart.figures]
        yield chart.info.csv_path, chart_csv(stats, dataset, translator)


def chart_csv(stats: Sequence[Statistic], dataset: Dataset, tr: Translator) -> bytes:
    """The figures a chart draws, raw numbers and all, for readers who want to check or reuse them."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "label", "value", "low", "high", "unit", "year", "source", "producer"])
    for stat in stats:
        writer.writerow([stat.id, csv_cell(tr.text(stat.label).value), _raw(stat.value), _raw(stat.low),
                         _raw(stat.high), stat.unit, stat.year, stat.source,
                         csv_cell(dataset.sources[stat.source].producer)])
    return buffer.getvalue().encode("utf-8")


def _raw(number: float | None) -> str:
    return "" if number is None else f"{number:g}"


DOWNLOADS_CODE_VERSION = "2"  # bump when downloads() changes what it writes, to invalidate the cache


def download_names(code: str) -> list[str]:
    """The dataset files of one language, relative to its root; the ``[[downloads]]`` shortcode links them."""
    return [f"data/digest-{code}.csv", f"data/digest-{code}.json"]


def cached_downloads(stats_dir: Path, cache_dir: Path, dataset: Dataset, translator: Translator) -> dict[str, bytes]:
    """The dataset files of one language, from the cache when the data and catalog are unchanged."""
    folder, names = _download_folder(stats_dir, cache_dir, translator), download_names(translator.lang.code)
    cached = {name: read_entry(folder / name, _PARSERS[Path(name).suffix]) for name in names}
    if any(data is None for data in cached.values()):  # missing or damaged: made again, never published
        cached = downloads(dataset, translator)
        for rel, data in cached.items():
            write_entry(folder / rel, data)
    return cached  # type: ignore[return-value]


def _parse_csv(data: bytes) -> None:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
    if not rows or any(len(row) != len(rows[0]) for row in rows):
        raise ValueError("ragged CSV")


_PARSERS = {".csv": _parse_csv, ".json": json.loads}


def start_downloads(stats_dir: Path, cache_dir: Path, dataset: Dataset,
                    translators: Iterable[Translator]) -> multiprocessing.process.BaseProcess | None:
    """Make the downloads missing from the cache in a child process, while the site builds; None if none is missing.

    Making them needs pandas, whose import is slow and large: in a forked child it runs
    beside the page building, on another core, and the build process never holds
    pandas (it would add to the build's peak memory). :func:`cached_downloads` reads
    and verifies the result, and makes the files itself if the child failed.
    """
    missing = [tr for tr in translators if not all(
        (_download_folder(stats_dir, cache_dir, tr) / name).exists() for name in download_names(tr.lang.code))]
    if not missing:
        return None
    child = multiprocessing.get_context("fork").Process(target=_write_downloads, daemon=True,
                                                         args=(stats_dir, cache_dir, dataset, missing))
    child.start()
    return child


def _download_folder(stats_dir: Path, cache_dir: Path, translator: Translator) -> Path:
    """Cache folder of one language's downloads, named by a hash of the code version, data files and catalog."""
    digest = hashlib.sha256((DOWNLOADS_CODE_VERSION + translator.key).encode())
    for path in sorted(stats_dir.rglob("*.yaml")):
        digest.update(path.read_bytes())
    return cache_dir / "downloads" / f"{translator.lang.code}-{digest.hexdigest()[:20]}"


def _write_downloads(stats_dir: Path, cache_dir: Path, dataset: Dataset, translators: Sequence[Translator]) -> None:
    for translator in translators:
        folder = _download_folder(stats_dir, cache_dir, translator)
        for rel, data in downloads(dataset, translator).items():
            write_entry(folder / rel, data)  # atomic, with its hash beside it


def downloads(dataset: Dataset, translator: Translator) -> dict[str, bytes]:
    """The whole dataset in the reader's language, as CSV and JSON."""
    frame = to_frame(dataset)
    stats = [dataset.statistics[i] for i in frame["id"]]
    frame.insert(1, "text", [_sentence(s, translator) for s in stats])
    frame.insert(2, "formatted_value", [value_text(s, translator).value for s in stats])
    frame["topic_title"] = [translator.text(dataset.topics[s.topic].title).value for s in stats]
    frame["year_shown"] = [year_text(s.year, translator).value for s in stats]
    frame["source_title"] = [unknown_or(dataset.sources[s.source].title, translator, translate=False).value for s in stats]
    frame["source_url"] = [dataset.sources[s.source].url for s in stats]
    frame["caveat"] = [translator.text(s.caveat).value if s.caveat else None for s in stats]
    csv_name, json_name = download_names(translator.lang.code)
    records = json.loads(frame.to_json(orient="records", force_ascii=False))
    return {
        csv_name: csv_safe(frame).to_csv(index=False, lineterminator="\n").encode("utf-8"),
        json_name: json.dumps(records, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"),
    }


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection)."""
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_safe(frame: "pandas.DataFrame") -> "pandas.DataFrame":  # noqa: F821 - pandas is imported lazily
    """:func:`csv_cell` on every text cell; numbers (a negative value included) stay numbers.

    Only the CSV: JSON is not opened by spreadsheets as formulas, so it keeps the text as is.
    """
    from pandas.api.types import is_object_dtype, is_string_dtype

    safe = frame.copy()
    for column in safe.columns:
        if is_object_dtype(safe[column]) or is_string_dtype(safe[column]):
            safe[column] = safe[column].map(lambda v: csv_cell(v) if isinstance(v, str) else v)
    return safe


def _sentence(stat: Statistic, translator: Translator) -> str:
    template, value = sentence_text(stat, translator)
    return template.value.replace("{value}", value.value)


def write_file(path: Path, data: bytes) -> None:
    """Write bytes, making the folders on the way (atomically: a reader never sees a prefix)."""
    write_atomic(path, data)
