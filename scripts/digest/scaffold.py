"""``digest new DIR --languages en,fi``: start a digest of your own, without touching the engine.

Writes a complete, minimal digest from the templates in ``templates/new/`` (package
data): the declaration, one example article, source, topic and figures, the pages of
every language, the catalogs, ``mkdocs.yml``, a README with its two commands, a
``.gitignore`` and the pull-request workflow. ``digest build`` inside it builds at once.

Files ending in ``.j2`` are Jinja templates; files under ``content/`` are written once
per language. Nothing is written if the target folder exists and is not empty.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import metadata
from importlib.resources import as_file, files
from pathlib import Path
from typing import Sequence

import yaml

from .problems import InputError, Problem

TEMPLATES = "templates/new"
# Fonts the engine ships, for the scripts the default chart font (DejaVu Sans) lacks.
_BUNDLED_FONTS = {"ko": "NanumGothic"}
_RENAMED = {"gitignore": ".gitignore", "github/": ".github/"}  # dot files are easy to lose in package data


@dataclass(frozen=True)
class NewLanguage:
    code: str
    locale: str
    name: str
    site_name: str
    site_description: str
    font: str | None


def parse_languages(spec: str, title: str) -> list[NewLanguage]:
    """``en,fi`` or ``no:nb_NO,ko:ko_KR``: a code, optionally with the Babel locale it uses."""
    from babel import Locale, UnknownLocaleError

    result = []
    for item in (part.strip() for part in spec.split(",") if part.strip()):
        code, _, locale = item.partition(":")
        locale = locale or code
        if not re.fullmatch(r"[a-z]{2}", code):
            raise _error(f"language code {code!r}: expected two lowercase letters, e.g. `fi` (or `no:nb_NO`)")
        try:
            parsed = Locale.parse(locale)
        except (UnknownLocaleError, ValueError):
            raise _error(f"Babel knows no locale {locale!r}; give one as `{code}:<locale>`, e.g. `no:nb_NO`") from None
        name = parsed.get_language_name(parsed) or code
        result.append(NewLanguage(code, str(parsed), name[:1].upper() + name[1:], title,
                                  "Curated figures, each with its source and year.",
                                  _BUNDLED_FONTS.get(parsed.language)))
    if not result:
        raise _error("expected at least one language, e.g. `--languages en,fi`")
    if len({lang.code for lang in result}) != len(result):
        raise _error("a language is listed twice")
    return result


def create_digest(target: Path, languages_spec: str, source_language: str | None = None) -> list[str]:
    """Write a new digest into ``target``; return the paths written, relative to it."""
    import jinja2

    if target.exists() and any(target.iterdir()):
        raise _error(f"{target} exists and is not empty; choose a new folder")
    project = re.sub(r"[^a-z0-9]+", "-", target.resolve().name.lower()).strip("-") or "digest"
    title = project.replace("-", " ").capitalize()
    languages = parse_languages(languages_spec, title)
    from babel import Locale

    source = source_language or Locale.parse(languages[0].locale).language
    env = jinja2.Environment(keep_trailing_newline=True, undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters["yaml"] = _yaml_scalar
    context = {"project": project, "title": title, "languages": languages, "default": languages[0],
               "source_language": source, "engine": engine_requirement(),
               "language_names": ", ".join(lang.name for lang in languages)}
    written = []
    with as_file(files("digest").joinpath(TEMPLATES)) as root:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            relative = path.relative_to(root).as_posix()
            text = path.read_text(encoding="utf-8")
            targets = ([(relative.replace("content/", f"content/{lang.code}/", 1), lang) for lang in languages]
                       if relative.startswith("content/") else [(relative, languages[0])])
            for name, lang in targets:
                out = _dotted(name).removesuffix(".j2")
                body = env.from_string(text).render(context, lang=lang) if name.endswith(".j2") else text
                destination = target / out
                destination.parent.mkdir(parents=True, exist_ok=True)
                destination.write_text(body, encoding="utf-8")
                written.append(out)
    written += _derived_files(target)
    return sorted(written)


def _derived_files(target: Path) -> list[str]:
    """Files the engine generates from the others: JSON Schemas and the catalogs."""
    from .catalogs import update_catalogs
    from .config import load_config
    from .load import load_dataset
    from .schema import write_schemas

    write_schemas(target / "stats" / "schema")
    config = load_config(target)
    update_catalogs(target, config, load_dataset(target / "stats", config.quotes.required))
    made = [p.relative_to(target).as_posix() for p in (target / "stats" / "schema").glob("*.json")]
    made += [p.relative_to(target).as_posix() for p in (target / "content").rglob("*.po")]
    return made


def engine_requirement() -> str:
    """How the new digest's CI installs this very engine: its source if known, else its version."""
    try:
        dist = metadata.distribution("cs-digest")
    except metadata.PackageNotFoundError:
        return "cs-digest"
    direct = dist.read_text("direct_url.json")
    if direct:
        info = json.loads(direct)
        vcs = info.get("vcs_info")
        if vcs and info.get("url", "").startswith(("https://", "git+")):
            return f"cs-digest @ git+{info['url'].removeprefix('git+')}@{vcs.get('commit_id', '')}".rstrip("@")
    return f"cs-digest=={dist.version}"


def _dotted(name: str) -> str:
    """The file's name in the new digest: templates keep dot files and folders under plain names."""
    for plain, dotted in _RENAMED.items():
        if name == plain or (plain.endswith("/") and name.startswith(plain)):
            return dotted + name[len(plain):]
    return name


def _yaml_scalar(value: object) -> str:
    """A value as one YAML scalar (quoted when YAML would read it otherwise, e.g. `no`)."""
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1000).removesuffix("\n...\n").strip()


def _error(message: str) -> InputError:
    return InputError([Problem("digest new", None, None, None, message)])


def summary(target: Path, written: Sequence[str]) -> str:
    return (f"new digest in {target} ({len(written)} files). Next:\n"
            f"  cd {target}\n  digest build      # the site, in site/\n  mkdocs serve      # preview while you edit")
