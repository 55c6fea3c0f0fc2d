"""The digest's declaration, ``site_config/digest.yaml``: the one place a digest is described.

Languages (with the default and the source language), site names, the dataset's
public name, the licence, the navigation's pages and the quotes policy are declared
here once. Everything MkDocs and mkdocs-static-i18n need is derived from it by the
site stage; the stages before the site (load, format, chart, render) read only this.

Every option below carries a description with a YAML example; a test checks that,
and that the scaffold written by ``digest new`` shows every option.
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Union
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .model import check_url
from .problems import InputError, Problem

CONFIG_FILE = "site_config/digest.yaml"
SITE_URL_ENV = "DIGEST_SITE_URL"
"""Environment variable that sets ``site_url`` at publish time (the Pages workflow passes
actions/configure-pages' ``base_url``); it wins over the file."""
PLACEHOLDER_HOSTS = ("example.org", "example.com", "example.net")
TOPICS_ENTRY = "topics"  # in `pages`: where the topic pages go, in topics.yaml `order`
INTERFACE_LANGUAGE = "en"  # the language of the engine's own strings (N_ in the code)
DEFAULT_FONT = "DejaVu Sans"
_PAGE = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)*\.md$")


def _babel_locale(value: str):  # noqa: ANN202 - babel.Locale, imported lazily
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(value)
    except (UnknownLocaleError, ValueError, TypeError):
        raise ValueError(f"Babel knows no locale {value!r}") from None


@lru_cache(maxsize=None)
def _language_of(locale: str) -> str:
    """Asked for every message of every catalog: parsed once per locale."""
    return _babel_locale(locale).language


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Language(_Section):
    """One published language."""

    code: str = Field(
        pattern=r"^[a-z]{2}$",
        description="Folder under content/ and URL prefix (two letters). Example:\n\n```yaml\ncode: fi\n```",
    )
    locale: str = Field(
        pattern=r"^[a-z]{2,3}(?:_[A-Za-z0-9]+)*$",
        description="Any locale Babel knows: numbers, dates, plural rules and unit names follow it. "
        "Example:\n\n```yaml\nlocale: nb_NO   # or fi, fi_FI, ja_JP, zh_Hant_TW\n```",
    )
    name: str = Field(
        min_length=1, description="Name in the language switcher, in the language itself. Example:\n\n```yaml\nname: Suomi\n```"
    )
    site_name: str = Field(
        min_length=1,
        description="The site's name in this language: page titles, header. Example:\n\n```yaml\nsite_name: Palvelu numeroina\n```",
    )
    site_description: str = Field(
        min_length=1,
        description="One sentence for search engines and link previews. Example:\n\n"
        "```yaml\nsite_description: Mitä kyselyt kertovat – jokainen luku lähteineen.\n```",
    )
    font: str = Field(
        default=DEFAULT_FONT,
        min_length=1,
        description="Font family the charts are drawn with; it must cover the language's script. "
        "The engine ships NanumGothic (Hangul); others must be installed on the building machine. "
        "Example:\n\n```yaml\nfont: NanumGothic\n```",
    )
    publish_threshold: float = Field(
        default=0.0, ge=0.0, le=1.0,
        description="Share (0 to 1) of the language's strings and pages that must be translated and current for "
        "the language to be published; below it, the language is built for previews but left out of the "
        "published site. Untranslated text above it is shown in the source language with a visible mark. "
        "Ignored for the first language. Example:\n\n```yaml\npublish_threshold: 0.9\n```",
    )

    @field_validator("locale")
    @classmethod
    def _known_to_babel(cls, locale: str) -> str:
        _babel_locale(locale)
        return locale

    @property
    def html_lang(self) -> str:
        """The BCP 47 tag pages say in ``<html lang>`` and hreflang: the locale's language (``nb`` for ``no``)."""
        return self.language

    @property
    def language(self) -> str:
        """The locale's language as Babel names it: ``nb`` for ``nb_NO``, ``fi`` for ``fi_FI``."""
        return _language_of(self.locale)

    def speaks(self, language: str) -> bool:
        """Whether text written in ``language`` needs no translation for this language."""
        return self.language == language


class Licence(_Section):
    """The licence of the curated dataset (not of the sources it describes)."""

    name: str = Field(min_length=1, description="Licence name as readers know it. Example:\n\n```yaml\nname: CC BY 4.0\n```")
    url: str = Field(
        description="http(s) address of the licence text. Example:\n\n"
        "```yaml\nurl: https://creativecommons.org/licenses/by/4.0/\n```"
    )

    @field_validator("url")
    @classmethod
    def _http(cls, url: str) -> str:
        if url == "unknown":
            raise ValueError("expected the licence's http(s) address")
        return check_url(url)


class DatasetInfo(_Section):
    """How the dataset names itself in downloads and in its schema.org JSON-LD."""

    name: str = Field(
        min_length=1,
        description="Name of the dataset, written in `source_language` and translated in the catalogs. "
        "Example:\n\n```yaml\nname: What surveys say about remote work\n```",
    )
    description: str = Field(
        min_length=1,
        description="One sentence, written in `source_language` and translated in the catalogs. "
        "Example:\n\n```yaml\ndescription: Curated survey figures about remote work, each with its source and year.\n```",
    )


class QuotesPolicy(_Section):
    """Whether figures quote their articles, and where the articles' texts are to check them."""

    required: bool = Field(
        default=True,
        description="Whether every figure must carry `quote`, the words of its article that state it. "
        "Example:\n\n```yaml\nrequired: true\n```",
    )
    texts: Union[str, None] = Field(
        default=None,
        description="Folder, relative to the project root, holding the article texts named by "
        "`articles.yaml` `file`; `validate` checks each quote against them. Articles without a local "
        "text are fine: their quotes are counted as not machine-checked. Example:\n\n"
        "```yaml\ntexts: articles/   # or leave out: no local texts\n```",
    )

    @field_validator("texts")
    @classmethod
    def _relative(cls, texts: str | None) -> str | None:
        if texts is not None and (texts.startswith(("/", "~")) or "\\" in texts or ":" in texts):
            raise ValueError("expected a folder relative to the project root, such as `articles/`")
        return texts


class DigestConfig(_Section):
    """All options of ``site_config/digest.yaml``."""

    languages: tuple[Language, ...] = Field(
        min_length=1,
        description="Published languages in switcher order. The first is the default, built at the "
        "site root, and the language pages are written in first (translated pages follow it). Example:\n\n"
        "```yaml\nlanguages:\n  - code: en\n    locale: en_GB\n    name: English\n    site_name: Work in numbers\n"
        "    site_description: What surveys say about work, each figure with its source.\n"
        "  - code: fi\n    locale: fi_FI\n    name: Suomi\n    site_name: Työ numeroina\n"
        "    site_description: Mitä kyselyt kertovat työstä – jokainen luku lähteineen.\n```",
    )
    source_language: str = Field(
        default="en",
        description="Language the dataset's texts (sentences, labels, titles, caveats) are written in; "
        "they are the catalogs' message ids. A published language speaking it needs no translation of "
        "them and shows no \"not yet translated\" marks for them. Example:\n\n```yaml\nsource_language: en\n```",
    )
    site_url: Union[str, None] = Field(
        default=None,
        description="Published address, for citations, JSON-LD, hreflang and the sitemap. Leave empty for a "
        "local build: links stay relative and citations say the address was not known. At publish time the "
        f"environment variable {SITE_URL_ENV} sets it. Example:\n\n```yaml\nsite_url: https://owner.github.io/digest/\n```",
    )
    licence: Licence = Field(
        description="Licence of the curated dataset. Example:\n\n"
        "```yaml\nlicence:\n  name: CC BY 4.0\n  url: https://creativecommons.org/licenses/by/4.0/\n```",
    )
    dataset: DatasetInfo = Field(
        description="The dataset's public name and description (downloads, JSON-LD). Example:\n\n"
        "```yaml\ndataset:\n  name: What surveys say about remote work\n"
        "  description: Curated survey figures about remote work, each with its source and year.\n```",
    )
    project: str = Field(
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        description="Short name of the digest: the catalogs' project name. Example:\n\n```yaml\nproject: remote-work-digest\n```",
    )
    pages: tuple[str, ...] = Field(
        default=("index.md", TOPICS_ENTRY, "sources.md", "about.md"),
        min_length=1,
        description="The navigation, in order: hand-written pages every language has, and `topics` where "
        "the topic pages go (in topics.yaml `order`; a topic page is generated in any language that has "
        "no hand-written one). Example:\n\n```yaml\npages:\n  - index.md\n  - topics\n  - sources.md\n  - about.md\n```",
    )
    quotes: QuotesPolicy = Field(
        default=QuotesPolicy(),
        description="Quotes policy. Example:\n\n```yaml\nquotes:\n  required: true\n  texts: articles/\n```",
    )
    old_data_after_years: int = Field(
        default=10,
        ge=0,
        strict=True,
        description="Age in years after which a figure is marked as old data. Example:\n\n```yaml\nold_data_after_years: 10\n```",
    )

    @field_validator("site_url")
    @classmethod
    def _http(cls, url: str | None) -> str | None:
        if url is None or not url.strip():
            return None
        if url == "unknown":
            raise ValueError("expected the site's http(s) address")
        url = check_url(url.strip()).rstrip("/") + "/"
        host = (urlsplit(url).hostname or "").lower()
        if any(host == p or host.endswith("." + p) for p in PLACEHOLDER_HOSTS):
            raise ValueError(f"{host} is a placeholder, not the site's address; leave site_url empty for a local build")
        return url

    @field_validator("source_language")
    @classmethod
    def _language(cls, language: str) -> str:
        if _babel_locale(language).language != language:
            raise ValueError(f"expected a language code such as `en` or `fi`, got {language!r}")
        return language

    @field_validator("pages")
    @classmethod
    def _pages(cls, pages: tuple[str, ...]) -> tuple[str, ...]:
        for page in pages:
            if page != TOPICS_ENTRY and not _PAGE.match(page):
                raise ValueError(f"expected `topics` or a page such as `about.md` (lowercase, no `..`), got {page!r}")
            if page.startswith("topics/"):
                raise ValueError(f"{page!r}: topic pages come from topics.yaml; list `topics` once instead")
        if len(set(pages)) != len(pages):
            raise ValueError("a page is listed twice")
        if "index.md" not in pages:
            raise ValueError("expected `index.md` among the pages: it is each language's home page")
        return pages

    @field_validator("languages")
    @classmethod
    def _distinct_languages(cls, languages: tuple[Language, ...]) -> tuple[Language, ...]:
        codes = [lang.code for lang in languages]
        twice = sorted({code for code in codes if codes.count(code) > 1})
        if twice:
            raise ValueError(f"language code(s) listed twice: {', '.join(twice)}")
        return languages

    @property
    def default(self) -> Language:
        return self.languages[0]

    @property
    def codes(self) -> list[str]:
        return [lang.code for lang in self.languages]

    def html_lang_of(self, code: str) -> str:
        """The ``lang`` tag for text in a language given by its code (``no`` → ``nb``); other codes as they are."""
        return next((lang.html_lang for lang in self.languages if lang.code == code), code)

    def language(self, code: str) -> Language:
        return next(lang for lang in self.languages if lang.code == code)

    def hand_written_pages(self) -> list[str]:
        """The pages every language must have: ``pages`` without the topics entry."""
        return [page for page in self.pages if page != TOPICS_ENTRY]


def load_config(root: Path) -> DigestConfig:
    """Read and validate the config; problems are reported like dataset problems, with lines."""
    path = root / CONFIG_FILE
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except FileNotFoundError:
        raise InputError([Problem(CONFIG_FILE, None, None, None, "file is missing")]) from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        mark = getattr(err, "problem_mark", None)
        raise InputError([Problem(CONFIG_FILE, mark.line + 1 if mark else None, None, None, f"cannot be read: {err}")]) from None
    if not isinstance(data, dict):
        raise InputError([Problem(CONFIG_FILE, None, None, None, "expected a mapping of option: value")])
    from_env = os.environ.get(SITE_URL_ENV, "").strip()
    if from_env:
        data = {**data, "site_url": from_env}
    try:
        return DigestConfig.model_validate(data)
    except ValidationError as err:
        problems = []
        for error in err.errors(include_url=False):
            loc = error["loc"]
            place = SITE_URL_ENV if from_env and loc[:1] == ("site_url",) else CONFIG_FILE
            problems.append(Problem(place, _line_of(text, loc) if place == CONFIG_FILE else None, None,
                                    ".".join(map(str, loc)) or None, _explain(error)))
        raise InputError(problems) from None


def _explain(error: dict) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        return "unknown option; see the options documented in scripts/digest/config.py"
    if error["type"] == "missing":
        return "required option is missing"
    got = error.get("input")
    if error["type"] == "string_pattern_mismatch":
        return f"has characters that are not allowed (got {str(got)[:60]!r})"
    return message


def _line_of(text: str, loc: tuple) -> int | None:
    """Line of the option a validation error names, found by walking the YAML nodes."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    line = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if k.value == part), None)
            if match is None:
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line
