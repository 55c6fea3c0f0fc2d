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
from typing import Iterable, Iterator, Mapping

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po, write_po

from .cache import read_entry, write_entry
from .config import INTERFACE_LANGUAGE, DigestConfig, Language
from .load import Dataset, engine_units
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
    for measure in dataset.measures.values():
        yield measure.axis_label, f"measure {measure.id}: chart axis label ({measure.description})"
    for topic in dataset.topics_in_order:
        yield topic.title, f"topic {topic.id}: page title"
        yield topic.chart_title, f"topic {topic.id}: chart title"
    for stat in dataset.statistics.values():
        fills = _fills_comment(stat.fills)
        yield stat.sentence, f"statistic {stat.id}: sentence; keep {{value}} where the figure goes{fills}"
        yield stat.label, f"statistic {stat.id}: short chart label"
        if stat.caveat:
            yield stat.caveat, f"statistic {stat.id}: caveat{fills}"
        if stat.primary and stat.primary.note:
            yield stat.primary.note, (f"statistic {stat.id}: note on the primary source; {{value}} is the article's "
                                      f"figure, {{primary_value}} the primary source's{fills}")
    for source in dataset.sources.values():
        fills = _fills_comment(source.fills)
        for name in ("method", "geography", "population", "note"):
            text = getattr(source, name)
            if text and text != "unknown":
                yield text, f"source {source.id}: {name}{fills}"
        if source.fieldwork:
            yield source.fieldwork, f"source {source.id}: fieldwork{fills}"
    for article in dataset.articles.values():
        if article.note:
            yield article.note, f"article {article.id}: note{_fills_comment(article.fills)}"


def _fills_comment(fills: dict) -> str:
    """What each placeholder stands for, so a translator can build the sentence around it."""
    if not fills:
        return ""
    shown = []
    for name, fill in fills.items():
        what = {"quote": "a quotation, kept in its language", "figure": f"the value of figure {fill.figure}",
                "year": "a year", "date": "a date", "number": "a number", "name": "a proper name"}[fill.kind]
        example = f": {getattr(fill, fill.kind)}" if fill.kind in ("quote", "name") else ""
        shown.append(f"{{{name}}} is {what}{example}")
    return "; " + "; ".join(shown)


def code_messages() -> Iterator[tuple[str | tuple[str, str], str, int]]:
    """Strings marked with ``N_``/``NP_`` in the generator's code, with file and line."""
    return iter(_code_messages())


@functools.lru_cache(maxsize=1)
def _code_messages() -> tuple[tuple[str | tuple[str, str], str, int], ...]:
    """Extracted once per process: the code does not change while it runs, and parsing it costs a third of a second."""
    package = Path(__file__).parent
    keywords = {"N_": None, "NP_": (1, 2)}
    found = []
    for path in sorted(package.rglob("*.py")):  # only modules that mark strings: parsing the others is waste
        if b"N_(" not in path.read_bytes():
            continue
        filename = path.relative_to(package).as_posix()
        found += [(message, filename, lineno) for lineno, message, _comments, _context
                  in extract_from_file("python", str(path), keywords=keywords)]
    return tuple(found)


def config_messages(config: DigestConfig) -> Iterator[tuple[str, str]]:
    """(message id, comment) for the declaration's texts a reader sees: the dataset's name and description."""
    yield config.dataset.name, "site_config/digest.yaml: dataset.name"
    yield config.dataset.description, "site_config/digest.yaml: dataset.description"


def unit_messages(dataset: Dataset) -> Iterator[tuple[str | tuple[str, str], str, bool]]:
    """(message id, comment, from the engine?) for every unit's words: plural forms and axis labels."""
    engine = set(engine_units())
    for unit in dataset.units.values():
        where = "units.yaml" if unit.id in engine else "stats/units.yaml"
        if unit.forms:
            yield unit.forms, f"{where}: unit {unit.id}: singular and plural; keep {{n}}", unit.id in engine
        if unit.chart and unit.chart.axis:
            yield unit.chart.axis, f"{where}: unit {unit.id}: chart axis label", unit.id in engine


@dataclass(frozen=True)
class Template:
    """Every string a reader may see, and the language each is written in.

    The code's strings (``N_``) and the engine's unit words are English; the dataset's
    and the declaration's are in the digest's ``source_language``. A language needs a
    translation only of what is not written in it.
    """

    catalog: Catalog
    origins: Mapping[object, frozenset[str]]

    def needed_by(self, lang: Language) -> Catalog:
        """The messages ``lang`` must translate (none, for a language that speaks every origin)."""
        needed = Catalog(domain=DOMAIN, project=self.catalog.project, creation_date=_FIXED_DATE,
                         revision_date=_FIXED_DATE, fuzzy=False)
        for message in self.catalog:
            if message.id and not any(lang.speaks(origin) for origin in self.origins[_key(message.id)]):
                needed[message.id] = message
        return needed

    def native_to(self, lang: Language) -> frozenset[str]:
        """Message ids (singulars of plurals) shown as written in ``lang``, with no mark."""
        return frozenset(_singular(m.id) for m in self.catalog if m.id and
                         any(lang.speaks(origin) for origin in self.origins[_key(m.id)]))

    def written_in(self, source_language: str) -> dict[str, str]:
        """Message id (singular) -> the language it is written in; the source language where it is one of several."""
        return {_singular(m.id): source_language if source_language in self.origins[_key(m.id)]
                else min(self.origins[_key(m.id)]) for m in self.catalog if m.id}

    def __iter__(self) -> Iterator[Message]:
        return iter(self.catalog)

    def get(self, message_id: object) -> Message | None:
        return self.catalog.get(message_id)


def _key(message_id: object) -> object:
    return message_id if isinstance(message_id, str) else tuple(message_id)  # type: ignore[arg-type]


def _singular(message_id: object) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]  # type: ignore[index]


def build_template(dataset: Dataset, config: DigestConfig) -> Template:
    """Every string a reader may see, from the code, the units, the declaration and the dataset."""
    template = Catalog(domain=DOMAIN, project=config.project, creation_date=_FIXED_DATE,
                       revision_date=_FIXED_DATE, fuzzy=False)
    origins: dict[object, set[str]] = {}

    def add(message_id: str | tuple[str, str], origin: str, comment: str | None = None,
            location: tuple[str, int] | None = None) -> None:
        existing = template.get(message_id)
        if existing is None:
            template.add(message_id, locations=[location] if location else [],
                         auto_comments=[comment] if comment else [])
        elif comment:
            existing.auto_comments.append(comment)
        origins.setdefault(_key(message_id), set()).add(origin)

    for message, filename, lineno in code_messages():
        add(message, INTERFACE_LANGUAGE, location=(f"scripts/digest/{filename}", lineno))
    for message, comment, from_engine in unit_messages(dataset):
        add(message, INTERFACE_LANGUAGE if from_engine else config.source_language, comment)
    for message, comment in config_messages(config):
        add(message, config.source_language, comment)
    for message, comment in dataset_messages(dataset):
        add(message, config.source_language, comment)
    for message in template:
        message.flags.discard("python-format")  # "74 % of" is prose, not a %-format string
    return Template(template, {key: frozenset(value) for key, value in origins.items()})


# --- update --------------------------------------------------------------------------

def update_catalogs(root: Path, config: DigestConfig, dataset: Dataset, only: Iterable[str] | None = None) -> list[str]:
    """Bring each language's catalog in step with the template; return a line per language."""
    template = build_template(dataset, config)
    report = []
    for lang in _selected(config, only):
        path = catalog_path(root, lang.code)
        needed = template.needed_by(lang)
        if not len(needed) and not path.exists():
            report.append(f"{lang.code}: no catalog needed (everything is written in {lang.language})")
            continue
        catalog = _read(path, lang) if path.exists() else _new_catalog(lang, config)
        catalog.update(needed, no_fuzzy_matching=False, update_header_comment=False)
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


def _new_catalog(lang: Language, config: DigestConfig) -> Catalog:
    return Catalog(locale=_babel_locale(lang), domain=DOMAIN, project=config.project, version="1",
                   copyright_holder=f"{config.project} contributors", msgid_bugs_address="",
                   language_team=f"{lang.name} <{lang.code}>", fuzzy=False,
                   header_comment=f"# {lang.name} translation of {config.project}.\n"
                                  "# Edit msgstr lines only; see CONTRIBUTING.md.")


def _selected(config: DigestConfig, only: Iterable[str] | None) -> list[Language]:
    wanted = set(only or config.codes)
    unknown = wanted - set(config.codes)
    if unknown:
        raise InputError([Problem("site_config/digest.yaml", None, None, "languages", f"no language {code!r}")
                          for code in sorted(unknown)])
    return [lang for lang in config.languages if lang.code in wanted]


def _babel_locale(lang: Language) -> str:
    """The catalog's language: the locale's language (``nb`` for ``nb_NO``), whose plural rules it uses."""
    return lang.language


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
    """The replacement fields of a format string, as ``str.format`` sees them; None if it cannot parse.

    Only bare ``{name}`` fields count as parsed: a format spec (``{low:>300000}`` pads to
    300 000 characters), a conversion (``{n!r}``), an index or attribute (``{n.__class__}``)
    or an empty field make the text unusable, so they return None like unbalanced braces.
    """
    try:
        fields = [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(text)
                  if name is not None]
    except ValueError:
        return None
    if any(spec or conversion or not name.isidentifier() for name, spec, conversion in fields):
        return None
    return sorted(name for name, _, _ in fields)


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


def status(root: Path, config: DigestConfig, dataset: Dataset, cache_dir: Path,
           only: Iterable[str] | None = None) -> StatusReport:
    """Count, per language, what the current template needs and the catalog provides.

    Computed where the build computes it (:func:`load_translators`, cached by content), so
    ``digest i18n status`` and the ``[[status]]`` table can never disagree.
    """
    wanted = {lang.code for lang in _selected(config, only)}
    _, report = load_translators(root, config, dataset, cache_dir)
    return StatusReport([lang for lang in report.languages if lang.code in wanted])


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

def read_status(root: Path, config: DigestConfig, dataset: Dataset, template: Template,
                only: Iterable[str] | None = None) -> StatusReport:
    """What each language's catalog provides of what the template needs, read from the ``.po`` files.

    Unlike :func:`status` it compiles nothing and refuses nothing: a catalog with a broken
    entry is still counted, and :func:`check_catalog` says what is broken.
    """
    result = []
    for lang in _selected(config, only):
        path = catalog_path(root, lang.code)
        catalog = _read(path, lang) if path.exists() else Catalog(locale=_babel_locale(lang))
        result.append(_language_status(lang.code, template.needed_by(lang), catalog))
    return StatusReport(result)


def check_catalog(path: Path, lang: Language, template: Template | Catalog) -> tuple[Catalog, list[Problem]]:
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
        wanted = placeholders(msgid if isinstance(message.id, str) else message.id[1])
        if wanted is None:  # the original is not a format string (e.g. a caveat quoting "{% raw %}"): text only
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            got = placeholders(text)
            if got is None:
                problems.append(Problem(shown, msgstr_line(lines, message.lineno), None, "msgstr",
                                        f"braces in the translation of {msgid[:50]!r} are not bare placeholders "
                                        f"(unbalanced, or with a format such as {{n:>9}}); "
                                        f"keep exactly {['{' + n + '}' for n in wanted] or 'no placeholders'}"))
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
    ``.mo``, so a build never parses an unchanged ``.po`` again; a cache entry that is
    missing or damaged is compiled again, never used as is.
    """
    template = build_template(dataset, config)
    written_in = template.written_in(config.source_language)
    translators, statuses, problems = {}, [], []
    for lang in config.languages:
        path = catalog_path(root, lang.code)
        native, needed = template.native_to(lang), template.needed_by(lang)
        if not path.exists():
            translators[lang.code] = Translator(lang, gettext.NullTranslations(), native=native, written_in=written_in)
            statuses.append(_language_status(lang.code, needed, Catalog(locale=_babel_locale(lang))))
            continue
        template_key = hashlib.sha256("\n".join(sorted(str(m.id) for m in needed)).encode()).hexdigest()
        key = hashlib.sha256(path.read_bytes() + template_key.encode()).hexdigest()[:20]
        mo_path = cache_dir / f"{lang.code}-{key}.mo"
        status_path = mo_path.with_suffix(".status.json")
        cached = _cached_catalog(mo_path, status_path)
        if cached is None:  # missing or damaged: compiled again from the .po, never used as is
            catalog, found = check_catalog(path, lang, template)
            problems += found
            if found:
                continue
            for message in list(catalog):  # Babel would compile an untranslated plural as the English forms
                if message.id and not _has_translation(message):
                    del catalog[message.id]
            buffer = BytesIO()
            write_mo(buffer, catalog, use_fuzzy=False)
            status = _language_status(lang.code, needed, catalog)
            write_entry(mo_path, buffer.getvalue())
            write_entry(status_path, json.dumps(asdict(status)).encode("utf-8"))
            cached = gettext.GNUTranslations(BytesIO(buffer.getvalue())), status
        translators[lang.code] = Translator(lang, cached[0], key=mo_path.stem, native=native, written_in=written_in)
        statuses.append(cached[1])
    if problems:
        raise InputError(problems)
    return translators, StatusReport(statuses)


def _cached_catalog(mo_path: Path, status_path: Path) -> tuple[gettext.GNUTranslations, LanguageStatus] | None:
    """A compiled catalog and its status from the cache, or None if either is missing or damaged."""
    mo = read_entry(mo_path, lambda data: gettext.GNUTranslations(BytesIO(data)))
    status = read_entry(status_path, lambda data: LanguageStatus(**json.loads(data)))
    if mo is None or status is None:
        return None
    return gettext.GNUTranslations(BytesIO(mo)), LanguageStatus(**json.loads(status))
