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
from pathlib import Path
from typing import Iterable, Sequence

from .chart import Chart
from .format import (capitalized, fill_segments, filled_text, plain_text, primary_value_text, sentence_text,
                     unknown_or, value_text, year_text)
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
        writer.writerow([stat.id, tr.text(stat.label).value, value_text(stat, tr).value, _raw(stat.value),
                         _raw(stat.low), _raw(stat.high), stat.qualifier or "", stat.unit, stat.measure,
                         tr.text(dataset.measures[stat.measure].axis_label).value, stat.question, stat.year,
                         "yes" if stat.id in old_figures else "no", dataset.sources[stat.source].producer, stat.source])
    return buffer.getvalue().encode("utf-8")


def _raw(number: float | None) -> str:
    return "" if number is None else f"{number:g}"


DOWNLOADS_VERSION = "2"  # bump when the columns change, so cached downloads are made anew


def download_names(code: str) -> list[str]:
    """The dataset files of one language, relative to its root; the ``[[downloads]]`` shortcode links them."""
    return [f"data/digest-{code}.csv", f"data/digest-{code}.json"]


def cached_downloads(stats_dir: Path, cache_dir: Path, dataset: Dataset, translator: Translator) -> dict[str, bytes]:
    """The dataset files of one language, from the cache when the data and catalog are unchanged."""
    digest = hashlib.sha256(translator.key.encode() + DOWNLOADS_VERSION.encode())
    for path in sorted(stats_dir.rglob("*.yaml")):
        digest.update(path.read_bytes())
    code = translator.lang.code
    folder = cache_dir / "downloads" / f"{code}-{digest.hexdigest()[:20]}"
    names = download_names(code)
    if not all((folder / name).exists() for name in names):
        for rel, data in downloads(dataset, translator).items():
            write_file(folder / rel, data)
    return {name: (folder / name).read_bytes() for name in names}


def downloads(dataset: Dataset, translator: Translator) -> dict[str, bytes]:
    """The whole dataset in the reader's language, as CSV and JSON."""
    frame = to_frame(dataset)
    stats = [dataset.statistics[i] for i in frame["id"]]
    frame.insert(1, "text", [_sentence(s, dataset, translator) for s in stats])
    frame.insert(2, "formatted_value", [value_text(s, translator).value for s in stats])
    frame["topic_title"] = [translator.text(dataset.topics[s.topic].title).value for s in stats]
    frame["year_shown"] = [year_text(s.year, translator).value for s in stats]
    frame["source_title"] = [unknown_or(dataset.sources[s.source].title, translator, translate=False).value for s in stats]
    frame["source_url"] = [dataset.sources[s.source].url for s in stats]
    frame["caveat"] = [_filled(s.caveat, s, dataset, translator) if s.caveat else None for s in stats]
    frame["measure_label"] = [translator.text(dataset.measures[s.measure].axis_label).value for s in stats]
    frame["label_shown"] = [translator.text(s.label).value for s in stats]
    frame["primary_value_shown"] = [primary_value_text(s, translator).value if s.primary and s.primary.value is not None
                                    else None for s in stats]
    frame["primary_note"] = [_filled(s.primary.note, s, dataset, translator) if s.primary and s.primary.note else None
                             for s in stats]
    csv_name, json_name = download_names(translator.lang.code)
    records = json.loads(frame.to_json(orient="records", force_ascii=False))
    return {
        csv_name: frame.to_csv(index=False, lineterminator="\n").encode("utf-8"),
        json_name: json.dumps(records, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"),
    }


def _quote_lang(stat: Statistic, dataset: Dataset) -> str:
    via = dataset.sources[stat.source].via
    return dataset.articles[via[0]].language if via else ""


def _filled(message: str, stat: Statistic, dataset: Dataset, translator: Translator) -> str:
    """A caveat or note as plain text, placeholders filled, quotations in the language's quotation marks."""
    return filled_text(translator.text(message), stat.fills, translator, dataset.statistics, stat,
                       _quote_lang(stat, dataset)).value


def _sentence(stat: Statistic, dataset: Dataset, translator: Translator) -> str:
    template, _ = sentence_text(stat, translator)
    segments = capitalized(fill_segments(template.value, stat.fills, translator, dataset.statistics, stat,
                                         _quote_lang(stat, dataset)))
    return plain_text(segments, translator)


def write_file(path: Path, data: bytes) -> None:
    """Write bytes, making the folders on the way."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
