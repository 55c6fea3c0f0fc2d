"""The benchmark's method: paired, interleaved rounds; real edits; strict builds; README agrees with bench.json.

No timed assertion here: the builds are fakes with scripted durations, except one
tiny plain-MkDocs build that proves a warning fails a benchmark build.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

import pytest

from digest import bench
from digest.bench import FigureEdit, Run, Subject, measure, parse_scales, readme_block, readme_table, round_order

ROOT = Path(__file__).resolve().parents[1]


class DriftingBuilder:
    """A machine whose load grows with every build: each build costs (1 + 0.02 × builds so far) × its base cost."""

    def __init__(self, subject: Subject, costs: dict[str, float]) -> None:
        self.subject, self.costs, self.calls = subject, costs, []
        self.last_built: str | None = None  # statistics text of the project's last build

    def __call__(self, project: Path, clear_cache: bool) -> Run:
        stats = (self.subject.project / "stats" / "statistics.yaml").read_text(encoding="utf-8")
        if project == self.subject.baseline:
            variant = "baseline"
        elif clear_cache:
            variant = "cold"
        else:
            variant = "warm" if stats == self.last_built else "edit"
        if project == self.subject.project:
            self.last_built = stats
        self.calls.append((variant, stats))
        load = 1 + 0.02 * len(self.calls)
        return Run(self.costs[variant] * load, {"baseline": 100_000, "cold": 140_000}.get(variant, 60_000))


def _subject(tmp_path: Path) -> Subject:
    project, baseline = tmp_path / "project", tmp_path / "baseline"
    (project / "stats").mkdir(parents=True)
    baseline.mkdir()
    (project / "stats" / "statistics.yaml").write_text(
        "- id: a\n  value: 81\n- id: b\n  value: 70\n", encoding="utf-8")
    return Subject("test", project, baseline, charts=10, single_chart_s=0.1, pages=4, figures=2)


def test_paired_ratios_cancel_a_drift_that_unpaired_medians_would_report(tmp_path: Path) -> None:
    subject = _subject(tmp_path)
    builder = DriftingBuilder(subject, {"baseline": 1.0, "cold": 2.0, "warm": 1.1, "edit": 1.2})
    row = measure(subject, 5, builder, lambda line: None)
    warm = row["ratios"]["warm_over_baseline"]
    # Each warm build sits next to its round's baseline: the paired ratio stays near the true 1.1, while
    # the old schedule (all warm builds, later all baselines) would report 1.1 × 1.16 / 1.36 = 0.94 here.
    assert abs(warm["median"] - 1.1) < 0.05 and warm["min"] <= warm["median"] <= warm["max"]
    assert warm["max"] - warm["min"] > 0.02  # the spread shows the drift instead of hiding it
    assert abs(row["ratios"]["edit_over_baseline"]["median"] - 1.2) < 0.06
    assert row["pairs"] == 5 and len(row["runs"]["warm"]["runs_s"]) == 5


def test_the_cold_target_and_memory_ratio_follow_their_definitions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench.os, "cpu_count", lambda: 2)
    subject = _subject(tmp_path)
    subject.runs = {"baseline": [Run(2.0, 100_000)], "cold": [Run(3.9, 150_000)], "warm": [Run(2.2, 60_000)],
                    "edit": [Run(2.4, 90_000)]}
    row = bench.summarize(subject)
    target = (2.0 + 10 * 0.1 / 2) * 1.3  # (plain + charts × single chart ÷ cores) × 1.3 = 3.25
    assert row["cold_target_s"] == pytest.approx(target)
    assert row["ratios"]["cold_over_target"]["median"] == pytest.approx(round(3.9 / target, 2))
    assert row["ratios"]["peak_rss_over_baseline"]["median"] == 1.5  # the largest digest process of the round


def test_every_round_is_a_valid_sequence_and_every_edit_a_new_value(tmp_path: Path) -> None:
    subject = _subject(tmp_path)
    original = (subject.project / "stats" / "statistics.yaml").read_text(encoding="utf-8")
    builder = DriftingBuilder(subject, {"baseline": 1.0, "cold": 1.0, "warm": 1.0, "edit": 1.0})
    measure(subject, 4, builder, lambda line: None)
    assert [v for v, _ in builder.calls] == [v for i in range(4) for v in round_order(i)]
    edited = [stats for variant, stats in builder.calls if variant == "edit"]
    assert len(set(edited)) == 4 and original not in edited  # never a value whose charts are cached
    assert all("value: 81\n" not in text and "value: 70\n" in text for text in edited)  # one figure
    assert (subject.project / "stats" / "statistics.yaml").read_text(encoding="utf-8") == original


def test_round_order_alternates() -> None:
    assert round_order(0) == ("baseline", "cold", "warm", "edit")
    assert round_order(1) == ("edit", "warm", "cold", "baseline")


def test_figure_edit_stays_a_valid_percent(tmp_path: Path) -> None:
    path = tmp_path / "statistics.yaml"
    path.write_text("- id: a\n  value: 100\n", encoding="utf-8")
    edit = FigureEdit(path)
    edit.apply()
    assert "value: 99.99\n" in path.read_text(encoding="utf-8")


def test_scales_parse_with_rounds_and_reject_nonsense() -> None:
    assert parse_scales("100:3, 1000:3,10000:2") == {100: 3, 1000: 3, 10000: 2}
    assert parse_scales("100,1000") == {100: 3, 1000: 3}
    assert parse_scales("") == {}
    with pytest.raises(ValueError):
        parse_scales("100:0")


def test_a_warning_fails_a_benchmark_build(tmp_path: Path) -> None:
    """MkDocs' --quiet hides warnings from --strict; the benchmark must build strictly for real."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\n[broken](missing.md)\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: t\n", encoding="utf-8")
    with pytest.raises(RuntimeError, match="missing.md"):
        bench.timed_build(tmp_path)
    (tmp_path / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    assert bench.timed_build(tmp_path).seconds > 0


def test_readme_performance_table_is_rendered_from_bench_json() -> None:
    results = json.loads((ROOT / "bench.json").read_text(encoding="utf-8"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_block(readme) == readme_table(results), "run `digest bench` (it rewrites the README table)"


def test_bench_json_has_the_ratios_issue_16_asks_for() -> None:
    results = json.loads((ROOT / "bench.json").read_text(encoding="utf-8"))
    if not results.get("complete"):
        pytest.fail("bench.json holds no complete run")
    for size in results["scale"]:
        for name in ("warm_over_baseline", "edit_over_baseline", "cold_over_target", "peak_rss_over_baseline"):
            assert isinstance(results["ratios"][f"scale_{size}_{name}"], float)
            low, high = results["spread"][f"scale_{size}_{name}"]
            assert low <= results["ratios"][f"scale_{size}_{name}"] <= high
    assert results["shipped"]["pairs"] >= 1 and results["machine"]["load_before"]
    assert statistics.median(results["shipped"]["runs"]["baseline"]["runs_s"]) == results["shipped"]["runs"]["baseline"]["median_s"]


def test_an_extra_row_is_timed_every_round_and_paired_with_that_rounds_baseline(tmp_path: Path) -> None:
    subject = _subject(tmp_path)
    subject.extras = {"preview": lambda project: Run(0.5, 1)}
    builder = DriftingBuilder(subject, {"baseline": 1.0, "cold": 1.0, "warm": 1.0, "edit": 1.0})
    row = measure(subject, 3, builder, lambda line: None)
    assert row["runs"]["preview"]["runs_s"] == [0.5, 0.5, 0.5]
    baselines = row["runs"]["baseline"]["runs_s"]
    assert row["ratios"]["preview_over_baseline"]["max"] == round(0.5 / min(baselines), 2)
