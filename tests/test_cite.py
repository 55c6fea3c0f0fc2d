"""Citations: pasteable text, BibTeX that stays well-formed whatever the data says, CSL-JSON."""

from __future__ import annotations

import gettext
import json
from datetime import date

from conftest import ROOT
from digest.cite import bibtex_escape, cite_figure, cite_source
from digest.config import load_config
from digest.load import load_dataset
from digest.translate import Translator

DATASET = load_dataset(ROOT / "stats")
CONFIG = load_config(ROOT)
ENGLISH = Translator(CONFIG.language("sv"), gettext.NullTranslations())


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
    stat = DATASET.statistics["microsoft-2018-important-for-loyalty"]
    url = "https://owner.github.io/digest/topics/loyalty-switching/#" + stat.id
    cite = cite_figure(stat, DATASET, ENGLISH, url, relative=False, accessed=date(2026, 1, 2),
                       digest=CONFIG.dataset.name)
    assert "What surveys say about customer service" in cite.text and url in cite.text and "Microsoft" in cite.text
    assert "relative" not in cite.text
    item = json.loads(cite.csl_json)[0]
    assert item["URL"] == url and item["author"] == [{"literal": "Microsoft"}] and item["accessed"] == {"date-parts": [[2026, 1, 2]]}
    assert cite.bibtex.startswith(f"@misc{{{stat.id},") and "urldate = {2026-01-02}" in cite.bibtex


def test_source_citation_names_the_intermediary_article():
    source = DATASET.sources["amex-2011-barometer"]
    cite = cite_source(source, DATASET, ENGLISH, "../sources/#source-amex-2011-barometer", relative=True,
                       accessed=date(2026, 1, 2), digest=CONFIG.dataset.name)
    articles = [DATASET.articles[a].title for a in source.via]
    assert all(title in cite.text for title in articles) and "Global Customer Service Barometer" in cite.text
    assert "the site's address was not known" in cite.text
    assert cite.bibtex.startswith("@report{source-amex-2011-barometer,") and json.loads(cite.csl_json)[0]["type"] == "report"
