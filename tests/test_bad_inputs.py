"""A corpus of bad inputs: every file an editor, translator or site admin can change, broken on purpose.

For each case a scratch copy of a *good* project (with a good site already built in
``site/``) is broken in one way, then ``digest build`` (the user-facing command) and
``digest validate`` are run. Each must

- exit non-zero,
- say which file (and line or record id, where the input has one) and what is wrong,
- never show a Python traceback,
- leave the previous ``site/`` byte-for-byte as it was, with no staging folder left over.

The good site is built once per session (one ~3 s build); every case copies it. Pure
dataset and config errors fail in MkDocs' ``on_config``, before any page is rendered,
so a failing build costs well under a second.

The last test prints ``bad inputs: N tried, 0 lost data, 0 leaked a traceback`` from
the results the cases recorded (tests in a module run in file order).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest
import yaml

from conftest import ROOT, build, copy_project, run_cli

# --- results shared with the summary at the end of the module ---------------------------

RESULTS: dict[str, dict[str, bool]] = {}
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s*File \"[^\"]+\", line \d+, in ", re.MULTILINE)

# --- the good records every case starts from ------------------------------------------
# Appended to the real dataset (so the corpus does not depend on which figures the
# editors have written today) and proven good by the session build.

ARTICLE_ID, SOURCE_ID, STAT_ID = "zz-bad-article", "zz-bad-source", "zz-bad-input"


def _article_fields() -> list[tuple[str, str]]:
    return [("id", ARTICLE_ID), ("title", "Test article"), ("language", "sv"),
            ("publisher", "Test Publisher"), ("url", "https://example.org/article")]


def _source_fields() -> list[tuple[str, str]]:
    return [("id", SOURCE_ID), ("producer", "Test Producer"), ("title", "Test report"), ("year_published", "2015"),
            ("url", "https://example.org/report"), ("method", "online survey"), ("sample_size", "1000"),
            ("geography", "Testland"), ("population", "testers"), ("via", f"[{ARTICLE_ID}]")]


def _stat_fields(topic: str) -> list[tuple[str, str]]:
    return [("id", STAT_ID), ("source", SOURCE_ID), ("topic", topic), ("year", "2014"), ("value", "50"),
            ("unit", "percent"), ("population", "testers"), ("sentence", '"{value} of testers agree."'),
            ("label", "Testers agree"), ("quote", "Testers agree.")]


def _block(fields: list[tuple[str, str]]) -> str:
    (key, value), *rest = fields
    return f"- {key}: {value}\n" + "".join(f"  {k}: {v}\n" for k, v in rest)


@dataclass
class Template:
    """A good project with a good site, and where the appended records are."""

    root: Path
    topic: str
    fields: dict[str, list[tuple[str, str]]]  # kind -> appended record's fields
    start: dict[str, int]  # kind -> line of the appended record's "- id:"
    repaired: list[str] = field(default_factory=list)

    def line(self, kind: str, name: str) -> int:
        names = [k for k, _ in self.fields[kind]]
        return self.start[kind] + names.index(name)


def _append_records(root: Path, topic: str) -> tuple[dict, dict]:
    fields = {"articles": _article_fields(), "sources": _source_fields(), "statistics": _stat_fields(topic)}
    start = {}
    for kind, record in fields.items():
        path = root / "stats" / f"{kind}.yaml"
        text = path.read_text(encoding="utf-8")
        if not text.endswith("\n"):
            text += "\n"
        start[kind] = text.count("\n") + 2  # after one blank line
        path.write_text(text + "\n" + _block(record), encoding="utf-8")
    return fields, start


MINIMAL_PAGE = "# Title\n\nText.\n"


def _repair_pages(root: Path, output: str, topic_ids: list[str]) -> list[str]:
    """Replace pages (being written by others right now) that do not validate by minimal valid ones."""
    repaired = []
    for rel in sorted({m.group(1) for m in re.finditer(r"^(content/[^:\s]+)", output, re.MULTILINE)}):
        path = root / rel
        if rel.endswith(".po"):
            path.unlink(missing_ok=True)  # a missing catalog means "not translated", which is valid
        else:
            stem = Path(rel).stem
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"# Title\n\n[[figures {stem}]]\n" if stem in topic_ids else MINIMAL_PAGE, encoding="utf-8")
        repaired.append(rel)
    return repaired


@pytest.fixture(scope="session")
def good(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The project's inputs plus the appended good records, with a good site built in site/."""
    root = copy_project(tmp_path_factory.mktemp("bad-inputs-template") / "project")
    topics = yaml.safe_load((root / "stats" / "topics.yaml").read_text(encoding="utf-8"))
    topic_ids = [t["id"] for t in topics]
    fields, start = _append_records(root, topic_ids[0])
    repaired: list[str] = []
    for _attempt in range(3):
        result = run_cli(root, "validate")
        if result.returncode == 0:
            break
        repaired += _repair_pages(root, result.stdout + result.stderr, topic_ids)
    assert result.returncode == 0, f"the good template does not validate:\n{result.stderr}"
    result = build(root)
    assert result.returncode == 0, f"the good template does not build:\n{result.stderr}"
    assert (root / "site" / "index.html").is_file()
    return Template(root, topic_ids[0], fields, start, repaired)


def clone(template: Template, target: Path) -> Path:
    """A copy of the good project, previous site and caches included."""
    shutil.copytree(template.root, target, symlinks=True)
    return target


def snapshot(site: Path) -> dict[str, str]:
    """Every file under site/ (path and bytes), and every folder, as hashes."""
    out = {}
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        out[rel] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "<dir>"
    return out


# --- mutation helpers -----------------------------------------------------------------

def replace_record(t: Template, root: Path, kind: str, changes: dict[str, str | None] | None = None,
                   extra: list[tuple[str, str]] | None = None, raw: str | None = None) -> None:
    """Rewrite the appended record of ``kind``: change or drop fields, add lines, or replace it by raw text."""
    path = root / "stats" / f"{kind}.yaml"
    text = path.read_text(encoding="utf-8")
    old = _block(t.fields[kind])
    assert text.endswith(old)
    if raw is None:
        changes = changes or {}
        fields = [(k, changes.get(k, v)) for k, v in t.fields[kind] if changes.get(k, v) is not None]
        new = _block(fields + (extra or []))
    else:
        new = raw
    path.write_text(text[: -len(old)] + new, encoding="utf-8")


def edit(root: Path, rel: str, old: str, new: str) -> int:
    """Replace the first ``old`` in a file; return the line it was on."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    at = text.find(old)
    assert at >= 0, f"{old!r} not in {rel}"
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return text.count("\n", 0, at) + 1


def append_line(root: Path, rel: str, line: str) -> int:
    """Append a paragraph to a page; return its line number."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    if not text.endswith("\n"):
        text += "\n"
    path.write_text(text + "\n" + line + "\n", encoding="utf-8")
    return text.count("\n") + 2


Expect = list  # substrings (str) or compiled regexes the output must contain


@dataclass(frozen=True)
class Case:
    id: str
    mutate: Callable[[Template, Path], Expect]


CASES: list[Case] = []


def case(case_id: str) -> Callable[[Callable[[Template, Path], Expect]], Callable[[Template, Path], Expect]]:
    def register(fn: Callable[[Template, Path], Expect]) -> Callable[[Template, Path], Expect]:
        assert case_id not in {c.id for c in CASES}, case_id
        CASES.append(Case(case_id, fn))
        return fn
    return register


STATS, SOURCES, ARTICLES, TOPICS = ("stats/statistics.yaml", "stats/sources.yaml", "stats/articles.yaml",
                                    "stats/topics.yaml")


def field_case(case_id: str, kind: str, name: str, value: str | None, message: str, *,
               at: str | None = None, record: str | None = None, show_field: bool = True) -> None:
    """One field of an appended record set to ``value`` (None: removed)."""

    def mutate(t: Template, root: Path) -> Expect:
        replace_record(t, root, kind, {name: value})
        line = t.line(kind, at or name) if value is not None or at else t.start[kind]
        rec = record or dict(t.fields[kind])["id"] if name != "id" else (record or value)
        expect = [f"stats/{kind}.yaml:{line}:", f"id={rec}", message]
        if show_field:
            expect.append(f"field={name}")
        return expect

    case(case_id)(mutate)


# --- dataset: whole-file problems -------------------------------------------------------

@case("stats-yaml-syntax-unclosed-bracket")
def _(t: Template, root: Path) -> Expect:
    replace_record(t, root, "statistics", {"value": "[50"})
    return [re.compile(r"stats/statistics\.yaml:(\d+): error: YAML syntax"), "YAML syntax"]


@case("stats-yaml-tab-indent")
def _(t: Template, root: Path) -> Expect:
    text = _block(t.fields["statistics"]).replace("  unit:", "\tunit:")
    replace_record(t, root, "statistics", raw=text)
    return [f"stats/statistics.yaml:{t.line('statistics', 'unit')}:", "YAML syntax"]


@case("stats-latin1-bytes")
def _(t: Template, root: Path) -> Expect:
    replace_record(t, root, "statistics", {"label": "Testers agree"})
    path = root / STATS
    data = path.read_bytes()
    path.write_bytes(data.replace(b"  label: Testers agree\n", b"  label: Sm\xe5f\xf6retag agree\n"))
    return [f"stats/statistics.yaml:{t.line('statistics', 'label')}:", "not valid UTF-8"]


@case("stats-utf8-bom")
def _(t: Template, root: Path) -> Expect:
    path = root / STATS
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    return ["stats/statistics.yaml:1:", "byte-order mark"]


@case("stats-empty-file")
def _(t: Template, root: Path) -> Expect:
    (root / STATS).write_text("", encoding="utf-8")
    return ["stats/statistics.yaml", "file is empty"]


@case("stats-comments-only")
def _(t: Template, root: Path) -> Expect:
    (root / STATS).write_text("# nothing here yet\n", encoding="utf-8")
    return ["stats/statistics.yaml", "file is empty"]


@case("stats-mapping-not-list")
def _(t: Template, root: Path) -> Expect:
    (root / STATS).write_text("id: zz-bad-input\nvalue: 50\n", encoding="utf-8")
    return ["stats/statistics.yaml:1:", "expected a list of records"]


@case("stats-list-item-is-text")
def _(t: Template, root: Path) -> Expect:
    replace_record(t, root, "statistics", raw="- just a sentence, not a record\n")
    return ["stats/statistics.yaml", "expected a mapping"]


@case("stats-complex-yaml-key")
def _(t: Template, root: Path) -> Expect:
    # `? [a, b]` is a YAML mapping key that is a list: legal YAML, unhashable in Python.
    replace_record(t, root, "statistics", extra=[("? [a, b]\n  ", "c")])
    return ["stats/statistics.yaml"]


@case("stats-duplicate-yaml-key")
def _(t: Template, root: Path) -> Expect:
    replace_record(t, root, "statistics", extra=[("value", "60")])
    line = t.start["statistics"] + len(t.fields["statistics"])
    return [f"stats/statistics.yaml:{line}:", "duplicate key 'value'"]


@case("stats-topics-file-missing")
def _(t: Template, root: Path) -> Expect:
    (root / TOPICS).unlink()
    return ["stats/topics.yaml", "file is missing"]


@case("stats-sources-file-missing")
def _(t: Template, root: Path) -> Expect:
    (root / SOURCES).unlink()
    return ["stats/sources.yaml", "file is missing", f"unknown source id '{SOURCE_ID}'"]


@case("stats-split-folder-bad-file")
def _(t: Template, root: Path) -> Expect:
    # stats/<kind>/*.yaml is read too: a broken file there is named by its own path.
    (root / "stats" / "statistics").mkdir()
    (root / "stats" / "statistics" / "more.yaml").write_text("- id: zz-more\n  value: [\n", encoding="utf-8")
    return [re.compile(r"stats/statistics/more\.yaml:\d+: error: YAML syntax")]


# --- dataset: fields of one record ------------------------------------------------------

field_case("stat-missing-required-population", "statistics", "population", None, "required field is missing")
field_case("stat-missing-value-and-range", "statistics", "value", None, "`value` (or `low` and `high`) is required",
           show_field=False)


@case("stat-unknown-extra-field")
def _(t: Template, root: Path) -> Expect:
    replace_record(t, root, "statistics", extra=[("colour", "red")])
    line = t.start["statistics"] + len(t.fields["statistics"])
    return [f"stats/statistics.yaml:{line}:", f"id={STAT_ID}", "field=colour", "unknown field"]


field_case("stat-value-81-percent-sign", "statistics", "value", '"81%"', "expected a plain number")
field_case("stat-value-letter-l", "statistics", "value", "8l", "expected a plain number")
field_case("stat-year-question-mark", "statistics", "year", '"2018?"', "whole number")
field_case("stat-year-circa", "statistics", "year", "circa 2018", "got 'circa 2018'")
field_case("source-sample-size-many", "sources", "sample_size", "many", "got 'many'")
field_case("source-year-published-text", "sources", "year_published", '"2015?"', "whole number")
field_case("stat-percent-120", "statistics", "value", "120", "a percent must lie between 0 and 100",
           at="id", show_field=False)
field_case("stat-percent-negative", "statistics", "value", "-5", "a percent must lie between 0 and 100",
           at="id", show_field=False)
field_case("stat-value-infinite", "statistics", "value", ".inf", "", at="id", show_field=False)
field_case("stat-value-not-a-number", "statistics", "value", ".nan", "", at="id", show_field=False)


@case("stat-range-low-above-high")
def _(t: Template, root: Path) -> Expect:
    replace_record(t, root, "statistics", {"value": None}, extra=[("low", "90"), ("high", "10")])
    return [f"stats/statistics.yaml:{t.start['statistics']}:", f"id={STAT_ID}", "low (90) greater than high (10)"]


@case("stat-range-only-low")
def _(t: Template, root: Path) -> Expect:
    replace_record(t, root, "statistics", {"value": None}, extra=[("low", "10")])
    return [f"stats/statistics.yaml:{t.start['statistics']}:", f"id={STAT_ID}", "a range needs both `low` and `high`"]


@case("stat-value-and-range")
def _(t: Template, root: Path) -> Expect:
    replace_record(t, root, "statistics", extra=[("low", "10"), ("high", "20")])
    return [f"stats/statistics.yaml:{t.start['statistics']}:", f"id={STAT_ID}", "not both"]


field_case("stat-unknown-unit", "statistics", "unit", "percentage", "expected 'percent'")
field_case("stat-unknown-topic", "statistics", "topic", "no-such-topic", "unknown topic id 'no-such-topic'",
           at="id")
field_case("stat-unknown-source", "statistics", "source", "no-such-source", "unknown source id 'no-such-source'",
           at="id")
field_case("source-unknown-article-in-via", "sources", "via", "[no-such-article]",
           "unknown article id 'no-such-article'", at="id")


@case("stat-duplicate-id")
def _(t: Template, root: Path) -> Expect:
    block = _block(t.fields["statistics"])
    replace_record(t, root, "statistics", raw=block + "\n" + block)
    second = t.start["statistics"] + len(t.fields["statistics"]) + 1
    return [f"stats/statistics.yaml:{t.start['statistics']}:", f"stats/statistics.yaml:{second}:",
            f"id={STAT_ID} field=id: duplicate statistic id"]


field_case("stat-id-dot-dot-slash", "statistics", "id", "../../etc/passwd", "expected an id of lowercase letters")
field_case("stat-id-slash", "statistics", "id", "topics/evil", "expected an id of lowercase letters")
field_case("stat-id-uppercase", "statistics", "id", "ZZ-Bad-Input", "expected an id of lowercase letters")
field_case("stat-id-spaces", "statistics", "id", "zz bad input", "expected an id of lowercase letters")
field_case("stat-id-number", "statistics", "id", "12345", "", record=None)
field_case("source-url-javascript", "sources", "url", '"javascript:alert(1)"', "expected an http(s) URL")
field_case("source-url-data", "sources", "url", '"data:text/html,<script>alert(1)</script>"', "expected an http(s) URL")
field_case("article-url-file", "articles", "url", "file:///etc/passwd", "expected an http(s) URL")
field_case("article-url-javascript-mixed-case", "articles", "url", '" JavaScript:alert(1)"', "expected an http(s) URL")
field_case("stat-year-in-future", "statistics", "year", "2999", "expected a year between 1900 and")
field_case("source-year-in-future", "sources", "year_published", "2999", "expected a year between 1900 and")
field_case("stat-year-after-source-published", "statistics", "year", "2015",  # the source says 2015: use 2015 → fine
           "", at="id", show_field=False)
field_case("stat-currency-without-code", "statistics", "unit", "currency", "needs a `currency` code",
           at="id", show_field=False)
field_case("stat-currency-code-lowercase", "statistics", "unit", "currency", "", at="id", show_field=False)
field_case("stat-sentence-without-placeholder", "statistics", "sentence", "Testers agree.",
           "expected exactly one `{value}` placeholder")
field_case("stat-sentence-two-placeholders", "statistics", "sentence", '"{value} of testers agree, {value} do not."',
           "expected exactly one `{value}` placeholder")
field_case("stat-sentence-other-brace", "statistics", "sentence", '"{value} of {people} agree."',
           "no other braces")
field_case("stat-sentence-with-digit", "statistics", "sentence", '"{value} of 500 testers agree."',
           "expected no digits outside `{value}`")
field_case("stat-label-too-long", "statistics", "label", "x" * 71, "")
field_case("stat-headline-not-bool", "statistics", "unit", "percent", "", at="id", show_field=False)
field_case("article-language-word", "articles", "language", "Swedish", "has characters that are not allowed")
