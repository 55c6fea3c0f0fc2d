"""Content tests of the render and lint stages: this digest's own project validates as a whole.

The engine's render and lint tests run on the fixture digest (test_render.py, test_lint.py);
this checks that the digest this repository publishes — its dataset, pages and catalogs in
every language it declares — passes the same ``validate()`` the build runs.
"""

from __future__ import annotations

from pathlib import Path

from conftest import SHIPPED, SHIPPED_LANGS
from digest.lint import validate


def test_the_shipped_project_validates(tmp_path: Path):
    inputs = validate(SHIPPED, tmp_path / "cache")  # raises on any error
    assert inputs.dataset.statistics and set(inputs.translators) == set(SHIPPED_LANGS) == set(inputs.config.codes)
    assert not [w for w in inputs.warnings if w.severity == "error"]
