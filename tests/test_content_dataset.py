"""Content tests: this digest's dataset — every figure sourced, every source used, every quote in its seed.

Engine behaviour is tested on the fixture digest (tests/fixtures/digest); these tests are
about this digest's own data and would be replaced by another digest's.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS
from digest.config import load_config
from digest.load import check_dataset, load_dataset, to_frame
from digest.model import UNKNOWN
from digest.quotes import check_quotes

CONFIG = load_config(ROOT)
DATASET = load_dataset(ROOT / "stats", CONFIG.quotes.required)


def _has_local_text(stat_id: str) -> bool:
    return any(DATASET.articles[a].file for a in DATASET.sources[DATASET.statistics[stat_id].source].via)


def test_validate_reports_no_errors_or_warnings():
    dataset, problems = check_dataset(ROOT / "stats")
    assert dataset is not None
    assert problems == []


def test_every_statistic_has_a_complete_source():
    for stat in DATASET.statistics.values():
        source = DATASET.sources[stat.source]
        for field in ("producer", "title", "year_published", "url"):
            value = getattr(source, field)
            assert value == UNKNOWN or value, f"{stat.id}: source {source.id} lacks {field}"
        assert source.url == UNKNOWN or re.match(r"https?://", source.url)
        assert source.via, f"{source.id} has no intermediary article"


def test_every_source_is_used():
    used = {s.source for s in DATASET.statistics.values()}
    assert set(DATASET.sources) == used


def test_all_seed_articles_are_represented():
    files = {a.file for a in DATASET.articles.values() if a.file}
    if SEEDS.is_dir():
        assert files == {p.name for p in SEEDS.glob("*.txt")}
    via = {a for s in DATASET.sources.values() for a in s.via}
    assert via == set(DATASET.articles)


def test_every_quote_stands_in_its_seed():
    """This digest keeps its articles' texts (the seeds) beside it: every quote is machine-checked."""
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}; check out the project beside shared/seeds")
    assert (ROOT / CONFIG.quotes.texts).resolve() == SEEDS.resolve()
    problems, report = check_quotes(ROOT, CONFIG, DATASET)
    assert problems == []
    assert sorted(report.checked) == sorted(DATASET.statistics) and not report.unchecked


_WORDS = {"nio": 9, "tredjedel": 33, "halvparten": 50, "fjärdedelar": 75, "tredjedelar": 67}


@pytest.mark.parametrize("stat_id", sorted(DATASET.statistics))
def test_value_matches_its_quote(stat_id: str):
    """The number in the data is the number in the text, or a caveat says how it was read."""
    stat = DATASET.statistics[stat_id]
    quote = stat.quote.replace("\xa0", " ")
    numbers = {float(n.replace(",", ".")) for n in re.findall(r"\d+(?:,\d+)?", quote)}
    numbers |= {float(v) for word, v in _WORDS.items() if word in quote.lower()}
    if stat.unit == "currency":
        assert "62 milliarder" in quote and stat.value == 62e9
        return
    wanted = set(stat.numbers)
    if wanted <= numbers:
        return
    assert stat.caveat, f"{stat_id}: {sorted(wanted)} not in quote {quote!r} and no caveat explains it"


def test_unknowns_are_explicit_not_guessed():
    """Sources the articles leave unnamed say so, and their figures carry no invented year."""
    for source in DATASET.sources.values():
        if source.producer == UNKNOWN:
            assert source.year_published == UNKNOWN
            assert all(s.year == UNKNOWN for s in DATASET.statistics_from(source.id))


def test_about_forty_figures_across_the_required_topics():
    assert len(DATASET.statistics) >= 40
    assert {"small-business", "paying-more", "loyalty-switching", "word-of-mouth", "expectations",
            "channels-self-service", "cost-of-service"} <= set(DATASET.topics)
    assert all(DATASET.statistics_of(t) for t in DATASET.topics)


def test_loader_frame_has_typed_columns():
    frame = to_frame(DATASET)
    assert len(frame) == len(DATASET.statistics)
    assert str(frame["year"].dtype) == "Int64"
    assert str(frame["value"].dtype) == "Float64"
    assert str(frame["unit"].dtype) == "category"
    assert str(frame["headline"].dtype) == "bool"
    row = frame.set_index("id").loc["wall-st-247-comcast-worst"]
    assert row["value"] == 54.4 and row["year"] is not None
    assert frame.set_index("id").loc["unnamed-acquisition-cost", ["low", "high"]].tolist() == [5, 25]
    assert frame["year"].isna().sum() == sum(1 for s in DATASET.statistics.values() if s.year == UNKNOWN)


def test_schema_files_are_current(tmp_path: Path):
    from digest.schema import write_schemas

    assert write_schemas(ROOT / "stats" / "schema", check=True) == []
