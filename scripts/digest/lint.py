"""Stage 4, lint: every rule about the input files, run once per build — :func:`validate`.

``digest validate`` and the MkDocs plugin (through :func:`digest.pipeline.pipeline_for`)
call the same :func:`validate`, so what one accepts the other builds. It checks the
settings, the dataset, each language's catalog, and every page: pages may hold no
raw HTML, no non-http(s) link and no digit outside a shortcode (bar ordered-list
markers), and each shortcode must exist, take the right argument, name an id that
exists, and stand alone on its line when it is a block. Translations may hold no
digit outside a ``{placeholder}`` either (:func:`lint_catalogs`): a number typed
into a caveat would not follow an edit of the data, and quoted wordings with
numbers live in the dataset's ``fills``, shown as quotations.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Collection, Sequence

import yaml

from .allowlist import check_prose

from .catalogs import StatusReport, load_translators
from .chart import missing_fonts
from .config import DigestConfig, load_config
from .guard import check_inputs
from .load import Dataset, check_dataset
from .model import first_number_character, typed_digits
from .problems import InputError, Problem, errors_only
from .quotes import QuoteReport, check_quotes
from .shortcodes import REGISTRY, SHORTCODE, Argument
from .tracking import check_tracking, exempt_line
from .translate import Translator

MKDOCS_FILE = "mkdocs.yml"

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
    quotes: QuoteReport = field(default_factory=QuoteReport)

    def summary(self) -> str:
        """One line for ``digest validate`` and the build log: what was checked, what could not be."""
        return f"{self.dataset.summary()}; {self.quotes.summary()}"


def validate(root: Path, cache_dir: Path) -> Inputs:
    """Check settings, dataset, catalogs and pages; raise :class:`InputError` listing every problem.

    Catalogs are compiled on the way (into ``cache_dir``, by content hash), since
    compiling is where a catalog's problems show.
    """
    problems = check_inputs(root)  # links, file types, config tags, page metadata: before any input is read
    if errors_only(problems):
        raise InputError(problems)
    try:
        config: DigestConfig | None = load_config(root)
    except InputError as err:
        config, problems = None, list(err.problems)
    dataset, found = check_dataset(root / "stats", config.quotes.required if config else True)
    problems += found
    if config is not None:
        problems += check_mkdocs_yml(root, config)
    if config is None or dataset is None:
        raise InputError(problems)
    quote_problems, quotes = check_quotes(root, config, dataset)
    problems += quote_problems
    translators, status = {}, StatusReport([])
    try:
        translators, status = load_translators(root, config, dataset, cache_dir / "i18n")
    except InputError as err:
        problems += err.problems
    problems += lint_catalogs(root, config.codes)
    problems += lint_pages(root, dataset, config, cache_dir / "allowlist")
    problems += [Problem("site_config/digest.yaml", None, None, f"languages.{i}.font",
                         f"no font {lang.font!r} on this machine; install it, or choose one that is "
                         "(the engine ships NanumGothic; DejaVu Sans is the default)")
                 for i, lang in enumerate(config.languages) if lang.font in missing_fonts([lang.font])]
    if errors_only(problems):
        raise InputError(problems)
    return Inputs(config, dataset, translators, status, tuple(problems), quotes)


def lint_catalogs(root: Path, codes: Sequence[str]) -> list[Problem]:
    """Translations with a digit typed by hand, outside placeholders: one problem per entry.

    A plain scan of the ``.po`` lines (Babel's reader costs more than the rest of a warm
    validation); fuzzy and obsolete entries are skipped, since the page does not show them.
    """
    problems = []
    for code in codes:
        path = root / "content" / code / "LC_MESSAGES" / "digest.po"
        if path.exists():
            shown = f"content/{code}/LC_MESSAGES/digest.po"
            problems += [Problem(shown, line, None, "msgstr",
                                 f"number typed by hand in a translation ({found!r}); numbers come from "
                                 "placeholders such as {value}, quoted wordings from the dataset's fills; "
                                 "write other numbers as words")
                         for line, found in _typed_digits_in_translations(path.read_text(encoding="utf-8", errors="replace"))]
    return problems


def _typed_digits_in_translations(text: str) -> list[tuple[int, str]]:
    """(line, context) of each translated entry whose msgstr has a digit outside placeholders."""
    found: list[tuple[int, str]] = []
    fuzzy, field, start, parts, msgid = False, "", 0, [], ""

    def finish() -> None:
        if field == "msgstr" and parts and not fuzzy and msgid:  # msgid "" is the catalog's header
            context = typed_digits("".join(parts))
            if context is not None:
                found.append((start, context))

    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped:
            finish()
            fuzzy, field, parts, msgid = False, "", [], ""
        elif stripped.startswith("#,") and "fuzzy" in stripped:
            fuzzy = True
        elif stripped.startswith("#"):
            continue
        elif stripped.startswith(("msgid", "msgctxt", "msgstr")):
            finish()
            if field == "msgid":
                msgid = "".join(parts)
            field, start, parts = stripped.split(None, 1)[0].split("[")[0], number, []
            parts.append(_po_string(stripped.split(None, 1)[1] if " " in stripped else '""'))
        elif stripped.startswith('"'):
            parts.append(_po_string(stripped))
    finish()
    return found


def _po_string(quoted: str) -> str:
    try:
        return str(json.loads(quoted))
    except ValueError:
        return quoted


def expected_pages(config: DigestConfig) -> list[str]:
    """The pages each language must have written: the declared ones (topic pages are generated when missing)."""
    return config.hand_written_pages()


def lint_pages(root: Path, dataset: Dataset, config: DigestConfig, cache_dir: Path | None = None) -> list[Problem]:
    """Lint every page under content/ (each once); report pages missing in a language and undeclared languages.

    ``cache_dir`` keeps markers of prose the HTML allowlist already passed.
    """
    content = root / "content"
    problems = [Problem(f"content/{code}/{page}", None, None, None,
                        "page is missing; every language has the pages listed in `pages` of site_config/digest.yaml")
                for code in config.codes for page in expected_pages(config) if not (content / code / page).exists()]
    folders = sorted(p.name for p in content.iterdir() if p.is_dir()) if content.is_dir() else []
    problems += [Problem(f"content/{name}", None, None, None, f"no language {name!r} in site_config/digest.yaml "
                         f"(declared: {', '.join(config.codes)}); declare it there or remove the folder")
                 for name in folders if name not in config.codes]
    problems += [Problem(f"content/{path.relative_to(content).as_posix()}", None, None, None,
                         "pages belong in a language folder, content/<lang>/")
                 for path in sorted(content.glob("*.md"))]
    problems += [Problem(f"content/{path.relative_to(content).as_posix()}", None, path.stem, None,
                         f"no topic {path.stem!r} in stats/topics.yaml; rename the page or add the topic")
                 for code in config.codes for path in sorted((content / code / "topics").glob("*.md"))
                 if path.stem not in dataset.topics]
    known: dict[Argument, Collection[str]] = {}  # each kind's ids, computed once for all pages
    for path in sorted(content.rglob("*.md")):
        problems += lint_page(path.read_bytes(), f"content/{path.relative_to(content).as_posix()}", dataset, known,
                              cache_dir)
    return problems + check_tracking(root, config.codes, config.default.code)


def lint_page(data: bytes, shown: str, dataset: Dataset,
              known: dict[Argument, Collection[str]] | None = None, cache_dir: Path | None = None) -> list[Problem]:
    """Every problem of one page's bytes: encoding, prose and shortcodes (``known``: ids already computed)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        return [Problem(shown, line, None, None, "not valid UTF-8; save the page as UTF-8")]
    problems = lint_prose(text, shown) + check_references(text, shown, dataset, known)
    return problems or list(check_prose(text, shown, cache_dir))  # what the lines pass, the rendered prose must too


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
    if shortcode.empty is not None:  # before the id check: "no chart for this topic" says more than "unknown id"
        nothing = shortcode.empty(dataset, arg)
        if nothing:
            return nothing
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
    digit = first_number_character(prose)
    if digit is not None:
        problems.append(Problem(shown, lineno, None, "number",
                                f"number typed by hand ({prose[max(0, digit - 15):digit + 15].strip()!r}); "
                                "refer to a statistic with [[stat ID]] or write the number as a word"))
    return problems


# --- mkdocs.yml must not declare what site_config/digest.yaml declares ------------------

class _InspectLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Reads mkdocs.yml for inspection only: its ``!!python/…`` and ``!ENV`` tags become None."""


_InspectLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def check_mkdocs_yml(root: Path, config: DigestConfig) -> list[Problem]:
    """Settings of mkdocs.yml that would declare a second time what the digest declares once.

    The digest plugin derives these from site_config/digest.yaml; a second copy is how a
    site silently loses a language or a page, so each is an error naming where it belongs.
    """
    path = root / MKDOCS_FILE
    if not path.exists():
        return [Problem(MKDOCS_FILE, None, None, None, "file is missing; `digest new` writes one")]
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.load(text, Loader=_InspectLoader)  # noqa: S506 - a SafeLoader subclass that builds nothing
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        return [Problem(MKDOCS_FILE, mark.line + 1 if mark else None, None, None, f"cannot be read: {err}")]
    data = data if isinstance(data, dict) else {}
    theme = data.get("theme") if isinstance(data.get("theme"), dict) else {}
    plugins = _plugin_names(data.get("plugins"))
    derived = "derived from site_config/digest.yaml"
    repeated = [
        ("nav", "nav" in data, "the navigation is derived from `pages` in site_config/digest.yaml and the topics' "
                               "`order` in stats/topics.yaml"),
        ("site_url", "site_url" in data, f"it is {derived} (`site_url`)"),
        ("site_description", "site_description" in data, f"it is {derived} (each language's `site_description`)"),
        ("theme.language", "language" in theme, f"it is {derived} (each language's `locale`)"),
        ("plugins.i18n", "i18n" in plugins, "the digest plugin configures mkdocs-static-i18n itself, with the "
                                            "languages of site_config/digest.yaml"),
    ]
    problems = [Problem(MKDOCS_FILE, _line(text, name), None, name, f"remove `{name.split('.')[-1]}`: {why}")
                for name, present, why in repeated if present]
    if "digest" not in plugins:
        problems.append(Problem(MKDOCS_FILE, _line(text, "plugins"), None, "plugins",
                                "the `digest` plugin is missing from `plugins`"))
    if data.get("docs_dir", "docs") != "content":
        problems.append(Problem(MKDOCS_FILE, _line(text, "docs_dir"), None, "docs_dir",
                                "expected `docs_dir: content`: pages are in content/<lang>/"))
    return problems


def _plugin_names(plugins: object) -> list[str]:
    if isinstance(plugins, dict):
        return [str(name) for name in plugins]
    names: list[str] = []
    for item in plugins if isinstance(plugins, list) else []:
        names += [str(k) for k in item] if isinstance(item, dict) else [str(item)]
    return names


def _line(text: str, name: str) -> int | None:
    """Line of a (possibly nested: ``theme.language``, ``plugins.i18n``) setting, by its key's text."""
    key = name.split(".")[-1]
    match = re.search(rf"^\s*(?:- )?{re.escape(key)}\s*:?", text, flags=re.M)
    return text[: match.start()].count("\n") + 1 if match else None
