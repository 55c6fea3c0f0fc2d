"""What an editor sees when a build fails: every problem once, counted right, no third-party banner."""

from __future__ import annotations

from conftest import LANGS
from digest.site.build import _env, failure_problems

PAGE, OTHER_PAGE = (f"content/{code}/about.md" for code in (LANGS[1], LANGS[0]))

BANNER = ("\x1b[33m │  \x1b[1mMaterial for MkDocs reaches end of life on May 5, 2027.\x1b[0m\n"
          "\x1b[33m │\x1b[0m  Zensical is its maintained successor, built by the same team.\n"
          "\x1b[90m  To disable this warning, set NO_MKDOCS_2_WARNING=1.\x1b[0m\n")
PROBLEMS = [
    f"{PAGE}:51: error: field=number: number typed by hand ('Det finns'); write the number as a word",
    f"{PAGE}:51: error: field=html: raw HTML is not allowed in pages; use Markdown",
    f"{PAGE}:53: error: id=nope field=stat: unknown id 'nope' for `[[stat]]`",
    "stats/statistics.yaml:522: error: id=zz bad input field=id: expected an id of lowercase letters",
    f"{OTHER_PAGE}:47: error: field=number: number typed by hand ('42'); write the number as a word",
    "stats/statistics.yaml:12: error: id=a-b: a percent must lie between 0 and 100 (got 120)",
    "content/LC_MESSAGES/digest.po: error: cannot read catalog",
]


def test_six_problems_are_six_and_read_as_the_plugin_wrote_them():
    output = (BANNER + "INFO    -  Building documentation...\ndigest: 42 figures; charts: 0 rendered, 32 reused\n"
              f"ERROR   -  {len(PROBLEMS)} problem(s) in the input; nothing was written:\n" + "\n".join(PROBLEMS)
              + "\nAborted with a BuildError!\n")
    problems = failure_problems(output)
    assert [str(p) for p in problems] == PROBLEMS
    assert problems[2].file == PAGE and problems[2].line == 53


def test_mkdocs_own_warnings_are_kept_one_per_line():
    output = (f"WARNING -  Doc file '{LANGS[1]}/about.md' contains a link 'nowhere.md', but the target is not found.\n"
              "\nAborted with 1 warnings in strict mode!\n")
    assert [p.message for p in failure_problems(output)] == [
        f"Doc file '{LANGS[1]}/about.md' contains a link 'nowhere.md', but the target is not found."]


def test_an_unexpected_failure_still_says_something():
    assert "Traceback" in failure_problems("Traceback (most recent call last):\n  boom\n")[0].message


def test_the_build_turns_materials_banner_off():
    assert _env()["NO_MKDOCS_2_WARNING"] == "1"
