"""What MkDocs and mkdocs-static-i18n need, derived from ``site_config/digest.yaml`` and topics.yaml.

The digest declares its languages, site names and pages once; nothing here is read
from ``mkdocs.yml``. The plugin applies these values in ``on_config``; the lint stage
(:func:`digest.lint.check_mkdocs_yml`) reports any setting of ``mkdocs.yml`` that would
declare the same thing a second time.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any, Callable

from ..config import TOPICS_ENTRY, DigestConfig, Language
from ..load import Dataset
from ..messages import TOPICS
# Settings of mkdocs-static-i18n that the digest's layout depends on.
I18N_OPTIONS = {"docs_structure": "folder", "fallback_to_default": False, "reconfigure_material": True,
                "reconfigure_search": True}
ENGINE_CSS = "assets/digest.css"


def engine_theme_dir() -> str:
    """The engine's own theme overrides (per-language search, digest CSS), below the digest's custom_dir."""
    return str(files("digest").joinpath("site", "theme"))


def material_language(lang: Language) -> str:
    """The Material theme language closest to a Babel locale (``nb`` for ``nb_NO``, ``zh-Hant`` …), else English."""
    from babel import Locale

    locale = Locale.parse(lang.locale)
    available = {p.stem for p in (Path(files("material").joinpath("templates", "partials", "languages"))).glob("*.html")}
    candidates = [f"{locale.language}-{locale.script}" if locale.script else None,
                  f"{locale.language}-{locale.territory}" if locale.territory else None, locale.language]
    return next((c for c in candidates if c and c in available), "en")


def nav(config: DigestConfig, dataset: Dataset) -> list[Any]:
    """The navigation in MkDocs' form: the declared pages, the topic pages in topics.yaml ``order``."""
    items: list[Any] = []
    for page in config.pages:
        if page == TOPICS_ENTRY:
            items.append({TOPICS: [f"topics/{topic.id}.md" for topic in dataset.topics_in_order]})
        else:
            items.append(page)
    return items


def i18n_languages(config: DigestConfig, translate: Callable[[str, str], str]) -> list[dict[str, Any]]:
    """mkdocs-static-i18n's ``languages`` option. ``translate(code, message)`` looks up an interface string.

    ``theme.language`` is set on every language: the i18n plugin would otherwise carry
    one language's override into the next.
    """
    return [
        {
            "locale": lang.code,
            "name": lang.name,
            "default": lang.code == config.default.code,
            "build": True,
            "site_name": lang.site_name,
            "site_description": lang.site_description,
            "nav_translations": {TOPICS: translate(lang.code, TOPICS)},
            "theme": {"language": material_language(lang)},
        }
        for lang in config.languages
    ]
