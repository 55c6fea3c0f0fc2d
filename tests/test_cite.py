"""Citations: pasteable text, BibTeX that stays well-formed whatever the data says, CSL-JSON.

Engine tests on the fixture digest: its figures and sources are picked by property.
"""

from __future__ import annotations

import gettext
import json
from datetime import date

from conftest import DIGEST
from digest.cite import bibtex_escape, cite_figure, cite_source
from digest.config import load_config
from digest.load import load_dataset
from digest.model import UNKNOWN
from digest.translate import Translator

DATASET = load_dataset(DIGEST / "stats")
CONFIG = load_config(DIGEST)
ENGLISH = Translator(CONFIG.default, gettext.NullTranslations())  # no catalog: the engine's English
KNOWN = next(s for s in DATASET.sources.values()  # a source with a producer, a title and its articles' titles
             if UNKNOWN not in (s.producer, s.title) and all(DATASET.articles[a].title != UNKNOWN for a in s.via))


def test_bibtex_escape_keeps_braces_balanced_for_hostile_text():
    hostile = "} @misc{evil, title={x}} \\ 100 % & $ # _ ~ ^"
    escaped = bibtex_escape(hostile)
    depth = 0
    for i, ch in enumerate(escaped):
        if ch in "{}" and (i == 0 or escaped[i - 1] != "\\"):
            depth += 1 if ch == "{" else -1
            assert depth >= 0
    assert depth == 0 and "\\}" in escaped and "\\%" in escaped


def test_figure_citation_with_a_known_address():
    stat = next(s for s in DATASET.statistics.values() if s.source == KNOWN.id)
    url = f"https://owner.github.io/digest/topics/{stat.topic}/#{stat.id}"
    cite = cite_figure(stat, DATASET, ENGLISH, url, relative=False, accessed=date(2026, 1, 2),
                       digest=CONFIG.dataset.name)
    assert CONFIG.dataset.name in cite.text and url in cite.text and KNOWN.producer in cite.text
    assert "relative" not in cite.text
    item = json.loads(cite.csl_json)[0]
    assert item["URL"] == url and item["author"] == [{"literal": KNOWN.producer}]
    assert item["accessed"] == {"date-parts": [[2026, 1, 2]]}
    assert cite.bibtex.startswith(f"@misc{{{stat.id},") and "urldate = {2026-01-02}" in cite.bibtex


def test_source_citation_names_the_intermediary_article():
    source = KNOWN
    cite = cite_source(source, DATASET, ENGLISH, f"../sources/#source-{source.id}", relative=True,
                       accessed=date(2026, 1, 2), digest=CONFIG.dataset.name)
    articles = [DATASET.articles[a].title for a in source.via]
    assert articles and all(title in cite.text for title in articles) and source.title in cite.text
    assert "the site's address was not known" in cite.text
    assert cite.bibtex.startswith(f"@report{{source-{source.id},") and json.loads(cite.csl_json)[0]["type"] == "report"
