"""The preview benchmark's edit: a real edit, visible on the page it names, never a cache hit.

An engine test on a copy of the fixture digest's dataset.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import DIGEST
from digest.load import load_dataset
from digest.preview_timing import edit_one_figure, edited_page


def _first_value(project: Path) -> str:
    return re.search(r"^  value: (\S+)$", (project / "stats" / "statistics.yaml").read_text(encoding="utf-8"),
                     re.M).group(1)


def test_each_edit_gives_the_first_figure_a_new_whole_value_on_its_topic_page(tmp_path: Path):
    project = tmp_path / "project"
    shutil.copytree(DIGEST / "stats", project / "stats")
    first = next(s for s in load_dataset(project / "stats").statistics.values() if s.value is not None)
    assert edited_page(project) == f"topics/{first.topic}/"  # where the first figure with a value is shown
    seen = {_first_value(project)}
    for _ in range(3):
        edit_one_figure(project)
        value = _first_value(project)
        assert value not in seen and float(value).is_integer() and 0 <= float(value) <= 100
        assert load_dataset(project / "stats").statistics[first.id].value == float(value)  # that figure, still valid
        seen.add(value)
