"""Round two of hostile inputs (issue 10): what `validate` used to pass and the build then ran,
published, or crashed on — links out of the repository, file types, config that runs code,
script in rendered pages, loader-exhausting YAML, numbers, placeholders and page metadata. Each case runs
`digest validate` in process on a scratch copy of the fixture digest and must exit 1 naming the file (and line, id, field where there is one), with no traceback;
the ones that could exhaust the machine also run under a memory ceiling.

The order-independent summary at the end counts the cases per class.
"""

from __future__ import annotations

import json
import re
import tracemalloc
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from conftest import DIGEST, LANGS, copy_warm
from digest import cli
from digest.config import load_config
from digest.load import load_dataset

TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s*File \"[^\"]+\", line \d+, in ", re.MULTILINE)
STATS = "stats/statistics.yaml"
SOURCES = "stats/sources.yaml"
# Read from the fixture digest: a catalog that translates the dataset, a page, and a good figure in
# percent (of a known year) whose source, topic, measure and quote (its article's text is checked) the
# hostile records below reuse: unchanged, they are valid (test_the_hostile_records_are_valid_unchanged).
_CONFIG = load_config(DIGEST)
PO = next(rel for code in LANGS if code != _CONFIG.source_language
          and (DIGEST / (rel := f"content/{code}/LC_MESSAGES/digest.po")).is_file())
PAGE = f"content/{LANGS[0]}/about.md"
CONTENT = f"content/{LANGS[0]}"
_DATASET = load_dataset(DIGEST / "stats")
_GOOD = next(s for s in _DATASET.statistics.values() if s.unit == "percent" and isinstance(s.year, int))


@dataclass(frozen=True)
class Case:
    id: str
    kind: str  # the class of hole, for the summary
    mutate: Callable[[Path], None]
    expect: tuple[str, ...]
    memory: bool = False  # could exhaust the machine: validate also runs under a memory ceiling


def _append(rel: str, text: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        with (root / rel).open("a", encoding="utf-8") as handle:
            handle.write(text)
    return mutate


def _statistic(**changes: str) -> str:
    fields = {"id": "zz-hostile", "source": _GOOD.source, "topic": _GOOD.topic, "year": str(_GOOD.year),
              "value": "50", "unit": "percent", "population": "testers", "sentence": '"{value} of testers agree."',
              "label": "Testers agree", "quote": json.dumps(_GOOD.quote), "measure": _GOOD.measure,
              "question": "testers-agree"}
    fields.update(changes)
    return "\n- " + "\n  ".join(f"{k}: {v}" for k, v in fields.items()) + "\n"


def _source(**changes: str) -> str:
    fields = {"id": "zz-hostile-source", "producer": "P", "title": "T", "year_published": "2015",
              "url": "https://example.org/r", "method": "online survey", "sample_size": "1000",
              "geography": "G", "population": "p", "via": f"[{next(iter(_DATASET.articles))}]"}
    fields.update(changes)
    return "\n- " + "\n  ".join(f"{k}: {v}" for k, v in fields.items()) + "\n"


def _replace(rel: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        text = (root / rel).read_text(encoding="utf-8")
        assert old in text, f"{old!r} not in {rel}"
        (root / rel).write_text(text.replace(old, new, count), encoding="utf-8")
    return mutate


def _translate(rel: str, msgid: str, msgstr: str) -> Callable[[Path], None]:
    """Set the translation of ``msgid`` in a catalog, whatever it was (the fixture may leave it empty)."""
    def mutate(root: Path) -> None:
        text = (root / rel).read_text(encoding="utf-8")
        entry = re.compile(rf'^(msgid "{re.escape(msgid)}"\n)msgstr ".*"$', re.MULTILINE)
        assert entry.search(text), f"{msgid!r} not in {rel}"
        (root / rel).write_text(entry.sub(lambda m: m.group(1) + f'msgstr "{msgstr}"', text, count=1), encoding="utf-8")
    return mutate


def _write(rel: str, text: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return mutate


def _prepend(rel: str, text: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        (root / rel).write_text(text + (root / rel).read_text(encoding="utf-8"), encoding="utf-8")
    return mutate


ALIAS_BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)))
ALIAS_BOMB_RECORD = "\n- id: zz-bomb\n  quote: &q [" + ",".join(['"lol"'] * 9) + "]\n" + "".join(
    f"  f{i}: &q{i} [{','.join(['*q' if i == 0 else f'*q{i - 1}'] * 9)}]\n" for i in range(8)) + "  label: *q7\n"

def _link(rel: str, target: str) -> Callable[[Path], None]:
    def mutate(root: Path) -> None:
        path = root / rel
        if path.exists():
            path.unlink()
        path.symlink_to(target)
    return mutate


CASES = [
    # inputs MkDocs must never read (the guard; test_guard.py has the full set)
    Case("link-content-to-git-config", "link", _link(f"{CONTENT}/x.txt", "../../.git/config"), (f"{CONTENT}/x.txt", "symbolic link")),
    Case("link-page-to-proc-environ", "link", _link(f"{CONTENT}/env.md", "/proc/self/environ"), (f"{CONTENT}/env.md", "symbolic link")),
    Case("link-dataset-file", "link", _link(SOURCES, "/etc/hostname"), (SOURCES, "symbolic link")),
    Case("link-mkdocs-yml", "link", _link("mkdocs.yml", "/etc/hostname"), ("mkdocs.yml", "symbolic link")),
    Case("type-html-page", "type", _write(f"{CONTENT}/x.html", "<script>alert(document.domain)</script>"),
         (f"{CONTENT}/x.html", "'.html' is not allowed")),
    Case("type-svg-with-script", "type", _write(f"{CONTENT}/logo.svg", "<svg><script>alert(1)</script></svg>"),
         (f"{CONTENT}/logo.svg", "'.svg' is not allowed")),
    Case("type-js", "type", _write(f"{CONTENT}/app.js", "alert(1)"), (f"{CONTENT}/app.js", "'.js' is not allowed")),
    Case("type-png-that-is-html", "type", _write(f"{CONTENT}/p.png", "<html><script>alert(1)</script>"),
         (f"{CONTENT}/p.png", "not a png image")),
    Case("tag-mkdocs-python-apply", "tag", _append("mkdocs.yml", '\nx: !!python/object/apply:os.system ["touch PWNED"]\n'),
         ("mkdocs.yml", "python/object/apply:os.system")),
    Case("tag-mkdocs-env", "tag", _append("mkdocs.yml", "\nsite_author: !ENV GITHUB_TOKEN\n"), ("mkdocs.yml", "'!ENV'")),
    Case("tag-mkdocs-hooks", "tag", _append("mkdocs.yml", "\nhooks: [evil.py]\n"), ("mkdocs.yml", "field=hooks")),
    Case("tag-mkdocs-extension-from-the-repository", "tag", _replace("mkdocs.yml", "  - admonition\n", "  - admonition\n  - evil\n"),
         ("mkdocs.yml", "'evil' is not allowed")),
    # script in what would be published (the lint renders each page's prose through the HTML allowlist)
    Case("html-onerror-inside-a-link-target", "html",
         _append(PAGE, "\nSe ](https://x.example/<img src=x onerror=alert(document.domain)>) her.\n"),
         (PAGE, "event handler onerror= on <img>")),
    Case("html-reference-in-blockquote", "html", _append(PAGE, "\n> [evil]: javascript:alert(document.domain)\n>\n> [x][evil]\n"),
         (PAGE, "javascript: URL")),
    Case("html-reference-in-list", "html", _append(PAGE, "\n- [evil]: javascript:alert(document.domain)\n- [x][evil]\n"),
         (PAGE, "javascript: URL")),
    Case("html-heading-entities", "html", _replace(PAGE, "# ", "# &lt;img src=x onerror=alert(document.domain)&gt; "),
         (PAGE, "onerror")),
    # YAML that exhausts the loader: refused before anything is built
    Case("yaml-alias-bomb-in-stats", "yaml", _append(STATS, ALIAS_BOMB_RECORD), (STATS, "anchors and aliases"),
         memory=True),
    Case("yaml-alias-bomb-as-a-file", "yaml", _write("stats/statistics/bomb.yaml", ALIAS_BOMB),
         ("stats/statistics/bomb.yaml:1", "anchors and aliases"), memory=True),
    Case("yaml-nesting-250", "yaml", _append(STATS, _statistic(value="[" * 250 + "]" * 250)),
         (STATS, "nested more than"), memory=True),
    Case("yaml-nesting-250-in-config", "yaml", _append("site_config/digest.yaml", "x: " + "[" * 250 + "]" * 250 + "\n"),
         ("site_config/digest.yaml", "nested more than"), memory=True),
    Case("yaml-python-tag-in-stats", "yaml", _append(STATS, _statistic(label="!!python/object/apply:os.getcwd []")),
         (STATS, "python/object/apply")),
    Case("yaml-huge-integer", "yaml", _append(STATS, _statistic(value="9" * 5000)), (STATS,), memory=True),
    # numbers the formatting libraries cannot take
    Case("number-too-large-for-babel", "number", _append(STATS, _statistic(unit="count", value="1.0e+27")),
         (STATS, "id=zz-hostile", "larger than"), memory=True),
    Case("number-negative-huge", "number", _append(STATS, _statistic(unit="count", value="-1.0e+300")),
         (STATS, "larger than"), memory=True),
    Case("number-sample-size-yes", "number", _append(SOURCES, _source(sample_size="yes")),
         (SOURCES, "id=zz-hostile-source", "field=sample_size")),
    Case("number-sample-size-negative", "number", _append(SOURCES, _source(sample_size="-5")),
         (SOURCES, "field=sample_size")),
    Case("number-sample-size-zero", "number", _append(SOURCES, _source(sample_size="0")),
         (SOURCES, "field=sample_size")),
    Case("number-year-true", "number", _append(STATS, _statistic(year="true")), (STATS, "field=year")),
    Case("number-order-yes", "number", _append("stats/topics.yaml",
                                               "\n- id: zz-topic\n  title: T\n  chart_title: T\n  order: yes\n"),
         ("stats/topics.yaml", "field=order")),
    # numbers typed by hand in other scripts' digits
    Case("typed-superscript-in-sentence", "typed-number", _append(STATS, _statistic(sentence='"{value} of testers agree²."')),
         (STATS, "field=sentence", "no digits")),
    Case("typed-roman-in-sentence", "typed-number", _append(STATS, _statistic(sentence='"{value} of testers agree Ⅻ times."')),
         (STATS, "field=sentence")),
    Case("typed-fraction-in-prose", "typed-number", _append(PAGE, "\nHälften, alltså ½, håller med.\n"),
         (PAGE, "number typed by hand")),
    Case("typed-superscript-in-prose", "typed-number", _append(PAGE, "\nFler än tio³ svarade.\n"),
         (PAGE, "number typed by hand")),
    Case("typed-arabic-indic-in-prose", "typed-number", _append(PAGE, "\nSe ٨١ procent.\n"), (PAGE, "number typed by hand")),
    Case("typed-circled-in-prose", "typed-number", _append(PAGE, "\nSteg ① och ②.\n"), (PAGE, "number typed by hand")),
    # translations: bare placeholders only
    Case("po-format-spec-width", "placeholder", _translate(PO, "{low}–{high}", "{low:>300000}–{high}"),
         (PO, "not bare placeholders"), memory=True),
    Case("po-format-spec-d", "placeholder", _translate(PO, "{low}–{high}", "{low:d}–{high}"),
         (PO, "not bare placeholders")),
    Case("po-conversion", "placeholder", _translate(PO, "{low}–{high}", "{low!r}–{high}"),
         (PO, "not bare placeholders")),
    Case("po-attribute-access", "placeholder",
         _translate(PO, "{low}–{high}", "{low.__class__}–{high}"), (PO, "not bare placeholders")),
    Case("po-index-access", "placeholder", _translate(PO, "{low}–{high}", "{low[0]}–{high}"),
         (PO, "not bare placeholders")),
    # page metadata
    Case("md-front-matter-template", "metadata", _prepend(PAGE, "---\ntemplate: 404.html\n---\n"),
         (PAGE, "field=template", "not allowed")),
    Case("md-multimarkdown-template", "metadata", _prepend(PAGE, "Template: main.html\n\n"),
         (PAGE + ":1", "field=template")),
    Case("md-front-matter-title-html", "metadata",
         _prepend(PAGE, '---\ntitle: "Se <img src=x onerror=alert(document.domain)>"\n---\n'),
         (PAGE, "field=title", "without escaping")),
    Case("md-front-matter-alias", "metadata", _prepend(PAGE, "---\ntitle: &t Om\ndescription: *t\n---\n"),
         (PAGE, "anchors and aliases")),
    Case("md-front-matter-python-tag", "metadata", _prepend(PAGE, "---\ntitle: !!python/name:os.system\n---\n"),
         (PAGE, "python/name")),
]


def _validate(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(["--root", str(root), "validate"])
    shown = capsys.readouterr()
    return code, shown.out + shown.err


@pytest.mark.parametrize("bad", CASES, ids=[c.id for c in CASES])
def test_hostile_input_is_refused_by_validate(bad: Case, validated_project: Path, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_warm(validated_project, tmp_path / "project")  # the mutated file is checked anew (see conftest)
    bad.mutate(root)
    if bad.memory:
        tracemalloc.start()
        try:
            code, output = _validate(root, capsys)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert peak < 200_000_000, f"validate used {peak / 1e6:.0f} MB"
    else:
        code, output = _validate(root, capsys)
    assert not TRACEBACK.search(output), output
    assert code == 1, output
    assert not (root / "PWNED").exists() and not (root.parent / "PWNED").exists()
    for text in bad.expect:
        assert text in output, f"{text!r} missing from:\n{output}"
    assert len(output) < 20_000, "the message quotes far too much of the input"


def test_the_hostile_records_are_valid_unchanged(validated_project: Path, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """The cases' statistic and source, as written before a case breaks them, pass: each case fails on its own hole."""
    root = copy_warm(validated_project, tmp_path / "project")
    _append(STATS, _statistic())(root)
    _append(SOURCES, _source())(root)
    code, output = _validate(root, capsys)
    assert code == 0, output


def test_the_round_two_corpus_covers_every_class() -> None:
    """Order-independent summary: how many cases break each class of hole."""
    kinds: dict[str, int] = {}
    for bad in CASES:
        kinds[bad.kind] = kinds.get(bad.kind, 0) + 1
    print("round-two bad inputs: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())))
    assert len({c.id for c in CASES}) == len(CASES)
    assert {"link", "type", "tag", "html", "yaml", "number", "typed-number", "placeholder", "metadata"} <= set(kinds)
    assert all(n >= 4 for n in kinds.values()), kinds
    # every loader bomb, deep nesting and format width runs under the memory ceiling
    assert {c.id for c in CASES if c.id.startswith(("yaml-alias-bomb", "yaml-nesting", "po-format-spec-width"))} <= \
        {c.id for c in CASES if c.memory}


# --- what is drawn and downloaded -------------------------------------------------------

def test_dollar_signs_in_chart_text_are_text_not_math(inputs) -> None:  # noqa: ANN001
    """With math parsing on, this label raises in matplotlib's mathtext (unknown command)."""
    from dataclasses import replace

    from digest.chart import plan_charts, render_spec

    spec = plan_charts(inputs.dataset, inputs.translators)[0].spec
    hostile = replace(spec, title=r"From $5 to $10 \undefinedcommand$ and $\frac{1}{0}$")
    assert render_spec(hostile).startswith(b"<?xml")
    import matplotlib

    assert matplotlib.rcParams["text.parse_math"] is False


def test_csv_downloads_neutralize_formula_cells(inputs) -> None:  # noqa: ANN001
    """OWASP CSV injection: text cells starting = + - @ tab CR get a leading apostrophe; JSON keeps the text."""
    from dataclasses import replace

    from digest.export import chart_csv, csv_cell, downloads

    assert [csv_cell(t) for t in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "ok", "'=x")] == \
        ["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "'\rx", "ok", "'=x"]
    stat = next(iter(inputs.dataset.statistics.values()))
    hostile = stat.model_copy(update={"label": '=HYPERLINK("https://evil.example","x")',
                                      "caveat": "@SUM(1+1)*cmd|' /C calc'!A0"})
    dataset = replace(inputs.dataset, statistics={**inputs.dataset.statistics, stat.id: hostile})
    files = downloads(dataset, inputs.translators[LANGS[0]])
    csv_text = next(v for k, v in files.items() if k.endswith(".csv")).decode("utf-8")
    assert "'=HYPERLINK" in csv_text and "'@SUM" in csv_text
    assert not re.search(r'(^|,)"?[=@]', csv_text, re.MULTILINE)
    records = json.loads(next(v for k, v in files.items() if k.endswith(".json")))
    assert any(r.get("caveat") == hostile.caveat for r in records)
    chart = chart_csv([hostile], dataset, inputs.translators[LANGS[0]]).decode("utf-8")
    assert "'=HYPERLINK" in chart
