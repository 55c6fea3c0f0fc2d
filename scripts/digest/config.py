"""The generator's own settings, from ``site_config/digest.yaml``.

Kept apart from ``mkdocs.yml`` so that the stages before the site (load, format,
chart, render) never need MkDocs to know which languages exist.
"""

from __future__ import annotations

import os
from pathlib import Path
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


class Language(BaseModel):
    """One published language."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z]{2}$", description="Folder under content/ and URL prefix. Example: `code: da`.")
    locale: str = Field(pattern=r"^[a-z]{2}_[A-Z]{2}$", description="Babel locale for numbers and catalogs. Example: `locale: nb_NO`.")
    name: str = Field(min_length=1, description="Name in the switcher, in the language itself. Example: `name: Dansk`.")

    @field_validator("locale")
    @classmethod
    def _known_to_babel(cls, locale: str) -> str:
        from babel import Locale, UnknownLocaleError

        try:
            Locale.parse(locale)
        except (UnknownLocaleError, ValueError):
            raise ValueError(f"Babel knows no locale {locale!r}") from None
        return locale

    @property
    def html_lang(self) -> str:
        """The BCP 47 tag pages say in ``<html lang>`` and hreflang: the locale's language (``nb`` for ``no``)."""
        return self.locale.split("_")[0]


class DigestConfig(BaseModel):
    """All options of ``site_config/digest.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    languages: tuple[Language, ...] = Field(
        min_length=1,
        description="Published languages; the first is the default, built at the site root. "
        "Example: `languages: [{code: sv, locale: sv_SE, name: Svenska}]`.",
    )
    old_data_after_years: int = Field(
        default=10, ge=0, strict=True, description="Age in years after which a figure is marked as old data. Example: `old_data_after_years: 10`."
    )
    site_url: str | None = Field(
        default=None,
        description="Published address, for citations, JSON-LD, hreflang and the sitemap. Leave empty for a "
        "local build: links stay relative and citations say the address was not known. At publish time the "
        f"environment variable {SITE_URL_ENV} sets it. Example: `site_url: https://owner.github.io/digest/`.",
    )
    data_licence: str = Field(min_length=1, description="Licence of the curated dataset. Example: `data_licence: CC BY 4.0`.")

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
    from_env = os.environ.get(SITE_URL_ENV, "").strip()
    if from_env and isinstance(data, dict):
        data = {**data, "site_url": from_env}
    try:
        return DigestConfig.model_validate(data)
    except ValidationError as err:
        raise InputError(
            [Problem(SITE_URL_ENV if from_env and e["loc"][:1] == ("site_url",) else CONFIG_FILE, None, None,
                     ".".join(map(str, e["loc"])) or None, e["msg"]) for e in err.errors()]
        ) from None
