"""Page translation tracking: each translated page records the version of its source page it follows."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import LANGS
from digest.problems import InputError
from digest.lint import lint_prose
from digest.tracking import (blob_id, check_tracking, mark_all_reviewed, mark_reviewed, page_states,
                             recorded_hash, with_hash)

# The fixture digest's languages: pages are written in the default one (SRC) and translated into the next (TR);
# a made-up third one (neither digest's) shows that every translated language is followed, not just one.
SRC, TR, OTHER = LANGS[0], LANGS[1], "zz"
CODES = [*LANGS, OTHER]


def _tree(tmp_path: Path, pages: dict[str, str]) -> Path:
    for rel, text in pages.items():
        path = tmp_path / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def _states(root: Path) -> dict[str, str]:
    return {s.path: s.state for s in page_states(root, CODES, SRC)}


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git to compare with")
def test_the_recorded_version_is_gits_blob_id_so_git_diff_can_show_the_change(tmp_path: Path):
    page = tmp_path / "page.md"
    page.write_bytes("# Rubrik\n\nÅ ä ö, 한국어.\n".encode())
    expected = subprocess.run(["git", "hash-object", str(page)], capture_output=True, text=True, check=True).stdout.strip()
    assert blob_id(page.read_bytes()) == expected
    assert blob_id(page.read_bytes().replace(b"\n", b"\r\n")) == expected  # a CRLF checkout: same version


def test_recording_keeps_the_page_and_its_other_front_matter():
    page = "---\ntitle: Om oss\n---\n\n# Om oss\n\nText.\n"
    once = with_hash(page, "a" * 40)
    assert recorded_hash(once) == "a" * 40 and "title: Om oss" in once and once.endswith("# Om oss\n\nText.\n")
    again = with_hash(once, "b" * 40)
    assert recorded_hash(again) == "b" * 40 and again.count("source_hash") == 1
    bare = with_hash("# Om\n", "c" * 40)
    assert bare.startswith("---\nsource_hash: " + "c" * 40 + "\n---\n") and recorded_hash(bare) == "c" * 40
    assert recorded_hash("# no front matter\nsource_hash: " + "d" * 40 + "\n") is None  # only front matter counts


def test_states_follow_the_source_page(tmp_path: Path):
    root = _tree(tmp_path, {f"{SRC}/a.md": "# A\n", f"{SRC}/topics/b.md": "# B\n", f"{TR}/a.md": "# A tr\n",
                            f"{TR}/topics/b.md": "# B tr\n", f"{OTHER}/a.md": "# A other\n",
                            f"{TR}/old.md": "# gone\n"})
    assert _states(root)[f"content/{TR}/a.md"] == "untracked"
    mark_all_reviewed(root, CODES, SRC)
    states = _states(root)
    assert states[f"content/{TR}/a.md"] == states[f"content/{TR}/topics/b.md"] == states[f"content/{OTHER}/a.md"] \
        == "current"
    assert states[f"content/{OTHER}/topics/b.md"] == "missing" and states[f"content/{TR}/old.md"] == "orphaned"
    (root / f"content/{SRC}/topics/b.md").write_text("# B\n\nA new paragraph.\n", encoding="utf-8")
    (root / f"content/{SRC}/c.md").write_text("# C\n", encoding="utf-8")
    stale = {s.path: s for s in page_states(root, CODES, SRC) if s.state != "current"}
    assert stale[f"content/{TR}/topics/b.md"].line() == \
        f"content/{TR}/topics/b.md: outdated (content/{SRC}/topics/b.md changed since)"
    assert stale[f"content/{TR}/c.md"].state == stale[f"content/{OTHER}/c.md"].state == "missing"  # new source page
    assert f"content/{TR}/a.md" not in stale and f"content/{SRC}/c.md" not in {s.path for s in stale.values()}
    mark_reviewed(root, [f"content/{TR}/topics/b.md"], CODES, SRC)
    assert _states(root)[f"content/{TR}/topics/b.md"] == "current"


def test_reviewed_refuses_what_it_cannot_mark_and_writes_nothing(tmp_path: Path):
    root = _tree(tmp_path, {f"{SRC}/a.md": "# A\n", f"{TR}/a.md": "# A tr\n", f"{TR}/extra.md": "# X\n"})
    before = (root / f"content/{TR}/a.md").read_text(encoding="utf-8")
    for bad, expected in ((f"content/{SRC}/a.md", "source-language page"), (f"content/{TR}/extra.md", "no source page"),
                          (f"content/{TR}/none.md", "no such page"), ("stats/x.md", "under content/")):
        with pytest.raises(InputError) as err:
            mark_reviewed(root, [f"content/{TR}/a.md", bad], CODES, SRC)
        assert expected in str(err.value), bad
    assert (root / f"content/{TR}/a.md").read_text(encoding="utf-8") == before


def test_a_malformed_record_is_an_error_and_a_good_one_is_not_prose(tmp_path: Path):
    good = with_hash("# A tr\n", blob_id(b"# A\n"))
    root = _tree(tmp_path, {f"{SRC}/a.md": with_hash("# A\n", "e" * 40), f"{TR}/a.md": good,
                            f"{OTHER}/a.md": "---\nsource_hash: 12 <b>x</b>\n---\n# A\n"})
    problems = {(p.file, p.line, p.field) for p in check_tracking(root, CODES, SRC)}
    assert problems == {(f"content/{SRC}/a.md", 2, "source_hash"), (f"content/{OTHER}/a.md", 2, "source_hash")}
    assert lint_prose(good, f"content/{TR}/a.md") == []
    assert [p.field for p in lint_prose("---\nsource_hash: 12 <b>x</b>\n---\n", "x.md")] == ["html", "number"]

