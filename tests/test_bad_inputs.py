"""A corpus of bad inputs: every file an editor, translator or site admin can change, broken on purpose.

For each case a scratch copy of a *good* project (the fixture digest) is broken in one way, then checked
as an editor would meet it. Every case runs in process, through the ``digest validate``
command's own ``main()`` (the same :func:`digest.lint.validate` the MkDocs plugin runs
before it writes anything), and must

- exit non-zero,
- say which file (and line or record id, where the input has one) and what is wrong,
- never show a Python traceback.

A few cases (:data:`END_TO_END`, and plain ``mkdocs build`` twice) also run where the
process boundary is the point: ``digest build`` (or ``mkdocs build``) as a new process on a
project with a good ``site/``, which must stay byte-for-byte as it was, with no staging
folder left over; ``digest validate`` then refuses the same project (as a new process once,
after the plain ``mkdocs build`` with a dataset error; in process after each ``digest build``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from conftest import (DIGEST, LANGS, ROOT, TRACEBACK, Result, build, cli_in_process, copy_project, make_valid, run_cli,
                      snapshot, topic_ids)
from digest.config import load_config
from digest.load import load_dataset

# --- the good records every case starts from ------------------------------------------
# Appended to the fixture digest's dataset (so the corpus does not depend on which figures
# it holds) and proven good by validate. What they need of the digest is read from it.

ARTICLE_ID, SOURCE_ID, STAT_ID = "zz-bad-article", "zz-bad-source", "zz-bad-input"
CONFIG_OF_DIGEST = load_config(DIGEST)
PERCENT_MEASURE = next(m.id for m in load_dataset(DIGEST / "stats").measures.values() if m.unit == "percent")


def _article_fields() -> list[tuple[str, str]]:
    return [("id", ARTICLE_ID), ("title", "Test article"), ("language", LANGS[0]),
            ("publisher", "Test Publisher"), ("url", "https://example.org/article")]


def _source_fields() -> list[tuple[str, str]]:
    return [("id", SOURCE_ID), ("producer", "Test Producer"), ("title", "Test report"), ("year_published", "2015"),
            ("url", "https://example.org/report"), ("method", "online survey"), ("sample_size", "1000"),
            ("geography", "Testland"), ("population", "testers"), ("via", f"[{ARTICLE_ID}]")]


def _stat_fields(topic: str) -> list[tuple[str, str]]:
    return [("id", STAT_ID), ("source", SOURCE_ID), ("topic", topic), ("year", "2014"), ("value", "50"),
            ("unit", "percent"), ("population", "testers"), ("sentence", '"{value} of testers agree."'),
            ("label", "Testers agree"), ("quote", "Testers agree."), ("measure", PERCENT_MEASURE),
            ("question", "testers-agree")]


def _block(fields: list[tuple[str, str]]) -> str:
    (key, value), *rest = fields
    return f"- {key}: {value}\n" + "".join(f"  {k}: {v}\n" for k, v in rest)


@dataclass
class Template:
    """A good project, and where the appended records are."""

    root: Path
    topic: str
    fields: dict[str, list[tuple[str, str]]]  # kind -> appended record's fields
    start: dict[str, int]  # kind -> line of the appended record's "- id:"
    cache: Path  # compiled catalogs, shared by every case (entries are keyed by content)

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


@pytest.fixture(scope="session")
def good(tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The fixture digest's inputs plus the appended good records, proven valid."""
    base = tmp_path_factory.mktemp("bad-inputs-template")
    root = copy_project(base / "project")
    topic = topic_ids(root)[0]
    fields, start = _append_records(root, topic)
    _translate_range(root)
    assert make_valid(root, base / "cache") == []  # valid as written: no page replaced
    return Template(root, topic, fields, start, base / "cache")


def _translate_range(root: Path) -> None:
    """The range pattern translated (as written), if the catalog leaves it empty: the catalog cases break it."""
    path = root / PO
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgid "{low}–{high}"\nmsgstr ""\n', 'msgid "{low}–{high}"\nmsgstr "{low}–{high}"\n'),
                    encoding="utf-8")
    assert 'msgid "{low}–{high}"\nmsgstr "{low}–{high}"\n' in path.read_text(encoding="utf-8")


def clone(template: Template, target: Path) -> Path:
    """A copy of the good project's inputs; its cache is the template's (compiled catalogs, keyed by content)."""
    shutil.copytree(template.root, target, symlinks=True, ignore=shutil.ignore_patterns(".cache", "site"))
    (target / ".cache").symlink_to(template.cache, target_is_directory=True)
    return target


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
# The catalog of a language that translates the dataset (the first one that has a catalog).
PO = next(rel for code in LANGS if code != CONFIG_OF_DIGEST.source_language
          and (DIGEST / (rel := f"content/{code}/LC_MESSAGES/digest.po")).is_file())


def field_case(case_id: str, kind: str, changes: dict[str, str | None], message: str, *,
               line: str | None = "", field: str | None = "", record: str | None = "",
               extra: list[tuple[str, str]] | None = None) -> None:
    """The appended record of ``kind`` with ``changes`` (None removes a field) and ``extra`` lines.

    Expected in the output: the file and ``line`` (a field's line; None: the record's
    first line; default: the first changed field's), ``id=record`` (default: the
    record's id; None: no id expected), ``field=field`` (default: the first changed
    field; None: none expected) and ``message``.
    """
    first = next(iter(changes)) if changes else extra[0][0]  # type: ignore[index]

    def mutate(t: Template, root: Path) -> Expect:
        replace_record(t, root, kind, changes, extra)
        names = [k for k, _ in t.fields[kind]]
        where = first if line == "" else line
        if where is None or (where in changes and changes[where] is None):
            number = t.start[kind]
        elif where in names:
            number = t.line(kind, where)
        else:  # an extra line: after the record's own fields that remain
            kept = [k for k in names if changes.get(k, "") is not None]
            number = t.start[kind] + len(kept) + [k for k, _ in extra or []].index(where)
        rec = dict(t.fields[kind])["id"] if record == "" else record
        expect: Expect = [f"stats/{kind}.yaml:{number}:", message]
        if rec is not None:
            expect.append(f"id={rec}")
        shown_field = first if field == "" else field
        if shown_field is not None:
            expect.append(f"field={shown_field}")
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
    return [f"stats/statistics.yaml:{t.start['statistics']}:", "expected a mapping"]


@case("stats-complex-yaml-key")
def _(t: Template, root: Path) -> Expect:
    # `? [a, b]` is a YAML mapping key that is a list: legal YAML, unhashable in Python.
    replace_record(t, root, "statistics", extra=[("? [a, b]\n  ", "c")])
    return ["stats/statistics.yaml"]


@case("stats-yaml-alias-repeats-record")
def _(t: Template, root: Path) -> Expect:
    # An editor "copies" a record with a YAML anchor and alias: the same mapping twice.
    block = _block(t.fields["statistics"]).replace("- id:", "- &first\n  id:", 1)
    replace_record(t, root, "statistics", raw=block + "- *first\n")
    return [re.compile(r"stats/statistics\.yaml:\d+: error"), "anchors and aliases"]  # refused outright (alias bombs)


@case("stats-yaml-python-tag")
def _(t: Template, root: Path) -> Expect:
    replace_record(t, root, "statistics", {"value": "!!python/object/apply:os.system [echo pwned]"})
    return [re.compile(rf"stats/statistics\.yaml:{t.line('statistics', 'value')}: error")]


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
# The appended records are `zz-bad-input` (statistics), `zz-bad-source` (sources) and
# `zz-bad-article` (articles); each case breaks one thing in one of them.

field_case("stat-missing-required-population", "statistics", {"population": None}, "required field is missing")
field_case("source-missing-required-producer", "sources", {"producer": None}, "required field is missing")
field_case("stat-missing-value-and-range", "statistics", {"value": None},
           "`value` (or `low` and `high`) is required", field=None)
field_case("stat-unknown-extra-field", "statistics", {}, "unknown field", extra=[("colour", "red")])
field_case("source-misspelt-field", "sources", {}, "unknown field", extra=[("smaple_size", "12")])
field_case("stat-value-81-percent-sign", "statistics", {"value": '"81%"'}, "expected a plain number")
field_case("stat-value-letter-l", "statistics", {"value": "8l"}, "expected a plain number")
field_case("stat-value-quoted-number", "statistics", {"value": '"81"'}, "expected a plain number")
field_case("stat-year-question-mark", "statistics", {"year": '"2018?"'}, "got '2018?'")
field_case("stat-year-circa", "statistics", {"year": "circa 2018"}, "got 'circa 2018'")
field_case("source-sample-size-many", "sources", {"sample_size": "many"}, "got 'many'")
field_case("source-year-published-question-mark", "sources", {"year_published": '"2015?"'}, "got '2015?'")
field_case("source-accessed-not-a-date", "sources", {}, "expected a date written YYYY-MM-DD",
           extra=[("accessed", "last week")])
field_case("stat-percent-120", "statistics", {"value": "120"},
           "a value in unit `percent` must lie between 0 and 100 (got 120)", field="value")
field_case("stat-percent-negative", "statistics", {"value": "-5"},
           "a value in unit `percent` must lie between 0 and 100 (got -5)", field="value")


@case("stat-value-infinite")
def _(t: Template, root: Path) -> Expect:
    replace_record(t, root, "statistics", {"value": ".inf", "unit": "people"})
    lines = f"{t.start['statistics']}|{t.line('statistics', 'value')}"
    return [re.compile(rf"stats/statistics\.yaml:({lines}): error"), f"id={STAT_ID}"]


@case("stat-value-not-a-number")
def _(t: Template, root: Path) -> Expect:
    replace_record(t, root, "statistics", {"value": ".nan", "unit": "count"})
    lines = f"{t.start['statistics']}|{t.line('statistics', 'value')}"
    return [re.compile(rf"stats/statistics\.yaml:({lines}): error"), f"id={STAT_ID}"]


@case("stat-range-infinite-high")
def _(t: Template, root: Path) -> Expect:
    replace_record(t, root, "statistics", {"value": None, "unit": "multiplier"}, extra=[("low", "2"), ("high", ".inf")])
    return [re.compile(r"stats/statistics\.yaml:\d+: error"), f"id={STAT_ID}"]

field_case("stat-range-low-above-high", "statistics", {"value": None}, "low (90) greater than high (10)",
           line="low", field="low", extra=[("low", "90"), ("high", "10")])
field_case("stat-range-only-low", "statistics", {"value": None}, "a range needs both `low` and `high`",
           line=None, field=None, extra=[("low", "10")])
field_case("stat-value-and-range", "statistics", {}, "not both", line=None, field=None,
           extra=[("low", "10"), ("high", "20")])
field_case("stat-unknown-unit", "statistics", {"unit": "percentage"}, "expected 'percent'")
field_case("stat-unknown-topic", "statistics", {"topic": "no-such-topic"}, "unknown topic id 'no-such-topic'")
field_case("stat-unknown-source", "statistics", {"source": "no-such-source"}, "unknown source id 'no-such-source'")
field_case("source-unknown-article-in-via", "sources", {"via": "[no-such-article]"},
           "unknown article id 'no-such-article'")
field_case("source-via-empty", "sources", {"via": "[]"}, "")
field_case("stat-id-dot-dot-slash", "statistics", {"id": "../../etc/passwd"}, "expected an id of lowercase letters",
           record="../../etc/passwd")
field_case("stat-id-slash", "statistics", {"id": "topics/evil"}, "expected an id of lowercase letters",
           record="topics/evil")
field_case("stat-id-uppercase", "statistics", {"id": "ZZ-Bad-Input"}, "expected an id of lowercase letters",
           record="ZZ-Bad-Input")
field_case("stat-id-spaces", "statistics", {"id": "zz bad input"}, "expected an id of lowercase letters",
           record="zz bad input")
field_case("stat-id-a-number", "statistics", {"id": "12345"}, "expected text", record=None)
field_case("source-id-underscore", "sources", {"id": "zz_bad_source"}, "expected an id of lowercase letters",
           record="zz_bad_source")
field_case("source-url-javascript", "sources", {"url": '"javascript:alert(1)"'}, "expected an http(s) URL")
field_case("source-url-data", "sources", {"url": '"data:text/html,<script>alert(1)</script>"'},
           "expected an http(s) URL")
field_case("article-url-file", "articles", {"url": "file:///etc/passwd"}, "expected an http(s) URL")
field_case("article-url-javascript-mixed-case", "articles", {"url": "JavaScript:alert(1)"}, "expected an http(s) URL")
field_case("stat-year-in-future", "statistics", {"year": "2999"}, "expected a year between 1900 and")
field_case("source-year-in-future", "sources", {"year_published": "2999"}, "expected a year between 1900 and")
field_case("stat-year-after-source-published", "statistics", {"year": "2016"},
           "year 2016 is after the source was published (2015)")
field_case("stat-currency-without-code", "statistics", {"unit": "currency"}, "needs a `currency` code",
           line=None, field="currency")
field_case("stat-currency-code-lowercase", "statistics", {"unit": "currency"}, "has characters that are not allowed",
           line="currency", field="currency", extra=[("currency", "usd")])
field_case("stat-sentence-without-placeholder", "statistics", {"sentence": "Testers agree."},
           "expected exactly one `{value}` placeholder")
field_case("stat-sentence-two-placeholders", "statistics", {"sentence": '"{value} of testers agree, {value} do not."'},
           "expected exactly one `{value}` placeholder")
field_case("stat-sentence-other-brace", "statistics", {"sentence": '"{value} of {0} agree."'},
           "no other braces")
field_case("stat-sentence-placeholder-not-in-fills", "statistics", {"sentence": '"{value} of {people} agree."'},
           "`sentence` uses {people}, which is not in `fills`", line=None, field=None)
field_case("stat-sentence-with-digit", "statistics", {"sentence": '"{value} of 500 testers agree."'},
           "expected no digits outside `{value}`")
field_case("stat-label-too-long", "statistics", {"label": "x" * 71}, "70")
field_case("stat-headline-not-bool", "statistics", {}, "expected true or false", extra=[("headline", "maybe")])
field_case("article-language-word", "articles", {"language": "Swedish"}, "has characters that are not allowed")


@case("stat-duplicate-id")
def _(t: Template, root: Path) -> Expect:
    block = _block(t.fields["statistics"])
    replace_record(t, root, "statistics", raw=block + "\n" + block)
    second = t.start["statistics"] + len(t.fields["statistics"]) + 1
    return [f"stats/statistics.yaml:{second}: error: id={STAT_ID} field=id: duplicate statistic id; "
            f"first used at stats/statistics.yaml:{t.start['statistics']}"]


@case("source-duplicate-id-across-files")
def _(t: Template, root: Path) -> Expect:
    (root / "stats" / "sources").mkdir()
    (root / "stats" / "sources" / "more.yaml").write_text(_block(t.fields["sources"]), encoding="utf-8")
    return [f"stats/sources/more.yaml:1: error: id={dict(t.fields['sources'])['id']} field=id: duplicate source id; "
            f"first used at stats/sources.yaml:{t.start['sources']}"]


# --- translations -------------------------------------------------------------------------



def _po_entry(root: Path, msgid_pattern: str) -> tuple[str, str, int, int]:
    """The first translated entry whose msgid matches: (msgid, msgstr, msgid line, msgstr line)."""
    text = (root / PO).read_text(encoding="utf-8")
    for match in re.finditer(r'^msgid "((?:[^"\\]|\\.)*)"\nmsgstr "((?:[^"\\]|\\.)+)"$', text, re.MULTILINE):
        if re.search(msgid_pattern, match.group(1)):
            first = text.count("\n", 0, match.start()) + 1
            return match.group(1), match.group(2), first, first + 1
    raise AssertionError(f"no translated entry matching {msgid_pattern!r} in {PO}")


def _set_msgstr(root: Path, msgid_pattern: str, change: Callable[[str], str]) -> Expect:
    msgid, msgstr, id_line, str_line = _po_entry(root, msgid_pattern)
    edit(root, PO, f'msgid "{msgid}"\nmsgstr "{msgstr}"', f'msgid "{msgid}"\nmsgstr "{change(msgstr)}"')
    return [re.compile(rf"{re.escape(PO)}:({id_line}|{str_line}): error")]


def _rewrite_entry(root: Path, make: Callable[[str, str], str]) -> Expect:
    """Replace one translated entry's two lines by `make(msgid, msgstr)`; expect an error on them."""
    msgid, msgstr, id_line, str_line = _po_entry(root, r"^[^{}]+$")
    edit(root, PO, f'msgid "{msgid}"\nmsgstr "{msgstr}"', make(msgid, msgstr))
    return [re.compile(rf"{re.escape(PO)}:({id_line}|{str_line}): error")]


@case("po-syntax-unterminated-msgstr")
def _(t: Template, root: Path) -> Expect:
    # Babel's reader takes `msgstr "Tekst` as "Teks": a garbled translation, unless refused.
    return _rewrite_entry(root, lambda i, s: f'msgid "{i}"\nmsgstr "{s}')


@case("po-syntax-unterminated-msgid")
def _(t: Template, root: Path) -> Expect:
    return _rewrite_entry(root, lambda i, s: f'msgid "{i}\nmsgstr "{s}"')


@case("po-syntax-msgstr-unquoted")
def _(t: Template, root: Path) -> Expect:
    return _rewrite_entry(root, lambda i, s: f'msgid "{i}"\nmsgstr {s}')


@case("po-syntax-garbage-line")
def _(t: Template, root: Path) -> Expect:
    path = root / PO
    path.write_text(path.read_text(encoding="utf-8") + "\nthis is not a po line\n", encoding="utf-8")
    return [PO, "not a PO line"]


@case("po-msgstr-drops-value")
def _(t: Template, root: Path) -> Expect:
    return _set_msgstr(root, r"^\{value\}[^{}]*$", lambda s: s.replace("{value}", "mange")) + [
        "field=msgstr", "placeholders none do not match the original's ['value']"]


@case("po-msgstr-adds-n")
def _(t: Template, root: Path) -> Expect:
    return _set_msgstr(root, r"^\{value\}[^{}]*$", lambda s: s + " {n}") + ["field=msgstr", "['n', 'value']"]


@case("po-msgstr-adds-other")
def _(t: Template, root: Path) -> Expect:
    return _set_msgstr(root, r"^\{value\}[^{}]*$", lambda s: s + " {other}") + ["field=msgstr", "['other', 'value']"]


@case("po-msgstr-empty-braces")
def _(t: Template, root: Path) -> Expect:
    # The range pattern is filled with str.format(low=…, high=…): "{}" there is not a name.
    return _set_msgstr(root, r"^\{low\}", lambda s: s + " {}") + ["field=msgstr"]


@case("po-msgstr-lone-brace")
def _(t: Template, root: Path) -> Expect:
    return _set_msgstr(root, r"^\{low\}", lambda s: s + " {") + ["field=msgstr"]


@case("po-msgstr-attribute-access")
def _(t: Template, root: Path) -> Expect:
    # Same names as the original, so a name-only comparison passes; str.format would then
    # read an attribute of the formatted number.
    return _set_msgstr(root, r"^\{low\}", lambda s: s + " {high.__class__.__name__}") + ["field=msgstr"]


@case("po-unknown-msgid-translated")
def _(t: Template, root: Path) -> Expect:
    path = root / PO
    text = path.read_text(encoding="utf-8")
    line = text.count("\n") + 2
    path.write_text(text + '\nmsgid "No such string in the dataset"\nmsgstr "Ingen sådan tekst"\n', encoding="utf-8")
    return [f"{PO}:{line}:", "field=msgid", "unknown message id 'No such string in the dataset'"]


@case("po-latin1-bytes")
def _(t: Template, root: Path) -> Expect:
    path = root / PO
    data = path.read_bytes()
    path.write_bytes(data + b'\nmsgid "No such string"\nmsgstr "S\xe5dan"\n')
    msgid_line = data.count(b"\n") + 2 + (not data.endswith(b"\n"))
    return [re.compile(rf"{re.escape(PO)}:({msgid_line}|{msgid_line + 1}): error")]


# --- prose -----------------------------------------------------------------------------

PAGE = f"content/{LANGS[1]}/about.md"  # a page of a language that is not the default


def prose_case(case_id: str, line_text: str, *expect: str) -> None:
    def mutate(t: Template, root: Path) -> Expect:
        line = append_line(root, PAGE, line_text)
        return [f"{PAGE}:{line}:", *expect]

    case(case_id)(mutate)


prose_case("md-unknown-stat-id", "Se [[stat no-such-figure]] her.", "id=no-such-figure", "field=stat",
           "unknown id 'no-such-figure'")
prose_case("md-unknown-shortcode", "Se [[foo x]] her.", "field=foo", "unknown shortcode `foo`")
prose_case("md-unclosed-shortcode", f"Se [[stat {STAT_ID} her.", "field=shortcode", "unclosed shortcode")
prose_case("md-stray-closing-brackets", "Se her ]] og der.", "field=shortcode", "malformed")
prose_case("md-block-shortcode-with-text", "Her er alle: [[headlines]]", "field=headlines", "must stand alone")
prose_case("md-stat-without-id", "Se [[stat]] her.", "field=stat", "needs an id")
prose_case("md-updated-with-id", "Se [[updated x]] her.", "field=updated", "takes no id")
prose_case("md-digit-in-prose", "Hele 81 % af kunderne er glade.", "field=number", "number typed by hand")
prose_case("md-raw-html-script", "<script>alert('x')</script>", "field=html", "raw HTML")
prose_case("md-raw-html-img-onerror", "Se <img src=x onerror=alert(document.domain)> her.", "field=html", "raw HTML")
prose_case("md-javascript-link", "Se [her](javascript:alert(document.domain)).", "field=link", "'javascript:alert")
prose_case("md-javascript-link-angle", "Se [her](<javascript:alert(document.domain)>).", "field=link",
           "not allowed")
prose_case("md-data-image", "![x](data:image/svg+xml,abc)", "field=link", "not allowed")
prose_case("md-chart-unknown-topic", "[[chart no-such-topic]]", "field=chart", "unknown id 'no-such-topic'")


@case("md-missing-page-in-one-language")
def _(t: Template, root: Path) -> Expect:
    (root / PAGE).unlink()
    return [PAGE, "page is missing"]


@case("md-latin1-page")
def _(t: Template, root: Path) -> Expect:
    path = root / PAGE
    data = path.read_bytes()
    if not data.endswith(b"\n"):
        data += b"\n"
    path.write_bytes(data + b"\nS\xe5dan.\n")
    line = data.count(b"\n") + 2
    return [f"{PAGE}:{line}:", "not valid UTF-8"]


# --- configuration -------------------------------------------------------------------

CONFIG = "site_config/digest.yaml"


@case("config-broken-yaml")
def _(t: Template, root: Path) -> Expect:
    edit(root, CONFIG, f"  - code: {LANGS[0]}", f"  - code: [{LANGS[0]}")
    # The YAML parser names the line where it noticed the bracket was not closed: the next one.
    return [re.compile(rf"{re.escape(CONFIG)}:\d+: error"), "YAML syntax"]


@case("config-unknown-option")
def _(t: Template, root: Path) -> Expect:
    path = root / CONFIG
    path.write_text(path.read_text(encoding="utf-8") + "\nold_data_afer_years: 5\n", encoding="utf-8")
    return [CONFIG, "field=old_data_afer_years", "unknown option"]


@case("config-language-code-invalid")
def _(t: Template, root: Path) -> Expect:
    edit(root, CONFIG, f"code: {LANGS[1]}\n", f"code: {LANGS[1].upper()}\n")
    return [CONFIG, "field=languages.1.code"]


@case("config-language-code-path")
def _(t: Template, root: Path) -> Expect:
    edit(root, CONFIG, f"code: {LANGS[1]}\n", f'code: "../{LANGS[1]}"\n')
    return [CONFIG, "field=languages.1.code"]


@case("config-locale-unknown-to-babel")
def _(t: Template, root: Path) -> Expect:
    edit(root, CONFIG, f"locale: {CONFIG_OF_DIGEST.languages[1].locale}\n", "locale: xx_XX\n")
    return [CONFIG, "locale"]


@case("config-site-url-javascript")
def _(t: Template, root: Path) -> Expect:
    path = root / CONFIG
    text = re.sub(r"(?m)^site_url:.*$", "site_url: javascript:alert(1)//", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    return [CONFIG, "field=site_url", "expected an http(s) URL"]


@case("config-site-url-unknown")
def _(t: Template, root: Path) -> Expect:
    # `unknown` is a dataset value, not an address a citation can point at.
    path = root / CONFIG
    text = re.sub(r"(?m)^site_url:.*$", "site_url: unknown", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    return [CONFIG, "field=site_url"]


@case("config-empty-file")
def _(t: Template, root: Path) -> Expect:
    (root / CONFIG).write_text("", encoding="utf-8")
    return [CONFIG]


@case("config-file-missing")
def _(t: Template, root: Path) -> Expect:
    (root / CONFIG).unlink()
    return [CONFIG, "file is missing"]


@case("config-old-data-negative")
def _(t: Template, root: Path) -> Expect:
    path = root / CONFIG
    text = re.sub(r"(?m)^old_data_after_years:.*$", "old_data_after_years: -1", path.read_text(encoding="utf-8"))
    path.write_text(text, encoding="utf-8")
    return [CONFIG, "field=old_data_after_years"]


@case("mkdocs-yml-declares-a-language")
def _(t: Template, root: Path) -> Expect:
    # A second declaration of the languages is how a site once lost one silently.
    first = CONFIG_OF_DIGEST.languages[0]
    edit(root, "mkdocs.yml", "  - search\n", "  - search\n  - i18n:\n      docs_structure: folder\n      languages:\n"
         f"        - {{locale: {first.code}, default: true, name: {first.name}}}\n")
    return ["mkdocs.yml", "field=plugins.i18n", "remove `i18n`"]


@case("mkdocs-yml-declares-a-nav")
def _(t: Template, root: Path) -> Expect:
    path = root / "mkdocs.yml"
    path.write_text(path.read_text(encoding="utf-8") + "\nnav:\n  - index.md\n", encoding="utf-8")
    return ["mkdocs.yml", "field=nav", "remove `nav`"]


# --- the checks every case must pass ------------------------------------------------------

def _found(expect: Expect, output: str) -> list[str]:
    """What the output lacks."""
    missing = []
    for item in expect:
        if isinstance(item, re.Pattern):
            if not item.search(output):
                missing.append(f"/{item.pattern}/")
        elif item and item not in output:
            missing.append(item)
    return missing


def check_rejected(name: str, result, expect: Expect) -> None:  # noqa: ANN001 - Result or CompletedProcess
    """One command's answer to a bad input: refused, no traceback, naming what ``expect`` lists."""
    output = result.stdout + result.stderr
    report = f"--- {name} (exit {result.returncode}) ---\n{output}"
    assert not TRACEBACK.search(output), f"{name} leaked a traceback:\n{report}"
    assert result.returncode != 0, f"{name} accepted the bad input:\n{report}"
    missing = _found(expect, output)
    assert not missing, f"{name} output does not name {missing}:\n{report}"


@pytest.mark.parametrize("bad", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_rejected_naming_the_place(bad: Case, good: Template, tmp_path: Path) -> None:
    root = clone(good, tmp_path / "project")
    expect = bad.mutate(good, root)
    check_rejected("digest validate", cli_in_process(root, "validate"), expect)


def test_the_corpus_breaks_every_kind_of_input() -> None:
    """Order-independent summary: how many cases break each kind of file (each case is its own test above)."""
    kinds = {"stats": 0, "po": 0, "md": 0, "config": 0}
    for bad in CASES:
        prefix = bad.id.split("-")[0]
        kinds["stats" if prefix in ("stats", "stat", "source", "article") else
              "config" if prefix == "mkdocs" else prefix] += 1
    assert len(CASES) >= 100 and len({c.id for c in CASES}) == len(CASES)
    assert kinds["stats"] >= 60 and kinds["po"] >= 10 and kinds["md"] >= 15 and kinds["config"] >= 10, kinds


# --- end to end: new processes, and a good site/ that must survive ----------------------------

# One per kind of input (dataset, catalog, page, settings): each fails in the build's validate,
# before MkDocs cleans its output folder. The other cases reach the same validate in process.
END_TO_END = ["stat-missing-required-population", "po-msgstr-drops-value", "md-latin1-page", "config-broken-yaml"]


@pytest.fixture(scope="session")
def good_with_site(good: Template, built_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Template:
    """The good project with a previous site in site/ (any good site: the fixture digest's, built once)."""
    root = tmp_path_factory.mktemp("bad-inputs-e2e") / "project"
    shutil.copytree(good.root, root, ignore=shutil.ignore_patterns(".cache"))
    shutil.copytree(built_site, root / "site")
    return Template(root, good.topic, good.fields, good.start, good.cache)


def run_end_to_end(root: Path, expect: Expect, commands: list[tuple[str, Callable[[], subprocess.CompletedProcess[str] | Result]]]
                   ) -> None:
    """Each command refuses the input and names it; the previous site is untouched, no staging folder left."""
    before = snapshot(root / "site")
    assert before, "the previous site is missing before the case ran"
    for name, command in commands:
        check_rejected(name, command(), expect)
    after = snapshot(root / "site")
    changed = sorted(set(before) ^ set(after) | {k for k in before if k in after and before[k] != after[k]})
    assert not changed, f"the previous site changed: {changed[:10]}"
    leftovers = sorted(p.name for p in root.iterdir() if p.name.startswith(".site-"))
    assert not leftovers, f"staging folders left behind: {leftovers}"


@pytest.mark.parametrize("case_id", END_TO_END)
def test_failed_build_keeps_the_previous_site(case_id: str, good_with_site: Template, tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(good_with_site.root, root, symlinks=True)
    expect = next(c for c in CASES if c.id == case_id).mutate(good_with_site, root)
    # The build is the new process (the site must survive it); validate's process boundary is
    # shown once below, so here it runs in process, on the project the failed build left.
    run_end_to_end(root, expect, [("digest build", lambda: build(root)),
                                  ("digest validate", lambda: cli_in_process(root, "validate"))])


def _mkdocs(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=root, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "scripts")})


def test_plain_mkdocs_build_with_a_dataset_error_keeps_the_site(good_with_site: Template, tmp_path: Path) -> None:
    """``mkdocs build`` on its own: the plugin stops it in on_pre_build, before MkDocs cleans site/."""
    root = tmp_path / "project"
    shutil.copytree(good_with_site.root, root, symlinks=True)
    replace_record(good_with_site, root, "statistics", {"value": '"81%"'})
    expect = [f"stats/statistics.yaml:{good_with_site.line('statistics', 'value')}:", f"id={STAT_ID}", "field=value"]
    run_end_to_end(root, expect, [("mkdocs build", lambda: _mkdocs(root)),
                                  ("digest validate", lambda: run_cli(root, "validate"))])


def test_plain_mkdocs_build_with_a_prose_error_keeps_the_site(good_with_site: Template, tmp_path: Path) -> None:
    """A page error is found by the same validate, which the plugin runs before MkDocs cleans site/."""
    root = tmp_path / "project"
    shutil.copytree(good_with_site.root, root, symlinks=True)
    line = append_line(root, PAGE, "Se [[stat no-such-figure]] her.")
    run_end_to_end(root, [f"{PAGE}:{line}:", "unknown id 'no-such-figure'"], [("mkdocs build", lambda: _mkdocs(root))])
