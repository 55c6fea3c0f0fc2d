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
        writer.writerow([stat.id, tr.text(stat.label).value, _raw(stat.value), _raw(stat.low), _raw(stat.high),
                         stat.unit, stat.year, stat.source, dataset.sources[stat.source].producer])
    return buffer.getvalue().encode("utf-8")


def _raw(number: float | None) -> str:
    return "" if number is None else f"{number:g}"


def download_names(code: str) -> list[str]:
    """The dataset files of one language, relative to its root; the ``[[downloads]]`` shortcode links them."""
    return [f"data/digest-{code}.csv", f"data/digest-{code}.json"]


def cached_downloads(stats_dir: Path, cache_dir: Path, dataset: Dataset, translator: Translator) -> dict[str, bytes]:
    """The dataset files of one language, from the cache when the data and catalog are unchanged."""
    digest = hashlib.sha256(translator.key.encode())
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
        csv_name: frame.to_csv(index=False, lineterminator="\n").encode("utf-8"),
        json_name: json.dumps(records, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"),
    }


def _sentence(stat: Statistic, translator: Translator) -> str:
    template, value = sentence_text(stat, translator)
    return template.value.replace("{value}", value.value)


def write_file(path: Path, data: bytes) -> None:
    """Write bytes, making the folders on the way."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
