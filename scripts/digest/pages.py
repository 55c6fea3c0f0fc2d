"""Pages the data asks for: every topic has a page in every language, written or generated.

A topic page that nobody has written yet (``content/<lang>/topics/<id>.md``) is
generated from the data: its title, its chart if any of its figures is charted, and
all its figures. It is made of shortcodes only, so the render stage translates it
and marks whatever is untranslated, exactly as on a hand-written page; a hand-written
page always wins. A digest therefore needs no page to publish a new topic, in any
language, and translators replace the generated page when they have words to add.
"""

from __future__ import annotations

from pathlib import Path

from .config import DigestConfig
from .load import Dataset
from .model import Topic


def topic_page_path(topic_id: str) -> str:
    """A topic page's path inside a language folder."""
    return f"topics/{topic_id}.md"


def has_chart(dataset: Dataset, topic_id: str) -> bool:
    """Whether the topic's chart exists: at least one of its figures is in a charted unit."""
    return any(dataset.units[s.unit].charted for s in dataset.statistics_of(topic_id))


def has_headline_chart(dataset: Dataset) -> bool:
    return any(s.headline and dataset.units[s.unit].charted for s in dataset.statistics.values())


def topic_page(topic: Topic, dataset: Dataset) -> str:
    """The Markdown of a generated topic page: title, chart (when there is one), figures."""
    parts = [f"# [[title {topic.id}]]", ""]
    if has_chart(dataset, topic.id):
        parts += [f"[[chart {topic.id}]]", ""]
    parts += [f"[[figures {topic.id}]]", ""]
    return "\n".join(parts)


def generated_pages(root: Path, config: DigestConfig, dataset: Dataset) -> dict[tuple[str, str], str]:
    """(language code, path in its folder) → Markdown, for each topic page no one has written."""
    pages = {}
    for lang in config.languages:
        for topic in dataset.topics_in_order:
            path = topic_page_path(topic.id)
            if not (root / "content" / lang.code / path).is_file():
                pages[(lang.code, path)] = topic_page(topic, dataset)
    return pages
