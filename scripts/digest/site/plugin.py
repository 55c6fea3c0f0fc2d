"""Stage 6, site: the MkDocs plugin that runs the pipeline inside ``mkdocs build``/``serve``.

MkDocs events used, and why:

- ``on_config`` (before mkdocs-static-i18n's, which reads the languages at priority -100):
  run the pipeline (:func:`digest.pipeline.pipeline_for`): validate every input once (the
  same :func:`digest.lint.validate` as ``digest validate``) and draw the charts, *before*
  MkDocs cleans the site folder, so bad input stops the build with the last good site
  intact. The pipeline is cached by a fingerprint of the inputs: mkdocs-static-i18n's
  pass per language, and unchanged rebuilds under ``serve``, reuse it. Then apply the
  digest's declaration (:mod:`digest.site.derive`): site URL (none for a local build:
  every link stays relative), names and navigation, the engine's theme overrides, and
  mkdocs-static-i18n itself, loaded with one entry per declared language (as Material's
  ``group`` plugin loads plugins) — ``mkdocs.yml`` declares none of these. Decide which
  languages this build makes: a language below its ``publish_threshold`` is held back
  (:mod:`digest.progress`); a one-language preview (``digest serve --lang``) makes only
  its language. Add the shortcode Markdown extension (:class:`digest.render.ShortcodeExtension`),
  so shortcode HTML goes through ``htmlStash`` and is never re-read as Markdown.
- ``on_files``: add the generated topic pages (:mod:`digest.pages`) of languages that
  have no hand-written one.
- ``on_pre_build``: count the language passes (the i18n plugin nests them) and set the
  heading permalink's title in the pass's language.
- ``on_env``: keep the theme's compiled templates in the cache (Jinja's bytecode cache),
  instead of compiling them again in every language pass of every build.
- ``on_page_markdown``: tell the extension which page, in which language, it converts.
- ``on_page_content``: list the sources of the sources page in its table of contents
  (they are generated HTML, which the Markdown ``toc`` extension does not see).
- ``on_page_context``: tell the template which language's search index to use, the
  page's translations for the switcher (relative links), the interface words and, on a
  translated page whose source page changed since it was reviewed (:mod:`digest.tracking`),
  the notice to show above it.
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
from mkdocs.utils import get_relative_url

from ..messages import STALE_LINK, STALE_NOTICE
from ..pipeline import Pipeline, pipeline_for
from ..problems import InputError
from ..progress import build_report, publishable
from ..render import ShortcodeExtension, bytecode_cache
from ..shortcodes import PageContext
from ..allowlist import check_page_once
from .sitemap import input_dates, sitemap_xml
from .ui import alternates, language_prefix, not_found_context, ui_strings
from ..translate import Translator
from . import derive
from ..tracking import page_states, state_of

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
        self.preview_language: str | None = None  # set by `digest serve --lang`: build only this language
        self.previewing = False  # set by `digest serve`: build every language, published or not

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
        return getattr(i18n, "current_language", None) or self._root_language(config)

    def _root_language(self, config: MkDocsConfig) -> str:
        """The language built at the site root: the default one, or the one a preview shows."""
        i18n = config.plugins.get("i18n")
        return getattr(i18n, "default_language", None) or self.pipeline.default_language

    def _built_languages(self, config: MkDocsConfig) -> list[str]:
        i18n = config.plugins.get("i18n")
        built = getattr(i18n, "build_languages", None)
        return [code for code in self.pipeline.languages if built is None or code in built]

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
        only = [self.preview_language] if self.preview_language else None
        try:
            pipeline = pipeline_for(root, root / self.config.cache_dir, self.config.workers, languages=only)
        except InputError as err:
            raise PluginError(_message(err)) from None
        if pipeline is not self._pipeline:
            log.info(pipeline.summary)
        self._pipeline = pipeline
        self._apply_declaration(config, pipeline)
        if self.preview_language:
            _build_only(config, self.preview_language)
        elif not self.previewing:
            self._hold_back_unpublished(config)
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

    def _hold_back_unpublished(self, config: MkDocsConfig) -> None:
        """Leave out of this build every language below its ``publish_threshold``."""
        i18n = config.plugins.get("i18n")
        if i18n is None:
            return
        pipeline = self.pipeline
        report = build_report(pipeline.inputs.config, pipeline.inputs.status.languages,
                              page_states(pipeline.root, pipeline.languages, pipeline.default_language))
        published = set(publishable(report))
        for lang in i18n.config.languages:
            if lang.locale in pipeline.languages and lang.locale not in published and lang.build:
                lang.build = False
                share = next(p.share for p in report.languages if p.code == lang.locale)
                log.info(f"language {lang.locale!r} is held back: {share:.0%} translated and current, "
                            f"below its publish_threshold (see `digest i18n status`)")

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
        """Count the language passes (on_config has run the pipeline and derived the settings)."""
        if not self.config.enabled:
            return
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
            _refuse_unpublishable(check_page_once(output, f"content/{page.file.src_uri}", self._published_cache(config)))
        return output

    def on_post_template(self, output_content: str, template_name: str, config: MkDocsConfig) -> str:
        if self.config.enabled and template_name.endswith(".html"):  # 404.html: from the theme, not a page
            _refuse_unpublishable(check_page_once(output_content, template_name, self._published_cache(config),
                                                  style_element=template_name == "404.html"))
        return output_content

    def _published_cache(self, config: MkDocsConfig) -> Path:
        """Markers of pages the HTML allowlist already passed (see :func:`digest.allowlist.check_page_once`)."""
        return self._root(config) / self.config.cache_dir / "allowlist"

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str | None:
        if self.config.enabled:
            add_generated_headings(page, html)
        return html

    def on_page_context(self, context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any) -> dict[str, Any]:
        if self.config.enabled:
            lang = self._language(config)
            config_ = self.pipeline.inputs.config
            context["digest_lang_prefix"] = "" if lang == self._root_language(config) else language_prefix(config_, lang)
            context["digest_alternates"] = alternates(config_, lang, page.url)
            context["digest_ui"] = ui_strings(self.pipeline.inputs.translators[lang])
            context["digest_stale"] = self._stale_notice(config, page, lang)
        return context

    def _stale_notice(self, config: MkDocsConfig, page: Page, lang: str) -> dict[str, str | None] | None:
        """Text and link of the notice on a translated page whose source page changed since it was reviewed."""
        pipeline = self.pipeline
        source = pipeline.default_language
        path = _page_path(page.file.src_uri, pipeline.languages)
        state = state_of(pipeline.root, lang, path, source)
        if state is None or not state.stale:
            return None
        translator = pipeline.inputs.translators[lang]
        name = pipeline.inputs.config.language(source).name
        target = _page_url(path, config.use_directory_urls)
        if source in self._built_languages(config) and source == self._root_language(config):
            link = get_relative_url(target or ".", page.url or ".")
        elif pipeline.inputs.config.site_url:  # a one-language preview: the source page is on the published site
            link = pipeline.inputs.config.site_url + target
        else:  # ... or, with no published address (a local preview), nowhere to link to: the notice stays
            link = None
        return {"text": translator.text(STALE_NOTICE).value.format(language=name),
                "link": link, "link_text": translator.text(STALE_LINK).value.format(language=name),
                "source_lang": pipeline.inputs.config.html_lang_of(source)}  # the locale's language, not the folder code

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
        root_language = self._root_language(config)
        self.pipeline.write_language_files(site_dir, lang, at_root=lang == root_language)
        if not self._passes:  # the outermost pass ends last, when every language is written
            split_search_index(site_dir, self._built_languages(config), root_language)
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


def _page_url(path: str, directory_urls: bool) -> str:
    """The URL of a page relative to its language's root: topics/x.md → topics/x/, index.md → ''."""
    stem = path[:-3] if path.endswith(".md") else path
    if not directory_urls:
        return stem + ".html"
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


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



def _build_only(config: MkDocsConfig, code: str) -> None:
    """A one-language preview: only ``code`` is built, at the root (mkdocs-static-i18n's ``build_only_locale``)."""
    i18n = config.plugins.get("i18n")
    if i18n is None:
        return
    locales = [lang.locale for lang in i18n.config.languages]
    if code not in locales:
        raise PluginError(f"digest serve: no language {code!r}; expected one of: {', '.join(locales)}")
    for lang in i18n.config.languages:
        lang.default = lang.build = lang.locale == code
    i18n.config.build_only_locale = code
