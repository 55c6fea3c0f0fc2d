"""Property (issue 10): if `digest validate` exits 0 the build succeeds; if either fails, it says so in
one clear message without a traceback, within a memory ceiling (where the input can exhaust the machine).

Hypothesis picks an input kind an outsider can change (a page's prose, a page's metadata,
a figure's text or number, a source's sample size, a translation, the settings, mkdocs.yml)
and writes into it a mix of hostile fragments (script, link schemes, YAML tags and anchors,
Unicode digits, format specs, dollar signs, formula cells) and arbitrary text. `validate`
runs in process; when it passes, the build (MkDocs in process, strict, with the plugin and
the HTML allowlist) must pass too; when it fails, its message must be clean. (How a failing
build reports, and that the last good site survives, is the end-to-end corpus' job.)
The project is the fixture digest; the pages and the catalog written into are read from its
declaration.
"""

from __future__ import annotations

import json
import re
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import DIGEST, LANGS, build_in_process, copy_warm
from digest import cli
from digest.catalogs import catalog_path
from digest.config import load_config

TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s*File \"[^\"]+\", line \d+, in ", re.MULTILINE)

FRAGMENTS = [
    "<img src=x onerror=alert(document.domain)>", "](https://x.example/<svg onload=alert(document.domain)>)",
    "[x](javascript:alert(document.domain))", "> [e]: javascript:alert(document.domain)\n>\n> [x][e]",
    "!!python/object/apply:os.getcwd []", "&a x", "*a", "!ENV HOME", "{n:>9}", "{value!r}", "{0}",
    "$5 to $10", "$\\frac{1}{0}$", "=HYPERLINK(\"https://evil.example\")", "@SUM(A1)", "²", "Ⅻ", "½", "٨",
    "{{ config }}", "{% raw %}", "</title><script>alert(document.domain)</script>", "\u202e", "\x00",
    "yes", "-5", "1.0e+27", "[[stat nope]]", "[[", "---", "template: 404.html", "ok", "Hej", "고객",
]
CONFIG = load_config(DIGEST)
PAGE = CONFIG.hand_written_pages()[-1]  # a page every language has
# A language that translates the dataset (has a catalog): the range pattern is one of its messages.
CATALOG = next(catalog_path(Path(), code) for code in LANGS if (DIGEST / catalog_path(Path(), code)).is_file())
TEXT = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), min_size=1, max_size=3).map(" ".join)


def _page_line(root: Path, text: str) -> None:
    with (root / "content" / LANGS[-1] / PAGE).open("a", encoding="utf-8") as f:
        f.write("\n" + text + "\n")


def _page_meta(root: Path, text: str) -> None:
    page = root / "content" / LANGS[0] / PAGE
    page.write_text(f"---\ntitle: {json.dumps(text)}\n---\n" + page.read_text(encoding="utf-8"), encoding="utf-8")


def _replace_first(path: Path, pattern: str, new: str) -> None:
    """Replace the first match of ``pattern`` (multiline) with ``new``; the target must exist, or the example
    would test the unchanged project."""
    data, found = re.subn(pattern, lambda m: m.group(1) + new, path.read_text(encoding="utf-8"), count=1,
                          flags=re.MULTILINE)
    assert found == 1, f"{pattern!r} not in {path}"
    path.write_text(data, encoding="utf-8")


def _stat_field(field: str):  # noqa: ANN202
    def mutate(root: Path, text: str) -> None:
        value = text if field == "value" else json.dumps(text)
        _replace_first(root / "stats" / "statistics.yaml", rf"^(  {field}: ).*$", value.replace("\n", " "))
    return mutate


def _sample_size(root: Path, text: str) -> None:
    _replace_first(root / "stats" / "sources.yaml", r"^(  sample_size: ).*$", text.replace("\n", " "))


def _msgstr(root: Path, text: str) -> None:
    """A catalog's translation of the range pattern "{low}–{high}", whatever it is now."""
    _replace_first(root / CATALOG, r'^(msgid "\{low\}–\{high\}"\nmsgstr ).*$',
                   json.dumps(text + "{low}–{high}", ensure_ascii=False))


def _licence(root: Path, text: str) -> None:
    """The dataset licence's name (``licence: name:``), shown on every page."""
    _replace_first(root / "site_config" / "digest.yaml", r"^(licence:\n  name: ).*$", text.replace("\n", " "))


def _mkdocs_line(root: Path, text: str) -> None:
    with (root / "mkdocs.yml").open("a", encoding="utf-8") as f:
        f.write("\nextra:\n  note: " + text.replace("\n", " ") + "\n")


MUTATIONS = {"page-line": _page_line, "page-title": _page_meta, "stat-label": _stat_field("label"),
             "stat-caveat": _stat_field("caveat"), "stat-sentence": _stat_field("sentence"),
             "stat-value": _stat_field("value"), "source-sample-size": _sample_size, "msgstr": _msgstr,
             "config-licence": _licence, "mkdocs-yml": _mkdocs_line}


# Where the text reaches a YAML parser as written, a format spec or a number formatter: the ways an input
# can exhaust the machine (huge widths, huge numbers, loader bombs), so validate runs under a memory ceiling
# there. tracemalloc slows every allocation several-fold, so not for the kinds that only carry text.
MEMORY_KINDS = {"stat-value", "stat-sentence", "stat-caveat", "source-sample-size", "msgstr", "config-licence",
                "mkdocs-yml"}


def _clean_failure(output: str, code: int) -> None:
    assert code != 0
    assert not TRACEBACK.search(output), output
    assert "error" in output and len(output) < 20_000, output


@settings(max_examples=3, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(MUTATIONS)), text=TEXT)
# The holes issue 10 found, always tried (each passed validate and then broke or poisoned the build):
@example(kind="page-line", text="Se ](https://x.example/<img src=x onerror=alert(document.domain)>) her.")
@example(kind="msgstr", text="{low:>300000}")
@example(kind="stat-value", text="1.0e+27")
@example(kind="stat-label", text="From $5 to $10 $\\undefinedcommand$")
def test_validate_passes_only_what_the_build_publishes(built_project: Path, kind: str, text: str,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    # A copy of the project built once: its cache (catalogs, charts, allowlist markers, compiled templates) is
    # content-addressed and verified, so whatever the mutation changes is checked, drawn and published anew.
    with tempfile.TemporaryDirectory() as scratch:
        root = copy_warm(built_project, Path(scratch) / "project")
        MUTATIONS[kind](root, text)
        if kind in MEMORY_KINDS:
            tracemalloc.start()
            try:
                code = cli.main(["--root", str(root), "validate"])
                peak = tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
            assert peak < 300_000_000, f"validate used {peak / 1e6:.0f} MB"
        else:
            code = cli.main(["--root", str(root), "validate"])
        shown = capsys.readouterr()
        if code != 0:  # the build runs the same validate first (the failing builds' output: test_bad_inputs)
            _clean_failure(shown.out + shown.err, code)
            return
        build_in_process(root, Path(scratch) / "site")  # strict MkDocs, the plugin, the HTML allowlist
