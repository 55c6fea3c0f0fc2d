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
from .format import (capitalized, fill_segments, filled_text, plain_text, primary_value_text, sentence_text,
                     unknown_or, value_text, year_text)
from .load import Dataset, to_frame
from .model import Statistic
from .translate import Text, Translator


def chart_files(charts: Iterable[Chart], dataset: Dataset, translator: Translator) -> Iterable[tuple[str, bytes]]:
    """(path under the language root, bytes) of every chart file of the translator's language."""
    for chart in charts:
        if chart.lang != translator.lang.code:
            continue
        yield chart.info.path, chart.file.read_bytes()
        stats = [dataset.statistics[s] for s in chart.figures]
        yield chart.info.csv_path, chart_csv(stats, dataset, translator, chart.old_figures)


CHART_CSV_COLUMNS = ("id", "label", "value_shown", "value", "low", "high", "qualifier", "unit", "measure",
                     "measure_label", "question", "year", "old_data", "producer", "source")


def chart_csv(stats: Sequence[Statistic], dataset: Dataset, tr: Translator, old_figures: Sequence[str] = ()) -> bytes:
    """The figures a chart draws with the full context of each row, so a reader can check it without the page.

    ``value_shown`` is the value as every view shows it (qualifier included); ``qualifier``
    and ``measure`` say what kind of number it is, ``old_data`` whether the chart marks it old.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CHART_CSV_COLUMNS)
    for stat in stats:
        writer.writerow([stat.id, csv_cell(tr.text(stat.label).value), csv_cell(value_text(stat, tr, dataset.units).value),
                         _raw(stat.value), _raw(stat.low), _raw(stat.high), stat.qualifier or "", stat.unit,
                         stat.measure, csv_cell(tr.text(dataset.measures[stat.measure].axis_label).value),
                         stat.question, stat.year, "yes" if stat.id in old_figures else "no",
                         csv_cell(dataset.sources[stat.source].producer), stat.source])
    return buffer.getvalue().encode("utf-8")


def _raw(number: float | None) -> str:
    return "" if number is None else f"{number:g}"


DOWNLOADS_CODE_VERSION = "5"  # bump when downloads() changes what it writes (columns included), to invalidate the cache
ENGLISH = "en"  # the language of an original whose language the catalogs' template did not record


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
    """The whole dataset in the reader's language, as CSV and JSON.

    Text columns say which language they are in, in a ``<column>_lang`` column beside
    each (a BCP 47 tag): the canonical columns (``sentence``, ``label``, ``population``)
    are in the digest's source language as the dataset holds them; the translated ones
    (``text``, ``label_translated``, ``topic_title``, ``caveat``) are in the reader's
    language, or in the original's language where its catalog has no translation yet.
    """
    frame = to_frame(dataset)
    stats = [dataset.statistics[i] for i in frame["id"]]
    here = translator.lang.html_lang

    def lang_of(text: Text) -> str:
        return (text.lang or ENGLISH) if text.fallback else here

    sentences = [sentence_text(s, translator, dataset.units)[0] for s in stats]
    frame.insert(1, "text", [plain_sentence(s, dataset, translator) for s in stats])
    frame.insert(2, "text_lang", [lang_of(t) for t in sentences])
    frame.insert(3, "formatted_value", [value_text(s, translator, dataset.units).value for s in stats])
    for column in ("population", "sentence", "label"):
        frame.insert(frame.columns.get_loc(column) + 1, f"{column}_lang",
                     [translator.written_in(getattr(s, column), ENGLISH) for s in stats])
    labels = [translator.text(s.label) for s in stats]
    frame.insert(frame.columns.get_loc("label_lang") + 1, "label_translated", [t.value for t in labels])
    frame.insert(frame.columns.get_loc("label_translated") + 1, "label_translated_lang", [lang_of(t) for t in labels])
    caveats = [translator.text(s.caveat) if s.caveat else None for s in stats]
    frame["caveat"] = [_filled(s.caveat, s, dataset, translator) if s.caveat else None for s in stats]
    frame.insert(frame.columns.get_loc("caveat") + 1, "caveat_lang", [lang_of(t) if t else None for t in caveats])
    topics = [translator.text(dataset.topics[s.topic].title) for s in stats]
    frame["topic_title"] = [t.value for t in topics]
    frame["topic_title_lang"] = [lang_of(t) for t in topics]
    frame["year_shown"] = [year_text(s.year, translator).value for s in stats]
    frame["source_title"] = [unknown_or(dataset.sources[s.source].title, translator, translate=False).value for s in stats]
    frame["source_url"] = [dataset.sources[s.source].url for s in stats]
    frame["measure_label"] = [translator.text(dataset.measures[s.measure].axis_label).value for s in stats]
    frame["primary_value_shown"] = [primary_value_text(s, translator, dataset.units).value if s.primary and s.primary.value is not None
                                    else None for s in stats]
    frame["primary_note"] = [_filled(s.primary.note, s, dataset, translator) if s.primary and s.primary.note else None
                             for s in stats]
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


def _quote_lang(stat: Statistic, dataset: Dataset) -> str:
    via = dataset.sources[stat.source].via
    return dataset.articles[via[0]].language if via else ""


def _filled(message: str, stat: Statistic, dataset: Dataset, translator: Translator) -> str:
    """A caveat or note as plain text, placeholders filled, quotations in the language's quotation marks."""
    return filled_text(translator.text(message), stat.fills, translator, dataset.statistics, dataset.units, stat,
                       _quote_lang(stat, dataset)).value


def plain_sentence(stat: Statistic, dataset: Dataset, translator: Translator) -> str:
    """A figure's whole sentence as plain text (downloads, citations): value, fills and qualifier in place."""
    template, _ = sentence_text(stat, translator, dataset.units)
    segments = capitalized(fill_segments(template.value, stat.fills, translator, dataset.statistics, dataset.units, stat,
                                         _quote_lang(stat, dataset)))
    return plain_text(segments, translator)


def write_file(path: Path, data: bytes) -> None:
    """Write bytes, making the folders on the way (atomically: a reader never sees a prefix)."""
    write_atomic(path, data)
