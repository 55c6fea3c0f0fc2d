"""Quotes checked against the articles' texts, where a digest has them.

A figure's ``quote`` is the article's own words stating it. When the digest keeps the
articles' texts (``quotes.texts`` in its config, files named by ``articles.yaml``
``file``), each quote must stand in one of the texts of the articles its source came
through, up to white space. An article without a local text is fine: its figures'
quotes are counted as *not machine-checked*, and ``digest validate`` says how many.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .config import DigestConfig
from .load import Dataset
from .problems import Problem


@dataclass
class QuoteReport:
    """What the quote check could and could not do."""

    checked: list[str] = field(default_factory=list)  # statistic ids whose quote was found in a text
    unchecked: list[str] = field(default_factory=list)  # no local text of any of its articles
    without_quote: list[str] = field(default_factory=list)  # no quote (allowed by the policy)

    def summary(self) -> str:
        parts = [f"{len(self.checked)} quotes checked against article texts"]
        if self.unchecked:
            parts.append(f"{len(self.unchecked)} not machine-checked (no local text of their articles)")
        if self.without_quote:
            parts.append(f"{len(self.without_quote)} figures without a quote")
        return ", ".join(parts)


def check_quotes(root: Path, config: DigestConfig, dataset: Dataset) -> tuple[list[Problem], QuoteReport]:
    """Every quote against the local texts of its source's articles; a quote not found is an error."""
    report, problems = QuoteReport(), []
    folder = (root / config.quotes.texts) if config.quotes.texts else None
    texts: dict[str, str | None] = {}
    for article in dataset.articles.values():
        texts[article.id] = _text(folder, article.file) if folder and article.file else None
    for stat in dataset.statistics.values():
        if stat.quote is None:
            report.without_quote.append(stat.id)
            continue
        articles = dataset.sources[stat.source].via
        available = [(a, texts[a]) for a in articles if texts.get(a) is not None]
        if not available:
            report.unchecked.append(stat.id)
            continue
        quote = " ".join(stat.quote.split())
        if any(quote in text for _, text in available):  # type: ignore[operator]
            report.checked.append(stat.id)
            continue
        file, line = dataset.places.get(f"statistics/{stat.id}", ("stats/statistics.yaml", None))
        names = ", ".join(f"{a} ({dataset.articles[a].file})" for a, _ in available)
        problems.append(Problem(file, line, stat.id, "quote",
                                f"not found in the text of {names}; copy the article's words exactly"))
    return problems, report


def _text(folder: Path, name: str) -> str | None:
    """An article's text with white space normalized; None when it is not there (or not a plain file)."""
    path = folder / name
    if path.is_symlink() or not path.is_file():
        return None
    try:
        return " ".join(path.read_text(encoding="utf-8").split())
    except (OSError, UnicodeDecodeError):
        return None
