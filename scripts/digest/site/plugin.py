"""Stage 6, site: the MkDocs plugin that runs the pipeline inside ``mkdocs build``/``serve``.

MkDocs events used, and why:

- ``on_config`` (before mkdocs-static-i18n's): validate the inputs and apply the digest's
  declaration (:mod:`digest.site.derive`): site URL, names and navigation, the engine's
  theme overrides, and mkdocs-static-i18n itself, loaded with one entry per declared
  language (as Material's ``group`` plugin loads plugins) — ``mkdocs.yml`` declares none
  of these. Add the shortcode Markdown extension (:class:`digest.render.ShortcodeExtension`)
  to MkDocs' own Markdown, so shortcode HTML goes through ``htmlStash`` and is never
  re-read as Markdown.
- ``on_files``: add the generated topic pages (:mod:`digest.pages`) of languages that
  have no hand-written one.
- ``on_pre_build``: run the pipeline (:func:`digest.pipeline.pipeline_for`): validate
  every input once (the same :func:`digest.lint.validate` as ``digest validate``), draw
  the charts. This is *before* MkDocs cleans the site folder, so bad input stops the
  build with the last good site intact. mkdocs-static-i18n re-runs the whole build once
  per language on the same plugin instance; the pipeline is cached by a fingerprint of
  the inputs, so it runs once per build, not once per language.
  It also sets MkDocs' ``site_url`` from the digest's (none for a local build: every
  link stays relative) and the heading permalink's title in the pass's language.
- ``on_env``: keep the theme's compiled templates in the cache (Jinja's bytecode cache),
  instead of compiling them again in every language pass of every build.
- ``on_page_markdown``: tell the extension which page, in which language, it converts.
- ``on_page_content``: list the sources of the sources page in its table of contents
  (they are generated HTML, which the Markdown ``toc`` extension does not see).
- ``on_page_context``: tell the template which language's search index to use, the
  page's translations for the switcher (relative links) and the interface words.
- ``on_template_context``: the 404 page, in every language (it is one file).
- ``on_post_build``: write this language's charts and downloads; on the last pass
  (the default language's, which encloses the others), split the shared search
  index into one per language and write the sitemap (only when the address is known).
- ``on_build_error``: forget the passes of a failed build, so ``mkdocs serve`` starts afresh.
- ``on_serve``: also watch ``stats/`` and ``site_config/``; ``content/`` is the
  docs folder, which MkDocs watches already.

Nothing here computes: the stages before (load, format, chart, export, lint,
render) do, and none of them imports MkDocs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment
from mkdocs.config import base
from mkdocs.config import config_options as c
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.plugins import get_plugins
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink

from ..messages import NOT_TRANSLATED
from ..pages import generated_pages
from ..pipeline import Pipeline, pipeline_for
from ..problems import InputError
from ..render import ShortcodeExtension, bytecode_cache
from ..shortcodes import PageContext
from ..allowlist import check_page
from .sitemap import input_dates, sitemap_xml
from .ui import alternates, language_prefix, not_found_context, ui_strings
from ..translate import Translator
from . import derive

log = get_plugin_logger("digest")


class DigestPluginConfig(base.Config):
    """Options of the ``digest`` plugin in ``mkdocs.yml``."""

    enabled = c.Type(bool, default=True)
    """Run the digest (on by default); off, pages show their shortcodes as written, e.g. to time plain MkDocs.

    ```yaml
    plugins:
      - digest:
          enabled: false
    ```
    """

    root = c.Type(str, default=".")
    """Project folder holding ``stats/``, ``site_config/`` and ``content/``, relative to mkdocs.yml.

    ```yaml
    plugins:
      - digest:
          root: .
    ```
    """

    cache_dir = c.Type(str, default=".cache")
    """Where rendered charts and compiled catalogs are kept between builds (gitignored).

    ```yaml
    plugins:
      - digest:
          cache_dir: .cache
    ```
    """

    workers = c.Optional(c.Type(int))
    """Processes that render charts; default: one per core.

    ```yaml
    plugins:
      - digest:
          workers: 2
    ```
    """


class DigestPlugin(BasePlugin[DigestPluginConfig]):
    """Runs the digest pipeline for MkDocs, once per build."""

    def __init__(self) -> None:
        self._pipeline: Pipeline | None = None
        # Languages whose pass has started and not ended: the i18n plugin nests the
        # other languages' builds inside the default language's post-build step.
        self._passes: list[str] = []
        self._page: PageContext | None = None
        self._pages: set[str] = set()  # every page path seen, e.g. "topics/x.md"
        self._extension = ShortcodeExtension(self._expand)
        self._generated: dict[str, str] = {}  # src_uri in the docs folder → Markdown of a generated page

    @property
    def pipeline(self) -> Pipeline:
        """The pipeline of this build; only there once on_pre_build has run."""
        if self._pipeline is None:
            raise PluginError("digest: the pipeline is used before on_pre_build ran")
        return self._pipeline

    def _root(self, config: MkDocsConfig) -> Path:
        return (Path(config.config_file_path).parent / self.config.root).resolve()

    def _language(self, config: MkDocsConfig) -> str:
        """The language being built; the i18n plugin says None before its first pass starts."""
        i18n = config.plugins.get("i18n")
        return getattr(i18n, "current_language", None) or self.pipeline.default_language

    def _expand(self, name: str, arg: str | None) -> str:
        """The extension's callback: one shortcode's HTML on the page being converted."""
        if self._page is None:
            raise PluginError(f"digest: [[{name}]] outside a page")
        return self.pipeline.renderer(self._page.lang).expand(name, arg, self._page)

    @event_priority(110)  # before mkdocs-static-i18n (-100) reads its languages
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig | None:
        if not self.config.enabled:
            return config
        _set_slugify(config)
        root = self._root(config)
        try:
            pipeline = pipeline_for(root, root / self.config.cache_dir, self.config.workers)
        except InputError as err:
            raise PluginError(_message(err)) from None
        if pipeline is not self._pipeline:
            log.info(pipeline.summary)
        self._pipeline = pipeline
        self._apply_declaration(config, pipeline)
        if self._extension not in config.markdown_extensions:
            config.markdown_extensions.append(self._extension)  # type: ignore[arg-type]
        return config

    def _apply_declaration(self, config: MkDocsConfig, pipeline: Pipeline) -> None:
        """What MkDocs and mkdocs-static-i18n need, from site_config/digest.yaml (once per pass; idempotent)."""
        declaration, dataset, translators = pipeline.inputs.config, pipeline.inputs.dataset, pipeline.inputs.translators
        config.site_url = declaration.site_url
        config.site_name = declaration.default.site_name
        config.site_description = declaration.default.site_description
        config.nav = derive.nav(declaration, dataset)
        theme_dir = derive.engine_theme_dir()
        if theme_dir not in config.theme.dirs:  # below the digest's own custom_dir, above Material
            config.theme.dirs.insert(1 if config.theme.custom_dir else 0, theme_dir)
        if derive.ENGINE_CSS not in config.extra_css:
            config.extra_css.append(derive.ENGINE_CSS)
        if "i18n" not in config.plugins:
            languages = derive.i18n_languages(declaration, lambda code, msg: _nav_text(translators[code], msg))
            plugin = get_plugins()["i18n"].load()()
            errors, _ = plugin.load_config({**derive.I18N_OPTIONS, "languages": languages}, config.config_file_path)
            if errors:
                raise PluginError("digest: mkdocs-static-i18n refused the derived settings: "
                                  + "; ".join(f"{key}: {msg}" for key, msg in errors))
            # Registered while MkDocs runs the on_config events: its on_config (-100) comes after this one.
            config.plugins["i18n"] = plugin

    def on_files(self, files: Files, config: MkDocsConfig) -> Files | None:
        """Topic pages no one has written, in every language that lacks one.

        They are listed as ordinary files of the docs folder (mkdocs-static-i18n sorts
        files into languages by their place there) whose text ``on_page_read_source`` gives.
        """
        if not self.config.enabled:
            return files
        inputs = self.pipeline.inputs
        self._generated = {f"{code}/{path}": markdown for (code, path), markdown
                           in generated_pages(self._root(config), inputs.config, inputs.dataset).items()}
        for src_uri in self._generated:
            if files.get_file_from_path(src_uri) is None:
                files.append(File(src_uri, config.docs_dir, config.site_dir, config.use_directory_urls))
        return files

    def on_page_read_source(self, page: Page, config: MkDocsConfig) -> str | None:
        """The Markdown of a generated page; None lets MkDocs read a hand-written one from disk."""
        if not self.config.enabled:
            return None
        uri = page.file.src_uri
        return self._generated.get(uri) or self._generated.get(self._language(config) + "/" + uri)

    def on_pre_build(self, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        root = self._root(config)
        if not self._passes:  # the outermost pass: inputs may have changed since the last build
            try:
                pipeline = pipeline_for(root, root / self.config.cache_dir, self.config.workers)
            except InputError as err:
                raise PluginError(_message(err)) from None
            if pipeline is not self._pipeline:
                log.info(pipeline.summary)
            self._pipeline = pipeline
            if pipeline.inputs.config.site_url:  # else MkDocs keeps none (build) or its own (serve)
                config.site_url = pipeline.inputs.config.site_url
        lang = self._language(config)
        self._passes.append(lang)
        # The heading permalink's title comes from mkdocs.yml, one value for all languages;
        # MkDocs makes a Markdown converter per page from this, so per pass is per language.
        toc = config.mdx_configs.setdefault("toc", {})
        toc["permalink_title"] = ui_strings(self.pipeline.inputs.translators[lang])["permalink"]

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        """Keep the theme's compiled templates in the cache.

        MkDocs compiles Material's templates anew in every build, and mkdocs-static-i18n
        runs one build per language: in a warm build of the shipped site that compiling
        was the largest single cost. Jinja's bytecode cache checks each entry against
        its template's source, so a changed override is compiled again.
        """
        if self.config.enabled:
            env.bytecode_cache = bytecode_cache(self._root(config) / self.config.cache_dir / "jinja" / "theme")
        return env

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.config.enabled:
            lang = self._language(config)
            path = _page_path(page.file.src_uri, self.pipeline.languages)
            self._pages.add(path)
            self._page = self.pipeline.page_context(lang, path)
        return markdown

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """The last line of defence: the page as published, against the HTML allowlist."""
        if self.config.enabled:
            _refuse_unpublishable(check_page(output, f"content/{page.file.src_uri}"))
        return output

    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        if self.config.enabled and template_name.endswith(".html"):  # 404.html: from the theme, not a page
            _refuse_unpublishable(check_page(output_content, template_name, style_element=template_name == "404.html"))
        return output_content
    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.config.enabled:
            add_generated_headings(page, html)
        return html

    def on_page_context(self, context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
        if self.config.enabled:
            lang = self._language(config)
            config_ = self.pipeline.inputs.config
            context["digest_lang_prefix"] = language_prefix(config_, lang)
            context["digest_alternates"] = alternates(config_, lang, page.url)
            context["digest_ui"] = ui_strings(self.pipeline.inputs.translators[lang])
        return context

    def on_template_context(self, context: dict[str, Any], template_name: str, config: MkDocsConfig) -> dict[str, Any]:
        if self.config.enabled and template_name == "404.html":
            context["digest_404"] = not_found_context(self.pipeline.inputs.config, self.pipeline.inputs.translators)
            context["digest_top_level"] = sorted(self._top_level())
        return context

    def _top_level(self) -> set[str]:
        """First path segments the site has (language folders, page and asset folders), for the 404 page."""
        names = {code for code in self.pipeline.languages if code != self.pipeline.default_language}
        names |= {p.split("/")[0].removesuffix(".md") for p in self._pages if p != "index.md"}
        return names | {"assets", "charts", "data", "search"}

    @event_priority(-200)  # after mkdocs-static-i18n (-100), which builds the other languages inside its own
    def on_post_build(self, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        site_dir = Path(config.site_dir)
        lang = self._passes.pop() if self._passes else self._language(config)
        self.pipeline.write_language_files(site_dir, lang)
        if not self._passes:  # the outermost pass ends last, when every language is written
            split_search_index(site_dir, self.pipeline.languages, self.pipeline.default_language)
            self._write_sitemap(site_dir)

    def _write_sitemap(self, site_dir: Path) -> None:
        """Our sitemap replaces MkDocs' (its template is empty in overrides/): see site/sitemap.py."""
        for stale in (site_dir / "sitemap.xml", site_dir / "sitemap.xml.gz"):
            stale.unlink(missing_ok=True)
        config = self.pipeline.inputs.config
        if config.site_url:
            dates = input_dates(self.pipeline.root, self.pipeline.updated)
            (site_dir / "sitemap.xml").write_text(sitemap_xml(config, sorted(self._pages), dates), encoding="utf-8")

    def on_build_error(self, error: Exception) -> None:
        self._passes.clear()  # a failed build ends every pass; the next one starts from the outermost

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        root = self._root(config)
        for folder in ("stats", "site_config", "scripts/digest"):
            if (root / folder).exists():
                server.watch(str(root / folder))
        return server


def _set_slugify(config: MkDocsConfig) -> None:
    """Heading anchors from pymdownx.slugs (Unicode kept, lower case), set here so that
    mkdocs.yml needs no ``!!python/object/apply`` tag: the guard refuses every Python tag."""
    from pymdownx.slugs import slugify

    config.mdx_configs.setdefault("toc", {}).setdefault("slugify", slugify(case="lower"))


def _refuse_unpublishable(problems: list) -> None:
    if problems:
        raise PluginError(_message(InputError(problems)))
def _nav_text(translator: Translator, message: str) -> str:
    """A navigation label; the navigation holds no markup, so an untranslated one says so in words."""
    text = translator.text(message)
    return f"{text.value} ({translator.text(NOT_TRANSLATED).value})" if text.fallback else text.value


def _message(err: InputError) -> str:
    lines = [str(p) for p in err.problems]
    return f"{len(lines)} problem(s) in the input; nothing was written:\n" + "\n".join(lines)


def _page_path(src_uri: str, languages: list[str]) -> str:
    """content/da/topics/x.md is "da/topics/x.md" to MkDocs; the renderer wants "topics/x.md"."""
    first, _, rest = src_uri.partition("/")
    return rest if first in languages and rest else src_uri


def split_search_index(site_dir: Path, languages: list[str], default: str) -> None:
    """One search index per language, so a reader searches only their own language's pages.

    mkdocs-static-i18n merges all languages into one index; the page template points
    each language at ``<lang>/search/search_index.json`` instead (see overrides/main.html).
    """
    index_path = site_dir / "search" / "search_index.json"
    if not index_path.exists():
        return
    merged = json.loads(index_path.read_text(encoding="utf-8"))
    others = [code for code in languages if code != default]
    for code in languages:
        prefix = "" if code == default else f"{code}/"
        if code == default:
            docs = [d for d in merged["docs"] if not any(d["location"].startswith(f"{o}/") for o in others)]
        else:
            docs = [dict(d, location=d["location"][len(prefix):]) for d in merged["docs"] if d["location"].startswith(prefix)]
        index = {"config": dict(merged["config"], lang=[code]), "docs": docs}
        target = site_dir / prefix / "search" / "search_index.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":"), sort_keys=True), encoding="utf-8")


_GENERATED_SECTION = re.compile(r'<section class="digest-source" id="(source-[a-z0-9-]+)">\s*<h2>(.*?)</h2>', re.S)


def add_generated_headings(page: Page, html: str) -> None:
    """Put each source section of the page into its table of contents, under the page title.

    Material shows the table of contents beside the text on wide screens and in the
    navigation drawer on phones, so a reader can jump to a source on a 10,000-pixel page.
    """
    found = [AnchorLink(title, anchor, 2) for anchor, title in _GENERATED_SECTION.findall(html)]
    if not found:
        return
    items = page.toc.items
    parent = items[0].children if len(items) == 1 and items[0].level == 1 else items
    known = {item.id for item in parent}
    parent.extend(link for link in found if link.id not in known)

