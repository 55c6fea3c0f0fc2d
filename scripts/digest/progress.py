"""Translation progress per language — catalog strings and pages — and what it means for publishing.

One report, three readers: the terminal (``digest i18n status``), the pull request's
job summary (Markdown appended to ``$GITHUB_STEP_SUMMARY``) and the publishing
decision (:func:`publishable`).

Progress is *reported*, never a reason to refuse a change: an editor's new figure
adds strings every language lacks until translators catch up, and the site shows
them in the source language with a visible mark meanwhile (the Weblate/Crowdin
model). What completeness decides is whether a *language* is published: each
language's ``publish_threshold`` in ``site_config/digest.yaml`` is the share of its
strings and pages that must be translated and current; below it, the language is
held back from the published site (a half-translated language confuses readers
more than a missing one), while previews still build it for its translators.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from .config import DigestConfig
from .catalogs import LanguageStatus
from .problems import Problem
from .tracking import PageState


@dataclass(frozen=True)
class LanguageProgress:
    """Strings and pages of one language."""

    code: str
    name: str
    strings: LanguageStatus
    pages: tuple[PageState, ...] = ()
    threshold: float = 0.0
    is_source: bool = False

    @property
    def pages_total(self) -> int:
        return sum(1 for p in self.pages if p.state != "orphaned")

    def pages_in(self, *states: str) -> list[PageState]:
        return [p for p in self.pages if p.state in states]

    @property
    def share(self) -> float:
        """Translated and current strings and pages, over all the language needs (1.0 when it needs nothing)."""
        done = self.strings.translated + len(self.pages_in("current"))
        total = self.strings.total + self.pages_total
        return done / total if total else 1.0

    @property
    def complete(self) -> bool:
        return self.strings.complete and self.pages_total == len(self.pages_in("current"))

    @property
    def published(self) -> bool:
        return self.is_source or self.share >= self.threshold


@dataclass(frozen=True)
class ProgressReport:
    languages: tuple[LanguageProgress, ...]
    problems: tuple[Problem, ...] = field(default=())  # broken catalogs: placeholders, syntax

    @property
    def complete(self) -> bool:
        return all(lang.complete for lang in self.languages)

    def stale_pages(self) -> list[PageState]:
        return [p for lang in self.languages for p in lang.pages if p.state != "current"]

    def as_text(self, listing: int = 20) -> str:
        """The table, then one line per page that needs work, then the strings that do."""
        lines = [f"{'lang':<5} {'strings:':<8} {'translated':>10} {'missing':>8} {'outdated':>9}   "
                 f"{'pages:':<6} {'current':>7} {'missing':>8} {'outdated':>9}   {'share':>6}  published"]
        for lang in self.languages:
            s = lang.strings
            lines.append(
                f"{lang.code:<5} {'':<8} {s.translated:>10} {len(s.missing):>8} {len(s.fuzzy):>9}   {'':<6} "
                f"{len(lang.pages_in('current')):>7} {len(lang.pages_in('missing')):>8} "
                f"{len(lang.pages_in('outdated', 'untracked')):>9}   {lang.share:>6.1%}  {_published_word(lang)}")
        stale = self.stale_pages()
        if stale:
            lines.append("")
            lines.append("pages:")
            for page in stale:
                lines.append(page.line())
                command = page.diff_command()
                if command:
                    lines.append(f"    what changed (needs the repository's history): {command}")
            lines.append("After bringing a page up to date: digest i18n reviewed PATH")
        strings = [(lang.code, label, items) for lang in self.languages
                   for label, items in (("missing", lang.strings.missing), ("outdated", lang.strings.fuzzy)) if items]
        if strings:
            lines.append("")
            lines.append("strings (edit content/<lang>/LC_MESSAGES/digest.po):")
        for code, label, items in strings:
            for msgid in items[:listing]:
                lines.append(f"  {code} {label}: {msgid[:100]}")
            if len(items) > listing:
                lines.append(f"  {code} {label}: … and {len(items) - listing} more")
        return "\n".join(lines)

    def as_markdown(self) -> str:
        """The job summary of a pull request: a table per language and the pages that need work."""
        out = ["## Translation status", "",
               "Reported, not enforced: untranslated text is shown in the source language with a visible mark. "
               "A language below its `publish_threshold` (`site_config/digest.yaml`) is left out of the "
               "published site.", "",
               "| language | strings translated | strings missing | strings outdated | pages current "
               "| pages missing | pages outdated | share | threshold | published |",
               "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
        for lang in self.languages:
            s = lang.strings
            out.append(f"| {lang.name} (`{lang.code}`) | {s.translated} | {len(s.missing)} | {len(s.fuzzy)} "
                       f"| {len(lang.pages_in('current'))} | {len(lang.pages_in('missing'))} "
                       f"| {len(lang.pages_in('outdated', 'untracked'))} | {lang.share:.1%} "
                       f"| {'source' if lang.is_source else f'{lang.threshold:.0%}'} | {_published_word(lang)} |")
        stale = self.stale_pages()
        out += ["", "### Pages that need a translator" if stale else "No page needs a translator.", ""]
        out += [f"- `{page.path}`: {page.line().split(': ', 1)[1]}" for page in stale]
        if self.problems:
            out += ["", "### Broken catalog entries (these fail validation)", ""]
            out += [f"- `{problem}`" for problem in self.problems]
        return "\n".join(out) + "\n"


def _published_word(lang: LanguageProgress) -> str:
    if lang.is_source:
        return "yes (source)"
    return "yes" if lang.published else f"no (below {lang.threshold:.0%})"


def build_report(config: DigestConfig, strings: Sequence[LanguageStatus], pages: Sequence[PageState],
                 problems: Sequence[Problem] = ()) -> ProgressReport:
    """Combine the catalogs' status and the pages' states, per configured language."""
    source = config.default.code
    by_code = {s.code: s for s in strings}
    languages = []
    for lang in config.languages:
        if lang.code not in by_code:
            continue
        languages.append(LanguageProgress(
            lang.code, lang.name, by_code[lang.code], tuple(p for p in pages if p.lang == lang.code),
            lang.publish_threshold, lang.code == source))
    return ProgressReport(tuple(languages), tuple(problems))


def publishable(report: ProgressReport) -> list[str]:
    """Codes of the languages the published site includes (the source language always)."""
    return [lang.code for lang in report.languages if lang.published]


def collect(root: Path, only: Sequence[str] | None = None) -> ProgressReport:
    """Read config, dataset, catalogs and pages under ``root`` and report on the ``only`` languages (default: all).

    Raises InputError if a catalog cannot be read; placeholder mismatches are collected
    in ``problems`` (they would fail the build) rather than counted as translated.
    """
    from .config import load_config
    from .catalogs import build_template, catalog_path, check_catalog, read_status
    from .load import load_dataset
    from .tracking import page_states

    config = load_config(root)
    dataset = load_dataset(root / "stats", config.quotes.required)
    template = build_template(dataset, config)
    strings = read_status(root, config, dataset, template, only).languages
    problems: list[Problem] = []
    for lang in config.languages:
        path = catalog_path(root, lang.code)
        if lang.code in {s.code for s in strings} and path.exists():
            problems += check_catalog(path, lang, template)[1]
    pages = page_states(root, config.codes, config.default.code)
    return build_report(config, strings, pages, problems)
