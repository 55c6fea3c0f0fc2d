"""The generator's own settings, from ``site_config/digest.yaml``.

Kept apart from ``mkdocs.yml`` so that the stages before the site (load, format,
chart, render) never need MkDocs to know which languages exist.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .model import check_url
from .problems import InputError, Problem

CONFIG_FILE = "site_config/digest.yaml"


class Language(BaseModel):
    """One published language."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z]{2}$", description="Folder under content/ and URL prefix. Example: `code: da`.")
    locale: str = Field(pattern=r"^[a-z]{2}_[A-Z]{2}$", description="Babel locale for numbers and catalogs. Example: `locale: nb_NO`.")
    name: str = Field(min_length=1, description="Name in the switcher, in the language itself. Example: `name: Dansk`.")
    publish_threshold: float = Field(
        default=0.0, ge=0.0, le=1.0,
        description="Share (0 to 1) of the language's strings and pages that must be translated and current for "
        "the language to be published; below it, the language is built for previews but left out of the "
        "published site. Untranslated text above it is shown in the source language with a visible mark. "
        "Ignored for the first language. Example: `publish_threshold: 0.9`.",
    )

    @field_validator("locale")
    @classmethod
    def _known_to_babel(cls, locale: str) -> str:
        from babel import Locale, UnknownLocaleError

        try:
            Locale.parse(locale)
        except (UnknownLocaleError, ValueError):
            raise ValueError(f"Babel knows no locale {locale!r}") from None
        return locale


class DigestConfig(BaseModel):
    """All options of ``site_config/digest.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    languages: tuple[Language, ...] = Field(
        min_length=1,
        description="Published languages; the first is the default, built at the site root. "
        "Example: `languages: [{code: sv, locale: sv_SE, name: Svenska}]`.",
    )
    old_data_after_years: int = Field(
        default=10, ge=0, description="Age in years after which a figure is marked as old data. Example: `old_data_after_years: 10`."
    )
    site_url: str = Field(description="Published address, for citations. Example: `site_url: https://example.org/digest/`.")
    data_licence: str = Field(min_length=1, description="Licence of the curated dataset. Example: `data_licence: CC BY 4.0`.")

    @field_validator("site_url")
    @classmethod
    def _http(cls, url: str) -> str:
        if url == "unknown":
            raise ValueError("expected the site's http(s) address")
        return check_url(url).rstrip("/") + "/"

    @property
    def default(self) -> Language:
        return self.languages[0]

    @property
    def codes(self) -> list[str]:
        return [lang.code for lang in self.languages]

    def language(self, code: str) -> Language:
        return next(lang for lang in self.languages if lang.code == code)


def load_config(root: Path) -> DigestConfig:
    """Read and validate the config; problems are reported like dataset problems."""
    path = root / CONFIG_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError([Problem(CONFIG_FILE, None, None, None, "file is missing")]) from None
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        mark = getattr(err, "problem_mark", None)
        raise InputError([Problem(CONFIG_FILE, mark.line + 1 if mark else None, None, None, f"cannot be read: {err}")]) from None
    try:
        return DigestConfig.model_validate(data)
    except ValidationError as err:
        raise InputError(
            [Problem(CONFIG_FILE, None, None, ".".join(map(str, e["loc"])) or None, e["msg"]) for e in err.errors()]
        ) from None
