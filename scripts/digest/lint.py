"""Stage 4, lint: every rule about the input files, run once per build — :func:`validate`.

``digest validate`` and the MkDocs plugin (through :func:`digest.pipeline.pipeline_for`)
call the same :func:`validate`, so what one accepts the other builds. It checks the
settings, the dataset, each language's catalog, and every page: pages may hold no
raw HTML, no non-http(s) link and no digit outside a shortcode (bar ordered-list
markers), and each shortcode must exist, take the right argument, name an id that
exists, and stand alone on its line when it is a block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Collection, Sequence

from .catalogs import StatusReport, load_translators
from .config import DigestConfig, load_config
from .load import Dataset, check_dataset
from .problems import InputError, Problem, errors_only
from .shortcodes import REGISTRY, SHORTCODE, Argument
from .tracking import check_tracking, exempt_line
from .translate import Translator

PAGES = ("index.md", "good-and-bad-service.md", "sources.md", "about.md")  # plus topics/<id>.md

_OPEN = re.compile(r"\[\[")
_LIST_MARKER = re.compile(r"^\s{0,3}\d{1,3}[.)]\s")
_RAW_HTML = re.compile(r"<\s*[/!?a-zA-Z]")
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)")
_REFERENCE_DEFINITION = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*<?([^\s>]*)")
_SAFE_LINK = re.compile(r"^(https?://|#|[a-z0-9][a-z0-9_./-]*\.md(#[a-z0-9-]*)?$)", re.IGNORECASE)


@dataclass(frozen=True)
class Inputs:
    """The input files, read and checked: what every later stage starts from."""

    config: DigestConfig
    dataset: Dataset
    translators: dict[str, Translator]
    status: StatusReport
    warnings: tuple[Problem, ...]


def validate(root: Path, cache_dir: Path) -> Inputs:
    """Check settings, dataset, catalogs and pages; raise :class:`InputError` listing every problem.

    Catalogs are compiled on the way (into ``cache_dir``, by content hash), since
    compiling is where a catalog's problems show.
    """
    problems: list[Problem] = []
    try:
        config: DigestConfig | None = load_config(root)
    except InputError as err:
        config, problems = None, list(err.problems)
    dataset, found = check_dataset(root / "stats")
    problems += found
    if config is None or dataset is None:
        raise InputError(problems)
    translators, status = {}, StatusReport([])
    try:
        translators, status = load_translators(root, config, dataset, cache_dir / "i18n")
    except InputError as err:
        problems += err.problems
    problems += lint_pages(root, dataset, config.codes)
    if errors_only(problems):
        raise InputError(problems)
    return Inputs(config, dataset, translators, status, tuple(problems))


def expected_pages(dataset: Dataset) -> list[str]:
    """Every page each language must have: the fixed ones and one per topic."""
    return list(PAGES) + [f"topics/{topic.id}.md" for topic in dataset.topics_in_order]


def lint_pages(root: Path, dataset: Dataset, codes: Sequence[str]) -> list[Problem]:
    """Lint every page under content/ (each once), and report pages missing in a language."""
    content = root / "content"
    problems = [Problem(f"content/{code}/{page}", None, None, None, "page is missing; every language has the same pages")
                for code in codes for page in expected_pages(dataset) if not (content / code / page).exists()]
    known: dict[Argument, Collection[str]] = {}  # each kind's ids, computed once for all pages
    for path in sorted(content.rglob("*.md")):
        problems += lint_page(path.read_bytes(), f"content/{path.relative_to(content).as_posix()}", dataset, known)
    return problems + check_tracking(root, codes, codes[0]) if codes else problems


def lint_page(data: bytes, shown: str, dataset: Dataset,
              known: dict[Argument, Collection[str]] | None = None) -> list[Problem]:
    """Every problem of one page's bytes: encoding, prose and shortcodes (``known``: ids already computed)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return [Problem(shown, line, None, None, "not valid UTF-8; save the page as UTF-8")]
    return lint_prose(text, shown) + check_references(text, shown, dataset, known)


def check_references(markdown: str, shown: str, dataset: Dataset,
                     known: dict[Argument, Collection[str]] | None = None) -> list[Problem]:
    """Shortcodes that name an unknown id, lack one, or share a line with prose when they are blocks."""
    problems = []
    known = {} if known is None else known  # each kind's ids, computed once per page or per build
    for lineno, line in enumerate(markdown.split("\n"), start=1):
        for match in SHORTCODE.finditer(line):
            name, arg = match.group(1), match.group(2)
            problem = reference_problem(name, arg, dataset, known)
            if problem:
                problems.append(Problem(shown, lineno, arg, name, problem))
            elif REGISTRY[name].block and line.strip() != match.group(0):
                problems.append(Problem(shown, lineno, arg, name, f"`[[{name}]]` must stand alone on its line"))
    return problems


def reference_problem(name: str, arg: str | None, dataset: Dataset,
                      known: dict[Argument, Collection[str]] | None = None) -> str | None:
    """What is wrong with one shortcode's name or argument, if anything (``known`` caches each kind's ids)."""
    shortcode = REGISTRY.get(name)
    if shortcode is None:
        return f"unknown shortcode `{name}`; expected one of: {', '.join(REGISTRY)}"
    takes_arg = shortcode.argument is not Argument.NONE
    if takes_arg and not arg:
        return f"`[[{name} …]]` needs an id"
    if not takes_arg and arg:
        return f"`[[{name}]]` takes no id"
    known = {} if known is None else known
    if takes_arg and shortcode.argument not in known:
        known[shortcode.argument] = shortcode.argument.ids(dataset)
    if takes_arg and arg not in known[shortcode.argument]:
        return f"unknown id {arg!r} for `[[{name}]]`"
    return None


def lint_prose(markdown: str, shown: str) -> list[Problem]:
    """Digits, raw HTML, unsafe links and broken shortcodes in hand-written prose.

    Front matter is prose too: MkDocs puts its ``title`` into ``<title>`` and the
    navigation without escaping, so it passes the same checks.
    """
    problems = []
    record = exempt_line(markdown)  # the translation-tracking hash (see tracking.py) is not prose
    for lineno, line in enumerate(markdown.split("\n"), start=1):
        if line.strip() != "---" and lineno != record:
            problems += _lint_line(line, lineno, shown)
    return problems


def _lint_line(line: str, lineno: int, shown: str) -> list[Problem]:
    problems = []
    definition = _REFERENCE_DEFINITION.match(line)
    if definition and not _SAFE_LINK.match(definition.group(1)):
        problems.append(Problem(shown, lineno, None, "link",
                                f"link target {definition.group(1)[:50]!r} not allowed; use a page.md or an http(s) address"))
    prose = SHORTCODE.sub(" ", line)
    if _OPEN.search(prose) or "]]" in prose:
        problems.append(Problem(shown, lineno, None, "shortcode",
                                "malformed or unclosed shortcode; expected e.g. `[[stat some-id]]`"))
        prose = prose.replace("[[", " ").replace("]]", " ")
    prose = _LIST_MARKER.sub("", prose)
    for target in _LINK_TARGET.findall(prose):
        if not _SAFE_LINK.match(target):
            problems.append(Problem(shown, lineno, None, "link",
                                    f"link target {target[:50]!r} not allowed; use a page.md or an http(s) address"))
    prose = _REFERENCE_DEFINITION.sub("[]:", _LINK_TARGET.sub("](", prose))
    if _RAW_HTML.search(prose):
        problems.append(Problem(shown, lineno, None, "html", "raw HTML is not allowed in pages; use Markdown"))
    digit = re.search(r"\d", prose)
    if digit:
        problems.append(Problem(shown, lineno, None, "number",
                                f"number typed by hand ({prose[max(0, digit.start() - 15):digit.start() + 15].strip()!r}); "
                                "refer to a statistic with [[stat ID]] or write the number as a word"))
    return problems
