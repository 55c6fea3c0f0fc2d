"""Shared fixtures and helpers: the digest under test, scratch copies of it, builds in process and as a user runs them.

Engine tests run against ``DIGEST``, the fixture digest in tests/fixtures/digest (Finnish
and English: languages, topics and figures that are not the shipped digest's), and read
everything they need from its config and dataset. Content tests (``test_content_*``) check
the digest this repository publishes, ``SHIPPED`` (the repository root): its seed quotes,
its catalogs, its built site in a real browser.

Most tests run the stages in process (milliseconds): ``inputs`` (the shipped project,
validated), ``make_renderer`` (one language's render stage, charts planned but not
drawn), ``cli_in_process`` (the ``digest`` command's exact output without a new
Python), ``build_in_process`` (``mkdocs build`` on a loaded config, as mkdocstrings'
tests do). Only where the process boundary is the point do tests start processes:
``run_cli`` and ``build``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from datetime import date
from pathlib import Path
from typing import Any, Callable
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from digest.bench import copy_inputs
from digest.config import load_config

ROOT = Path(__file__).resolve().parents[1]  # the repository: the engine's code, its documents
SHIPPED = ROOT  # the digest this repository publishes (content tests)
DIGEST = ROOT / "tests" / "fixtures" / "digest"  # the digest engine tests run against
SEEDS = ROOT.parent / "shared" / "seeds"
# Languages as each declaration lists them (default first); never typed here.
LANGS = tuple(load_config(DIGEST).codes)
SHIPPED_LANGS = tuple(load_config(SHIPPED).codes)
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s*File \"[^\"]+\", line \d+, in ", re.MULTILINE)

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
os.environ.setdefault("SOURCE_DATE_EPOCH", "0")  # as `digest build` sets it: in-process builds are byte-identical


# --- scratch copies ------------------------------------------------------------------------

def copy_project(target: Path) -> Path:
    """A scratch copy of the fixture digest's inputs (its article texts included)."""
    return Path(shutil.copytree(DIGEST, target, ignore=shutil.ignore_patterns(".cache", "site", ".site-*", "*.mo",
                                                                             "__pycache__")))


def copy_shipped(target: Path) -> Path:
    """A scratch copy of the shipped digest's inputs, with its rendered charts (same bytes, faster tests)."""
    copy_inputs(SHIPPED, target)
    cache = SHIPPED / ".cache" / "charts"
    if cache.is_dir():  # a chart being written by a parallel worker is a hidden temp file until renamed
        shutil.copytree(cache, target / ".cache" / "charts", ignore=shutil.ignore_patterns("*.tmp"))
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_project(tmp_path / "project")


def snapshot(folder: Path) -> dict[str, str]:
    """Every file and folder under ``folder`` (symlinks as such), with a hash of each file's bytes."""
    out = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            out[rel] = "<link>" + str(path.readlink())
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            out[rel] = "<dir>"
    return out


def topic_ids(root: Path) -> list[str]:
    return [t["id"] for t in yaml.safe_load((root / "stats" / "topics.yaml").read_text(encoding="utf-8"))]


MINIMAL_PAGE = "# Title\n\nText.\n"


def make_valid(root: Path, cache_dir: Path | None = None) -> list[str]:
    """Make a scratch copy validate by replacing the pages (being written by others right now) that do not.

    Returns the repaired files; a dataset or config problem is not repaired and fails the caller.
    """
    from digest.lint import validate
    from digest.problems import InputError

    repaired: list[str] = []
    for _attempt in range(3):
        try:
            validate(root, cache_dir or root / ".cache")
            return repaired
        except InputError as err:
            files = sorted({p.file for p in err.problems if p.severity == "error"})
        if not all(f.startswith("content/") for f in files):
            raise AssertionError("a copy of the project cannot be made valid:\n" + "\n".join(files))
        repaired += [_repair(root, rel, topic_ids(root)) for rel in files]
    raise AssertionError(f"a copy of the project cannot be made valid after repairing {repaired}")


def _repair(root: Path, rel: str, topics: list[str]) -> str:
    path = root / rel
    if rel.endswith(".po"):
        path.unlink(missing_ok=True)  # a missing catalog means "not translated", which is valid
    else:
        stem = Path(rel).stem
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"# Title\n\n[[figures {stem}]]\n" if stem in topics else MINIMAL_PAGE, encoding="utf-8")
    return rel


# --- a minimal dataset: one article, topic, source and statistic ------------------------------

ARTICLES = """\
- id: seed-a
  title: An article
  language: sv
  publisher: unknown
  url: unknown
"""
TOPICS = """\
- id: topic-a
  title: Topic A
  chart_title: Chart A
  order: 1
"""
SOURCE = """\
- id: source-a
  producer: Producer
  title: unknown
  year_published: 2018
  url: https://example.org/report
  method: survey
  sample_size: 100
  geography: Sweden
  population: adults
  via: [seed-a]
"""
STAT = """\
- id: stat-a
  source: source-a
  topic: topic-a
  year: 2018
  value: 50
  unit: percent
  population: adults
  sentence: "{value} of adults agree."
  label: Agree
  quote: Half agree.
  measure: share-of-respondents
  question: agree
"""
MEASURES = """\
- id: share-of-respondents
  unit: percent
  axis_label: Share of respondents
  description: Share of the people asked.
- id: average-extra-spend
  unit: percent
  axis_label: Average extra spend
  description: How much more people would spend.
"""


def write_minimal_stats(folder: Path, statistics: str = STAT, sources: str = SOURCE, measures: str = MEASURES,
                        units: str | None = None) -> Path:
    """A stats/ folder holding the minimal dataset (or other statistics, sources, measures or units text)."""
    folder.mkdir(parents=True)
    (folder / "measures.yaml").write_text(measures, encoding="utf-8")
    if units is not None:
        (folder / "units.yaml").write_text(units, encoding="utf-8")
    (folder / "articles.yaml").write_text(ARTICLES, encoding="utf-8")
    (folder / "topics.yaml").write_text(TOPICS, encoding="utf-8")
    (folder / "sources.yaml").write_text(sources, encoding="utf-8")
    (folder / "statistics.yaml").write_text(statistics, encoding="utf-8")
    return folder


# --- the `digest` command --------------------------------------------------------------------

def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the `digest` command as a user would, in a new process, capturing what they would see."""
    return subprocess.run([sys.executable, "-m", "digest.cli", "--root", str(root), *args],
                          cwd=root, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "scripts")})


def build(root: Path, site_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`digest build` in a new process: MkDocs in a child process, the site swapped in atomically."""
    args = ["build"] + (["--site-dir", str(site_dir)] if site_dir else [])
    return run_cli(root, *args)


@dataclass
class Result:
    """What a command printed and returned, like ``subprocess.CompletedProcess``."""

    returncode: int
    stdout: str
    stderr: str


def cli_in_process(root: Path, *args: str) -> Result:
    """The `digest` command's exit code and output, run in this process (no new Python: milliseconds)."""
    from digest.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["--root", str(root), *args])
        except SystemExit as exit_:  # argparse
            code = int(exit_.code or 0)
    return Result(code, out.getvalue(), err.getvalue())


# --- in process: the stages without MkDocs, and a whole build without a subprocess ------------

@pytest.fixture(scope="session")
def inputs(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201
    """The fixture digest's inputs, validated once (catalogs compiled into a scratch cache)."""
    from digest.lint import validate

    return validate(DIGEST, tmp_path_factory.mktemp("inputs-cache"))


def make_renderer(inputs: Any, lang: str, root: Path | None = None, updated: date | None = None):  # noqa: ANN201
    """One language's render stage over validated inputs; charts are planned, not drawn (no matplotlib)."""
    from digest.chart import Chart, chart_info, plan_charts
    from digest.render import Renderer, template_environment

    translator = inputs.translators[lang]
    plans = plan_charts(inputs.dataset, {lang: translator})
    charts = {p.spec.chart_id: Chart(p.spec, p.figures, Path("not-drawn.svg"), chart_info(p, inputs.dataset, translator))
              for p in plans}
    return Renderer(inputs.dataset, inputs.config, translator, charts, updated or date(2026, 1, 1), inputs.status,
                    template_environment(root))


def build_in_process(root: Path, site_dir: Path) -> Path:
    """``mkdocs build --strict`` of a project, in this process (as mkdocstrings' tests build)."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config as load_mkdocs_config

    config = load_mkdocs_config(str(root / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
    mkdocs_build(config)
    return site_dir


def once_per_run(tmp_path_factory: pytest.TempPathFactory, name: str, make: Callable[[Path], object]) -> Path:
    """A folder ``make`` fills once per test run, shared by every pytest-xdist worker.

    The first worker to ask makes it under a lock (in the run's common temporary folder, as
    pytest-xdist's documentation does it), the others wait and reuse it: a project is built
    once a run, not once per core. It is marked complete only after ``make`` returned, so a
    worker never sees half a folder; one whose ``make`` failed is made again by the next to ask.
    """
    base = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        base = base.parent
    folder, done = base / name, base / f"{name}.done"
    with open(base / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir()
                make(folder)
                done.touch()
        finally:  # explicitly: a process forked by ``make`` and still alive would otherwise hold the lock
            fcntl.flock(lock, fcntl.LOCK_UN)
    return folder


@pytest.fixture(scope="session")
def built_site(built_project: Path) -> Path:
    """The fixture digest built once (strict, in process) for all tests that read HTML."""
    return built_project.parent / "site"


@pytest.fixture(scope="session")
def shipped_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped digest built once a run (strict, in process): what its readers get (content tests)."""
    return once_per_run(tmp_path_factory, "shipped", lambda folder: build_in_process(SHIPPED, folder / "site")) / "site"


def page_paths(site: Path, lang: str, langs: tuple[str, ...] = LANGS) -> list[Path]:
    """Every page of one language in a built site (the default language's are at the root)."""
    base = site if lang == langs[0] else site / lang
    skip = {l for l in langs if l != lang} if lang == langs[0] else set()
    return sorted(p for p in base.rglob("index.html") if p.relative_to(base).parts[0] not in skip)


# --- warm scratch projects: validated or built once a session, copied per test ---

def copy_warm(template: Path, target: Path) -> Path:
    """A scratch copy of a warmed project (below), its ``.cache`` included."""
    shutil.copytree(template, target, symlinks=True)
    return target


@pytest.fixture(scope="session")
def validated_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A scratch copy of the project, validated once: never changed, only copied (``copy_warm``).

    Its ``.cache`` holds what a warm `digest validate` reuses: compiled catalogs (named by the
    sha256 of the ``.po`` and of the messages the dataset needs; hash-checked and loaded on read)
    and the allowlist's markers (empty files named by the sha256 of the prose and of the
    allowlist's code: they vouch only for those exact bytes). A copy with a file changed
    therefore checks that file, and what depends on it, in full.
    """
    from digest.lint import validate

    def make(folder: Path) -> None:
        validate(copy_project(folder / "project"), folder / "project" / ".cache")  # raises if it does not validate

    return once_per_run(tmp_path_factory, "validated", make) / "project"


@pytest.fixture(scope="session")
def built_project(validated_project: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``validated_project`` built once (strict, in process; the site next to it, ``built_site``): its
    ``.cache`` also holds every chart drawn (keyed by the sha256 of the chart's whole spec, parsed as SVG on
    read), the theme's compiled templates and the markers of published pages the allowlist passed. Never
    changed, only copied (``copy_warm``).
    """
    def make(folder: Path) -> None:
        build_in_process(copy_warm(validated_project, folder / "project"), folder / "site")

    return once_per_run(tmp_path_factory, "built", make) / "project"


# --- reading a built site: checks any digest's published pages must pass ---

class Page(HTMLParser):
    """The parts of a page the tests look at: ids, links, images, scripts, text."""

    def __init__(self, path: Path):
        super().__init__(convert_charrefs=True)
        self.path, self.ids, self.links, self.tags, self.text = path, set(), [], [], []
        self.html_lang = None
        self.feed(path.read_text(encoding="utf-8"))

    def handle_starttag(self, tag, attrs):  # noqa: ANN001
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_data(self, data):  # noqa: ANN001
        self.text.append(data)

    @property
    def body_text(self) -> str:
        return " ".join(self.text)


def resolve(page: Path, href: str, site: Path) -> tuple[Path, str] | None:
    """The file and fragment an internal link points to, or None for external links."""
    parts = urlsplit(href)
    if parts.scheme or href.startswith("//") or href.startswith("mailto:"):
        return None
    assert not parts.path.startswith("/"), f"absolute path {href}: the site must work at any address"
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if target.is_dir():
        target = target / "index.html"
    return target, parts.fragment


def broken_links(site: Path, pages: dict[Path, Page]) -> list[str]:
    """Every internal link to a file that does not exist or an anchor its page does not have."""
    broken = []
    for path, page in pages.items():
        for href in page.links:
            resolved = resolve(path, href, site)
            if resolved is None:
                continue
            target, fragment = resolved
            if not target.exists():
                broken.append(f"{path.relative_to(site)} → {href} (no file)")
            elif fragment and target.suffix == ".html" and fragment not in pages[target].ids:
                broken.append(f"{path.relative_to(site)} → {href} (no anchor)")
    return broken


def offsite_loads(pages: dict[Path, Page]) -> list[str]:
    """Every script, image, frame, style, font or icon a page would load from another host."""
    found = []
    for path, page in pages.items():
        for tag, attrs in page.tags:
            loads = tag in ("script", "img", "iframe") or (tag == "link" and attrs.get("rel") in
                                                           ("stylesheet", "preconnect", "preload", "icon"))
            found += [f"{path}: <{tag} {name}={attrs[name]}>" for name in ("src", "href")
                      if loads and name in attrs and re.match(r"(https?:)?//", attrs[name] or "")]
        if "fonts.googleapis" in path.read_text(encoding="utf-8"):
            found.append(f"{path}: fonts.googleapis")
    return found


def html_errors(site: Path) -> dict[str, list]:
    """html5lib's parse errors (the HTML standard's algorithm), the first three per page that has any."""
    import html5lib

    failures = {}
    for path in sorted(site.rglob("*.html")):
        parser = html5lib.HTMLParser(strict=False)
        parser.parse(path.read_bytes())
        if parser.errors:
            failures[str(path.relative_to(site))] = parser.errors[:3]
    return failures


# --- chart drawing set up once in this process ---

@pytest.fixture(scope="session")
def drawing_ready() -> None:
    """matplotlib set up in this process (``prepare_drawing``, as the preview server does), so the
    forked chart workers inherit it instead of each importing it again: the charts are the same bytes."""
    from digest.chart import prepare_drawing

    prepare_drawing()

