"""Catalog upkeep: check, compile, update and report the gettext catalogs.

The catalogs live under ``content/<lang>/LC_MESSAGES/digest.po``; looking strings
up at build time is :mod:`digest.translate`'s job, this module makes and checks
what it reads.

Message ids are the canonical English strings (statistic sentences and labels,
topic titles, caveats, source notes, and the interface strings marked with
``N_`` in the code). Translators use the tools they know on the ``.po`` files;
``digest i18n update`` keeps them in step with the dataset (new strings added,
changed ones fuzzy, removed ones obsolete). A fuzzy or empty entry is *not*
used: the page shows the English text with a visible "not yet translated" mark.

Compiled ``.mo`` files are cached under ``.cache/i18n`` by the hash of their
``.po``, so a build reads each catalog once, however many pages use it.
"""

from __future__ import annotations

import functools
import gettext
import hashlib
import json
import re
import string
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path
from typing import Iterable, Iterator

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po

from .config import DigestConfig, Language
from .load import Dataset
from .problems import InputError, Problem
from .translate import Translator

DOMAIN = "digest"
_FIXED_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)  # keeps catalog headers from churning in diffs


def catalog_path(root: Path, code: str) -> Path:
    """Where a language's catalog lives: beside its pages, so translators find both in one folder."""
    return root / "content" / code / "LC_MESSAGES" / f"{DOMAIN}.po"


# --- template: every translatable string, from data and code -----------------------

def dataset_messages(dataset: Dataset) -> Iterator[tuple[str, str]]:
    """(message id, translator comment) for every string of the dataset a reader sees."""
    for topic in dataset.topics_in_order:
        yield topic.title, f"topic {topic.id}: page title"
        yield topic.chart_title, f"topic {topic.id}: chart title"
    for stat in dataset.statistics.values():
        yield stat.sentence, f"statistic {stat.id}: sentence; keep {{value}} where the figure goes"
        yield stat.label, f"statistic {stat.id}: short chart label"
        if stat.caveat:
            yield stat.caveat, f"statistic {stat.id}: caveat"
    for source in dataset.sources.values():
        for name in ("method", "geography", "population", "note"):
            text = getattr(source, name)
            if text and text != "unknown":
                yield text, f"source {source.id}: {name}"
        if source.fieldwork:
            yield source.fieldwork, f"source {source.id}: fieldwork"
    for article in dataset.articles.values():
        if article.note:
            yield article.note, f"article {article.id}: note"


def code_messages() -> Iterator[tuple[str | tuple[str, str], str, int]]:
    """Strings marked with ``N_``/``NP_`` in the generator's code, with file and line."""
    return iter(_code_messages())


@functools.lru_cache(maxsize=1)
def _code_messages() -> tuple[tuple[str | tuple[str, str], str, int], ...]:
    """Extracted once per process: the code does not change while it runs, and parsing it costs a third of a second."""
    package = Path(__file__).parent
    keywords = {"N_": None, "NP_": (1, 2)}
    return tuple((message, filename, lineno) for filename, lineno, message, _comments, _context in extract_from_dir(
        str(package), method_map=[("**.py", "python")], keywords=keywords))


def build_template(dataset: Dataset) -> Catalog:
    """Every string a reader may see, from the code and the dataset: what each catalog must translate."""
    template = Catalog(domain=DOMAIN, project="customer-service-digest", creation_date=_FIXED_DATE,
                       revision_date=_FIXED_DATE, fuzzy=False)
    for message, filename, lineno in code_messages():
        template.add(message, locations=[(f"scripts/digest/{filename}", lineno)])
    for message_id, comment in dataset_messages(dataset):
        existing = template.get(message_id)
        if existing is not None:
            existing.auto_comments.append(comment)
        else:
            template.add(message_id, auto_comments=[comment])
    for message in template:
        message.flags.discard("python-format")  # "74 % of" is prose, not a %-format string
    return template


# --- update --------------------------------------------------------------------------

def update_catalogs(root: Path, config: DigestConfig, dataset: Dataset, only: Iterable[str] | None = None) -> list[str]:
    """Bring each language's catalog in step with the template; return a line per language."""
    template = build_template(dataset)
    report = []
    for lang in _selected(config, only):
        path = catalog_path(root, lang.code)
        catalog = _read(path, lang) if path.exists() else _new_catalog(lang)
        catalog.update(template, no_fuzzy_matching=False, update_header_comment=False)
        for message in catalog:
            message.flags.discard("python-format")
        catalog.creation_date = catalog.revision_date = _FIXED_DATE
        catalog.fuzzy = False
        path.parent.mkdir(parents=True, exist_ok=True)
        buffer = BytesIO()
        write_po(buffer, catalog, width=0, omit_header=False, include_previous=True, sort_output=False,
                 include_lineno=False)
        path.write_bytes(buffer.getvalue())
        report.append(f"{lang.code}: {path.relative_to(root)} updated ({len(catalog)} strings)")
    return report


def _new_catalog(lang: Language) -> Catalog:
    return Catalog(locale=_babel_locale(lang), domain=DOMAIN, project="customer-service-digest", version="1",
                   copyright_holder="customer-service-digest contributors", msgid_bugs_address="",
                   language_team=f"{lang.name} <{lang.code}>", fuzzy=False,
                   header_comment=f"# {lang.name} translation of the customer service digest.\n"
                                  "# Edit msgstr lines only; see CONTRIBUTING.md.")


def _selected(config: DigestConfig, only: Iterable[str] | None) -> list[Language]:
    wanted = set(only or config.codes)
    unknown = wanted - set(config.codes)
    if unknown:
        raise InputError([Problem("site_config/digest.yaml", None, None, "languages", f"no language {code!r}")
                          for code in sorted(unknown)])
    return [lang for lang in config.languages if lang.code in wanted]


def _babel_locale(lang: Language) -> str:
    return lang.locale.split("_")[0] if lang.code != "no" else "nb"


_PO_LINE = re.compile(r'^(?:#.*|\s*|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+"(?:[^"\\]|\\.)*"\s*|"(?:[^"\\]|\\.)*"\s*)$')


def _read(path: Path, lang: Language) -> Catalog:
    """Parse a catalog, refusing what Babel's lenient reader would silently garble."""
    shown = "content/" + path.as_posix().split("content/", 1)[-1]
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise InputError([Problem(shown, line, None, None, "not valid UTF-8; save the catalog as UTF-8")]) from None
    bad = [Problem(shown, n, None, None, "not a PO line: expected a comment, a keyword with a \"quoted string\", "
                   "or a \"quoted\" continuation") for n, line in enumerate(text.split("\n"), 1) if not _PO_LINE.match(line)]
    if bad:
        raise InputError(bad)
    try:
        return read_po(BytesIO(data), locale=_babel_locale(lang), domain=DOMAIN, abort_invalid=True)
    except (PoFileError, ValueError) as err:
        line = getattr(err, "lineno", None)
        raise InputError([Problem(shown, line, None, None, f"cannot read catalog: {err}")]) from None


def placeholders(text: str) -> list[str] | None:
    """The replacement fields of a format string, as ``str.format`` sees them; None if it cannot parse."""
    try:
        return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name is not None)
    except ValueError:
        return None


# --- status ----------------------------------------------------------------------------

@dataclass
class LanguageStatus:
    code: str
    translated: int = 0
    missing: list[str] = field(default_factory=list)
    fuzzy: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.translated + len(self.missing) + len(self.fuzzy)

    @property
    def complete(self) -> bool:
        return not self.missing and not self.fuzzy


@dataclass
class StatusReport:
    languages: list[LanguageStatus]

    @property
    def complete(self) -> bool:
        return all(lang.complete for lang in self.languages)

    def as_text(self, listing: int = 20) -> str:
        lines = [f"{'lang':<5} {'translated':>10} {'missing':>8} {'outdated':>9}"]
        for lang in self.languages:
            lines.append(f"{lang.code:<5} {lang.translated:>10} {len(lang.missing):>8} {len(lang.fuzzy):>9}"
                         + ("  complete" if lang.complete else ""))
        for lang in self.languages:
            for label, items in (("missing", lang.missing), ("outdated", lang.fuzzy)):
                for msgid in items[:listing]:
                    lines.append(f"  {lang.code} {label}: {msgid[:100]}")
                if len(items) > listing:
                    lines.append(f"  {lang.code} {label}: … and {len(items) - listing} more")
        return "\n".join(lines)


def status(root: Path, config: DigestConfig, dataset: Dataset, only: Iterable[str] | None = None) -> StatusReport:
    """Count, per language, what the current template needs and the catalog provides."""
    template = build_template(dataset)
    result = []
    for lang in _selected(config, only):
        path = catalog_path(root, lang.code)
        catalog = _read(path, lang) if path.exists() else Catalog(locale=_babel_locale(lang))
        result.append(_language_status(lang.code, template, catalog))
    return StatusReport(result)


def _language_status(code: str, template: Catalog, catalog: Catalog) -> LanguageStatus:
    report = LanguageStatus(code)
    for wanted in template:
        if not wanted.id:
            continue
        message = catalog.get(wanted.id)
        shown = wanted.id if isinstance(wanted.id, str) else wanted.id[0]
        if message is None or not _has_translation(message):
            report.missing.append(shown)
        elif message.fuzzy:
            report.fuzzy.append(shown)
        else:
            report.translated += 1
    return report


def _has_translation(message: Message) -> bool:
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return bool(strings) and all(strings)


# --- check and compile -----------------------------------------------------------

def check_catalog(path: Path, lang: Language, template: Catalog) -> tuple[Catalog, list[Problem]]:
    """Read a catalog and find what would break a page: placeholders and unknown ids."""
    catalog = _read(path, lang)
    shown = f"content/{lang.code}/LC_MESSAGES/{path.name}"
    lines = path.read_text(encoding="utf-8").split("\n")
    problems = []
    for message in catalog:
        if not message.id or message.fuzzy or not _has_translation(message):
            continue
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        if template.get(message.id) is None:
            problems.append(Problem(shown, message.lineno, None, "msgid",
                                    f"unknown message id {msgid[:60]!r}; run `digest i18n update` to mark it obsolete"))
            continue
        wanted = placeholders(msgid if isinstance(message.id, str) else message.id[1]) or []
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            got = placeholders(text)
            if got is None:
                problems.append(Problem(shown, msgstr_line(lines, message.lineno), None, "msgstr",
                                        f"unbalanced braces in the translation of {msgid[:50]!r}; "
                                        f"keep exactly {wanted or 'no placeholders'}"))
            elif set(got) != set(wanted):
                problems.append(Problem(shown, msgstr_line(lines, message.lineno), None, "msgstr",
                                        f"placeholders {got or 'none'} do not match the original's "
                                        f"{wanted or 'none'} in {msgid[:50]!r}"))
    return catalog, problems


def msgstr_line(lines: list[str], msgid_line: int | None) -> int | None:
    """The line of the ``msgstr`` that follows a ``msgid`` (Babel reports the latter): where a translator edits."""
    if msgid_line is None:
        return None
    for number in range(msgid_line, len(lines) + 1):
        if lines[number - 1].startswith("msgstr"):
            return number
    return msgid_line


def load_translators(root: Path, config: DigestConfig, dataset: Dataset, cache_dir: Path
                     ) -> tuple[dict[str, Translator], StatusReport]:
    """Check and compile every catalog (cached by content hash); raise on any problem.

    The status of each language is computed while compiling and cached beside the
    ``.mo``, so a build never parses an unchanged ``.po`` again.
    """
    template = build_template(dataset)
    template_key = hashlib.sha256("\n".join(sorted(str(m.id) for m in template)).encode()).hexdigest()
    translators, statuses, problems = {}, [], []
    for lang in config.languages:
        path = catalog_path(root, lang.code)
        if not path.exists():
            translators[lang.code] = Translator(lang, gettext.NullTranslations())
            statuses.append(_language_status(lang.code, template, Catalog(locale=_babel_locale(lang))))
            continue
        key = hashlib.sha256(path.read_bytes() + template_key.encode()).hexdigest()[:20]
        mo_path = cache_dir / f"{lang.code}-{key}.mo"
        status_path = mo_path.with_suffix(".status.json")
        if not (mo_path.exists() and status_path.exists()):
            catalog, found = check_catalog(path, lang, template)
            problems += found
            if found:
                continue
            mo_path.parent.mkdir(parents=True, exist_ok=True)
            buffer = BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            mo_path.write_bytes(buffer.getvalue())
            status_path.write_text(json.dumps(asdict(_language_status(lang.code, template, catalog))), encoding="utf-8")
        with mo_path.open("rb") as handle:
            translators[lang.code] = Translator(lang, gettext.GNUTranslations(handle), key=mo_path.stem)
        statuses.append(LanguageStatus(**json.loads(status_path.read_text(encoding="utf-8"))))
    if problems:
        raise InputError(problems)
    return translators, StatusReport(statuses)
