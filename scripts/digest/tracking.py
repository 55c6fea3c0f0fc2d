"""Page translation tracking: which version of its source-language page each translation follows.

Every translated page (``content/<lang>/…``, any language but the first one in
``site_config/digest.yaml``, which is the source language of the pages) records the
version of its source page it was translated from, as one line of front matter::

    ---
    source_hash: 3b18e512dba79e4c8300dd08aeb37f8e728b8dad
    ---

The value is the git blob id of the source page (``git hash-object content/sv/x.md``),
computed here without git. When the source page changes, its blob id no longer
matches and the translation is *outdated*; ``digest i18n reviewed content/da/x.md``
records the current one after the translator has brought the page up to date.

Why a hash in the page rather than git history (as Kubernetes' ``lsync`` script does):

- **It works without history.** CI checks out one commit (``fetch-depth: 1`` is the
  default), a translator may edit in GitHub's web editor or from a tarball, and a
  squash-merge or rebase rewrites the commits that history-based tools compare. The
  hash depends only on the files of the commit being built.
- **The site stays reproducible.** The notice on a stale page, and the status, follow
  from the checked-out files alone: the same commit builds the same site, whatever the
  clone depth or the date.
- **It records an act, not a time.** Git can say a Danish page was *touched* after the
  Swedish one; only the translator can say it was *brought up to date*. A typo fix in the
  Danish page does not make it current; running ``reviewed`` does.
- **It travels with the page** (renames, copies, cherry-picks) and two translators of one
  language never edit the same file, as they would with a central lock file.

And it keeps git's advantage: because the value is a git blob id, ``git diff OLD NEW``
with the recorded and the current id shows exactly what changed in the source page
whenever the repository's history is at hand (status prints that command).

Line endings are normalized to ``\\n`` before hashing, so a Windows checkout with
``core.autocrlf`` computes the id git stores.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal, Sequence

from .problems import InputError, Problem

FIELD = "source_hash"
"""The front-matter key holding the blob id of the source page a translation follows."""

State = Literal["current", "outdated", "untracked", "missing", "orphaned"]

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?P<body>(?:[^\n]*\n)*?)---[ \t]*(?:\r?\n|\Z)")
_FIELD_LINE = re.compile(rf"^{FIELD}[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$", re.M)
_BLOB_ID = re.compile(r"^[0-9a-f]{40}$")


def blob_id(data: bytes) -> str:
    """Git's blob id of a file's content (SHA-1 of ``blob <size>\\0`` + content), line endings normalized."""
    data = data.replace(b"\r\n", b"\n")
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def front_matter_span(text: str) -> tuple[int, int] | None:
    """Start and end offsets of the front matter's lines (between the ``---`` fences), or None."""
    match = _FRONT_MATTER.match(text)
    return (match.start("body"), match.end("body")) if match else None


def front_matter_lines(text: str) -> range:
    """1-based line numbers of the front matter, fences included (empty range if none)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return range(0)
    return range(1, text[: match.end()].rstrip("\n").count("\n") + 2)


def recorded_hash(text: str) -> str | None:
    """The ``source_hash`` a page records (stripped of quotes), or None if it records none."""
    span = front_matter_span(text)
    if span is None:
        return None
    found = _FIELD_LINE.search(text[span[0]:span[1]])
    return found.group("value").strip("'\"") if found else None


def with_hash(text: str, value: str) -> str:
    """The page with ``source_hash: value`` in its front matter (added, or replacing the old value)."""
    span = front_matter_span(text)
    line = f"{FIELD}: {value}"
    if span is None:
        return f"---\n{line}\n---\n\n{text}"
    body = text[span[0]:span[1]]
    if _FIELD_LINE.search(body):
        body = _FIELD_LINE.sub(line, body, count=1)
    else:
        body = body + line + "\n"
    return text[: span[0]] + body + text[span[1]:]


@dataclass(frozen=True)
class PageState:
    """Where one page of one language stands against its source-language page."""

    lang: str
    page: str  # relative to content/<lang>/, e.g. "topics/paying-more.md"
    source_lang: str
    state: State
    recorded: str | None = None
    current: str | None = None

    @property
    def path(self) -> str:
        return f"content/{self.lang}/{self.page}"

    @property
    def source_path(self) -> str:
        return f"content/{self.source_lang}/{self.page}"

    @property
    def stale(self) -> bool:
        """A page a reader sees that may say less or other than its source: the notice is shown."""
        return self.state in ("outdated", "untracked")

    def line(self) -> str:
        """One line for the terminal, starting with the path to open."""
        return f"{self.path}: {self.state} ({_EXPLAIN[self.state].format(source=self.source_path, path=self.path)})"

    def diff_command(self) -> str | None:
        """The git command showing what changed in the source since the recorded version."""
        if self.state != "outdated" or not self.recorded or not self.current:
            return None
        return f"git diff {self.recorded[:12]} {self.current[:12]}"


_EXPLAIN: dict[str, str] = {
    "current": "follows {source}",
    "outdated": "{source} changed since",
    "untracked": "no source_hash yet; compare it with {source}, then run `digest i18n reviewed` on it",
    "missing": "{source} has no translation yet",
    "orphaned": "no source page {source}; rename or remove it",
}


def source_pages(root: Path, source_lang: str) -> list[str]:
    """Pages of the source language, relative to its folder, sorted."""
    folder = root / "content" / source_lang
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.md") if p.is_file())


def page_states(root: Path, codes: Sequence[str], source_lang: str) -> list[PageState]:
    """Every page of every language other than the source: current, outdated, untracked, missing or orphaned."""
    sources = source_pages(root, source_lang)
    current = {page: blob_id((root / "content" / source_lang / page).read_bytes()) for page in sources}
    states = []
    for code in codes:
        if code == source_lang:
            continue
        folder = root / "content" / code
        translated = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.md") if p.is_file()) \
            if folder.is_dir() else []
        for page in sorted(set(sources) | set(translated)):
            if page not in current:
                states.append(PageState(code, page, source_lang, "orphaned"))
                continue
            if page not in translated:
                states.append(PageState(code, page, source_lang, "missing", None, current[page]))
                continue
            recorded = recorded_hash((folder / page).read_text(encoding="utf-8", errors="replace"))
            state: State = "untracked" if recorded is None else "current" if recorded == current[page] else "outdated"
            states.append(PageState(code, page, source_lang, state, recorded, current[page]))
    return states


def state_of(root: Path, lang: str, page: str, source_lang: str) -> PageState | None:
    """The state of one translated page (None for the source language or a page with no source)."""
    if lang == source_lang:
        return None
    source = root / "content" / source_lang / page
    target = root / "content" / lang / page
    if not source.is_file() or not target.is_file():
        return None
    current = blob_id(source.read_bytes())
    recorded = recorded_hash(target.read_text(encoding="utf-8", errors="replace"))
    state: State = "untracked" if recorded is None else "current" if recorded == current else "outdated"
    return PageState(lang, page, source_lang, state, recorded, current)


def exempt_line(text: str) -> int | None:
    """The line of a well-formed ``source_hash`` record, which prose lint must not read as a typed number."""
    value = recorded_hash(text)
    return field_line(text) if value is not None and _BLOB_ID.match(value) else None


def check_tracking(root: Path, codes: Sequence[str], source_lang: str) -> list[Problem]:
    """Malformed records: a ``source_hash`` that is not a blob id, or one on a source-language page."""
    problems = []
    for code in codes:
        folder = root / "content" / code
        for path in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
            text = path.read_text(encoding="utf-8", errors="replace")
            value = recorded_hash(text)
            if value is None:
                continue
            shown = f"content/{code}/{path.relative_to(folder).as_posix()}"
            line = field_line(text)
            if code == source_lang:
                problems.append(Problem(shown, line, None, FIELD, f"a page of the source language ({source_lang}) "
                                        f"follows no other page; remove the {FIELD} line"))
            elif not _BLOB_ID.match(value):
                problems.append(Problem(shown, line, None, FIELD, f"expected the 40 hexadecimal digits written by "
                                        f"`digest i18n reviewed {shown}` (got {value[:50]!r})"))
    return problems


def field_line(text: str) -> int | None:
    """1-based line of the ``source_hash`` field in the front matter, or None."""
    span = front_matter_span(text)
    if span is None:
        return None
    found = _FIELD_LINE.search(text, span[0], span[1])
    return text[: found.start()].count("\n") + 1 if found else None


def mark_reviewed(root: Path, paths: Iterable[str | Path], codes: Sequence[str], source_lang: str) -> list[str]:
    """Record, in each translated page, the current version of its source page; a line per page.

    Paths are given as a translator sees them: ``content/da/topics/x.md`` (relative to
    the project, or absolute). Every path is checked before any page is written.
    """
    targets, problems = [], []
    for given in paths:
        lang, page, problem = _split(root, Path(given), codes)
        if problem:
            problems.append(Problem(str(given), None, None, None, problem))
            continue
        source = root / "content" / source_lang / page
        if lang == source_lang:
            problems.append(Problem(str(given), None, None, None, f"this is a source-language page; "
                                    f"mark a translation instead, e.g. content/{_other(codes, source_lang)}/{page}"))
        elif not source.is_file():
            problems.append(Problem(str(given), None, None, None, f"no source page content/{source_lang}/{page}"))
        else:
            targets.append((root / "content" / lang / page, f"content/{lang}/{page}", blob_id(source.read_bytes())))
    if problems:
        raise InputError(problems)
    report = []
    for path, shown, value in targets:
        text = path.read_text(encoding="utf-8")
        if recorded_hash(text) == value:
            report.append(f"{shown}: already follows the current source page")
            continue
        path.write_text(with_hash(text, value), encoding="utf-8", newline="")
        report.append(f"{shown}: reviewed (follows source version {value[:12]})")
    return report


def mark_all_reviewed(root: Path, codes: Sequence[str], source_lang: str, only: Iterable[str] | None = None) -> list[str]:
    """Mark every existing translated page (of the ``only`` languages, if given) as following its source now."""
    wanted = set(only or codes)
    paths = [s.path for s in page_states(root, codes, source_lang)
             if s.lang in wanted and s.state in ("outdated", "untracked", "current")]
    return mark_reviewed(root, paths, codes, source_lang)


def _split(root: Path, given: Path, codes: Sequence[str]) -> tuple[str, str, str | None]:
    """(language, page under the language folder, problem) for a path the user typed."""
    if given.is_absolute():
        path = given
    else:  # as typed in the project folder; else relative to where the command runs
        path = root / given if (root / given).exists() or given.parts[:1] == ("content",) else Path.cwd() / given
    try:
        rel = path.resolve().relative_to((root / "content").resolve()).as_posix()
    except ValueError:
        return "", "", "expected a page under content/<lang>/, e.g. content/da/topics/paying-more.md"
    lang, _, page = rel.partition("/")
    if lang not in codes:
        return "", "", f"no language {lang!r} in site_config/digest.yaml"
    if not page.endswith(".md") or not path.is_file():
        return "", "", "no such page (expected an existing .md file)"
    return lang, page, None


def _other(codes: Sequence[str], source_lang: str) -> str:
    return next((code for code in codes if code != source_lang), "xx")
