"""Cache entries are written atomically and verified on read: a damaged entry is rebuilt, never published.

Each kind of entry (chart SVG, download CSV/JSON, compiled catalog and its status) is
damaged the ways a kill, a full disk or a hand edit damages a file — truncated, emptied,
garbled, its hash record lost — and the next run must rebuild it, give the same bytes
as a clean run, and never crash.
"""

from __future__ import annotations

import gettext
import shutil
from pathlib import Path
from typing import Callable

import pytest

from conftest import DIGEST, LANGS
from digest.cache import read_entry, write_entry, parse_svg
from digest.catalogs import load_translators
from digest.chart import plan_charts, render_charts
from digest.export import cached_downloads, downloads

DAMAGE: dict[str, Callable[[Path], None]] = {
    "truncated": lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
    "empty": lambda p: p.write_bytes(b""),
    "garbled": lambda p: p.write_bytes(b"\x00\xff" * 64),
    "one-byte-changed": lambda p: p.write_bytes(bytes([p.read_bytes()[0] ^ 1]) + p.read_bytes()[1:]),
    "hash-record-lost": lambda p: p.with_name(p.name + ".sha256").unlink(),
    "deleted": lambda p: p.unlink(),
}


# Each store is tried with the damages that differ in kind (the unit test above covers them all).
SOME = ["truncated", "one-byte-changed", "hash-record-lost"]


def test_read_entry_accepts_only_what_write_entry_vouched_for(tmp_path: Path) -> None:
    path = tmp_path / "x.svg"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0"/></svg>'
    write_entry(path, svg)
    assert read_entry(path, parse_svg) == svg
    for name, damage in DAMAGE.items():
        write_entry(path, svg)
        damage(path)
        assert read_entry(path, parse_svg) is None, name
        assert not path.exists(), f"{name}: the bad entry was kept"
    write_entry(path, b"<svg")  # vouched for, but not a whole document
    assert read_entry(path, parse_svg) is None
    assert not list(tmp_path.glob(".*.tmp")), "temporary files left behind"


@pytest.fixture(scope="module")
def clean_chart(inputs, drawing_ready, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN001, ANN201
    """One chart drawn by a clean run into an empty cache: its plan, its cache folder and its bytes."""
    plans = plan_charts(inputs.dataset, inputs.translators)[:1]
    cache = tmp_path_factory.mktemp("clean-chart")
    charts, rendered, reused = render_charts(plans, inputs.dataset, inputs.translators, cache, workers=1)
    assert (rendered, reused) == (1, 0)
    return plans, cache, charts[0].file.read_bytes()


@pytest.mark.parametrize("damage", SOME)
def test_damaged_chart_is_drawn_again(inputs, clean_chart, tmp_path: Path, damage: str) -> None:  # noqa: ANN001
    plans, clean_cache, good = clean_chart
    cache = Path(shutil.copytree(clean_cache, tmp_path / "charts"))
    (entry,) = cache.glob("*.svg")
    DAMAGE[damage](entry)
    charts, rendered, reused = render_charts(plans, inputs.dataset, inputs.translators, cache, workers=1)
    assert (rendered, reused) == (1, 0)
    assert charts[0].file == entry and charts[0].file.read_bytes() == good
    assert read_entry(entry, parse_svg) == good  # vouched for again: the next run reuses it


@pytest.fixture(scope="module")
def clean_downloads(inputs, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN001, ANN201
    """The default language's downloads as made from the data, and a cache a clean run filled with them."""
    translator = inputs.translators[LANGS[0]]
    expected = downloads(inputs.dataset, translator)
    cache = tmp_path_factory.mktemp("clean-downloads")
    assert cached_downloads(DIGEST / "stats", cache, inputs.dataset, translator) == expected
    return expected, cache


@pytest.mark.parametrize("damage", SOME)
@pytest.mark.parametrize("name", ["csv", "json"])
def test_damaged_download_is_made_again(inputs, clean_downloads, tmp_path: Path, damage: str,  # noqa: ANN001
                                        name: str) -> None:
    expected, clean_cache = clean_downloads
    cache = Path(shutil.copytree(clean_cache, tmp_path / "cache"))
    translator = inputs.translators[LANGS[0]]
    (entry,) = cache.rglob(f"digest-{LANGS[0]}.{name}")
    DAMAGE[damage](entry)
    assert cached_downloads(DIGEST / "stats", cache, inputs.dataset, translator) == expected
    assert read_entry(entry) == expected[f"data/{entry.name}"]  # made again, and vouched for


@pytest.fixture(scope="module")
def clean_catalogs(inputs, tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN001, ANN201
    """Every catalog compiled by a clean run into an empty cache: what each language reads, the status, the cache."""
    cache = tmp_path_factory.mktemp("clean-catalogs")
    translators, status = load_translators(DIGEST, inputs.config, inputs.dataset, cache)
    assert list(cache.glob("*.mo")) and list(cache.glob("*.status.json"))
    return {code: dict(t._catalog) for code, t in translators.items()}, status, cache


@pytest.mark.parametrize("damage", [*SOME, "garbled"])
@pytest.mark.parametrize("suffix", [".mo", ".status.json"])
def test_damaged_compiled_catalog_is_compiled_again_never_crashes(inputs, clean_catalogs, tmp_path: Path,  # noqa: ANN001
                                                                  damage: str, suffix: str) -> None:
    wanted, status, clean_cache = clean_catalogs
    cache = Path(shutil.copytree(clean_cache, tmp_path / "i18n"))
    damaged = list(cache.glob(f"*{suffix}"))
    assert damaged
    for entry in damaged:
        DAMAGE[damage](entry)
    again, status_again = load_translators(DIGEST, inputs.config, inputs.dataset, cache)
    assert {code: dict(t._catalog) for code, t in again.items()} == wanted
    assert status_again == status
    for mo in cache.glob("*.mo"):  # what is left in the cache is whole again
        gettext.GNUTranslations(mo.open("rb"))
