"""Stage 0, guard: what a pull request may put in the inputs, checked before anything reads them.

Every file a pull request can change is hostile. Before MkDocs (or the load stage)
opens a single input file, ``validate`` and the build check here that

- the inputs (``mkdocs.yml``, ``content/``, ``stats/``, ``site_config/``) hold only
  regular files and folders: no symbolic link (MkDocs follows them, so
  ``content/sv/x.txt -> /proc/self/environ`` would publish the build's environment),
  no FIFO or device (reading one hangs or reads the machine). A link is reported by
  its own name only; its target is never opened, resolved or quoted;
- every file has a type allowed where it lives (:data:`ALLOWED`): under ``content/``
  pages, catalogs and raster images whose bytes are what the name says, never
  ``.html``, ``.svg`` or ``.js``, which MkDocs would publish as they are;
- no YAML config runs code or reads the environment: each file is scanned event by
  event (PyYAML's safe parser, which builds no object) and every tag outside YAML's
  core schema is refused — ``!!python/...``, MkDocs' ``!ENV`` and ``!relative``
  included; the allowlist of Python tags is empty (the one ``mkdocs.yml`` needed, the
  table of contents' slug function, is set by the digest plugin instead). Anchors and
  aliases are refused (an alias bomb is a few hundred bytes that expand to gigabytes),
  and so is nesting deeper than :data:`MAX_DEPTH`;
- ``mkdocs.yml`` loads no code from the repository: no ``hooks``, markdown extensions
  and plugins from an allowlist only, and the folders it names are the ones checked here.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath
from typing import Iterator

import yaml

from .problems import InputError, Problem

INPUT_FOLDERS = ("content", "stats", "site_config")
MKDOCS_CONFIG = "mkdocs.yml"
MAX_DEPTH = 20  # the deepest real input (mkdocs.yml's i18n languages) nests 7 levels
MAX_YAML_BYTES = 5_000_000

# Where a file lives → the types it may have. Images are checked against their magic bytes.
IMAGE_MAGIC: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".webp": (b"RIFF",),
}
ALLOWED: dict[str, frozenset[str]] = {
    "content": frozenset({".md", ".po", *IMAGE_MAGIC}),
    "stats": frozenset({".yaml", ".json"}),
    "site_config": frozenset({".yaml", ".html", ".css"}),
}

# YAML's core schema: plain data, nothing constructed by name.
CORE_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map"))
PYTHON_TAG_ALLOWLIST: frozenset[str] = frozenset()  # deliberately empty; see the module docstring

MKDOCS_KEYS = frozenset({
    "site_name", "site_description", "site_author", "site_url", "repo_url", "repo_name", "edit_uri", "copyright",
    "docs_dir", "site_dir", "use_directory_urls", "strict", "exclude_docs", "not_in_nav", "draft_docs",
    "validation", "theme", "extra_css", "extra", "markdown_extensions", "nav", "plugins",
})
MARKDOWN_EXTENSIONS = frozenset({
    "toc", "admonition", "tables", "footnotes", "def_list", "abbr", "sane_lists", "smarty",
    "pymdownx.details", "pymdownx.tabbed", "pymdownx.mark", "pymdownx.tilde", "pymdownx.caret",
})
PLUGINS = frozenset({"search", "i18n", "digest"})
FIXED_PATHS = {("docs_dir",): "content", ("theme", "custom_dir"): "site_config/overrides"}


def check_inputs(root: Path) -> list[Problem]:
    """Every problem with the shape of the inputs; an empty list means MkDocs may read them."""
    problems = list(_special_files(root))
    if problems:  # nothing is opened while a link or a device is among the inputs
        return problems
    problems += _file_types(root)
    if not problems:
        problems += _front_matter(root)
    for path in _config_files(root):
        problems += yaml_problems(path.read_bytes(), _shown(root, path))
    if not problems:
        problems += _mkdocs_options(root)
    return problems


def guard_inputs(root: Path) -> None:
    """Raise :class:`InputError` listing every problem :func:`check_inputs` finds."""
    problems = check_inputs(root)
    if problems:
        raise InputError(problems)


def _shown(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _special_files(root: Path) -> Iterator[Problem]:
    for name in (MKDOCS_CONFIG, *INPUT_FOLDERS):
        path = root / name
        if path.is_symlink():
            yield _link(name)
        elif name == MKDOCS_CONFIG and path.exists() and not path.is_file():
            yield Problem(name, None, None, None, "expected a regular file")
        elif name != MKDOCS_CONFIG and path.is_dir():
            yield from _walk(root, path)


def _walk(root: Path, folder: Path) -> Iterator[Problem]:
    """Depth-first, never following a link; os.scandir reports each entry's own type."""
    with os.scandir(folder) as entries:
        for entry in sorted(entries, key=lambda e: e.name):
            shown = _shown(root, Path(entry.path))
            if entry.is_symlink():
                yield _link(shown)
            elif entry.is_dir(follow_symlinks=False):
                yield from _walk(root, Path(entry.path))
            elif not entry.is_file(follow_symlinks=False):
                yield Problem(shown, None, None, None, "not a regular file (a FIFO, socket or device); remove it")


def _link(shown: str) -> Problem:
    return Problem(shown, None, None, None,
                   "is a symbolic link; links are refused in the inputs (they can publish files from outside "
                   "the repository): commit the file itself")


def _file_types(root: Path) -> list[Problem]:
    problems = []
    for folder, allowed in ALLOWED.items():
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            shown = _shown(root, path)
            suffix = path.suffix.lower()
            parts = PurePosixPath(shown).parts
            if suffix not in allowed:
                problems.append(Problem(shown, None, None, None, f"file type {suffix or '(none)'!r} is not allowed "
                                        f"under {folder}/; allowed: {', '.join(sorted(allowed))}"))
            elif folder == "content" and (suffix == ".po") != ("LC_MESSAGES" in parts):
                problems.append(Problem(shown, None, None, None,
                                        "catalogs (.po) belong in content/<lang>/LC_MESSAGES/, and only there"))
            elif suffix in IMAGE_MAGIC and not _image_bytes_match(path, suffix):
                problems.append(Problem(shown, None, None, None, f"the file's bytes are not a {suffix[1:]} image"))
    return problems


def _image_bytes_match(path: Path, suffix: str) -> bool:
    with path.open("rb") as handle:
        head = handle.read(16)
    if suffix == ".webp":
        return head.startswith(b"RIFF") and head[8:12] == b"WEBP"
    return head.startswith(IMAGE_MAGIC[suffix])


FRONT_MATTER_KEYS = frozenset({"title", "description", "source_hash"})  # source_hash: see tracking.py
_SOURCE_HASH = re.compile(r"^[0-9a-f]{40}$")
_YAML_FRONT_MATTER = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.DOTALL)  # as mkdocs.utils.meta
_META_LINE = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_UNSAFE_IN_TITLES = re.compile(r"[<>&\"`\x00-\x1f]")


def _front_matter(root: Path) -> list[Problem]:
    """Page metadata, read the way MkDocs reads it (YAML front matter, or MultiMarkdown
    ``key: value`` lines at the very top): only ``title`` and ``description``, as plain text,
    and the ``source_hash`` that translation tracking writes.

    ``template:`` would render a page with any theme template; titles go into the navigation
    and ``<title>`` of every page of the language without escaping.
    """
    problems = []
    folder = root / "content"
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
        shown = _shown(root, path)
        try:
            text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
        except UnicodeDecodeError:
            continue  # the page lint reports the encoding with its line
        match = _YAML_FRONT_MATTER.match(text)
        if match:
            shape = yaml_problems(match.group(1).encode("utf-8"), shown)
            if shape:
                problems += shape
                continue
            try:
                data = yaml.safe_load(match.group(1))
            except yaml.YAMLError:
                data = None
            if not isinstance(data, dict):
                problems.append(Problem(shown, 1, None, None, "front matter must be a mapping of `key: value`"))
                continue
            items = [(str(k), v, 1 + n) for n, (k, v) in enumerate(data.items(), start=1)]
        else:
            items = []
            for n, line in enumerate(text.split("\n"), start=1):
                meta = _META_LINE.match(line)
                if not line.strip() or not meta:
                    break
                items.append((meta["key"].lower(), meta["value"], n))
        for key, value, line in items:
            if key not in FRONT_MATTER_KEYS:
                problems.append(Problem(shown, line, None, key[:40], "page metadata key not allowed (MkDocs reads "
                                        f"`key: value` at the top of a page as metadata); allowed: "
                                        f"{', '.join(sorted(FRONT_MATTER_KEYS))}; start prose after a heading"))
            elif key == "source_hash":
                if not _SOURCE_HASH.match(str(value)):
                    problems.append(Problem(shown, line, None, key, "expected the 40-character id that "
                                            "`digest i18n reviewed` writes; do not edit it by hand"))
            elif not isinstance(value, str) or _UNSAFE_IN_TITLES.search(value):
                problems.append(Problem(shown, line, None, key, "expected plain text without < > & \" ` "
                                        "(it is published without escaping)"))
    return problems


def _config_files(root: Path) -> list[Path]:
    files = [root / MKDOCS_CONFIG] if (root / MKDOCS_CONFIG).is_file() else []
    folder = root / "site_config"
    return files + (sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml")) if folder.is_dir() else [])


_EVENT_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser: ten times faster


def yaml_problems(data: bytes, shown: str) -> list[Problem]:
    """Tags, anchors, aliases and depth of a YAML text, read as events: nothing is constructed.

    Used for config here and for the dataset by the load stage, before a loader sees the text.
    """
    if len(data) > MAX_YAML_BYTES:
        return [Problem(shown, None, None, None, f"file is larger than {MAX_YAML_BYTES // 1_000_000} MB")]
    problems: list[Problem] = []
    depth = 0
    try:
        for event in yaml.parse(data, Loader=_EVENT_LOADER):
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return [Problem(shown, line, None, None, "YAML anchors and aliases (`&name`, `*name`) are not "
                                "allowed; write each value out")]
            tag = getattr(event, "tag", None)
            if tag and tag != "!" and tag not in CORE_TAGS and tag not in PYTHON_TAG_ALLOWLIST:
                problems.append(Problem(shown, line, None, None, f"YAML tag {tag[:60]!r} is not allowed: "
                                        "configuration is plain data and runs no code"))
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    return problems + [Problem(shown, line, None, None,
                                               f"nested more than {MAX_DEPTH} levels deep")]
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        problems.append(Problem(shown, mark.line + 1 if mark else None, None, None,
                                f"YAML syntax: {err.problem or 'cannot be parsed'}"))
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as err:
        problems.append(Problem(shown, None, None, None, f"cannot be read as YAML: {str(err)[:100]}"))
    return problems


def _mkdocs_options(root: Path) -> list[Problem]:
    """What in mkdocs.yml could load code or read outside the checked folders."""
    path = root / MKDOCS_CONFIG
    if not path.is_file():
        return [Problem(MKDOCS_CONFIG, None, None, None, "file is missing")]
    config = yaml.safe_load(path.read_bytes())  # safe: the scan above refused every tag, alias and deep nesting
    if not isinstance(config, dict):
        return [Problem(MKDOCS_CONFIG, 1, None, None, "expected a mapping of MkDocs options")]
    problems = [Problem(MKDOCS_CONFIG, None, None, str(key)[:40],
                        "option not allowed here" + (" (hooks run Python files)" if key == "hooks" else ""))
                for key in config if key not in MKDOCS_KEYS]
    for keys, wanted in FIXED_PATHS.items():
        value: object = config
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        if value is not None and value != wanted:
            problems.append(Problem(MKDOCS_CONFIG, None, None, ".".join(keys), f"must be {wanted!r}"))
    for option, allowed in (("markdown_extensions", MARKDOWN_EXTENSIONS), ("plugins", PLUGINS)):
        for name in _names(config.get(option)):
            if name not in allowed:
                problems.append(Problem(MKDOCS_CONFIG, None, None, option,
                                        f"{name[:60]!r} is not allowed; allowed: {', '.join(sorted(allowed))}"))
    return problems


def _names(entries: object) -> list[str]:
    """Names in MkDocs' list-of-names-or-single-key-mappings form (or a plain mapping)."""
    if isinstance(entries, dict):
        return [str(k) for k in entries]
    if not isinstance(entries, list):
        return [] if entries is None else [repr(entries)]
    names = []
    for entry in entries:
        names += [str(k) for k in entry] if isinstance(entry, dict) else [str(entry)]
    return names
