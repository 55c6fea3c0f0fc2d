"""What the theme's templates need per page: interface words, the language switcher, the 404 page.

Material translates most of its interface itself (``theme.language``), but a few words
come from ``mkdocs.yml``, which has one value for all languages: the colour-scheme
toggle's label and the heading permalink's title. They are interface strings like any
other here, in the digest's catalogs, so every language gets its own.

Every link made here is relative to the page (or, on the 404 page, absolute only when
the site's address is known): the site works at any address.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ..config import DigestConfig
from ..translate import Translator
from ..messages import N_

DARK = N_("Switch to dark mode")
LIGHT = N_("Switch to light mode")
PERMALINK = N_("Permanent link")
NOT_FOUND_TITLE = N_("Page not found")
NOT_FOUND_TEXT = N_("There is no page at this address. It may have moved, or the address may be mistyped.")
NOT_FOUND_HOME = N_("Go to the home page")
LANGUAGES = N_("Other languages")


@dataclass(frozen=True)
class Alternate:
    """The current page in one language, as the switcher shows it."""

    code: str  # URL prefix and content folder, e.g. "no"
    lang: str  # BCP 47 tag of <html lang> and hreflang, e.g. "nb"
    name: str  # in the language itself
    href: str  # relative to the current page
    current: bool


def ui_strings(translator: Translator) -> dict[str, str]:
    """Interface words of the theme in one language (English where a catalog lacks one)."""
    names = {"dark": DARK, "light": LIGHT, "permalink": PERMALINK, "not_found_title": NOT_FOUND_TITLE,
             "not_found_text": NOT_FOUND_TEXT, "not_found_home": NOT_FOUND_HOME, "languages": LANGUAGES}
    return {key: translator.text(message).value for key, message in names.items()}


def language_prefix(config: DigestConfig, code: str) -> str:
    """Folder of a language under the site root: "" for the default, else "da/"."""
    return "" if code == config.default.code else f"{code}/"


def alternates(config: DigestConfig, current: str, page_url: str) -> list[Alternate]:
    """Links from one page to the same page in every language, relative to the page.

    ``page_url`` is MkDocs' URL of the page (``da/topics/x/``, ``""`` for the default home).
    Every language has the same pages (the lint checks it), so the same path under each
    language's folder is the page's translation.
    """
    here = page_url
    own = language_prefix(config, current)
    path = here[len(own):] if own and here.startswith(own) else here
    out = []
    for lang in config.languages:
        target = language_prefix(config, lang.code) + path
        out.append(Alternate(lang.code, lang.html_lang, lang.name, relative_url(target, here), lang.code == current))
    return out


def relative_url(target: str, here: str) -> str:
    """URL of site path ``target`` from the page at site path ``here`` (both directory URLs)."""
    rel = posixpath.relpath("/" + target, "/" + (here or "."))
    if rel == ".":
        return "./"
    return rel + ("/" if target.endswith("/") or target == "" else "")


def not_found_context(config: DigestConfig, translators: dict[str, Translator]) -> dict:
    """The 404 page in every language: the page shows the reader's, found from the address or browser."""
    languages = []
    for lang in config.languages:
        home = config.site_url + language_prefix(config, lang.code) if config.site_url else None
        languages.append({"code": lang.code, "lang": lang.html_lang, "name": lang.name, "home": home,
                          "prefix": language_prefix(config, lang.code), **ui_strings(translators[lang.code])})
    return {"languages": languages, "default": config.default.code, "site_url": config.site_url}
