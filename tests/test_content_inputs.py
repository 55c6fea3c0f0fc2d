"""Content tests: this digest's own inputs — they pass the inputs guard, and its translated pages
record which version of their source page they follow.

The guard and page tracking themselves are engine behaviour, tested on the fixture digest
(tests/test_guard.py, tests/test_tracking.py); these tests are about this digest's files and
would be replaced by another digest's.
"""

from __future__ import annotations

from conftest import SHIPPED, SHIPPED_LANGS
from digest.guard import check_inputs
from digest.tracking import page_states


def test_the_shipped_inputs_pass_the_guard_and_use_no_python_tag() -> None:
    assert check_inputs(SHIPPED) == []
    assert "!!python" not in (SHIPPED / "mkdocs.yml").read_text(encoding="utf-8")


def test_every_shipped_translation_records_the_source_version_it_follows() -> None:
    """Tracked and with a source page (pages are written in the default language first); an *outdated* page is
    translators' progress, reported, not a failure."""
    untracked = [s.line() for s in page_states(SHIPPED, SHIPPED_LANGS, SHIPPED_LANGS[0])
                 if s.state in ("untracked", "orphaned")]
    assert untracked == []
