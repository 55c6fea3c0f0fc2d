"""What MkDocs and mkdocs-static-i18n need, derived from ``site_config/digest.yaml`` and topics.yaml.

The digest declares its languages, site names and pages once; nothing here is read
from ``mkdocs.yml``. The plugin applies these values in ``on_config``, and
:func:`check_mkdocs_yml` reports every setting in ``mkdocs.yml`` that would declare
the same thing a second time (a second declaration is how a site silently loses a
language), so ``digest validate`` fails before a build can.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

from ..config import TOPICS_ENTRY, DigestConfig, Language
from ..load import Dataset
from ..messages import TOPICS
from ..problems import Problem

MKDOCS_FILE = "mkdocs.yml"
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


# --- mkdocs.yml must not declare what the digest declares --------------------------

class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml for inspection only: its ``!!python/…`` and ``!ENV`` tags become None."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_mkdocs_yml(root: Path) -> Mapping[str, Any]:
    text = (root / MKDOCS_FILE).read_text(encoding="utf-8")
    data = yaml.load(text, Loader=_TolerantLoader)  # noqa: S506 - a SafeLoader subclass that constructs nothing
    return data if isinstance(data, dict) else {}


def check_mkdocs_yml(root: Path, config: DigestConfig) -> list[Problem]:
    """Settings of mkdocs.yml that repeat (and could contradict) site_config/digest.yaml, and a missing plugin."""
    if not (root / MKDOCS_FILE).exists():
        return [Problem(MKDOCS_FILE, None, None, None, "file is missing; `digest new` writes one")]
    try:
        data = read_mkdocs_yml(root)
    except (yaml.YAMLError, UnicodeDecodeError) as err:
        mark = getattr(err, "problem_mark", None)
        return [Problem(MKDOCS_FILE, mark.line + 1 if mark else None, None, None, f"cannot be read: {err}")]
    problems = []
    derived = "it is derived from site_config/digest.yaml"
    if "nav" in data:
        problems.append(Problem(MKDOCS_FILE, None, None, "nav", "remove `nav`: the navigation comes from `pages` in "
                                "site_config/digest.yaml and the topics' `order` in stats/topics.yaml"))
    if "site_url" in data:
        problems.append(Problem(MKDOCS_FILE, None, None, "site_url", f"remove `site_url`: {derived} (`site_url`)"))
    if "site_description" in data:
        problems.append(Problem(MKDOCS_FILE, None, None, "site_description",
                                f"remove `site_description`: {derived} (each language's `site_description`)"))
    theme = data.get("theme") if isinstance(data.get("theme"), dict) else {}
    if "language" in theme:
        problems.append(Problem(MKDOCS_FILE, None, None, "theme.language",
                                f"remove `theme.language`: {derived} (each language's `locale`)"))
    plugins = _plugin_names(data.get("plugins"))
    if "i18n" in plugins:
        problems.append(Problem(MKDOCS_FILE, None, None, "plugins.i18n", "remove the `i18n` plugin: the digest plugin "
                                f"configures mkdocs-static-i18n itself; {derived} (`languages`)"))
    if "digest" not in plugins:
        problems.append(Problem(MKDOCS_FILE, None, None, "plugins", "the `digest` plugin is missing from `plugins`"))
    if data.get("docs_dir", "docs") != "content":
        problems.append(Problem(MKDOCS_FILE, None, None, "docs_dir", "expected `docs_dir: content` (pages are in "
                                f"content/<lang>/ for {', '.join(config.codes)})"))
    return problems


def _plugin_names(plugins: Any) -> list[str]:
    if isinstance(plugins, dict):
        return [str(name) for name in plugins]
    names = []
    for item in plugins or []:
        names += [str(k) for k in item] if isinstance(item, dict) else [str(item)]
    return names
